"""A citizen in a real browser: log in with the test e-ID, see who has read about them, log out."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from samvard.demo.personas import CITIZEN, STAFF
from tests.browser.flows import (
    LiveServer,
    access_log_rows,
    accesses_by_others,
    has_horizontal_overflow,
    path_is,
    screenshot,
    shown_total,
)

pytestmark = pytest.mark.browser

STAFF_NAMES = {f"{s.given_name} {s.family_name}" for s in STAFF}
PHONE: ViewportSize = {"width": 390, "height": 844}


def test_citizen_logs_in_reads_who_has_read_and_logs_out(
    page: Page, new_page: Callable[..., Page], live_server: LiveServer, artifacts: Path
) -> None:
    # Start page → citizen login → test e-ID.
    page.goto("/")
    expect(page).to_have_title("Välkommen – Samvård")
    page.get_by_role("link", name="Logga in som invånare").click()
    expect(page).to_have_url(path_is("/login"))
    page.get_by_role("link", name=re.compile(r"^Test-e-legitimation")).click()
    expect(page).to_have_url(path_is("/login/test"))

    # The first test person is pre-selected, and it is the CITIZEN persona (Sara Lindqvist).
    first = page.locator('input[name="personnummer"]').first
    expect(first).to_be_checked()
    expect(first).to_have_value(CITIZEN.person_id)
    sara = page.get_by_role("radio", name=re.compile(r"^Sara Lindqvist"))
    expect(sara).to_be_checked()
    sara.check()
    page.get_by_role("button", name="Logga in", exact=True).click()

    # Mina sidor.
    expect(page).to_have_url(path_is("/mina-sidor"))
    expect(page).to_have_title("Mina sidor – Samvård")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Sara!")
    expect(page.get_by_role("banner")).to_contain_text("Sara Lindqvist")
    page.get_by_role("main").get_by_role("link", name="Vem har läst om mig?").click()

    # Vem har läst om mig? – every access by others, as in the audit log.
    expect(page).to_have_url(path_is("/mina-sidor/vem-har-last"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vem har läst om mig?")
    logged = accesses_by_others(live_server.database_url, CITIZEN.person_id)
    assert any(kind == "staff" for kind, _ in logged), "the demo history has staff accesses"
    assert shown_total(page) == len(logged)
    rows = access_log_rows(page)
    assert len(rows) == min(len(logged), 25)
    assert list(rows[0]) == ["Tid", "Vem", "Enhet", "Vårdgivare", "Vad", "Varför"]
    by_staff = [r for r in rows if r["Vem"] in STAFF_NAMES]
    assert by_staff, f"no access by a named member of staff in {rows}"
    for row in by_staff:
        assert row["Enhet"] not in {"", "–"}, row
        assert row["Vårdgivare"] not in {"", "–"}, row
        assert _plain_language(row["Varför"]), row
    nurse_reads = [r for r in by_staff if r["Vem"] == "Karin Sjöberg"]
    assert nurse_reads, rows
    assert nurse_reads[0]["Enhet"] == "Vårdcentralen Stockholm Centrum"
    assert nurse_reads[0]["Vårdgivare"] == "Region Stockholm"
    screenshot(page, artifacts / "citizen-access-log.png")

    # The same page on a phone: readable without sideways scrolling of the page itself.
    phone = new_page(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        storage_state=page.context.storage_state(),
    )
    phone.goto("/mina-sidor/vem-har-last")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Vem har läst om mig?")
    assert not has_horizontal_overflow(phone), _widths(phone)
    screenshot(phone, artifacts / "citizen-access-log-mobile.png")

    # Log out: the session ends on the server, for every tab that shared it.
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(path_is("/?utloggad=1"))
    expect(page.get_by_role("status")).to_have_text("Du är utloggad.")
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    for browser_page in (page, phone):
        browser_page.goto("/mina-sidor")
        expect(browser_page).to_have_url(path_is("/login?meddelande=login_required"))
        expect(browser_page.get_by_role("heading", level=1)).to_have_text("Logga in som invånare")
        expect(browser_page.get_by_role("status")).to_have_text("Logga in för att fortsätta.")


def _plain_language(reason: str) -> bool:
    """A Swedish sentence, not a reason code such as `no_relation` or `audit.review`."""
    return bool(re.fullmatch(r"[A-ZÅÄÖ][^_{}<>]*[.!]", reason)) and " " in reason


def _widths(page: Page) -> dict[str, int]:
    return page.evaluate(  # type: ignore[no-any-return]
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
