"""The data quality page: reported months per source, and outliers flagged for follow-up."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from samvard.analytics.contracts import ReportKind
from samvard.analytics.store import Warehouse
from samvard.demo import personas
from tests.conftest import Database
from tests.support.planning import STOCKHOLM, asyl_csv, besok_csv, build_warehouse, load
from tests.support.web import client_for, login_staff


def as_staff(database: Database, persona: personas.StaffPersona, warehouse: Path) -> TestClient:
    client = client_for(database, analytics_path=warehouse)
    login_staff(client, persona.hsa_id, persona.units[0])
    return client


def matrix(html: str) -> dict[str, list[str]]:
    """Source name -> the first word of each month's cell ("Ja" or "Saknas")."""
    body = html.split('id="tabell-fullstandighet"', 1)[1].split("<tbody>", 1)[1]
    body = body.split("</tbody>", 1)[0]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        name = re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1))  # type: ignore[union-attr]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        # The detail (version, rows) is in a span after the word.
        words = [re.sub(r"<span.*", "", c, flags=re.S) for c in cells]
        found[name.strip()] = [re.sub(r"<[^>]+>", "", w).strip() for w in words]
    return found


def test_region_planner_sees_own_region_and_missing_months(
    sqlite_world: Database, tmp_path: Path
) -> None:
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    client = as_staff(sqlite_world, personas.PLANNER, path)
    page = client.get("/planering/datakvalitet", params={"till": "2025-04", "manader": 4})
    assert page.status_code == 200, page.text
    rows = matrix(page.text)
    assert rows == {
        "Migrationsverket": ["Ja", "Ja", "Ja", "Saknas"],
        "Region Stockholm": ["Ja", "Ja", "Ja", "Saknas"],
    }
    assert "2 månader saknas och är flaggade för uppföljning." in page.text


def test_national_planner_sees_every_region(sqlite_world: Database, tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    build_warehouse(path)
    client = as_staff(sqlite_world, personas.NATIONAL_PLANNER, path)
    rows = matrix(client.get("/planering/datakvalitet", params={"manader": 3}).text)
    assert len(rows) == 22  # Migrationsverket and the 21 regions
    assert rows["Region Uppsala"] == ["Ja", "Ja", "Ja"]
    assert rows["Region Skåne"] == ["Saknas", "Saknas", "Saknas"]


def test_a_month_far_from_its_history_is_flagged(sqlite_world: Database, tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    warehouse = Warehouse(path)
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    for period in months:
        extra = 150 if period == "2024-12" else 0
        text = besok_csv(STOCKHOLM, period, extra=extra)
        load(warehouse, ReportKind.BESOK, tmp_path / f"b-{period}.csv", text)
    load(warehouse, ReportKind.ASYLSOKANDE, tmp_path / "a.csv", asyl_csv("2024-12"))
    client = as_staff(sqlite_world, personas.PLANNER, path)
    page = client.get("/planering/datakvalitet", params={"till": "2024-12", "manader": 3})
    assert page.status_code == 200
    outliers = page.text.split('id="tabell-avvikelser"', 1)[1]
    assert "Region Stockholm" in outliers
    assert "2024-12" in outliers
    assert "för uppföljning" in outliers
    assert "högt" in outliers


def test_empty_warehouse_and_bad_parameters(sqlite_world: Database, tmp_path: Path) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, tmp_path / "none.duckdb")
    page = client.get("/planering/datakvalitet")
    assert page.status_code == 200
    assert "Inga värden avviker" in page.text
    assert client.get("/planering/datakvalitet", params={"manader": "999"}).status_code == 422
    assert client.get("/planering/datakvalitet", params={"till": "2025-13"}).status_code == 422
    nurse = as_staff(sqlite_world, personas.NURSE, tmp_path / "none.duckdb")
    assert nurse.get("/planering/datakvalitet").status_code == 403
