"""Scenario pages: planners save, edit, delete and compare assumptions; Swedish errors beside
the field; a scenario chosen in a view changes the need it shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from samvard.demo import personas
from tests.conftest import Database
from tests.support.planning import build_warehouse
from tests.support.web import CSRF_RE, client_for, login_staff


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scenarios") / "warehouse.duckdb"
    build_warehouse(path)
    return path


def as_staff(database: Database, persona: personas.StaffPersona, warehouse: Path) -> TestClient:
    client = client_for(database, analytics_path=warehouse)
    login_staff(client, persona.hsa_id, persona.units[0])
    return client


def token(client: TestClient, path: str = "/planering/scenarier") -> str:
    match = CSRF_RE.search(client.get(path).text)
    assert match
    return match.group(1)


def save(client: TestClient, name: str, **fields: str) -> tuple[int, str, str]:
    data = {"csrf_token": token(client), "namn": name, "version": "0", "kommun_0": "", **fields}
    response = client.post("/planering/scenarier", data=data)
    return response.status_code, response.headers.get("location", ""), response.text


def scenario_ids(client: TestClient) -> dict[str, int]:
    html = client.get("/planering/scenarier").text
    return {
        name: int(i)
        for i, name in re.findall(r'<a href="/planering/scenarier/(\d+)">([^<]+)</a>', html)
    }


def test_create_edit_and_delete(sqlite_world: Database, warehouse: Path) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse)
    status, location, _ = save(
        client, "Hög inflyttning", health_examination="80", mental_health="35,5"
    )
    assert (status, location) == (303, "/planering/scenarier?sparat=nytt")
    assert "Scenariot är sparat." in client.get(location).text
    ids = scenario_ids(client)
    page = client.get(f"/planering/scenarier/{ids['Hög inflyttning']}")
    assert 'value="80"' in page.text and 'value="35,5"' in page.text
    edit = {
        "csrf_token": token(client),
        "namn": "Hög inflyttning",
        "version": "1",
        "health_examination": "90",
        "alder_0_ph": "10",
        "kommun_0": "0180",
        "kommun_0_hu": "100",
    }
    response = client.post(f"/planering/scenarier/{ids['Hög inflyttning']}", data=edit)
    assert response.status_code == 303, response.text
    page = client.get(f"/planering/scenarier/{ids['Hög inflyttning']}").text
    assert "Version 2" in page
    assert '<option value="0180" selected>' in page
    # An edit of the old version is refused, not lost.
    stale = client.post(
        f"/planering/scenarier/{ids['Hög inflyttning']}", data={**edit, "health_examination": "70"}
    )
    assert stale.status_code == 409
    assert "har ändrats sedan du öppnade det" in stale.text
    removed = client.post(
        f"/planering/scenarier/{ids['Hög inflyttning']}/ta-bort",
        data={"csrf_token": token(client), "version": "2"},
    )
    assert removed.status_code == 303
    assert scenario_ids(client) == {}


def test_errors_are_swedish_and_beside_the_field(sqlite_world: Database, warehouse: Path) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse)
    status, _, html = save(client, "", health_examination="120", mental_health="mycket")
    assert status == 400
    assert "Scenariot sparades inte" in html
    assert html.count("Skriv andelen i procent") == 4  # in the summary and beside each field
    assert "Ge scenariot ett namn." in html
    field = re.search(r'<input id="health_examination"[^>]*>', html)
    assert field and 'value="120"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    # A municipality outside the region is refused by the scenario's own checks.
    status, _, html = save(client, "Uppsala", kommun_0="0380", kommun_0_hu="50")
    assert status == 400
    assert "Kommunen ligger inte i din region." in html
    status, _, _ = save(client, "Samma")
    assert status == 303
    status, _, html = save(client, "samma", health_examination="50")
    assert status == 400
    assert "Det finns redan ett scenario som heter" in html
    assert scenario_ids(client) == {"Samma": scenario_ids(client)["Samma"]}


def test_scenarios_are_the_scopes_own(sqlite_world: Database, warehouse: Path) -> None:
    planner = as_staff(sqlite_world, personas.PLANNER, warehouse)
    save(planner, "Stockholms scenario")
    national = as_staff(sqlite_world, personas.NATIONAL_PLANNER, warehouse)
    assert scenario_ids(national) == {}
    own = scenario_ids(planner)["Stockholms scenario"]
    assert national.get(f"/planering/scenarier/{own}").status_code == 404
    assert national.get("/planering", params={"scenario": own}).status_code == 404


def test_a_scenario_changes_the_need_and_compares_side_by_side(
    sqlite_world: Database, warehouse: Path
) -> None:
    client = as_staff(sqlite_world, personas.PLANNER, warehouse)
    save(client, "Halva", health_examination="50", mental_health="10")
    save(client, "Alla", health_examination="100", mental_health="40")
    ids = scenario_ids(client)
    half = client.get(
        "/api/v1/planering/halsoundersokningar", params={"scenario": ids["Halva"]}
    ).json()
    full = client.get(
        "/api/v1/planering/halsoundersokningar", params={"scenario": ids["Alla"]}
    ).json()
    assert half["provenance"]["assumptions"]["health_examination"] == 0.5
    need = {t["key"]: t for t in half["tables"]}["nyckeltal"]["columns"]
    index = [c["key"] for c in need].index("behov_halsoundersokning")
    half_need = {t["key"]: t for t in half["tables"]}["nyckeltal"]["rows"][0]["cells"][index]
    full_need = {t["key"]: t for t in full["tables"]}["nyckeltal"]["rows"][0]["cells"][index]
    assert half_need * 2 == pytest.approx(full_need)
    page = client.get("/planering", params={"scenario": ids["Halva"]}).text
    assert f'<option value="{ids["Halva"]}" selected>' in page
    compare = client.get(
        "/planering/scenarier/jamfor", params=[("valda", ids["Halva"]), ("valda", ids["Alla"])]
    )
    assert compare.status_code == 200, compare.text
    assert "Halva" in compare.text and "Alla" in compare.text
    assert 'class="differs"' in compare.text
    one = client.get("/planering/scenarier/jamfor", params={"valda": ids["Halva"]})
    assert one.status_code == 400
    assert "Välj 2 till 4 scenarier" in one.text
