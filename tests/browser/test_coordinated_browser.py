"""Coordinated care in a real browser: the municipal nurse reads the health centre's
medication list with the patient's consent; the patient blocks the health centre; the
nurse then sees only that blocked information exists; the patient sees both accesses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Locator, Page, expect

from samvard.demo.personas import CARE_STAFF, ELDER, HOME_CARE_UNIT, NURSE, VARDCENTRAL_UNIT
from tests.browser.flows import (
    LiveServer,
    access_log_rows,
    login_citizen,
    login_staff,
    path_is,
    person_pk,
    screenshot,
)

pytestmark = pytest.mark.browser

NURSE_NAME = f"{CARE_STAFF.given_name} {CARE_STAFF.family_name}"
HEALTH_CENTRE_GIVER = "Region Stockholm"


def _sources(page: Page) -> Locator:
    return page.get_by_role("list", name="Källor").get_by_role("listitem")


def _open_medications(page: Page, pk: int) -> None:
    """From the unit's patient list to the patient's coordinated medication list."""
    page.goto("/personal")
    page.get_by_role("link", name=f"{ELDER.given_name} {ELDER.family_name}", exact=True).click()
    expect(page).to_have_url(path_is(f"/personal/patient/{pk}"))
    page.get_by_role("link", name="Sammanhållen dokumentation", exact=True).click()
    expect(page).to_have_url(path_is(f"/personal/patient/{pk}/sammanhallen"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Sammanhållen dokumentation: {ELDER.given_name} {ELDER.family_name}"
    )
    tab = page.get_by_role("navigation", name="Informationsmängder").get_by_role(
        "link", name="Läkemedel"
    )
    expect(tab).to_have_attribute("aria-current", "page")


def test_nurse_reads_with_consent_then_the_patient_blocks_and_sees_both(
    page: Page, new_page: Callable[..., Page], live_server: LiveServer, artifacts: Path
) -> None:
    pk = person_pk(live_server.database_url, ELDER.person_id)

    # The municipal nurse, with Ingrid's consent, sees the health centre's medications.
    login_staff(page, CARE_STAFF, HOME_CARE_UNIT)
    _open_medications(page, pk)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Ingenting sparas hos oss.")
    sources = _sources(page)
    expect(sources).to_have_count(1)
    for line in sources.all():  # every source has a status, none shown as "no information"
        expect(line.locator(".badge")).to_be_visible()
    region = sources.filter(has_text=HEALTH_CENTRE_GIVER)
    expect(region).to_contain_text("Svarade")
    entries = page.get_by_role("list", name="Uppgifter").get_by_role("listitem")
    expect(entries.first).to_be_visible()
    assert entries.count() >= 4
    expect(main).to_contain_text("Metformin 500 mg tablett")
    expect(main).to_contain_text("Vårdcentralen Stockholm Centrum")
    screenshot(page, artifacts / "coordinated-consent.png")

    # Ingrid blocks the health centre's care giver on her own pages.
    patient = new_page(viewport={"width": 1280, "height": 900})
    login_citizen(patient, ELDER)
    patient.goto("/mina-sidor/sparrar")
    expect(patient.get_by_role("heading", level=1)).to_have_text("Mina spärrar")
    patient.get_by_role("link", name=f"Spärra allt hos {HEALTH_CENTRE_GIVER}").click()
    expect(patient.get_by_role("heading", level=1)).to_have_text(f"Spärra {HEALTH_CENTRE_GIVER}?")
    patient.get_by_role("button", name=f"Ja, spärra {HEALTH_CENTRE_GIVER}").click()
    expect(patient).to_have_url(path_is("/mina-sidor/sparrar?klart=sparr"))
    screenshot(patient, artifacts / "coordinated-block.png")

    # The nurse asks again: only that blocked information exists, and where.
    page.reload()
    region = _sources(page).filter(has_text=HEALTH_CENTRE_GIVER)
    expect(region).to_contain_text("Spärrad information finns")
    expect(region).to_contain_text("Innehållet visas inte.")
    expect(page.get_by_role("main")).not_to_contain_text("Metformin")
    expect(page.get_by_role("heading", name="Uppgifter (0)")).to_be_visible()
    screenshot(page, artifacts / "coordinated-blocked.png")

    # Ingrid sees both accesses in "Vem har läst om mig?": read with consent, then refused.
    patient.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Vem har läst om mig?"
    ).click()
    expect(patient).to_have_url(path_is("/mina-sidor/vem-har-last"))
    rows = [
        row
        for row in access_log_rows(patient)
        if row["Vem"] == NURSE_NAME and "dina läkemedel" in row["Vad"]
    ]
    assert len(rows) >= 2, rows
    blocked, consented = rows[0], rows[1]  # newest first
    assert f"från {HEALTH_CENTRE_GIVER}" in blocked["Vad"]
    assert "spärrat" in blocked["Varför"]
    assert f"från {HEALTH_CENTRE_GIVER}" in consented["Vad"]
    assert "samtyckt" in consented["Varför"]
    screenshot(patient, artifacts / "coordinated-access-log.png")


def test_without_consent_the_clinician_opens_emergency_access(
    page: Page, live_server: LiveServer, artifacts: Path
) -> None:
    pk = person_pk(live_server.database_url, ELDER.person_id)
    login_staff(page, NURSE, VARDCENTRAL_UNIT)
    page.goto(f"/personal/patient/{pk}/sammanhallen?mangd=social_care")
    municipality = _sources(page).filter(has_text="Socialnämnden i Stockholms kommun")
    expect(municipality).to_contain_text("Nekad")
    expect(page.get_by_role("heading", name="Patienten har inte samtyckt")).to_be_visible()
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    violations = Axe().run(page, options=options).response["violations"]
    assert not violations, [v["id"] for v in violations]
    screenshot(page, artifacts / "coordinated-offer.png")

    # A reason too short is refused in Swedish, with the text kept.
    reason = page.get_by_label("Skäl till nödåtkomst")
    reason.fill("akut")
    page.get_by_role("button", name="Öppna nödåtkomst").click()
    expect(page.get_by_role("alert")).to_contain_text("minst tio tecken")
    expect(page.get_by_label("Skäl till nödåtkomst")).to_have_value("akut")
    page.get_by_label("Skäl till nödåtkomst").fill("Medvetslös på mottagningen, insatserna behövs.")
    page.get_by_role("button", name="Öppna nödåtkomst").click()

    expect(page.get_by_role("main")).to_contain_text("du har nödåtkomst till patientens uppgifter")
    expect(municipality).to_contain_text("Svarade")
    expect(page.get_by_role("main")).to_contain_text("Hemtjänst: personlig omvårdnad")
    expect(page.get_by_role("main")).not_to_contain_text("Stödsamtal")
    screenshot(page, artifacts / "coordinated-emergency.png")
