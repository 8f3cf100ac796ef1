"""First-line care in the browser: 112 for a red flag, self-care then the nurse chat, the queue.

Routing depends on the time of day, so the module first publishes, through the routing
action, a configuration for Region Stockholm whose care channels are open around the
clock and without a queue limit. The tests then pass at any hour.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from samvard.core.db import make_engine
from samvard.demo import personas
from samvard.demo.personas import CitizenPersona
from samvard.routing.actions import publish
from samvard.routing.queries import get_active_config, get_active_version
from samvard.routing.schemas import WEEKDAYS
from tests.browser.flows import (
    MIN_SCREENSHOT_BYTES,
    LiveServer,
    login_citizen,
    login_staff,
    path_is,
)
from tests.support.actors import staff_actor

pytestmark = pytest.mark.browser

REGION = "01"
ALL_DAY = {day: ["00:00-24:00"] for day in WEEKDAYS}
RED_FLAG = {"cp_pressure": "yes", "cp_radiating": "yes"}
MILD_COLD = {"cc_days": "3"}
COLD_WITH_FEVER = {"cc_days": "3", "cc_high_fever": "yes"}


@pytest.fixture(scope="module", autouse=True)
def _open_around_the_clock(live_server: LiveServer) -> None:
    """Publish the region's routing with every care channel open at all hours."""
    engine = make_engine(live_server.database_url)
    with Session(engine) as session, session.begin():
        active = get_active_config(session, REGION)
        row = get_active_version(session, REGION)
        assert active is not None
        channels = [
            c.model_copy(update={"hours": ALL_DAY, "capacity": None}) if c.kind.is_care else c
            for c in active.channels
        ]
        config = active.model_copy(
            update={"channels": channels, "version": (row.version if row else 0) + 1}
        )
        admin = staff_actor(session, personas.ADMINISTRATOR)
        publish(session, actor=admin, region_code=REGION, config=config.model_dump(mode="json"))
    engine.dispose()


def start_assessment(page: Page, citizen: CitizenPersona, search: str, complaint: str) -> None:
    """Log in, start an assessment for oneself, find the complaint by free text."""
    login_citizen(page, citizen)
    page.goto("/mina-sidor/bedomning")
    page.get_by_role("button", name="För mig själv").click()
    page.get_by_label("Beskriv med egna ord").fill(search)
    page.get_by_role("button", name="Sök", exact=True).click()
    page.locator("#h-found + ul").get_by_role("button", name=complaint).click()


def answer_questions(page: Page, answers: dict[str, str], default: str = "no") -> list[str]:
    """Answer one question per page until the outcome; the question ids in order."""
    asked: list[str] = []
    while not page.url.endswith("/resultat"):
        question = page.locator('input[name="fraga"]').get_attribute("value")
        assert question is not None and question not in asked, f"stuck at {question}"
        asked.append(question)
        value = answers.get(question, default)
        radio = page.locator(f'input[name="svar"][value="{value}"]')
        if radio.count():
            radio.check()
        else:
            page.locator("#s-tal").fill(value)
        with page.expect_navigation():
            page.get_by_role("button", name="Nästa").click()
    return asked


def shoot(page: Page, artifacts: Path, name: str) -> None:
    path = artifacts / f"triage-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > MIN_SCREENSHOT_BYTES


def test_chest_pain_with_a_red_flag_is_told_to_call_112(page: Page, artifacts: Path) -> None:
    start_assessment(page, personas.CITIZEN, "ont i bröstet", "Ont i bröstet")
    asked = answer_questions(page, RED_FLAG)
    # The five general red flags, then the pressure and where it radiates: no more.
    assert len(asked) <= 8 and asked[-2:] == ["cp_pressure", "cp_radiating"]
    call = page.get_by_role("link", name="Ring 112 nu")
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:112")
    expect(page.locator("#h-verdict")).to_be_visible()
    shoot(page, artifacts, "112")


CONTACT_PAGE = re.compile(r"/mina-sidor/kontakter/([A-Za-z0-9_-]+)$")
NewPage = Callable[..., Page]


def contact_ref(page: Page) -> str:
    """The reference of the citizen's contact page that is open."""
    expect(page).to_have_url(CONTACT_PAGE)
    match = CONTACT_PAGE.search(page.url)
    assert match is not None
    return match.group(1)


def test_cold_self_care_then_the_nurse_chat(page: Page, new_page: NewPage, artifacts: Path) -> None:
    # Sara has a cold: self-care advice, and she asks to talk to a nurse anyway.
    start_assessment(page, personas.CITIZEN, "förkyld", "Förkylning")
    answer_questions(page, MILD_COLD)
    expect(page.locator("#h-advice")).to_be_visible()
    expect(page.locator(".verdict")).to_contain_text("Egenvård")
    expect(page.locator(".next-step")).to_be_visible()
    shoot(page, artifacts, "self-care")
    page.get_by_role("button", name="Jag vill ändå kontakta vården").click()
    sara = contact_ref(page)
    expect(page.locator("#chatt")).to_be_visible()

    # Ingrid, later, with a cold and high fever: urgent, so she goes first in the queue.
    ingrid = new_page(viewport={"width": 390, "height": 844})
    start_assessment(ingrid, personas.ELDER, "förkyld", "Förkylning")
    answer_questions(ingrid, COLD_WITH_FEVER)
    ingrid.get_by_role("button", name="Kontakta vården").click()
    contact_ref(ingrid)

    # The nurse sees the queue in urgency order, takes Sara's contact and answers.
    nurse = new_page(viewport={"width": 1280, "height": 900})
    login_staff(nurse, personas.NURSE, personas.VARDCENTRAL_UNIT)
    nurse.goto("/personal/kontakter")
    rows = nurse.locator("table.contact-queue tbody tr")
    names = [text.strip() for text in rows.locator("td:nth-child(2) a").all_inner_texts()]
    assert names.index("Ingrid Holm") < names.index("Sara Lindqvist"), names
    shoot(nurse, artifacts, "nurse-queue")
    nurse.goto(f"/personal/kontakter/{sara}")
    nurse.get_by_role("button", name="Ta ärendet").click()
    reply = "Hej Sara! Vila och drick mycket. Hör av dig om du får svårt att andas."
    nurse.locator("#body").fill(reply)
    nurse.get_by_role("button", name="Skicka").click()
    expect(nurse.locator(".chat-log")).to_contain_text(reply)

    # Sara's page has been open all along: the answer arrives live (Server-Sent Events).
    expect(page.locator(".chat-log")).to_contain_text(reply)
    # And it is stored: it is there after a reload too.
    page.reload()
    expect(page.locator(".chat-log")).to_contain_text(reply)
    shoot(page, artifacts, "citizen-chat")


def test_the_follow_up_counts_the_assessments(new_page: NewPage, artifacts: Path) -> None:
    planner = new_page(viewport={"width": 1280, "height": 900})
    login_staff(planner, personas.PLANNER, personas.VARDCENTRAL_UNIT)
    planner.get_by_role("link", name="Uppföljning").click()
    expect(planner).to_have_url(path_is("/personal/uppfoljning"))
    expect(
        planner.get_by_role("table", name="Bedömningar med utfall per brådskandegrad")
    ).to_be_visible()
    planner.get_by_label("Område").select_option(REGION)
    planner.get_by_role("button", name="Visa").click()
    expect(planner.locator("h2").first).to_contain_text("Region Stockholm")
    shoot(planner, artifacts, "followup")
