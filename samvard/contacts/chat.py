"""The chat of a contact: numbered messages, idempotent posts, the clinician's read mark."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.access.schemas import Action, Actor, ActorKind
from samvard.contacts.models import ChatMessage, Contact, ContactStatus, SenderKind
from samvard.contacts.policy import check_any
from samvard.contacts.schemas import MAX_CLIENT_ID_LENGTH, MAX_MESSAGE_LENGTH, ContactError
from samvard.core.db import utcnow
from samvard.followup.actions import record_event
from samvard.followup.models import EventKind


def post(
    session: Session,
    *,
    actor: Actor,
    contact: Contact,
    body: str,
    client_id: str | None = None,
    now: datetime | None = None,
) -> ChatMessage:
    """See `samvard.contacts.actions.post_message`."""
    text = _clean(body, client_id)
    check_any(session, actor=actor, contact=contact, action=Action.WRITE)
    staff = actor.kind is ActorKind.STAFF
    if contact.status is ContactStatus.CLOSED:
        raise ContactError(
            "contact_closed", "Kontakten är avslutad. Gör en ny bedömning vid behov."
        )
    if staff and contact.claimed_by_id != actor.staff_pk:
        raise ContactError("not_claimed", "Ta ärendet först.")
    lock(session, contact)
    if client_id:
        existing = session.scalar(
            select(ChatMessage).where(
                ChatMessage.contact_id == contact.id, ChatMessage.client_id == client_id
            )
        )
        if existing is not None:
            return existing
    now = now or utcnow()
    kind = SenderKind.STAFF if staff else SenderKind.CITIZEN
    sender = actor.staff_pk if staff else actor.person_pk
    message = append(session, contact, kind, sender, text, now=now, client_id=client_id)
    if staff:
        contact.staff_read_seq = message.seq
        if contact.first_response_at is None:
            _first_response(session, contact, now)
    return message


def _clean(body: str, client_id: str | None) -> str:
    text = body.strip()
    if not text:
        raise ContactError("empty_message", "Skriv ett meddelande.", status=422)
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ContactError(
            "message_too_long",
            f"Meddelandet får vara högst {MAX_MESSAGE_LENGTH} tecken.",
            status=422,
        )
    if client_id is not None and len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise ContactError("invalid_client_id", "Ogiltig meddelandereferens.", status=422)
    return text


def _first_response(session: Session, contact: Contact, now: datetime) -> None:
    contact.first_response_at = now
    record_event(
        session,
        assessment_ref=followup_ref(contact),
        kind=EventKind.FIRST_STAFF_RESPONSE,
        region_code=contact.region_code,
        at=now,
        channel=contact.channel_kind,
    )


def lock(session: Session, contact: Contact) -> None:
    """Serialise writers of one contact (a row lock on PostgreSQL; SQLite serialises all)."""
    session.execute(select(Contact.id).where(Contact.id == contact.id).with_for_update())


def append(
    session: Session,
    contact: Contact,
    kind: SenderKind,
    sender_id: int | None,
    body: str,
    *,
    now: datetime | None = None,
    client_id: str | None = None,
) -> ChatMessage:
    """Add the next message of the contact (the caller holds the contact's lock)."""
    last = session.scalar(
        select(func.max(ChatMessage.seq)).where(ChatMessage.contact_id == contact.id)
    )
    message = ChatMessage(
        contact_id=contact.id,
        seq=(last or 0) + 1,
        sender_kind=kind,
        sender_id=sender_id,
        body=body,
        at=now or utcnow(),
        client_id=client_id,
    )
    session.add(message)
    session.flush()
    return message


def mark_read(session: Session, *, actor: Actor, contact: Contact) -> None:
    """The claiming clinician has seen every message so far (after an allowed read)."""
    if actor.kind is not ActorKind.STAFF or contact.claimed_by_id != actor.staff_pk:
        return
    last = session.scalar(
        select(func.max(ChatMessage.seq)).where(ChatMessage.contact_id == contact.id)
    )
    contact.staff_read_seq = max(contact.staff_read_seq, last or 0)


def followup_ref(contact: Contact) -> str:
    """The follow-up's name for the contact: its assessment's ref, or its own."""
    return contact.followup_ref or contact.ref
