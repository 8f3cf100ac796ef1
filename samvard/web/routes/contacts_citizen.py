"""The citizen's contact pages: their own and their children's contacts, and the chat.

Each contact passes the policy hook as `patient.contact`: the citizen's own, or their
child's as guardian (vårdnadshavare).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.responses import StreamingResponse as Streaming
from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.schemas import Action
from samvard.contacts import queries
from samvard.contacts.models import Contact
from samvard.contacts.policy import check_citizen
from samvard.contacts.schemas import CitizenRow
from samvard.core.db import utcnow
from samvard.identity.models import Person
from samvard.identity.queries import get_person, list_children
from samvard.web.deps import CitizenLogin, Csrf, Db, Login
from samvard.web.routes.contacts_staff import (
    LABELS,
    After,
    Body,
    ClientId,
    LastEventId,
    chat_context,
    find_contact,
    send_message,
    stream,
)
from samvard.web.templating import render

router = APIRouter(prefix="/mina-sidor/kontakter")


def _today() -> date:
    return utcnow().date()


def _subjects(db: Session, login: Login) -> list[Person]:
    assert login.person is not None
    return [login.person, *list_children(db, login.person, today=_today())]


def _row(db: Session, contact: Contact, person: Person) -> CitizenRow:
    booked = queries.get_booking(db, contact.id)
    return CitizenRow(contact, person, queries.place_in_queue(db, contact), booked)


@router.get("", response_class=HTMLResponse)
def my_contacts(request: Request, db: Db, login: CitizenLogin) -> HTMLResponse:
    """My contacts with care, and my children's, newest first."""
    rows = []
    for person in _subjects(db, login):
        contacts = db.scalars(
            select(Contact)
            .where(Contact.person_id == person.id)
            .order_by(Contact.created_at.desc(), Contact.id.desc())
        ).all()
        for contact in contacts:
            check_citizen(db, actor=login.actor, contact=contact)
            rows.append(_row(db, contact, person))
    context = {"rows": rows, "labels": LABELS}
    return render(request, "contact_mine.html", context)


def _citizen_contact(db: Session, login: Login, ref: str, action: Action = Action.READ) -> Contact:
    contact = find_contact(db, ref)
    check_citizen(db, actor=login.actor, contact=contact, action=action)
    return contact


@router.get("/{ref}", response_class=HTMLResponse)
def contact_page(request: Request, db: Db, login: CitizenLogin, ref: str) -> HTMLResponse:
    """One contact: status, place in the queue, booked time and the chat."""
    contact = _citizen_contact(db, login, ref)
    person = get_person(db, contact.person_id)
    assert person is not None
    base = f"/mina-sidor/kontakter/{contact.ref}"
    context = {
        "row": _row(db, contact, person),
        "contact": contact,
        "labels": LABELS,
        **chat_context(db, contact, base),
    }
    return render(request, "contact_citizen.html", context)


@router.post("/{ref}/chatt", dependencies=[Csrf])
def post_chat(
    request: Request, db: Db, login: CitizenLogin, ref: str, body: Body, client_id: ClientId = None
) -> Response:
    """Send a chat message to the nurse."""
    contact = _citizen_contact(db, login, ref, Action.WRITE)
    page = f"/mina-sidor/kontakter/{contact.ref}"
    return send_message(
        request, db, actor=login.actor, contact=contact, body=body, client_id=client_id, page=page
    )


@router.get("/{ref}/chatt/strom")
def chat_stream(
    request: Request,
    db: Db,
    login: CitizenLogin,
    ref: str,
    last_event_id: LastEventId = None,
    efter: After = 0,
) -> Streaming:
    """New chat messages as Server-Sent Events (access decided and logged once, here)."""
    contact = _citizen_contact(db, login, ref)
    return stream(request, contact, last_event_id, efter)
