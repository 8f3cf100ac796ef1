"""The clinician's contact pages: the unit's queue, one contact (SBAR, chat, booking, close).

Every page passes the policy hook: the queue as `unit.contact_queue` (each patient shown
logged), a contact as `patient.contact` with a care relation at the clinician's unit.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Header, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.responses import StreamingResponse as Streaming
from sqlalchemy.orm import Session

from samvard.access.schemas import Action, Actor
from samvard.contacts import actions, events, queries
from samvard.contacts.chat import mark_read
from samvard.contacts.models import Contact, Slot
from samvard.contacts.policy import check_staff
from samvard.contacts.schemas import (
    CHANNEL_KIND_LABELS,
    MAX_MESSAGE_LENGTH,
    RANK_LABELS,
    SLOT_KIND_LABELS,
    STATUS_LABELS,
    ContactError,
)
from samvard.directory.models import Unit
from samvard.identity.queries import get_person
from samvard.web.deps import Csrf, Db, FormId, Login, StaffAtUnit
from samvard.web.errors import WebError
from samvard.web.templating import render

router = APIRouter(prefix="/personal/kontakter")

_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
LABELS = {
    "rank": RANK_LABELS,
    "status": STATUS_LABELS,
    "channel": CHANNEL_KIND_LABELS,
    "slot": SLOT_KIND_LABELS,
}
Body = Annotated[str, Form(max_length=MAX_MESSAGE_LENGTH + 200)]
ClientId = Annotated[str | None, Form(max_length=64)]
LastEventId = Annotated[str | None, Header(alias="Last-Event-ID", max_length=12)]
After = Annotated[int, Query(ge=0, le=2_147_483_647)]


def find_contact(db: Session, ref: str) -> Contact:
    """The contact named in the URL, or a Swedish 404."""
    contact = queries.get_contact(db, ref) if _is_ref(ref) else None
    if contact is None:
        raise WebError(404, "unknown_contact", "Kontakten finns inte.")
    return contact


def _is_ref(ref: str) -> bool:
    try:
        return str(uuid.UUID(ref)) == ref
    except ValueError:
        return False


def web_error(error: ContactError) -> WebError:
    """A refused contact step, as the page error it becomes."""
    return WebError(error.status, error.code, error.message)


def _unit(login: Login) -> Unit:
    # Whether the role may handle contacts is the policy's decision (logged), not ours.
    assert login.assignment is not None
    return login.assignment.unit


def chat_context(db: Session, contact: Contact, base: str) -> dict[str, Any]:
    """What the chat part of a contact page shows."""
    messages = queries.list_messages(db, contact.id)
    return {
        "messages": [events.message_payload(db, m) for m in messages],
        "last_seq": messages[-1].seq if messages else 0,
        "base": base,
        "client_id": str(uuid.uuid4()),
        "max_length": MAX_MESSAGE_LENGTH,
    }


def stream(request: Request, contact: Contact, last_event_id: str | None, after: int) -> Streaming:
    """The contact's chat as Server-Sent Events, from Last-Event-ID (or `efter`)."""
    start = int(last_event_id) if last_event_id and last_event_id.isdigit() else after
    body = events.message_stream(
        request.app.state.session_factory,
        contact.id,
        after=start,
        is_disconnected=request.is_disconnected,
    )
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return Streaming(body, media_type="text/event-stream", headers=headers)


def send_message(
    request: Request,
    db: Session,
    *,
    actor: Actor,
    contact: Contact,
    body: str,
    client_id: str | None,
    page: str,
) -> Response:
    """Post a chat message; answer with JSON for the page script, a redirect for a form."""
    try:
        message = actions.post_message(
            db, actor=actor, contact=contact, body=body, client_id=client_id
        )
    except ContactError as error:
        raise web_error(error) from error
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"seq": message.seq})
    return RedirectResponse(f"{page}#chatt", status_code=303)


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, db: Db, login: StaffAtUnit) -> HTMLResponse:
    """The unit's queue, most urgent first, and the clinician's ongoing chats."""
    unit = _unit(login)
    context = {
        "unit": unit,
        "queue": queries.list_queue(db, actor=login.actor, unit=unit),
        "active": queries.list_my_active(db, actor=login.actor, unit=unit),
        "labels": LABELS,
    }
    return render(request, "contact_queue.html", context)


