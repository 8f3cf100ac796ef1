"""The upload page: a region's planner sends the month's visits, the national planner
Migrationsverket's figures; a file with errors is refused whole with every error listed."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from samvard.access.schemas import InfoSet
from samvard.analytics.ingest import Rejection
from samvard.analytics.store import Receipt, Warehouse
from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.web.routes import planning_upload
from tests.conftest import Database
from tests.support.planning import STOCKHOLM, UPPSALA, asyl_csv, besok_csv
from tests.support.web import CSRF_RE, client_for, login_staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JOB_URL_RE = re.compile(r"/planering/uppladdning/jobb/[A-Za-z0-9_-]+")
REAL_INGEST = planning_upload.ingest


class HeldIngest:
    """The real ingest, held after its first step until the test lets it go on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        self.seen: list[tuple[str, float]] = []
        monkeypatch.setattr(planning_upload, "ingest", self)

    def __call__(self, *args: Any, **kwargs: Any) -> Receipt | Rejection:
        warehouse, kind, source, name, progress = args

        def watched(step: str, fraction: float) -> None:
            progress(step, fraction)
            if fraction > 0 and not self.reached.is_set():
                self.seen.append((step, fraction))
                self.reached.set()
                self.release.wait(10)

        return REAL_INGEST(warehouse, kind, source, name, watched, **kwargs)


def uploads_beside(warehouse: Path) -> list[Path]:
    """Uploaded files still waiting beside the warehouse."""
    return sorted(warehouse.parent.glob(".upload-*")) if warehouse.parent.exists() else []


def answer_of(client: TestClient, html: str) -> str:
    """The job's answer: polled for, unless the job was done before the page was sent."""
    job_url = JOB_URL_RE.search(html)
    return poll_until_done(client, job_url.group(0)) if job_url else html


