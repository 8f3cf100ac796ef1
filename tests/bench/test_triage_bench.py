"""The triage benchmark measures real sessions: valid answers, and an outcome every time."""

from __future__ import annotations

import random

from fastapi.testclient import TestClient

from bench import triage_app
from bench.http_bench import login_citizen
from bench.triage_bench import one_session, random_answer, subject_for
from bench.triage_http import complaints_for_citizen, run_bare, run_sessions, start
from samvard.demo import personas
from samvard.triage.answers import check_answer
from samvard.triage.engine import check_applicable
from samvard.triage.loader import load_content
from samvard.web.app import create_app
from tests.conftest import Database, make_settings
from tests.support.web import login_citizen as login_other


def test_random_answers_are_answers_the_pages_accept() -> None:
    content = load_content()
    rng = random.Random(1)
    for complaint_id in content.complaints:
        for question in content.questions_for(complaint_id):
            for _ in range(5):
                answer = random_answer(question, rng)
                assert check_answer(question, answer) == answer


def test_every_complaint_reaches_an_outcome_with_a_subject_it_is_for() -> None:
    content = load_content()
    rng = random.Random(2)
    for complaint_id, complaint in content.complaints.items():
        subject = subject_for(complaint, rng)
        check_applicable(content, complaint_id, subject)
        assert 1 <= one_session(content, complaint_id, rng) <= 60


def bench_client(database: Database) -> TestClient:
    """The bench app (the real app plus the bare route) as the citizen persona."""
    app = create_app(make_settings(database.url), engine=database.engine)
    app.include_router(triage_app.router)
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    login_citizen(client)
    return client


def test_http_steps_run_real_assessments_to_their_outcome(sqlite_world: Database) -> None:
    client = bench_client(sqlite_world)
    assert "common_cold" in complaints_for_citizen()
    ref = start(client, "common_cold")
    latencies = run_sessions(client, [ref], seed=3)
    assert latencies
    assert client.get(f"/mina-sidor/bedomning/{ref}/resultat").status_code == 200
    assert run_bare(client, [ref], 3) and client.get(f"/bench/bedomning/{ref}").text == "completed"


def test_the_bare_route_does_the_same_guarded_lookup(sqlite_world: Database) -> None:
    client = bench_client(sqlite_world)
    assert client.get("/bench/bedomning/no-such-ref").status_code == 404
    ref = start(client, "common_cold")
    stranger = TestClient(client.app, base_url="https://testserver", follow_redirects=False)
    login_other(stranger, personas.ELDER.person_id)
    assert stranger.get(f"/bench/bedomning/{ref}").status_code == 403
