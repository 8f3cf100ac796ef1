"""Staff in a real browser, and what the citizen then sees: the nurse's read is in the log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from samvard.demo.personas import CITIZEN, NURSE, VARDCENTRAL_UNIT
from tests.browser.flows import (
    LiveServer,
    access_log_rows,
    accesses_by_others,
    login_citizen,
    path_is,
    person_pk,
    screenshot,
    shown_total,
)

pytestmark = pytest.mark.browser


def test_nurse_opens_patient_and_the_citizen_sees_it(
    page: Page, new_page: Callable[..., Page], live_server: LiveServer, artifacts: Path
) -> None:
    before = accesses_by_others(live_server.database_url, CITIZEN.person_id)

    # Staff test login as the nurse.
    page.goto("/personal/login")
    page.get_by_role("link", name="Testinloggning för personal (endast för test)").click()
    expect(page).to_have_url(path_is("/personal/login/test"))
    page.get_by_role("radio", name=f"{NURSE.given_name} {NURSE.family_name}", exact=False).check()
    page.get_by_role("button", name="Logga in", exact=True).click()

    # Choose the vårdcentral assignment.
    expect(page).to_have_url(path_is("/personal/enhet"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj enhet")
    expect(page.get_by_role("group", name="Vilken enhet arbetar du på nu?")).to_contain_text(
        "Vårdcentralen Stockholm Centrum – Region Stockholm (vårdpersonal)"
    )
    page.locator(f'input[name="assignment_id"][data-unit="{VARDCENTRAL_UNIT}"]').check()
    page.get_by_role("button", name="Fortsätt").click()

    # The unit's patient list, and the citizen in it.
    expect(page).to_have_url(path_is("/personal"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vårdcentralen Stockholm Centrum")
    expect(page.get_by_role("banner")).to_contain_text("Karin Sjöberg")
    expect(page.get_by_role("heading", name="Patienter med pågående kontakt")).to_be_visible()
    patients = page.get_by_role("main").get_by_role("listitem")
    assert patients.count() > 1
    page.get_by_role("link", name="Sara Lindqvist", exact=True).click()

    expect(page).to_have_url(
        path_is(f"/personal/patient/{person_pk(live_server.database_url, CITIZEN.person_id)}")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Sara Lindqvist")
    pnr = CITIZEN.person_id
    expect(page.get_by_role("main")).to_contain_text(f"{pnr[:8]}-{pnr[8:]}")
    expect(page.get_by_role("main")).to_contain_text("Din åtkomst är loggad.")
    screenshot(page, artifacts / "staff-patient.png")

    # The reads were logged, by the nurse.
    after = accesses_by_others(live_server.database_url, CITIZEN.person_id)
    # Two new entries: Sara's name on the unit's patient list, then her page.
    assert len(after) == len(before) + 2
    assert after[:2] == [("staff", NURSE.hsa_id)] * 2

    # The citizen, in a browser context of her own, sees it first in "Vem har läst om mig?".
    citizen = new_page(viewport={"width": 1280, "height": 900})
    login_citizen(citizen, CITIZEN)
    citizen.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Vem har läst om mig?"
    ).click()
    expect(citizen).to_have_url(path_is("/mina-sidor/vem-har-last"))
    assert shown_total(citizen) == len(after)
    newest = access_log_rows(citizen)[0]
    assert newest["Vem"] == "Karin Sjöberg", newest
    assert newest["Enhet"] == "Vårdcentralen Stockholm Centrum", newest
    assert newest["Vårdgivare"] == "Region Stockholm", newest
    assert newest["Vad"].startswith("Läste"), newest
