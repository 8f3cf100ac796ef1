"""Reading contacts: the unit's queue, the clinician's chats, the citizen's contacts.

Lists of patients pass the policy once for the list and are then logged once per patient
shown (`record_shown`), so every patient sees on "Vem har läst om mig?" who saw them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from samvard.access.guard import check, record_shown
from samvard.access.schemas import AccessRequest, Actor, InfoSet, Purpose
from samvard.contacts.models import ChatMessage, Contact, ContactStatus, SenderKind, Slot
from samvard.contacts.schemas import ActiveRow, QueueRow
from samvard.core.db import utcnow
from samvard.directory.models import Unit
from samvard.identity.models import Person


def queue_lengths(session: Session, region_code: str) -> dict[str, int]:
    """Waiting contacts per channel id in the region (the routing's capacity check)."""
    rows = session.execute(
        select(Contact.channel_id, func.count())
        .where(Contact.region_code == region_code, Contact.status == ContactStatus.WAITING)
        .group_by(Contact.channel_id)
    )
    return {channel_id: int(count) for channel_id, count in rows}


def get_contact(session: Session, ref: str) -> Contact | None:
    """The contact with that public reference (no access check: callers check)."""
    return session.scalar(select(Contact).where(Contact.ref == ref))


def _queue_request(actor: Actor, unit: Unit) -> AccessRequest:
    return AccessRequest(
        actor=actor, info=InfoSet.CONTACT_QUEUE, purpose=Purpose.CARE, unit_id=unit.id
    )


def list_queue(
    session: Session, *, actor: Actor, unit: Unit, now: datetime | None = None
) -> list[QueueRow]:
    """The unit's waiting contacts, most urgent first, then the longest waiting."""
    request = _queue_request(actor, unit)
    decision = check(session, request)
    now = now or utcnow()
    rows = session.execute(
        select(Contact, Person)
        .join(Person, Person.id == Contact.person_id)
        .where(Contact.unit_id == unit.id, Contact.status == ContactStatus.WAITING)
        .order_by(Contact.urgency_rank, Contact.created_at, Contact.id)
    ).all()
    record_shown(session, request, decision, _distinct(person for _, person in rows))
    return [QueueRow(contact, person, now - contact.created_at) for contact, person in rows]


def list_my_active(session: Session, *, actor: Actor, unit: Unit) -> list[ActiveRow]:
    """The clinician's claimed, open contacts at the unit, each with its unread count."""
    request = _queue_request(actor, unit)
    decision = check(session, request)
    unread = (
        select(func.count(ChatMessage.id))
        .where(
            ChatMessage.contact_id == Contact.id,
            ChatMessage.sender_kind == SenderKind.CITIZEN,
            ChatMessage.seq > Contact.staff_read_seq,
        )
        .correlate(Contact)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Contact, Person, unread)
        .join(Person, Person.id == Contact.person_id)
        .where(
            Contact.unit_id == unit.id,
            Contact.status == ContactStatus.CLAIMED,
            Contact.claimed_by_id == actor.staff_pk,
        )
        .order_by(Contact.urgency_rank, Contact.claimed_at, Contact.id)
    ).all()
    record_shown(session, request, decision, _distinct(person for _, person, _ in rows))
    return [ActiveRow(contact, person, int(count or 0)) for contact, person, count in rows]


def place_in_queue(session: Session, contact: Contact) -> int | None:
    """The contact's place in its unit's queue (1 = next), None when not waiting."""
    if contact.status is not ContactStatus.WAITING:
        return None
    ahead = session.scalar(
        select(func.count(Contact.id)).where(
            Contact.unit_id == contact.unit_id,
            Contact.status == ContactStatus.WAITING,
            or_(
                Contact.urgency_rank < contact.urgency_rank,
                and_(
                    Contact.urgency_rank == contact.urgency_rank,
                    or_(
                        Contact.created_at < contact.created_at,
                        and_(Contact.created_at == contact.created_at, Contact.id < contact.id),
                    ),
                ),
            ),
        )
    )
    return int(ahead or 0) + 1


def list_messages(session: Session, contact_id: int, *, after_seq: int = 0) -> list[ChatMessage]:
    """The contact's messages after `after_seq`, in order."""
    return list(
        session.scalars(
            select(ChatMessage)
            .where(ChatMessage.contact_id == contact_id, ChatMessage.seq > after_seq)
            .order_by(ChatMessage.seq)
        )
    )


def list_free_slots(
    session: Session, unit_id: int, *, now: datetime | None = None, limit: int = 40
) -> list[Slot]:
    """The unit's unbooked future slots, soonest first."""
    return list(
        session.scalars(
            select(Slot)
            .where(
                Slot.unit_id == unit_id,
                Slot.booked_contact_id.is_(None),
                Slot.starts_at > (now or utcnow()),
            )
            .order_by(Slot.starts_at, Slot.id)
            .limit(limit)
        )
    )


def get_booking(session: Session, contact_id: int) -> Slot | None:
    """The slot booked for the contact, if any."""
    return session.scalar(select(Slot).where(Slot.booked_contact_id == contact_id))


def _distinct(persons: Iterable[Person]) -> list[Person]:
    seen: dict[int, Person] = {}
    for person in persons:
        seen.setdefault(person.id, person)
    return list(seen.values())
