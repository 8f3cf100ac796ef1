"""Upload jobs with several worker processes: a poll may reach any worker and gets the job.

Two apps on one data directory stand for two workers; one test runs a real server with
`samvard serve --workers 2` on loopback.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from samvard.analytics.ingest import Rejection
from samvard.analytics.store import Receipt, Warehouse
from samvard.demo import personas
from samvard.web.routes import planning_upload
from samvard.web.routes import planning_upload_jobfiles as files
from samvard.web.routes.planning_upload_jobs import jobs_directory
from tests.conftest import SECRET, Database
from tests.support.planning import STOCKHOLM, besok_csv
from tests.support.processes import free_port, running
from tests.support.web import CSRF_RE, client_for, login_staff

JOB_URL_RE = re.compile(r"/planering/uppladdning/jobb/([A-Za-z0-9_-]+)")
RESULT_RE = re.compile(r'<div id="upload-result"[^>]*>(.*?)</div>\s*<h2>', re.S)
REAL_INGEST = planning_upload.ingest
HTMX = {"HX-Request": "true"}
# Each worker imports the whole platform; on a busy machine two take a while to start.
WORKERS_START_SECONDS = 120


class HeldIngest:
    """The real ingest, held after its first step until the test lets it go on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        monkeypatch.setattr(planning_upload, "ingest", self)

    def __call__(self, *args: Any, **kwargs: Any) -> Receipt | Rejection:
        warehouse, kind, source, name, progress = args

        def watched(step: str, fraction: float) -> None:
            progress(step, fraction)
            if fraction > 0 and not self.reached.is_set():
                self.reached.set()
                self.release.wait(10)

        return REAL_INGEST(warehouse, kind, source, name, watched, **kwargs)


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "analytics.duckdb"


def two_workers(database: Database, warehouse: Path) -> tuple[TestClient, TestClient]:
    """One browser's login on two apps that share the database and the data directory."""
    first = client_for(database, analytics_path=warehouse)
    login_staff(first, personas.PLANNER.hsa_id, personas.PLANNER.units[0])
    second = client_for(database, analytics_path=warehouse)
    for cookie in first.cookies.jar:
        second.cookies.jar.set_cookie(cookie)
    return first, second


def send(client: Any, name: str, content: bytes) -> str:
    """Upload as the page's script does; the job's reference."""
    page = client.get("/planering/uppladdning")
    assert page.status_code == 200, page.text
    token = CSRF_RE.search(page.text)
    assert token
    response = client.post(
        "/planering/uppladdning",
        data={"csrf_token": token.group(1), "kind": "besok"},
        files={"fil": (name, content, "text/csv")},
        headers=HTMX,
    )
    assert response.status_code == 202, response.text
    found = JOB_URL_RE.search(response.text)
    assert found, response.text
    return found.group(1)


