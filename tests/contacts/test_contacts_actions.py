"""Opening, claiming, chatting, booking and closing contacts, through the policy hook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied
from samvard.access.models import CareRelation
from samvard.contacts import actions, queries
from samvard.contacts.chat import mark_read
from samvard.contacts.models import ChatMessage, ContactStatus, SenderKind, Slot, SlotKind
from samvard.contacts.schemas import ContactError
from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.followup.models import EventKind, FollowupEvent
from samvard.routing.schemas import Channel, ChannelKind
from tests.contacts.helpers import assessment, decision, open_for
from tests.support.actors import citizen_actor, person_by_id, staff_actor, unit_by_hsaid

pytestmark = pytest.mark.db


def _nurse(session: Session):  # type: ignore[no-untyped-def]
    return staff_actor(session, personas.NURSE)


def test_open_contact_is_idempotent_and_grounds_the_units_access(world_session: Session) -> None:
    elias = person_by_id(world_session, personas.CHILD.person_id)
    sara = person_by_id(world_session, personas.CITIZEN.person_id)
    case = assessment(world_session, elias, urgency="urgent", started_by=sara)
    actor = citizen_actor(sara)  # the guardian opens the child's contact
    first = actions.open_contact(world_session, actor=actor, assessment=case, decision=decision())
    again = actions.open_contact(world_session, actor=actor, assessment=case, decision=decision())
    assert again.id == first.id
    assert first.status is ContactStatus.WAITING and first.urgency_rank == 1
    messages = queries.list_messages(world_session, first.id)
    assert [m.sender_kind for m in messages] == [SenderKind.SYSTEM]
    unit = unit_by_hsaid(world_session, personas.VARDCENTRAL_UNIT)
    relations = world_session.scalar(
        select(func.count()).where(
            CareRelation.person_id == elias.id,
            CareRelation.unit_id == unit.id,
            CareRelation.ended_at.is_(None),
        )
    )
    assert relations == 1


def test_a_stranger_cannot_open_someone_elses_contact(world_session: Session) -> None:
    elder = person_by_id(world_session, personas.ELDER.person_id)
    sara = person_by_id(world_session, personas.CITIZEN.person_id)
    with pytest.raises(AccessDenied):
        open_for(world_session, elder, actor_person=sara)


def test_a_contact_needs_a_care_channel(world_session: Session) -> None:
    sara = person_by_id(world_session, personas.CITIZEN.person_id)
    self_care = decision(Channel(id="egenvard", kind=ChannelKind.SELF_CARE, name="Egenvård"))
    with pytest.raises(ContactError) as error:
        actions.open_contact(
            world_session,
            actor=citizen_actor(sara),
            assessment=assessment(world_session, sara),
            decision=self_care,
        )
    assert error.value.code == "no_care_channel"


def test_queue_is_ordered_by_urgency_then_waiting_time(world_session: Session) -> None:
    unit = unit_by_hsaid(world_session, personas.VARDCENTRAL_UNIT)
    sara = person_by_id(world_session, personas.CITIZEN.person_id)
    start = datetime(2026, 11, 24, 8, tzinfo=UTC)
    opened = [
        open_for(world_session, sara, urgency=urgency, now=start + timedelta(minutes=minute))
        for urgency, minute in [
            ("non_urgent", 0),
            ("urgent", 5),
            ("emergency", 9),
            ("urgent", 1),
            ("self_care", 2),
        ]
    ]
    rows = queries.list_queue(world_session, actor=_nurse(world_session), unit=unit)
    mine = [row for row in rows if row.contact.id in {c.id for c in opened}]
    keys = [(row.contact.urgency_rank, row.contact.created_at) for row in mine]
    assert keys == sorted(keys)
    assert [row.contact.urgency_rank for row in mine] == [0, 1, 1, 2, 3]
    assert all(row.waiting > timedelta(0) for row in mine)
    assert queries.place_in_queue(world_session, mine[1].contact) == (
        [row.contact.id for row in rows].index(mine[1].contact.id) + 1
    )
    assert queries.queue_lengths(world_session, "01")["sjukskoterskechatt"] >= 5


def test_claim_chat_book_and_close(world_session: Session) -> None:
    sara = person_by_id(world_session, personas.CITIZEN.person_id)
    nurse = _nurse(world_session)
    contact = open_for(world_session, sara)
    actions.claim(world_session, actor=nurse, contact=contact)
    citizen = citizen_actor(sara)
    actions.post_message(world_session, actor=citizen, contact=contact, body="Hej", client_id="a")
    unit = unit_by_hsaid(world_session, personas.VARDCENTRAL_UNIT)
    active = queries.list_my_active(world_session, actor=nurse, unit=unit)
    assert [row.unread for row in active if row.contact.id == contact.id] == [1]
    mark_read(world_session, actor=nurse, contact=contact)
    reply = actions.post_message(world_session, actor=nurse, contact=contact, body="Hej Sara")
    assert contact.first_response_at == reply.at
    slot = _slot(world_session, unit.id)
    actions.book_slot(world_session, actor=nurse, contact=contact, slot=slot)
    assert queries.get_booking(world_session, contact.id) == slot
    actions.close(world_session, actor=nurse, contact=contact, advice="Vila och drick mycket.")
    assert contact.status is ContactStatus.CLOSED
    kinds = world_session.scalars(
        select(FollowupEvent.kind).where(FollowupEvent.assessment_ref == contact.followup_ref)
    ).all()
    assert EventKind.FIRST_STAFF_RESPONSE in kinds and EventKind.CLOSED in kinds
    with pytest.raises(ContactError) as error:
        actions.post_message(world_session, actor=citizen, contact=contact, body="Hallå?")
    assert error.value.code == "contact_closed"


def _slot(session: Session, unit_id: int) -> Slot:
    slot = Slot(
        unit_id=unit_id,
        starts_at=datetime.now(UTC) + timedelta(days=2),
        minutes=30,
        kind=SlotKind.PHYSICAL,
    )
    session.add(slot)
    session.flush()
    return slot


def test_chat_refuses_bad_messages_and_unclaimed_staff(world_session: Session) -> None:
    sara = person_by_id(world_session, personas.CITIZEN.person_id)
    contact = open_for(world_session, sara)
    citizen = citizen_actor(sara)
    for body, code in [("   ", "empty_message"), ("x" * 4001, "message_too_long")]:
        with pytest.raises(ContactError) as error:
            actions.post_message(world_session, actor=citizen, contact=contact, body=body)
        assert error.value.code == code
    with pytest.raises(ContactError) as error:
        actions.post_message(
            world_session, actor=_nurse(world_session), contact=contact, body="Hej"
        )
    assert error.value.code == "not_claimed"


def test_message_retries_are_stored_once(world_session: Session) -> None:
    sara = person_by_id(world_session, personas.CITIZEN.person_id)
    contact = open_for(world_session, sara)
    citizen = citizen_actor(sara)
    first = actions.post_message(
        world_session, actor=citizen, contact=contact, body="Ont", client_id="k1"
    )
    retry = actions.post_message(
        world_session, actor=citizen, contact=contact, body="Ont", client_id="k1"
    )
    assert retry.id == first.id
    count = world_session.scalar(
        select(func.count()).where(
            ChatMessage.contact_id == contact.id, ChatMessage.client_id == "k1"
        )
    )
    assert count == 1


def test_a_clinician_at_another_unit_is_refused_and_logged(world_session: Session) -> None:
    elias = person_by_id(world_session, personas.CHILD.person_id)
    sara = person_by_id(world_session, personas.CITIZEN.person_id)
    contact = open_for(world_session, elias, actor_person=sara)
    doctor = staff_actor(world_session, personas.DOCTOR, personas.EMERGENCY_UNIT)
    before = world_session.scalar(select(func.max(AuditEntry.seq))) or 0
    with pytest.raises(AccessDenied):
        actions.claim(world_session, actor=doctor, contact=contact)
    denied = world_session.scalars(
        select(AuditEntry).where(AuditEntry.seq > before, AuditEntry.outcome == "denied")
    ).all()
    assert [(e.actor_id, e.patient_id, e.reason) for e in denied] == [
        (personas.DOCTOR.hsa_id, elias.person_id, "no_care_relation")
    ]


def test_a_relation_elsewhere_does_not_open_the_units_contact(world_session: Session) -> None:
    sara = person_by_id(world_session, personas.CITIZEN.person_id)
    contact = open_for(world_session, sara)  # Sara also has a relation at the emergency unit
    doctor = staff_actor(world_session, personas.DOCTOR, personas.EMERGENCY_UNIT)
    with pytest.raises(ContactError) as error:
        actions.claim(world_session, actor=doctor, contact=contact)
    assert error.value.code == "other_unit"
