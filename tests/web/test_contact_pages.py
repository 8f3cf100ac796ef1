"""The contact pages: the nurse's queue, claim, chat, booking and close; the citizen's side;
and the chat's Server-Sent Events stream against a real server process on loopback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from samvard.contacts import actions
from samvard.contacts.models import Contact, ContactStatus
from samvard.core.audit import AuditEntry
from samvard.demo import personas
from tests.conftest import SECRET, Database
from tests.contacts.helpers import open_for
from tests.support.actors import citizen_actor, person_by_id
from tests.support.processes import free_port, running
from tests.support.web import client_for, login_citizen, login_staff

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _open(world: Database, persona: personas.CitizenPersona, urgency: str) -> str:
    with world.sessions.begin() as session:
        person = person_by_id(session, persona.person_id)
        guardian = None
        if persona is personas.CHILD:
            guardian = person_by_id(session, personas.CITIZEN.person_id)
        return open_for(session, person, urgency=urgency, actor_person=guardian).ref


def _nurse(world: Database, persona: personas.StaffPersona = personas.NURSE) -> TestClient:
    client = client_for(world)
    login_staff(client, persona.hsa_id, personas.VARDCENTRAL_UNIT)
    return client


def _token(client: TestClient, path: str) -> str:
    match = CSRF_RE.search(client.get(path).text)
    assert match, path
    return match.group(1)


def test_queue_shows_the_most_urgent_first_with_words(sqlite_world: Database) -> None:
    _open(sqlite_world, personas.ELDER, "non_urgent")
    _open(sqlite_world, personas.CHILD, "emergency")
    page = _nurse(sqlite_world).get("/personal/kontakter")
    assert page.status_code == 200
    text = page.text
    assert text.index("Elias Nyberg") < text.index("Ingrid Holm")
    assert "Akut" in text and "Inom några dagar" in text
    assert "Mina pågående kontakter" in text


def test_nurse_claims_chats_books_and_closes(sqlite_world: Database) -> None:
    ref = _open(sqlite_world, personas.CITIZEN, "urgent")
    nurse = _nurse(sqlite_world)
    page = f"/personal/kontakter/{ref}"
    shown = nurse.get(page)
    assert "Ta ärendet" in shown.text and "S – Situation" in shown.text
    assert nurse.post(f"{page}/ta", data={"csrf_token": _token(nurse, page)}).status_code == 303
    doctor = _nurse(sqlite_world, personas.DOCTOR)
    refused = doctor.post(f"{page}/ta", data={"csrf_token": _token(doctor, page)})
    assert refused.status_code == 409 and "redan tagit" in refused.text
    token = _token(nurse, page)
    sent = nurse.post(f"{page}/chatt", data={"csrf_token": token, "body": "Hej Sara!"})
    assert sent.status_code == 303 and sent.headers["location"] == f"{page}#chatt"
    as_json = nurse.post(
        f"{page}/chatt",
        data={"csrf_token": token, "body": "Hur mår du?", "client_id": "x1"},
        headers={"Accept": "application/json"},
    )
    assert as_json.json()["seq"] > 1
    slot_id = re.search(r'<option value="(\d+)"', nurse.get(page).text)
    assert slot_id, "the unit has free slots in the demo"
    booked = nurse.post(f"{page}/boka", data={"csrf_token": token, "slot_id": slot_id.group(1)})
    assert booked.status_code == 303
    empty = nurse.post(f"{page}/avsluta", data={"csrf_token": token, "advice": "  "})
    assert empty.status_code == 422 and "Skriv ett råd" in empty.text
    closed = nurse.post(f"{page}/avsluta", data={"csrf_token": token, "advice": "Vila."})
    assert closed.status_code == 303
    citizen = client_for(sqlite_world)
    login_citizen(citizen, personas.CITIZEN.person_id)
    mine = citizen.get(f"/mina-sidor/kontakter/{ref}")
    assert "Hej Sara!" in mine.text and "Vila." in mine.text and "Avslutad" in mine.text


def test_guardian_sees_and_writes_in_the_childs_contact(sqlite_world: Database) -> None:
    ref = _open(sqlite_world, personas.CHILD, "urgent")
    citizen = client_for(sqlite_world)
    login_citizen(citizen, personas.CITIZEN.person_id)
    listing = citizen.get("/mina-sidor/kontakter")
    assert "Elias Nyberg" in listing.text and "Plats i kön" in listing.text
    page = f"/mina-sidor/kontakter/{ref}"
    token = _token(citizen, page)
    sent = citizen.post(f"{page}/chatt", data={"csrf_token": token, "body": "Han har feber."})
    assert sent.status_code == 303
    assert "Han har feber." in citizen.get(page).text
    stranger = client_for(sqlite_world)
    login_citizen(stranger, personas.ELDER.person_id)
    assert stranger.get(page).status_code == 403


def test_clinician_at_another_unit_is_refused_and_logged(sqlite_world: Database) -> None:
    ref = _open(sqlite_world, personas.CHILD, "urgent")
    doctor = client_for(sqlite_world)
    login_staff(doctor, personas.DOCTOR.hsa_id, personas.EMERGENCY_UNIT)
    assert doctor.get(f"/personal/kontakter/{ref}").status_code == 403
    with sqlite_world.sessions() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert last is not None
        assert (last.actor_id, last.outcome, last.resource) == (
            personas.DOCTOR.hsa_id,
            "denied",
            "patient.contact",
        )


def test_unknown_and_malformed_refs_are_not_found(sqlite_world: Database) -> None:
    nurse = _nurse(sqlite_world)
    assert nurse.get("/personal/kontakter/inte-en-kontakt").status_code == 404
    missing = nurse.get("/personal/kontakter/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and "Kontakten finns inte" in missing.text


def _login_over_http(client: httpx.Client, person_id: str) -> None:
    token = CSRF_RE.search(client.get("/login/test").text)
    assert token
    done = client.post("/login/test", data={"personnummer": person_id, "csrf_token": token[1]})
    assert done.status_code == 303


@pytest.mark.slow
def test_the_chat_stream_delivers_a_message_written_elsewhere(
    sqlite_world: Database, tmp_path: Path
) -> None:
    ref = _open(sqlite_world, personas.CITIZEN, "urgent")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "SAMVARD_DATABASE_URL": sqlite_world.url,
        "SAMVARD_SECRET_KEY": SECRET,
        "SAMVARD_TEST_LOGINS": "true",
        "SAMVARD_COOKIE_SECURE": "false",
        "SAMVARD_PUBLIC_BASE_URL": base,
        "SAMVARD_MODE": "development",
    }
    args = ["-m", "uvicorn", "samvard.web.asgi:app", "--host", "127.0.0.1", "--port", str(port)]
    with (
        running(args, url=base, log=tmp_path / "server.log", env=env),
        httpx.Client(base_url=base, timeout=10) as client,
    ):
        _login_over_http(client, personas.CITIZEN.person_id)
        url = f"/mina-sidor/kontakter/{ref}/chatt/strom"
        with client.stream("GET", url, headers={"Last-Event-ID": "1"}) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            _write_as_citizen(sqlite_world, ref, "Skrivet i en annan process")
            event = _next_message(stream.iter_lines())
    assert event["body"] == "Skrivet i en annan process" and event["seq"] == 2


def _write_as_citizen(world: Database, ref: str, body: str) -> None:
    with world.sessions.begin() as session:
        contact = session.scalar(select(Contact).where(Contact.ref == ref))
        assert contact is not None
        sara = citizen_actor(person_by_id(session, personas.CITIZEN.person_id))
        actions.post_message(session, actor=sara, contact=contact, body=body)


def _next_message(lines: Iterator[str]) -> dict[str, object]:
    event = None
    for line in lines:
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event == "message":
            data: dict[str, object] = json.loads(line.removeprefix("data: "))
            return data
    raise AssertionError("the stream ended without a message")


def test_closing_ends_the_stream(sqlite_world: Database) -> None:
    """A closed contact's stream sends what is left and a `closed` event, then ends."""
    ref = _open(sqlite_world, personas.CITIZEN, "urgent")
    with sqlite_world.sessions.begin() as session:
        session.execute(
            Contact.__table__.update()
            .where(Contact.__table__.c.ref == ref)
            .values(status=ContactStatus.CLOSED.value)
        )
    citizen = client_for(sqlite_world)
    login_citizen(citizen, personas.CITIZEN.person_id)
    response = citizen.get(f"/mina-sidor/kontakter/{ref}/chatt/strom")
    assert response.status_code == 200
    assert (
        "event: message" in response.text
        and '"label": "Avslutad"' in response.text
        and response.text.rstrip().endswith('data: {"seq": 1}')
    )