def poll_until_done(client: Any, ref: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(f"/planering/uppladdning/jobb/{ref}", headers=HTMX)
        assert response.status_code == 200, response.text
        if "data-upload-job" not in response.text:
            return str(response.text)
        time.sleep(0.05)
    raise AssertionError("the upload was not read in")


def shown(client: TestClient, ref: str) -> str:
    """The result area of the whole page of a job, as after a reload."""
    page = client.get(f"/planering/uppladdning/jobb/{ref}")
    assert page.status_code == 200, page.text
    found = RESULT_RE.search(page.text)
    assert found, page.text
    return found.group(1)


def test_a_job_started_in_one_worker_is_followed_in_another(
    sqlite_world: Database, warehouse_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldIngest(monkeypatch)
    first, second = two_workers(sqlite_world, warehouse_path)
    content = besok_csv(STOCKHOLM, "2025-04").encode()
    ref = send(first, "besok-2025-04.csv", content)
    assert held.reached.wait(10)

    # The other worker has never seen the job, and shows how far it has come.
    polled = second.get(f"/planering/uppladdning/jobb/{ref}", headers=HTMX)
    assert polled.status_code == 200
    assert "data-upload-job" in polled.text and "Beräknar kontrollsumma" in polled.text
    assert "besok-2025-04.csv har kommit fram" in polled.text
    stranger = client_for(sqlite_world, analytics_path=warehouse_path)
    login_staff(stranger, personas.PLANNER.hsa_id, personas.PLANNER.units[0])
    assert stranger.get(f"/planering/uppladdning/jobb/{ref}").status_code == 404

    held.release.set()
    final = poll_until_done(second, ref)
    assert 'id="kvitto"' in final and hashlib.sha256(content).hexdigest() in final
    # After a reload the page is the same whichever worker answers.
    assert shown(second, ref) == shown(first, ref)
    assert 'id="kvitto"' in shown(second, ref)
    assert len(Warehouse(warehouse_path).list_receipts()) == 1


def test_a_refused_file_lists_the_same_problems_in_every_worker(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    first, second = two_workers(sqlite_world, warehouse_path)
    lines = besok_csv(STOCKHOLM, "2025-04").splitlines()
    for number in (1, 2, 3):
        fields = lines[number].split(",")
        fields[5] = "150"
        lines[number] = ",".join(fields)
    ref = send(first, "fel.csv", ("\n".join(lines) + "\n").encode())
    final = poll_until_done(second, ref)
    assert "Filen avvisades – inget har ändrats" in final
    assert final == poll_until_done(first, ref)
    assert shown(first, ref) == shown(second, ref)
    assert shown(second, ref).count("Åldern") == 3


def test_a_job_whose_worker_died_is_shown_as_interrupted(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    first, second = two_workers(sqlite_world, warehouse_path)
    finished = send(first, "b.csv", besok_csv(STOCKHOLM, "2025-04").encode())
    poll_until_done(first, finished)
    directory = jobs_directory(warehouse_path.parent)
    stored = files.read(directory, finished)
    assert stored is not None
    # A job of this login whose worker was killed while it read the file in.
    killed = subprocess.Popen([sys.executable, "-c", "pass"])
    killed.wait()
    files.write(
        directory,
        files.JobRecord(
            ref="K" * 22,
            owner=stored.owner,
            file_name="besok-maj.csv",
            step="Kontrollerar raderna",
            fraction=0.5,
            pid=killed.pid,
            host=files.HOST,
            heartbeat=time.time(),
            upload=".upload-maj.csv",
        ),
    )
    left = warehouse_path.parent / ".upload-maj.csv"
    left.write_text("region,period\n")
    answer = second.get("/planering/uppladdning/jobb/" + "K" * 22, headers=HTMX)
    assert answer.status_code == 200
    assert "data-upload-job" not in answer.text  # the page stops polling
    assert "Inläsningen avbröts – inget har ändrats" in answer.text
    assert "Inläsningen av besok-maj.csv avbröts innan den blev klar" in answer.text
    assert "Månadens tidigare version är oförändrad. Ladda upp filen igen." in answer.text
    assert "Inläsningen avbröts" in shown(first, "K" * 22)
    assert not left.exists()  # the dead worker's file does not wait a day for a restart


@pytest.mark.slow
def test_a_server_with_two_workers_answers_every_poll_with_the_job(
    sqlite_world: Database, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "SAMVARD_DATABASE_URL": sqlite_world.url,
        "SAMVARD_ANALYTICS_PATH": str(tmp_path / "data" / "analytics.duckdb"),
        "SAMVARD_SECRET_KEY": SECRET,
        "SAMVARD_TEST_LOGINS": "true",
        "SAMVARD_COOKIE_SECURE": "false",
        "SAMVARD_PUBLIC_BASE_URL": base,
        "SAMVARD_MODE": "development",
    }
    args = ["-m", "samvard.cli", "serve", "--workers", "2", "--host", "127.0.0.1"]
    # Each request on a new connection, so the polls are spread over the workers.
    fresh = httpx.Limits(max_keepalive_connections=0)
    with (
        running(
            [*args, "--port", str(port)],
            url=base,
            log=tmp_path / "server.log",
            env=env,
            timeout_s=WORKERS_START_SECONDS,
        ),
        httpx.Client(base_url=base, timeout=30, limits=fresh, trust_env=False) as client,
    ):
        login_staff(client, personas.PLANNER.hsa_id, personas.PLANNER.units[0])  # type: ignore[arg-type]
        # Large enough to be read in for a good part of a second: some polls must see it run.
        content = besok_csv(STOCKHOLM, "2025-04", extra=200_000).encode()
        ref = send(client, "besok-stockholm-2025-04.csv", content)
        running_polls, answers = 0, []
        deadline = time.monotonic() + 60
        while len(answers) < 20 and time.monotonic() < deadline:
            response = client.get(f"/planering/uppladdning/jobb/{ref}", headers=HTMX)
            assert response.status_code == 200, response.text
            if "data-upload-job" in response.text:
                assert ref in response.text
                running_polls += 1
            else:
                answers.append(response.text)
            time.sleep(0.02)
    assert len(answers) == 20, "the upload was not read in"
    assert 'id="kvitto"' in answers[0] and hashlib.sha256(content).hexdigest() in answers[0]
    assert all(answer == answers[0] for answer in answers)
    assert running_polls > 0