def _staff_contact(db: Session, login: Login, ref: str, action: Action = Action.READ) -> Contact:
    contact = find_contact(db, ref)
    try:
        check_staff(db, actor=login.actor, contact=contact, action=action)
    except ContactError as error:
        raise web_error(error) from error
    return contact


@router.get("/{ref}", response_class=HTMLResponse)
def contact_page(request: Request, db: Db, login: StaffAtUnit, ref: str) -> HTMLResponse:
    """One contact: SBAR with the trace, claim, chat, booking and closing."""
    contact = _staff_contact(db, login, ref)
    mark_read(db, actor=login.actor, contact=contact)
    base = f"/personal/kontakter/{contact.ref}"
    context = {
        "contact": contact,
        "person": get_person(db, contact.person_id),
        "sbar": contact.sbar,
        "mine": contact.claimed_by_id == login.actor.staff_pk,
        "slots": queries.list_free_slots(db, contact.unit_id),
        "booked": queries.get_booking(db, contact.id),
        "labels": LABELS,
        **chat_context(db, contact, base),
    }
    return render(request, "contact_staff.html", context)


def _do(step: Any) -> Any:
    try:
        return step()
    except ContactError as error:
        raise web_error(error) from error


@router.post("/{ref}/ta", dependencies=[Csrf])
def claim(db: Db, login: StaffAtUnit, ref: str) -> RedirectResponse:
    """Take the contact ("Ta ärendet")."""
    contact = _staff_contact(db, login, ref, Action.WRITE)
    _do(lambda: actions.claim(db, actor=login.actor, contact=contact))
    return RedirectResponse(f"/personal/kontakter/{contact.ref}", status_code=303)


@router.post("/{ref}/chatt", dependencies=[Csrf])
def post_chat(
    request: Request, db: Db, login: StaffAtUnit, ref: str, body: Body, client_id: ClientId = None
) -> Response:
    """Send a chat message to the patient."""
    contact = _staff_contact(db, login, ref, Action.WRITE)
    page = f"/personal/kontakter/{contact.ref}"
    return send_message(
        request, db, actor=login.actor, contact=contact, body=body, client_id=client_id, page=page
    )


@router.get("/{ref}/chatt/strom")
def chat_stream(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    ref: str,
    last_event_id: LastEventId = None,
    efter: After = 0,
) -> Streaming:
    """New chat messages as Server-Sent Events (access decided and logged once, here)."""
    contact = _staff_contact(db, login, ref)
    return stream(request, contact, last_event_id, efter)


@router.post("/{ref}/boka", dependencies=[Csrf])
def book(db: Db, login: StaffAtUnit, ref: str, slot_id: FormId) -> RedirectResponse:
    """Book one of the unit's free slots for the patient."""
    contact = _staff_contact(db, login, ref, Action.WRITE)
    slot = db.get(Slot, slot_id)
    if slot is None:
        raise WebError(404, "unknown_slot", "Tiden finns inte. Välj en annan tid.")
    _do(lambda: actions.book_slot(db, actor=login.actor, contact=contact, slot=slot))
    return RedirectResponse(f"/personal/kontakter/{contact.ref}#bokning", status_code=303)


@router.post("/{ref}/avsluta", dependencies=[Csrf])
def close(
    db: Db,
    login: StaffAtUnit,
    ref: str,
    advice: Annotated[str, Form(max_length=5000)] = "",
) -> RedirectResponse:
    """Close the contact with advice to the patient."""
    contact = _staff_contact(db, login, ref, Action.WRITE)
    _do(lambda: actions.close(db, actor=login.actor, contact=contact, advice=advice))
    return RedirectResponse("/personal/kontakter", status_code=303)
