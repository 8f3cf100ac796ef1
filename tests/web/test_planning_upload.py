"""The upload page: a region's planner sends the month's visits, the national planner
Migrationsverket's figures; a file with errors is refused whole with every error listed."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from samvard.analytics.store import Warehouse
from samvard.demo import personas
from tests.conftest import Database
from tests.support.planning import STOCKHOLM, UPPSALA, asyl_csv, besok_csv
from tests.support.web import CSRF_RE, client_for, login_staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def test_htmx_upload_answers_with_the_result_only(
    sqlite_world: Database, warehouse_path: Path
) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path)
    status, html = send(
        client, "b.csv", besok_csv(STOCKHOLM, "2025-04").encode(), "besok", htmx=True
    )
    assert status == 200
    assert "<html" not in html
    assert 'id="kvitto"' in html


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
    client = as_staff(sqlite_world, personas.PLANNER, warehouse_path, max_request_bytes=4096)
    page = client.get("/planering/uppladdning")
    assert 'data-max-bytes="4096"' in page.text  # the page checks the size before sending
    status, html = send(client, "stor.csv", besok_csv(STOCKHOLM, "2025-04").encode(), "besok")
    assert status == 413
    assert "Förfrågan är för stor." in html
    assert Warehouse(warehouse_path).list_receipts() == []


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
