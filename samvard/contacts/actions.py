"""Writes to contacts: open, claim, chat, book and close.

Each action decides and logs the access through the policy hook in the caller's
transaction (the caller commits), and records the follow-up events in that same
transaction. Refusals raise `ContactError` (Swedish message) or `AccessDenied`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from samvard.access.guard import check_own
from samvard.access.models import CareRelation
from samvard.access.schemas import Action, Actor, ActorKind, InfoSet
from samvard.assessment.models import Assessment, AssessmentStatus
from samvard.contacts import chat, sbar
from samvard.contacts.models import ChatMessage, Contact, ContactStatus, SenderKind, Slot
from samvard.contacts.policy import check_staff
from samvard.contacts.schemas import (
    CARE_CHANNEL_KINDS,
    MAX_ADVICE_LENGTH,
    RANK_LABELS,
    SLOT_KIND_LABELS,
    ContactError,
    local_text,
    urgency_rank,
)
from samvard.core.db import utcnow
from samvard.directory.models import Staff, Unit
from samvard.followup.actions import record_event
from samvard.followup.models import EventKind
from samvard.routing.engine import RoutingDecision
from samvard.triage.loader import load_content


def open_contact(
    session: Session,
    *,
    actor: Actor,
    assessment: Assessment,
    decision: RoutingDecision,
    now: datetime | None = None,
) -> Contact:
    """Open the contact with care the assessment was routed to; once per assessment.

    The actor is the citizen or their guardian. The citizen's page is
    `/mina-sidor/kontakter/{ref}`.
    """
    check_own(
        session,
        actor=actor,
        info=InfoSet.CONTACT,
        patient_pk=assessment.person_id,
        action=Action.WRITE,
    )
    existing = _for_assessment(session, assessment.id)
    if existing is not None:
        return existing
    unit = _care_unit(session, assessment, decision)
    now = now or utcnow()
    contact = _new_contact(assessment, decision, unit, now)
    try:
        with session.begin_nested():
            session.add(contact)
            session.flush()
    except IntegrityError:
        # A concurrent retry opened it first; that one is the contact.
        found = _for_assessment(session, assessment.id)
        if found is None:
            raise
        return found
    _ensure_care_relation(session, person_id=assessment.person_id, unit_id=unit.id, now=now)
    chat.append(session, contact, SenderKind.SYSTEM, None, _summary(contact, unit), now=now)
    return contact


def _for_assessment(session: Session, assessment_id: int) -> Contact | None:
    return session.scalar(select(Contact).where(Contact.assessment_id == assessment_id))


def _care_unit(session: Session, assessment: Assessment, decision: RoutingDecision) -> Unit:
    channel = decision.channel
    if assessment.status is not AssessmentStatus.COMPLETED or assessment.urgency is None:
        raise ContactError("assessment_not_completed", "Bedömningen är inte klar än.")
    if channel is None or channel.kind not in CARE_CHANNEL_KINDS or not channel.unit_hsaid:
        raise ContactError(
            "no_care_channel", "Det finns ingen öppen vårdkanal att kontakta just nu."
        )
    unit = session.scalar(select(Unit).where(Unit.hsa_id == channel.unit_hsaid))
    if unit is None:
        raise ContactError("unknown_unit", "Vårdenheten finns inte i katalogen.")
    return unit


def _new_contact(
    assessment: Assessment, decision: RoutingDecision, unit: Unit, now: datetime
) -> Contact:
    channel = decision.channel
    assert channel is not None
    return Contact(
        ref=str(uuid.uuid4()),
        assessment_id=assessment.id,
        followup_ref=assessment.ref,
        person_id=assessment.person_id,
        region_code=assessment.region_code,
        channel_id=channel.id,
        channel_kind=channel.kind.value,
        unit_id=unit.id,
        urgency_rank=urgency_rank(assessment.urgency),
        level=assessment.level or assessment.urgency or "",
        status=ContactStatus.WAITING,
        created_at=now,
        staff_read_seq=0,
        sbar=sbar.build(assessment, load_content()),
    )


def _ensure_care_relation(session: Session, *, person_id: int, unit_id: int, now: datetime) -> None:
    # The patient's own contact with the unit is the ground for the unit's access: it is
    # what lets the unit's clinicians read the contact and its anamnesis (ADR 0012).
    active = session.scalar(
        select(CareRelation.id).where(
            CareRelation.person_id == person_id,
            CareRelation.unit_id == unit_id,
            CareRelation.kind == "care",
            CareRelation.ended_at.is_(None),
        )
    )
    if active is None:
        session.add(CareRelation(person_id=person_id, unit_id=unit_id, kind="care", started_at=now))


def _summary(contact: Contact, unit: Unit) -> str:
    rank = RANK_LABELS.get(contact.urgency_rank, "")
    return (
        f"Din kontakt med {unit.name} är öppnad. Angelägenhetsgrad: {rank}. "
        "En sjuksköterska tar ärendet så snart som möjligt; de mest brådskande hjälps först."
    )


def claim(
    session: Session, *, actor: Actor, contact: Contact, now: datetime | None = None
) -> Contact:
    """Take a waiting contact: a clinician at the contact's unit; refuses a claimed one."""
    check_staff(session, actor=actor, contact=contact, action=Action.WRITE)
    now = now or utcnow()
    taken = session.execute(
        update(Contact)
        .where(Contact.id == contact.id, Contact.status == ContactStatus.WAITING)
        .values(status=ContactStatus.CLAIMED, claimed_by_id=actor.staff_pk, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(contact)
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        if contact.status is ContactStatus.CLOSED:
            raise ContactError("contact_closed", "Kontakten är redan avslutad.")
        if contact.claimed_by_id != actor.staff_pk:
            raise ContactError("already_claimed", "Någon annan har redan tagit ärendet.")
        return contact
    staff = session.get(Staff, actor.staff_pk)
    name = staff.display_name if staff else "En sjuksköterska"
    chat.append(
        session, contact, SenderKind.SYSTEM, None, f"{name} har tagit ditt ärende.", now=now
    )
    return contact


def post_message(
    session: Session,
    *,
    actor: Actor,
    contact: Contact,
    body: str,
    client_id: str | None = None,
    now: datetime | None = None,
) -> ChatMessage:
    """Post a chat message as the citizen (or guardian) or the claiming clinician.

    A retry with the same `client_id` returns the message already stored. The first
    message from staff sets `first_response_at` and records the follow-up event.
    """
    return chat.post(session, actor=actor, contact=contact, body=body, client_id=client_id, now=now)


def book_slot(
    session: Session, *, actor: Actor, contact: Contact, slot: Slot, now: datetime | None = None
) -> Slot:
    """Book `slot` for the contact; of two concurrent bookings of a slot exactly one wins."""
    _require_handler(session, actor, contact)
    now = now or utcnow()
    if slot.unit_id != contact.unit_id or slot.starts_at <= now:
        raise ContactError("slot_unavailable", "Tiden kan inte bokas. Välj en annan tid.")
    chat.lock(session, contact)
    if session.scalar(select(Slot.id).where(Slot.booked_contact_id == contact.id)) is not None:
        raise ContactError("already_booked", "Kontakten har redan en bokad tid.")
    booked = session.execute(
        update(Slot)
        .where(Slot.id == slot.id, Slot.booked_contact_id.is_(None))
        .values(booked_contact_id=contact.id)
        .execution_options(synchronize_session=False)
    )
    if booked.rowcount != 1:  # type: ignore[attr-defined]
        raise ContactError("slot_taken", "Tiden har just bokats av någon annan. Välj en annan tid.")
    session.refresh(slot)
    text = f"Bokad tid: {local_text(slot.starts_at)}, {slot.minutes} minuter, " + (
        f"{SLOT_KIND_LABELS[slot.kind.value].lower()}."
    )
    chat.append(session, contact, SenderKind.SYSTEM, None, text, now=now)
    return slot


def close(
    session: Session, *, actor: Actor, contact: Contact, advice: str, now: datetime | None = None
) -> Contact:
    """Close the contact with advice to the citizen; the chat ends."""
    _require_handler(session, actor, contact)
    text = advice.strip()
    if not text:
        raise ContactError(
            "advice_required", "Skriv ett råd till patienten innan du avslutar.", status=422
        )
    if len(text) > MAX_ADVICE_LENGTH:
        raise ContactError(
            "advice_too_long", f"Rådet får vara högst {MAX_ADVICE_LENGTH} tecken.", status=422
        )
    now = now or utcnow()
    contact.status = ContactStatus.CLOSED
    contact.closed_at = now
    contact.closing_advice = text
    chat.append(
        session, contact, SenderKind.SYSTEM, None, f"Ärendet är avslutat. Råd: {text}", now=now
    )
    booked = session.scalar(select(Slot.kind).where(Slot.booked_contact_id == contact.id))
    # A physical booking means the contact was not resolved digitally (follow-up).
    record_event(
        session,
        assessment_ref=chat.followup_ref(contact),
        kind=EventKind.CLOSED,
        region_code=contact.region_code,
        at=now,
        channel=booked.value if booked is not None else None,
    )
    return contact


def _require_handler(session: Session, actor: Actor, contact: Contact) -> None:
    """The clinician who claimed the open contact, and nobody else, may act on it."""
    if actor.kind is not ActorKind.STAFF:
        raise ContactError("not_staff", "Bara vårdpersonal kan göra detta.", status=403)
    check_staff(session, actor=actor, contact=contact, action=Action.WRITE)
    if contact.status is ContactStatus.CLOSED:
        raise ContactError("contact_closed", "Kontakten är redan avslutad.")
    if contact.status is not ContactStatus.CLAIMED or contact.claimed_by_id != actor.staff_pk:
        raise ContactError("not_claimed", "Ta ärendet först.")
