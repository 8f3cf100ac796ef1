"""The events the assessment and contact actions record are the ones the follow-up counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.assessment import actions
from samvard.assessment.models import Assessment
from samvard.assessment.next_step import contact_care
from samvard.assessment.queries import current
from samvard.contacts import actions as contacts
from samvard.contacts.models import Contact, Slot, SlotKind
from samvard.demo import personas
from samvard.followup.periods import bounds
from samvard.followup.queries import get_dashboard, list_events
from samvard.followup.stats import group, resolved_digitally, tally
from tests.support.actors import citizen_actor, person_by_id, staff_actor

# A Wednesday morning in March 2026, when every default channel in Stockholm is open, and
# months before the demo's synthetic events begin.
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
MARCH = date(2026, 3, 1)


def assess(session: Session, person_id: str, complaint: str, answers: dict[str, str]) -> Assessment:
    """A citizen's own assessment, answered through the actions ("no" unless given)."""
    person = person_by_id(session, person_id)
    actor = citizen_actor(person)
    assessment = actions.start(session, actor=actor, subject_person=person, now=NOW)
    actions.choose_complaint(
        session, actor=actor, assessment=assessment, complaint_id=complaint, now=NOW
    )
    evaluation = current(session, assessment)
    while evaluation is not None and evaluation.question is not None:
        question = evaluation.question.id
        evaluation = actions.answer(
            session,
            actor=actor,
            assessment=assessment,
            question_id=question,
            value=answers.get(question, "no"),
            expected_version=assessment.version,
            now=NOW,
        )
    return assessment


def handle(session: Session, contact: Contact, *, book: bool) -> None:
    """The nurse takes the contact, answers after 12 minutes, maybe books, and closes."""
    nurse = staff_actor(session, personas.NURSE)
    contacts.claim(session, actor=nurse, contact=contact, now=NOW + timedelta(minutes=5))
    later = NOW + timedelta(minutes=12)
    contacts.post_message(session, actor=nurse, contact=contact, body="Hej!", now=later)
    if book:
        slot = session.scalars(
            select(Slot).where(
                Slot.unit_id == contact.unit_id,
                Slot.kind == SlotKind.PHYSICAL,
                Slot.booked_contact_id.is_(None),
            )
        ).first()
        assert slot is not None
        contacts.book_slot(session, actor=nurse, contact=contact, slot=slot, now=later)
    contacts.close(session, actor=nurse, contact=contact, advice="Vila.", now=later)


@pytest.mark.db
def test_a_real_flow_is_counted_as_it_happened(world_session: Session) -> None:
    session = world_session
    # Sara: a cold, self-care advice, then the nurse chat anyway; closed with advice only.
    sara = assess(session, personas.CITIZEN.person_id, "common_cold", {"cc_days": "72"})
    sara_person = person_by_id(session, personas.CITIZEN.person_id)
    chat = contact_care(
        session, actor=citizen_actor(sara_person), assessment=sara, escalate=True, now=NOW
    )
    handle(session, chat, book=False)
    # Ingrid: a cold with high fever, care today; the nurse books a visit at the unit.
    ingrid = assess(
        session, personas.ELDER.person_id, "common_cold", {"cc_days": "72", "cc_high_fever": "yes"}
    )
    ingrid_person = person_by_id(session, personas.ELDER.person_id)
    visit = contact_care(session, actor=citizen_actor(ingrid_person), assessment=ingrid, now=NOW)
    handle(session, visit, book=True)
    # A third who gives up before choosing what the trouble is.
    person = person_by_id(session, personas.PROTECTED_CITIZEN.person_id)
    actions.start(session, actor=citizen_actor(person), subject_person=person, now=NOW)
    session.flush()

    since, until = bounds(MARCH, MARCH)
    events = group(list_events(session, region_code="01", since=since, until=until))
    assert resolved_digitally(events[sara.ref]) and not resolved_digitally(events[ingrid.ref])
    counts = tally(events.values())
    assert counts.started == 3 and counts.stopped_at["started"] == 1
    assert (counts.with_outcome, counts.self_care) == (2, 1)
    assert (counts.completed, counts.digital) == (2, 1)
    assert counts.urgency == {"self_care": 1, "urgent": 1}
    assert counts.channels == {"nurse_chat": 2}
    assert counts.waits_minutes == [12.0, 12.0]
    # On the page all of these are below five, so none of them is shown.
    names = {"01": "Region Stockholm"}
    page = get_dashboard(session, region_code="01", first=MARCH, last=MARCH, region_names=names)
    assert page.total.started.text == "<5" and page.total.self_care.share is None