def poll_until_done(client: TestClient, url: str, seconds: float = 20) -> str:
    """Poll the job as the page does until it answers with the receipt or the problems."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, response.text
        if "data-upload-job" not in response.text:
            return response.text
        time.sleep(0.05)
    raise AssertionError("the upload was not read in")


def as_staff(
    database: Database, persona: personas.StaffPersona, warehouse: Path, **settings: object
) -> TestClient:
    client = client_for(database, analytics_path=warehouse, **settings)
    login_staff(client, persona.hsa_id, persona.units[0])
    return client


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "analytics" / "warehouse.duckdb"


def send(
    client: TestClient, name: str, content: bytes, kind: str, *, htmx: bool = False
) -> tuple[int, str]:
    page = client.get("/planering/uppladdning")
    assert page.status_code == 200, page.text
    token = CSRF_RE.search(page.text)
    assert token
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(
        "/planering/uppladdning",
        data={"csrf_token": token.group(1), "kind": kind},
        files={"fil": (name, content, "text/csv")},
        headers=headers,
    )
    return response.status_code, response.text


def test_region_planner_uploads_own_month_and_gets_receipt(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    content = besok_csv(STOCKHOLM, "2025-04", delimiter=";").encode("utf-8-sig")
    status, html = send(client, "besok-stockholm-2025-04.csv", content, "besok")
    assert status == 200, html
    assert "Filen är godkänd" in html
    assert hashlib.sha256(content).hexdigest() in html
    assert "Månaden fanns inte tidigare: alla 74 rader är nya." in html
    receipts = Warehouse(warehouse_path).list_receipts()
    assert [(r.kind, r.region, r.period, r.row_count) for r in receipts] == [
        ("besok", STOCKHOLM, "2025-04", 74)
    ]
    # The page now lists the receipt; the same file again is the same receipt.
    status, again = send(client, "besok-stockholm-2025-04.csv", content, "besok")
    assert status == 200
    assert hashlib.sha256(content).hexdigest() in again
    assert len(Warehouse(warehouse_path).list_receipts()) == 1
    assert "besok-stockholm-2025-04.csv" in client.get("/planering/uppladdning").text


def test_replacement_shows_the_difference(sqlite_world: Database, warehouse_path: Path) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    send(client, "v1.csv", besok_csv(STOCKHOLM, "2025-04").encode(), "besok")
    status, html = send(
        client, "v2.csv", besok_csv(STOCKHOLM, "2025-04", extra=3).encode(), "besok"
    )
    assert status == 200, html
    assert "Jämfört med version 1: 12 nya, 0 borttagna och 0 ändrade rader." in html


def test_file_with_errors_is_refused_whole_with_every_error(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    lines = besok_csv(STOCKHOLM, "2025-04").splitlines()
    bad = lines[1].split(",")
    bad[5] = "130"  # alder out of range
    bad[7] = "9999"  # kommun unknown
    bad[3] = "19121212-1212"  # patient_id that is a personnummer
    lines[1] = ",".join(bad)
    status, html = send(client, "fel.csv", ("\n".join(lines) + "\n").encode(), "besok")
    assert status == 400
    assert "Filen avvisades – inget har ändrats" in html
    rows = problem_rows(html)
    assert ["2", "alder", "130"] in [row[:3] for row in rows]
    assert ["2", "kommun", "9999"] in [row[:3] for row in rows]
    assert any(row[1] == "patient_id" and "personnummer" in row[3] for row in rows)
    assert "19121212-1212" not in html  # a personal identity number is never echoed
    assert Warehouse(warehouse_path).list_receipts() == []


def test_region_planner_cannot_upload_another_region(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    status, html = send(client, "uppsala.csv", besok_csv(UPPSALA, "2025-04").encode(), "besok")
    assert status == 400
    assert "Filen avvisades" in html
    assert Warehouse(warehouse_path).list_receipts() == []
    # Nor Migrationsverket's figures, which are reported nationally.
    status, html = send(client, "asyl.csv", asyl_csv("2025-04").encode(), "asylsokande")
    assert status == 403
    assert "Migrationsverkets statistik laddas upp nationellt" in html


def test_national_planner_uploads_asylum_figures_only(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    client = as_staff(sqlite_world, personas.NATIONAL_PLANNER, warehouse_path)
    page = client.get("/planering/uppladdning")
    assert "Asylsökande (Migrationsverkets månadsstatistik)" in page.text
    status, html = send(client, "asyl.csv", asyl_csv("2025-04").encode(), "asylsokande")
    assert status == 200, html
    assert "Filen är godkänd" in html
    status, _ = send(client, "besok.csv", besok_csv(STOCKHOLM, "2025-04").encode(), "besok")
    assert status == 403
    assert [r.kind for r in Warehouse(warehouse_path).list_receipts()] == ["asylsokande"]


def test_htmx_upload_is_read_in_as_a_job_that_shows_its_progress(
    sqlite_world: Database, warehouse_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldIngest(monkeypatch)
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    content = besok_csv(STOCKHOLM, "2025-04").encode()
    status, html = send(client, "b.csv", content, "besok", htmx=True)
    assert status == 202, html
    assert "<html" not in html
    assert "data-upload-job" in html and 'hx-trigger="load delay:500ms"' in html
    job_url = JOB_URL_RE.search(html)
    assert job_url, html

    # Held after its first step: the poll shows that step and how far the whole has come,
    # and the uploaded file waits beside the warehouse (not in memory, not elsewhere).
    assert held.reached.wait(10)
    step, fraction = held.seen[-1]
    polled = client.get(job_url.group(0), headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert step in polled.text
    assert f"{round(fraction * 100)} %" in polled.text
    assert f'value="{round(fraction * 100)}"' in polled.text
    assert "data-upload-job" in polled.text
    assert [p.suffix for p in uploads_beside(warehouse_path)] == [".csv"]
    # Without htmx the same address is the whole page with the job in it.
    page = client.get(job_url.group(0))
    assert "<html" in page.text and step in page.text

    held.release.set()
    final = poll_until_done(client, job_url.group(0))
    assert 'id="kvitto"' in final and "data-upload-job" not in final
    assert hashlib.sha256(content).hexdigest() in final
    assert len(Warehouse(warehouse_path).list_receipts()) == 1
    assert uploads_beside(warehouse_path) == []


def test_job_shows_the_complete_error_list_at_the_end(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    lines = besok_csv(STOCKHOLM, "2025-04").splitlines()
    for number in (1, 2, 3):
        fields = lines[number].split(",")
        fields[5] = "150"
        lines[number] = ",".join(fields)
    status, html = send(client, "fel.csv", ("\n".join(lines) + "\n").encode(), "besok", htmx=True)
    assert status == 202
    final = answer_of(client, html)
    assert "Filen avvisades – inget har ändrats" in final
    assert [row[:3] for row in problem_rows(final)] == [
        [str(n + 1), "alder", "150"] for n in (1, 2, 3)
    ]
    assert Warehouse(warehouse_path).list_receipts() == []
    assert uploads_beside(warehouse_path) == []


def test_a_failure_while_reading_in_is_shown_and_the_file_deleted(
    sqlite_world: Database, warehouse_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Receipt:
        raise OSError("disk full")

    monkeypatch.setattr(planning_upload, "ingest", broken)
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    status, html = send(
        client, "b.csv", besok_csv(STOCKHOLM, "2025-04").encode(), "besok", htmx=True
    )
    assert status == 202
    final = answer_of(client, html)
    assert "Filen kunde inte läsas in – inget har ändrats" in final
    assert "disk full" not in final
    assert uploads_beside(warehouse_path) == []


def test_only_the_uploading_session_can_see_its_job(
    sqlite_world: Database, warehouse_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldIngest(monkeypatch)
    owner = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    status, html = send(
        owner, "b.csv", besok_csv(STOCKHOLM, "2025-04").encode(), "besok", htmx=True
    )
    assert status == 202
    job_url = JOB_URL_RE.search(html)
    assert job_url
    assert held.reached.wait(10)
    # Both clients talk to the same server (app), as two browsers would.
    other = TestClient(owner.app, base_url="https://testserver", follow_redirects=False)
    login_staff(other, personas.ADMINISTRATOR.hsa_id, personas.ADMINISTRATOR.units[0])
    response = other.get(job_url.group(0), headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "finns inte" in response.text
    # The same planner in another login does not see it either: the job is the session's.
    again = TestClient(owner.app, base_url="https://testserver", follow_redirects=False)
    login_staff(again, personas.PLANNER.hsa_id, personas.PLANNER.units[0])
    assert again.get(job_url.group(0)).status_code == 404
    nurse = TestClient(owner.app, base_url="https://testserver", follow_redirects=False)
    login_staff(nurse, personas.NURSE.hsa_id, personas.NURSE.units[0])
    assert nurse.get(job_url.group(0)).status_code == 403
    assert owner.get("/planering/uppladdning/jobb/okand").status_code == 404
    held.release.set()
    assert 'id="kvitto"' in poll_until_done(owner, job_url.group(0))


def test_upload_is_recorded_in_the_audit_log(sqlite_world: Database, warehouse_path: Path) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    status, _ = send(client, "b.csv", besok_csv(STOCKHOLM, "2025-04").encode(), "besok")
    assert status == 200
    with sqlite_world.sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.resource == InfoSet.ANALYTICS_UPLOAD.value)
        ).all()
    assert [(e.actor_id, e.action, e.outcome) for e in entries] == [
        (personas.PLANNER.hsa_id, "write", "allowed")
    ]


def test_same_file_twice_at_once_leaves_one_copy(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    content = besok_csv(STOCKHOLM, "2025-04").encode()
    started = []
    for _ in range(2):
        status, html = send(client, "b.csv", content, "besok", htmx=True)
        assert status == 202
        started.append(html)
    answers = [answer_of(client, html) for html in started]
    assert all(hashlib.sha256(content).hexdigest() in answer for answer in answers)
    receipts = Warehouse(warehouse_path).list_receipts()
    assert [(r.period, r.version, r.row_count) for r in receipts] == [("2025-04", 1, 74)]


def test_file_over_the_request_limit_is_accepted_by_the_upload(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    content = besok_csv(STOCKHOLM, "2025-04", extra=2000).encode()
    assert len(content) > client.app.state.settings.max_request_bytes  # type: ignore[attr-defined]
    status, html = send(client, "stor.csv", content, "besok")
    assert status == 200, html[:2000]
    assert hashlib.sha256(content).hexdigest() in html
    [receipt] = Warehouse(warehouse_path).list_receipts()
    assert receipt.row_count == content.count(b"\n") - 1
    assert uploads_beside(warehouse_path) == []


def test_other_files_and_forged_forms_are_refused(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    status, html = send(client, "rapport.pdf", b"%PDF-1.4", "besok")
    assert status == 415
    assert "CSV-fil (.csv) eller en Excel-fil (.xlsx)" in html
    forged = client.post(
        "/planering/uppladdning",
        data={"csrf_token": "forged", "kind": "besok"},
        files={"fil": ("b.csv", besok_csv(STOCKHOLM, "2025-04").encode(), "text/csv")},
    )
    assert forged.status_code == 403
    assert Warehouse(warehouse_path).list_receipts() == []


def test_too_large_file_gets_the_swedish_413(sqlite_world: Database, warehouse_path: Path) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path, upload_max_bytes=4096)
    page = client.get("/planering/uppladdning")
    assert 'data-max-bytes="4096"' in page.text  # the page checks the size before sending
    assert "Högst 4 kB." in page.text
    status, html = send(client, "stor.csv", besok_csv(STOCKHOLM, "2025-04").encode(), "besok")
    assert status == 413
    assert "Förfrågan är för stor." in html
    assert '<header class="top">' in html  # the whole page, with the layout
    assert Warehouse(warehouse_path).list_receipts() == []
    assert uploads_beside(warehouse_path) == []


def test_too_large_stream_is_refused_and_its_partial_file_deleted(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path, upload_max_bytes=300_000)
    token = CSRF_RE.search(client.get("/planering/uppladdning").text)
    assert token
    boundary = "grans4711"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{token.group(1)}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nbesok\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="fil"; filename="stor.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    rows = besok_csv(STOCKHOLM, "2025-04", extra=3000).encode()
    sent: list[int] = []

    def body() -> Iterator[bytes]:
        # No Content-Length: the size is only known as the body streams in.
        yield head
        for start in range(0, len(rows), 50_000):
            sent.append(start)
            yield rows[start : start + 50_000]
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        "/planering/uppladdning",
        content=body(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413
    assert "Förfrågan är för stor." in response.text
    assert '<header class="top">' in response.text
    assert Warehouse(warehouse_path).list_receipts() == []
    assert uploads_beside(warehouse_path) == []


def test_other_requests_keep_the_small_limit(sqlite_world: Database, warehouse_path: Path) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    token = CSRF_RE.search(client.get("/planering/scenarier").text)
    assert token
    response = client.post(
        "/planering/scenarier", data={"csrf_token": token.group(1), "namn": "x" * 1_200_000}
    )
    assert response.status_code == 413
    assert '<header class="top">' in response.text


def test_only_planners_and_administrators_may_upload(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    nurse = as_staff(sqlite_world, personas.NURSE, warehouse_path)
    response = nurse.get("/planering/uppladdning")
    assert response.status_code == 403
    assert "Endast planerare och administratörer" in response.text
    admin = as_staff(sqlite_world, personas.ADMINISTRATOR, warehouse_path)
    assert admin.get("/planering/uppladdning").status_code == 200


def problem_rows(html: str) -> list[list[str]]:
    """The rows of the table of problems, as cell texts."""
    body = html.split('id="tabell-fel"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_uploads_left_by_a_killed_process_are_removed_and_fresh_ones_kept(tmp_path: Path) -> None:
    import os

    from samvard.web.routes.planning_upload_stream import (
        STALE_AFTER_SECONDS,
        remove_stale_uploads,
    )

    old = tmp_path / ".upload-left.csv"
    fresh = tmp_path / ".upload-in-progress.csv"
    warehouse = tmp_path / "analytics.duckdb"
    for path in (old, fresh, warehouse):
        path.write_text("x")
    now = fresh.stat().st_mtime + 60
    os.utime(old, (now - STALE_AFTER_SECONDS - 1, now - STALE_AFTER_SECONDS - 1))

    assert remove_stale_uploads(tmp_path, now=now) == 1
    assert not old.exists()
    assert fresh.exists() and warehouse.exists()  # another worker's upload, and the data
    assert remove_stale_uploads(tmp_path / "missing", now=now) == 0
