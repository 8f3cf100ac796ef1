"""The planning views as planners see them: scope, filters in the URL, drill-down, charts with
their tables, hidden cells never shown as numbers, provenance, and the CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import get_args
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from samvard.analytics import figures
from samvard.demo import personas
from samvard.web.routes.planning_api import ViewName
from tests.conftest import Database
from tests.support.planning import CENTRUM, HUDDINGE, SOLNA, UPPSALA_CLINIC, build_warehouse
from tests.support.web import client_for, login_staff

VIEWS = {
    "oversikt": "/planering",
    "halsoundersokningar": "/planering/halsoundersokningar",
    "psykisk-halsa": "/planering/psykisk-halsa",
    "ovrig-vard": "/planering/ovrig-vard",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("planning") / "warehouse.duckdb"
    build_warehouse(path)
    return path


@pytest.fixture
def planner(sqlite_world: Database, warehouse: Path) -> TestClient:
    client = client_for(sqlite_world, analytics_path=warehouse)
    login_staff(client, personas.PLANNER.hsa_id, personas.PLANNER.units[0])
    return client


@pytest.fixture
def national(sqlite_world: Database, warehouse: Path) -> TestClient:
    client = client_for(sqlite_world, analytics_path=warehouse)
    login_staff(client, personas.NATIONAL_PLANNER.hsa_id, personas.NATIONAL_PLANNER.units[0])
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def drill_links(html: str) -> dict[str, str]:
    """Label -> href of every drill-down link in the tables."""
    return {
        re.sub(r"<[^>]+>", "", label).strip(): href.replace("&amp;", "&")
        for href, label in re.findall(r'<a href="([^"]+)" class="drill">(.*?)</a>', html, re.S)
    }


def table_cells(html: str) -> list[tuple[str, str]]:
    """(status, text) of every figure cell in the page's tables."""
    return [
        (status, re.sub(r"<[^>]+>", "", body).strip())
        for status, body in re.findall(
            r'<td class="num[^"]*"[^>]*data-status="(\w+)">(.*?)</td>', html, re.S
        )
    ]


def test_every_view_has_a_page() -> None:
    assert tuple(VIEWS) == figures.VIEWS
    assert tuple(VIEWS) == get_args(ViewName)


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_renders_charts_tables_and_provenance(planner: TestClient, view: str) -> None:
    page = planner.get(VIEWS[view])
    assert page.status_code == 200, page.text
    html = page.text
    assert "<svg" in html and 'role="img"' in html  # charts drawn on the server
    assert "<table" in html
    assert "Källor och antaganden" in html
    assert "Regelversion" in html
    assert "Besöksstatistik, Region Stockholm (01)" in html
    assert 'aria-current="page"' in html  # the planning menu marks the view


def test_region_planner_sees_own_region_down_to_clinics(planner: TestClient) -> None:
    html = planner.get("/planering/ovrig-vard").text
    words = text_of(html)
    assert "Region Stockholm" in words
    assert "Uppsala" not in words and UPPSALA_CLINIC.name not in words
    # Drill down region -> kommun -> clinic, each link setting the next filter.
    links = drill_links(html)
    assert "Solna" in links
    query = parse_qs(urlsplit(links["Solna"]).query)
    assert query["kommun"] == [SOLNA.kommun]
    in_kommun = planner.get(links["Solna"])
    assert in_kommun.status_code == 200
    clinics = drill_links(in_kommun.text)
    assert SOLNA.name in clinics
    assert parse_qs(urlsplit(clinics[SOLNA.name]).query)["vardenhet"] == [SOLNA.hsa_id]
    clinic = planner.get(clinics[SOLNA.name])
    assert clinic.status_code == 200
    crumbs = clinic.text.split('class="crumbs"', 1)[1].split("</nav>", 1)[0]
    assert [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<li>(.*?)</li>", crumbs, re.S)
    ] == [
        "Region Stockholm",
        "Solna",
        SOLNA.name,
    ]


def test_national_planner_sees_regions_and_municipalities_but_no_clinics(
    national: TestClient,
) -> None:
    html = national.get("/planering/ovrig-vard").text
    words = text_of(html)
    assert "Region Stockholm" in words and "Region Uppsala" in words
    for clinic in (CENTRUM, SOLNA, UPPSALA_CLINIC):
        assert clinic.name not in words and clinic.hsa_id not in html
    assert 'name="vardenhet"' not in html
    links = drill_links(html)
    region = national.get(links["Region Stockholm"])
    assert region.status_code == 200
    kommun = drill_links(region.text)["Solna"]
    deepest = national.get(kommun)
    assert deepest.status_code == 200
    assert drill_links(deepest.text) == {}  # no level below the municipality
    assert SOLNA.name not in text_of(deepest.text)
    refused = national.get("/planering/ovrig-vard", params={"vardenhet": SOLNA.hsa_id})
    assert refused.status_code == 400
    assert "Vårdenheter visas inte i den nationella uppföljningen" in refused.text


