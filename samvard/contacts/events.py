"""Server-Sent Events for a contact's chat: new messages as they are written.

The stream polls the database (not process memory), so a message written by any worker
process reaches every open stream. It runs its blocking reads in a worker thread, so it
never holds up the event loop. Access is decided once by the route that opens it; the
stream ends when the contact closes, when the client goes away, and after
`MAX_SECONDS`, when the browser reconnects (with Last-Event-ID) and the login and access
are checked again.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import anyio
from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from samvard.contacts.models import ChatMessage, Contact, ContactStatus, SenderKind
from samvard.contacts.queries import list_messages
from samvard.contacts.schemas import STATUS_LABELS, local_text
from samvard.directory.models import Staff
from samvard.identity.models import Person

POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15.0
MAX_SECONDS = 300.0
RETRY_MS = 2000


@dataclass(frozen=True)
class StreamTiming:
    """How often the stream polls, keeps alive, and when it hands over to a reconnect."""

    poll: float = POLL_SECONDS
    keepalive: float = KEEPALIVE_SECONDS
    max_seconds: float = MAX_SECONDS


def sender_name(session: Session, message: ChatMessage) -> str:
    """The name shown with a message: the clinician's, the citizen's, or Samvård's."""
    if message.sender_kind is SenderKind.STAFF and message.sender_id is not None:
        staff = session.get(Staff, message.sender_id)
        return staff.display_name if staff else "Vårdpersonal"
    if message.sender_kind is SenderKind.CITIZEN and message.sender_id is not None:
        person = session.get(Person, message.sender_id)
        return person.display_name if person else "Patient"
    return "Samvård"


def message_payload(session: Session, message: ChatMessage) -> dict[str, object]:
    """A message as the page script receives it (the script inserts it as text)."""
    return {
        "seq": message.seq,
        "sender_kind": message.sender_kind.value,
        "sender": sender_name(session, message),
        "body": message.body,
        "at": local_text(message.at),
    }


def _poll(
    factory: sessionmaker[Session], contact_id: int, after: int
) -> tuple[list[dict[str, object]], ContactStatus | None]:
    with factory() as session:
        messages = list_messages(session, contact_id, after_seq=after)
        status = session.scalar(select(Contact.status).where(Contact.id == contact_id))
        return [message_payload(session, m) for m in messages], status


def format_event(event: str, data: dict[str, object], event_id: int | None = None) -> str:
    """One SSE event; JSON data never contains a raw newline, so one data line is enough."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def message_stream(
    factory: sessionmaker[Session],
    contact_id: int,
    *,
    after: int,
    is_disconnected: Callable[[], Awaitable[bool]],
    timing: StreamTiming | None = None,
) -> AsyncIterator[str]:
    """Yield the contact's messages after `after` as SSE events, then follow new ones.

    The contact's status is sent as a `status` event first and whenever it changes, so
    the citizen's page shows "Pågår" as soon as a nurse has taken the contact.
    """
    status: ContactStatus | None = None
    timing = timing or StreamTiming()
    started = last_sent = time.monotonic()
    yield f"retry: {RETRY_MS}\n\n"
    while time.monotonic() - started < timing.max_seconds:
        if await is_disconnected():
            return
        messages, now_status = await to_thread.run_sync(_poll, factory, contact_id, after)
        for message in messages:
            after = int(str(message["seq"]))
            yield format_event("message", message, after)
            last_sent = time.monotonic()
        if now_status is not None and now_status is not status:
            status = now_status
            yield format_event("status", {"status": status.value, "label": STATUS_LABELS[status]})
        if now_status is ContactStatus.CLOSED:
            yield format_event("closed", {"seq": after})
            return
        if time.monotonic() - last_sent >= timing.keepalive:
            yield ": keep-alive\n\n"
            last_sent = time.monotonic()
        await anyio.sleep(timing.poll)
