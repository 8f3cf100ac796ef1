"""What a person does in the browser, step by step, and what the database says afterwards."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy import select

from samvard.core.audit import AuditEntry
from samvard.core.db import make_engine
from samvard.demo.personas import CitizenPersona, StaffPersona
from samvard.identity.models import Person

MIN_SCREENSHOT_BYTES = 10_000
TIMEOUT_MS = 10_000
"""Playwright's default wait for each action and expectation, in milliseconds."""


@dataclass(frozen=True)
class LiveServer:
    """A running Samvård on loopback, over a private demo world (see conftest.live_server)."""

    base_url: str
    database_url: str
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path


def path_is(path: str) -> re.Pattern[str]:
    """Matches a page URL whose path (and query, if given) is exactly `path`."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"$")


def login_citizen(page: Page, persona: CitizenPersona) -> None:
    """Through the test e-ID, as a person would: pick the persona, press "Logga in"."""
    page.goto("/login/test")
    choice = page.locator(f'input[name="personnummer"][value="{persona.person_id}"]')
    choice.check()
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page).to_have_url(path_is("/mina-sidor"))


def login_staff(page: Page, persona: StaffPersona, unit_hsa_id: str) -> None:
    """Through the staff test login, then choose the assignment at `unit_hsa_id`."""
    page.goto("/personal/login/test")
    page.locator(f'input[name="hsa_id"][value="{persona.hsa_id}"]').check()
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page).to_have_url(path_is("/personal/enhet"))
    page.locator(f'input[name="assignment_id"][data-unit="{unit_hsa_id}"]').check()
    page.get_by_role("button", name="Fortsätt").click()
    expect(page).to_have_url(path_is("/personal"))


def access_log_rows(page: Page) -> list[dict[str, str]]:
    """The rows of "Vem har läst om mig?" as {column header: cell text}."""
    table = page.locator("main table")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    rows = []
    for row in table.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        rows.append(dict(zip(headers, cells, strict=True)))
    return rows


def shown_total(page: Page) -> int:
    """The "N registrerade åtkomster." count on the access log page."""
    text = page.locator("main").get_by_text("registrerade åtkomster").inner_text()
    match = re.search(r"(\d+)", text)
    assert match, text
    return int(match.group(1))


def accesses_by_others(database_url: str, person_id: str) -> list[tuple[str, str]]:
    """(actor kind, actor id) of each logged access to `person_id` by others, newest first."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            query = (
                select(AuditEntry.actor_kind, AuditEntry.actor_id)
                .where(AuditEntry.patient_id == person_id, AuditEntry.actor_id != person_id)
                .order_by(AuditEntry.seq.desc())
            )
            return [(kind, actor) for kind, actor in conn.execute(query)]
    finally:
        engine.dispose()


def person_pk(database_url: str, person_id: str) -> int:
    """The database id of a person (the number in /personal/patient/<id>)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            pk = conn.scalar(select(Person.id).where(Person.person_id == person_id))
    finally:
        engine.dispose()
    assert pk is not None, f"{person_id} is not in the demo world"
    return int(pk)


def screenshot(page: Page, path: Path, **options: Any) -> Path:
    """A full-page PNG at `path`; asserts it was written and is not trivially small."""
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True, **options)
    assert path.is_file(), f"no screenshot at {path}"
    size = path.stat().st_size
    assert size > MIN_SCREENSHOT_BYTES, f"{path} is only {size} bytes"
    return path


def has_horizontal_overflow(page: Page) -> bool:
    """True when the document is wider than the viewport (the page scrolls sideways)."""
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
        )
    )