def test_filters_live_in_the_url_and_the_form(planner: TestClient) -> None:
    params = {
        "fran": "2025-02",
        "till": "2025-03",
        "kommun": "0180",
        "aldersgrupp": "18-64",
        "kon": "K",
    }
    html = planner.get("/planering/halsoundersokningar", params=params).text
    assert 'value="2025-02"' in html and 'value="2025-03"' in html
    assert '<option value="0180" selected>' in html
    assert '<option value="18-64" selected>' in html
    assert '<option value="K" selected>' in html
    csv_link = re.search(r'href="(/planering/halsoundersokningar\?[^"]*format=csv[^"]*)"', html)
    assert csv_link
    query = parse_qs(urlsplit(csv_link.group(1).replace("&amp;", "&")).query)
    assert {key: query[key] for key in params} == {key: [value] for key, value in params.items()}
    # Another region, a bad month, an unknown filter: Swedish 400 pages.
    for bad in ({"region": "03"}, {"fran": "2025-13"}, {"okand": "1"}):
        response = planner.get("/planering", params=bad)
        assert response.status_code == 400, bad
        assert "Felaktig förfrågan" in response.text


def test_suppressed_cells_are_never_numbers(planner: TestClient) -> None:
    # Huddinge's infection clinic has two visits a month: that count must not show anywhere.
    html = planner.get("/planering/ovrig-vard", params={"kommun": HUDDINGE.kommun}).text
    cells = table_cells(html)
    hidden = [text for status, text in cells if status == "suppressed"]
    assert hidden and all(text.startswith("–") for text in hidden)
    assert all(re.fullmatch(r"[\d\s ,−–-]+%?|–.*|okänt.*", text) for _, text in cells)
    assert "visas inte: ett antal mellan 1 och 4" in html
    for shown in re.findall(r'data-value="([^"]+)"', html):
        assert not 1 <= float(shown) <= 4 or "." in shown  # no bar drawn for a small count
    api = planner.get("/api/v1/planering/ovrig-vard", params={"kommun": HUDDINGE.kommun}).json()
    statuses = [cell for table in api["tables"] for row in table["rows"] for cell in row["cells"]]
    assert "suppressed" in statuses
    assert all(not (isinstance(c, int) and 1 <= c <= 4) for c in statuses)


