"""The citizen's assessment pages and JSON API, driven over HTTP as Sara (and for Elias)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from samvard.assessment.models import Assessment
from samvard.demo import personas
from samvard.identity.models import Person
from tests.conftest import Database, csrf_from
from tests.support.web import client_for, login_citizen

REF_RE = re.compile(r"/mina-sidor/bedomning/([0-9a-f-]{36})/")
VERSION_RE = re.compile(r'name="version" value="(\d+)"')
QUESTION_RE = re.compile(r'name="fraga" value="([a-z0-9_]+)"')


def _sara(world: Database) -> TestClient:
    client = client_for(world)
    login_citizen(client, personas.CITIZEN.person_id)
    return client


def _start(client: TestClient, complaint: str, person: str | None = None) -> str:
    page = client.get("/mina-sidor/bedomning")
    data = {"csrf_token": csrf_from(page.text)}
    if person:
        data["person"] = person
    started = client.post("/mina-sidor/bedomning", data=data)
    assert started.status_code == 303, started.text
    match = REF_RE.search(started.headers["location"])
    assert match
    ref = match.group(1)
    page = client.get(f"/mina-sidor/bedomning/{ref}/besvar")
    chosen = client.post(
        f"/mina-sidor/bedomning/{ref}/besvar",
        data={"csrf_token": csrf_from(page.text), "complaint": complaint, "version": "1"},
    )
    assert chosen.status_code == 303, chosen.text
    return ref


def _answer(client: TestClient, ref: str, **form: str) -> tuple[str, httpx.Response]:
    page = client.get(f"/mina-sidor/bedomning/{ref}/fraga")
    assert page.status_code == 200, page.text
    qid = QUESTION_RE.search(page.text).group(1)  # type: ignore[union-attr]
    version = VERSION_RE.search(page.text).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": csrf_from(page.text), "fraga": qid, "version": version, **form}
    return qid, client.post(f"/mina-sidor/bedomning/{ref}/fraga", data=data)


def test_start_page_offers_self_and_child(sqlite_world: Database) -> None:
    page = _sara(sqlite_world).get("/mina-sidor/bedomning")
    assert page.status_code == 200
    assert "För mig själv" in page.text and "För mitt barn: Elias" in page.text
    assert 'href="/mina-sidor/bedomning"' in page.text  # the nav link


def test_search_suggests_complaints(sqlite_world: Database) -> None:
    client = _sara(sqlite_world)
    page = client.get("/mina-sidor/bedomning")
    started = client.post("/mina-sidor/bedomning", data={"csrf_token": csrf_from(page.text)})
    ref = REF_RE.search(started.headers["location"]).group(1)  # type: ignore[union-attr]
    found = client.get(f"/mina-sidor/bedomning/{ref}/besvar", params={"sok": "ont i brostet"})
    assert found.status_code == 200
    suggestions = found.text.split("Alla besvär")[0]
    assert 'value="chest_pain"' in suggestions
    assert "Hjärta och blodkärl" in found.text
    assert 'value="fever_infant"' not in found.text  # not for Sara's age


def test_red_flag_gives_call_112_on_the_result_page(sqlite_world: Database) -> None:
    client = _sara(sqlite_world)
    ref = _start(client, "chest_pain")
    qid, response = _answer(client, ref, svar="yes")
    assert qid == "g_breathing"
    assert response.headers["location"].endswith("/resultat")
    result = client.get(f"/mina-sidor/bedomning/{ref}/resultat")
    assert result.status_code == 200
    assert 'href="tel:112"' in result.text and "Ring 112 nu" in result.text
    assert "Varför fick jag det här svaret?" in result.text


def test_wrong_answer_shows_a_swedish_error_and_stores_nothing(sqlite_world: Database) -> None:
    client = _sara(sqlite_world)
    ref = _start(client, "common_cold")
    for _ in range(5):
        _answer(client, ref, svar="no")
    qid, response = _answer(client, ref, svar="många", enhet="dagar")
    assert qid == "cc_days" and response.status_code == 422
    assert "Skriv ett tal" in response.text
    qid, response = _answer(client, ref, svar="2", enhet="dagar")
    assert response.status_code == 303
    with sqlite_world.sessions() as session:
        stored = session.scalar(select(Assessment).where(Assessment.ref == ref))
        assert stored is not None and stored.answers["cc_days"] == 48


def test_stale_form_shows_the_current_question(sqlite_world: Database) -> None:
    client = _sara(sqlite_world)
    ref = _start(client, "chest_pain")
    page = client.get(f"/mina-sidor/bedomning/{ref}/fraga")
    token = csrf_from(page.text)
    client.post(
        f"/mina-sidor/bedomning/{ref}/fraga",
        data={"csrf_token": token, "fraga": "g_breathing", "version": "2", "svar": "no"},
    )
    stale = client.post(
        f"/mina-sidor/bedomning/{ref}/fraga",
        data={"csrf_token": token, "fraga": "g_consciousness", "version": "2", "svar": "no"},
    )
    assert stale.status_code == 409
    assert "har ändrats" in stale.text and 'value="g_consciousness"' in stale.text


def test_go_back_and_change(sqlite_world: Database) -> None:
    client = _sara(sqlite_world)
    ref = _start(client, "chest_pain")
    _answer(client, ref, svar="no")
    page = client.get(f"/mina-sidor/bedomning/{ref}/fraga")
    assert "Tillbaka" in page.text and "Dina svar hittills" in page.text and "Ändra" in page.text
    version = VERSION_RE.search(page.text).group(1)  # type: ignore[union-attr]
    back = client.post(
        f"/mina-sidor/bedomning/{ref}/andra",
        data={"csrf_token": csrf_from(page.text), "question": "g_breathing", "version": version},
    )
    assert back.status_code == 303
    qid, _ = _answer(client, ref, svar="yes")
    assert qid == "g_breathing"
    assert "Ring 112 nu" in client.get(f"/mina-sidor/bedomning/{ref}/resultat").text


def test_self_care_result_offers_contact_anyway(sqlite_world: Database) -> None:
    client = _sara(sqlite_world)
    ref = _start(client, "common_cold")
    answers = ["no"] * 5 + ["2"] + ["no"] * 4
    for value in answers:
        _, response = _answer(client, ref, svar=value, enhet="dagar")
        if response.headers.get("location", "").endswith("/resultat"):
            break
    result = client.get(f"/mina-sidor/bedomning/{ref}/resultat")
    assert result.status_code == 200 and "Egenvård" in result.text
    # Whether a care channel is open depends on the hour; either the button or the reason.
    assert "Jag vill ändå kontakta vården" in result.text or "Vill du ändå kontakta" in result.text


def test_guardian_assesses_the_child_and_a_stranger_cannot_see_it(sqlite_world: Database) -> None:
    client = _sara(sqlite_world)
    with sqlite_world.sessions() as session:
        child = session.scalar(select(Person).where(Person.person_id == personas.CHILD.person_id))
        assert child is not None
        child_pk = str(child.id)
    ref = _start(client, "fever_child", person=child_pk)
    assert "Elias" in client.get(f"/mina-sidor/bedomning/{ref}/fraga").text
    stranger = client_for(sqlite_world)
    login_citizen(stranger, personas.ELDER.person_id)
    assert stranger.get(f"/mina-sidor/bedomning/{ref}/fraga").status_code == 403
    assert stranger.get(f"/api/v1/me/assessments/{ref}").status_code == 403


@pytest.mark.db
def test_json_api_flow(world: Database) -> None:
    client = _sara(world)
    me = client.get("/api/v1/me")
    headers = {"X-CSRF-Token": _api_token(client, me.json())}
    created = client.post("/api/v1/me/assessments", json={}, headers=headers)
    assert created.status_code == 201, created.text
    ref = created.json()["ref"]
    chosen = client.post(
        f"/api/v1/me/assessments/{ref}/complaint",
        json={"complaint_id": "chest_pain"},
        headers=headers,
    )
    body = chosen.json()
    assert body["question"]["id"] == "g_breathing" and body["version"] == 2
    bad = client.post(
        f"/api/v1/me/assessments/{ref}/answers",
        json={"question_id": "nope", "value": "yes", "version": 2},
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_question"
    done = client.post(
        f"/api/v1/me/assessments/{ref}/answers",
        json={"question_id": "g_breathing", "value": "yes", "version": 2},
        headers=headers,
    )
    assert done.json()["outcome"]["urgency"] == "emergency"
    replay = client.post(
        f"/api/v1/me/assessments/{ref}/answers",
        json={"question_id": "g_breathing", "value": "yes", "version": 2},
        headers=headers,
    )
    assert replay.status_code == 200 and replay.json()["version"] == 3
    stale = client.post(
        f"/api/v1/me/assessments/{ref}/answers",
        json={"question_id": "g_consciousness", "value": "no", "version": 2},
        headers=headers,
    )
    assert stale.status_code == 409
    assert client.get(f"/api/v1/me/assessments/{ref}").json()["status"] == "completed"


def _api_token(client: TestClient, me: dict[str, object]) -> str:
    token = me.get("csrf_token")
    assert isinstance(token, str), me
    return token