def test_counts_with_unknown_source_values_are_shown_as_ranges(national: TestClient) -> None:
    # Migrationsverket hid Huddinge's registered asylum seekers (.., 1-4 each) in all 8 age x
    # sex cells: the count is unknown, never zero, and lies in 8 x 1 to 8 x 4.
    html = national.get("/planering/psykisk-halsa", params={"kommun": "0126"}).text
    ranges = [text for status, text in table_cells(html) if status == "range"]
    assert ranges and ranges[0].startswith("8–32")
    api = national.get("/api/v1/planering/psykisk-halsa", params={"kommun": "0126"}).json()
    columns = [c["key"] for c in api["tables"][0]["columns"]]
    assert columns[:3] == ["inskrivna", "inskrivna_min", "inskrivna_max"]
    assert api["tables"][0]["rows"][0]["cells"][:3] == ["unknown", 8, 32]
    # The region: 8 x (120 + 60 + 45) known, and Huddinge's 8 ".." cells.
    region = national.get("/planering", params={"region": "01"}).text
    assert "1 808–1 832" in text_of(region)
    export = national.get("/planering", params={"region": "01", "format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    header = next(row for row in rows if "Inskrivna, lägst" in row)
    values = rows[rows.index(header) + 1]
    assert values[header.index("Inskrivna, lägst")] == "1808"
    assert values[header.index("Inskrivna, högst")] == "1832"


def section_of(html: str, key: str) -> str:
    """The HTML of one table's section (chart, table and the notes under it)."""
    found = re.search(rf'<section class="planning-table" id="{key}".*?</section>', html, re.S)
    assert found, key
    return found.group(0)


def test_the_country_names_the_regions_without_visits(
    national: TestClient, planner: TestClient
) -> None:
    # Only Stockholm and Uppsala report visits: the country's figures are their sum.
    note = (
        "Riket avser summan av de 2 regioner som har rapporterat besök för perioden; "
        "19 regioner saknas: Region Sörmland, Region Östergötland,"
    )
    for path in ("/planering", "/planering/halsoundersokningar"):
        html = national.get(path).text
        for key in ("nyckeltal", "omraden", "manader"):
            section = text_of(section_of(html, key))
            assert note in section, (path, key)
            assert "Region Norrbotten. Regionernas besök är okända, inte 0." in section
            assert "Region Stockholm," not in section.split(note)[1]
    api = national.get("/api/v1/planering/oversikt").json()
    notes = {table["key"]: table["note"] or "" for table in api["tables"]}
    assert notes["nyckeltal"].startswith(note)
    export = national.get("/planering", params={"format": "csv"})
    rows = csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";")
    assert sum(row[0].startswith(f"Not: {note}") for row in rows if row) == 3
    book = load_workbook(io.BytesIO(national.get("/planering", params={"format": "xlsx"}).content))
    texts = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert sum(text.startswith(f"Not: {note}") for text in texts) == 3
    # A region's own view, and a region chosen by the national planner, is no such sum.
    assert "Riket avser" not in planner.get("/planering").text
    assert "Riket avser" not in national.get("/planering", params={"region": "01"}).text


def test_charts_draw_ranged_counts_as_the_table_writes_them(national: TestClient) -> None:
    # The country's new asylum seekers each month: 8 x (30 + 12 + 3 + 16) known, and
    # Södertälje's 8 ".." cells (1-4 each).
    html = national.get("/planering").text
    months = section_of(html, "manader")
    chart = months.split("</figure>")[0]
    ranges = re.findall(r'class="range" data-low="([\d.]+)" data-high="([\d.]+)"', chart)
    assert ranges[:3] == [("496.0", "520.0")] * 3
    assert "2025-01, Nyinskrivna asylsökande: 496–520 (spann: Migrationsverket" in chart
    assert "Nyinskrivna asylsökande; fältet visar spannet lägst–högst" in chart
    assert 'data-series="nyinskrivna_min"' not in chart  # drawn with its count, not alone
    # The registered stock would flatten the monthly counts: the table has it, not the chart.
    assert 'data-series="inskrivna"' not in chart and 'data-series="besok"' in chart
    assert "Inskrivna asylsökande" in months.split("</figure>")[1]
    texts = [text for status, text in table_cells(months) if status == "range"]
    assert texts[0].startswith("496–520")  # the table under the chart says the same
    bars = section_of(html, "omraden").split("</figure>")[0]
    assert re.search(r'class="bar-range" data-low="[\d.]+" data-high="[\d.]+"', bars)
    # The waiting estimate's bounds are its band: the chart leaves no column to the table.
    waiting = section_of(national.get("/planering/halsoundersokningar").text, "manader")
    assert 'data-series="vantande"' in waiting and "Väntande, lägst" in waiting
    assert "Diagrammet visar" not in waiting


def test_csv_export_has_the_figures_and_provenance(planner: TestClient) -> None:
    response = planner.get(
        "/planering/ovrig-vard", params={"kommun": HUDDINGE.kommun, "format": "csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "planering-ovrig-vard-region-01-0126" in disposition
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    flat = [cell for row in rows for cell in row]
    assert "Källor" in flat and "Regelversion" in flat
    assert any(cell.startswith("Besöksstatistik, Region Stockholm") for cell in flat)
    assert ".." in flat  # the hidden count
    assert "Antagande: mental_health" in flat


def test_xlsx_export_has_a_sheet_per_table_and_sources(planner: TestClient) -> None:
    response = planner.get("/planering", params={"format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[-1] == "Källor"
    sources = [row[0] for row in book["Källor"].iter_rows(values_only=True)]
    assert "Regelversion" in sources and "Källa" in sources
    api = planner.get("/api/v1/planering/oversikt").json()
    assert len(book.sheetnames) == len(api["tables"]) + 1


def test_api_returns_the_view_with_stable_keys(planner: TestClient) -> None:
    response = planner.get(
        "/api/v1/planering/psykisk-halsa", params={"fran": "2025-01", "till": "2025-03"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"view", "title", "filters", "tables", "provenance"}
    assert body["view"] == "psykisk-halsa"
    assert body["filters"]["fran"] == "2025-01" and body["filters"]["till"] == "2025-03"
    assert set(body["provenance"]) == {
        "sources",
        "periods",
        "rule_version",
        "assumptions",
        "disclosure",
    }
    assert body["provenance"]["periods"] == ["2025-01", "2025-02", "2025-03"]
    table = body["tables"][0]
    assert set(table) == {"key", "caption", "label_columns", "columns", "rows", "chart", "note"}
    assert set(table["columns"][0]) == {"key", "label", "numeric"}
    for row in (row for t in body["tables"] for row in t["rows"]):
        assert set(row) == {"labels", "cells", "drill"}
        assert all(
            isinstance(c, int | float) or c in ("suppressed", "unknown") for c in row["cells"]
        )


def test_api_errors_are_json(planner: TestClient, sqlite_world: Database, warehouse: Path) -> None:
    bad = planner.get("/api/v1/planering/oversikt", params={"region": "03"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]) == {"code", "message", "request_id"}
    assert planner.get("/api/v1/planering/okand").status_code == 422
    assert planner.get("/api/v1/planering/oversikt", params={"scenario": "99"}).status_code == 404
    anonymous = client_for(sqlite_world, analytics_path=warehouse)
    assert anonymous.get("/api/v1/planering/oversikt").status_code == 401
    nurse = client_for(sqlite_world, analytics_path=warehouse)
    login_staff(nurse, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    denied = nurse.get("/api/v1/planering/oversikt")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "not_planner"


def test_empty_warehouse_shows_an_empty_view(sqlite_world: Database, tmp_path: Path) -> None:
    client = client_for(sqlite_world, analytics_path=tmp_path / "none.duckdb")
    login_staff(client, personas.PLANNER.hsa_id, personas.PLANNER.units[0])
    page = client.get("/planering")
    assert page.status_code == 200
    assert "<table" not in page.text.split("Källor och antaganden")[0].split("</form>")[-1]
