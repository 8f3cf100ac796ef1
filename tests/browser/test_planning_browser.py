"""Production planning in a real browser: a region's planner uploads a month, sees the views
change, drills down region → kommun → clinic and exports; a bad file is refused with every
error listed; the national planner sees the whole country without clinics."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from samvard.demo.personas import NATIONAL_PLANNER, NATIONAL_UNIT, PLANNER, VARDCENTRAL_UNIT
from tests.browser.flows import LiveServer, has_horizontal_overflow, login_staff, screenshot
from tests.support.planning import SOLNA, STOCKHOLM, besok_csv, build_warehouse

pytestmark = pytest.mark.browser


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PAGES = (
    "/planering",
    "/planering/halsoundersokningar?kommun=0126",
    "/planering/psykisk-halsa",
    "/planering/ovrig-vard",
    "/planering/datakvalitet",
    "/planering/uppladdning",
    "/planering/scenarier",
)


def warehouse_of(server: LiveServer) -> Path:
    """The server's warehouse: the default path, relative to the directory it runs in."""
    database = Path(server.database_url.removeprefix("sqlite:///"))
    return database.parent / "var" / "analytics.duckdb"


@pytest.fixture(scope="module")
def filled(live_server: LiveServer) -> LiveServer:
    build_warehouse(warehouse_of(live_server))
    return live_server


def key_figure(page: Page, column: str) -> str:
    """A figure of the key-figure table (the first table of a view) by its column header."""
    page.wait_for_load_state()  # a page still arriving can show its header before its rows
    table = page.locator("table.figures").first
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    cells = [c.strip() for c in table.locator("tbody tr").first.locator("th, td").all_inner_texts()]
    return dict(zip(headers, cells, strict=True))[column]


def test_planner_uploads_a_month_drills_down_and_exports(
    page: Page, filled: LiveServer, artifacts: Path, tmp_path: Path
) -> None:
    login_staff(page, PLANNER, VARDCENTRAL_UNIT)
    page.get_by_role("link", name="Planering", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Översikt")
    screenshot(page, artifacts / "planning-01-overview.png")

    page.get_by_role("navigation", name="Planering").get_by_role("link", name="Övrig vård").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Övrig vård")
    before = key_figure(page, "Besök")
    assert before == "222"

    # Upload April: the file is sent, read in as a job the page polls, and the receipt
    # replaces the progress in the result area.
    page.get_by_role("link", name="Uppladdning").click()
    april = tmp_path / "besok-stockholm-2025-04.csv"
    april.write_text(besok_csv(STOCKHOLM, "2025-04", delimiter=";"), encoding="utf-8-sig")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(april)
    page.get_by_role("button", name="Ladda upp och kontrollera").click()
    receipt = page.locator("#upload-result")
    expect(receipt.get_by_role("heading", name="Filen är godkänd")).to_be_visible()
    expect(receipt).to_contain_text("alla 74 rader är nya")
    expect(page.get_by_role("heading", name="Filen är godkänd")).to_be_focused()
    screenshot(page, artifacts / "planning-02-receipt.png")

    # The views now include April.
    page.get_by_role("link", name="Övrig vård").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Övrig vård")
    after = key_figure(page, "Besök")
    assert int(after.replace("\u00a0", "").replace(" ", "")) == 222 + 74
    expect(page.locator("#till")).to_have_value("2025-04")

    # Drill down: the municipality, then the clinic; the filter state follows in the URL.
    page.locator("table.figures a.drill", has_text="Solna").first.click()
    assert parse_qs(urlsplit(page.url).query)["kommun"] == [SOLNA.kommun]
    crumbs = page.get_by_role("navigation", name="Nivå")
    expect(crumbs).to_contain_text("Region Stockholm")
    expect(crumbs).to_contain_text("Solna")
    page.locator("table.figures a.drill", has_text=SOLNA.name).first.click()
    assert parse_qs(urlsplit(page.url).query)["vardenhet"] == [SOLNA.hsa_id]
    expect(page.get_by_role("heading", level=1)).to_contain_text(SOLNA.name)
    screenshot(page, artifacts / "planning-03-clinic.png")
    crumbs.get_by_role("link", name="Region Stockholm").click()
    assert "kommun" not in parse_qs(urlsplit(page.url).query)

    # Export what is shown: CSV and XLSX, both with the sources.
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "Regelversion" in rows
    assert any(
        re.match(r"Besöksstatistik, Region Stockholm \(01\), 2025-01–2025-04", c) for c in rows
    )
    assert download.value.suggested_filename.endswith(".csv")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames[-1] == "Källor"


def test_large_upload_shows_how_far_the_reading_in_has_come(
    page: Page, filled: LiveServer, artifacts: Path, tmp_path: Path
) -> None:
    # A month far larger than an ordinary request (over 1 MB) with one error in its last
    # row: the server's steps show while it is read, then the error, and nothing changes.
    login_staff(page, PLANNER, VARDCENTRAL_UNIT)
    page.goto("/planering/uppladdning")
    lines = besok_csv(STOCKHOLM, "2025-06", extra=100_000).splitlines()
    fields = lines[-1].split(",")
    fields[5] = "150"
    lines[-1] = ",".join(fields)
    large = tmp_path / "besok-stockholm-2025-06.csv"
    large.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert large.stat().st_size > 50_000_000
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(large)
    page.get_by_role("button", name="Ladda upp och kontrollera").click()
    job = page.locator("[data-upload-job]")
    expect(job.get_by_role("heading", name="Filen läses in")).to_be_visible(timeout=15_000)
    # The bar has moved past the start: a step of the server's own reading is shown.
    expect(job.locator("progress")).not_to_have_attribute("value", "0", timeout=15_000)
    expect(job.locator("label")).to_have_text(
        re.compile("Beräknar kontrollsumma|Läser filen|Kontrollerar raderna|Sparar månaden")
    )
    expect(page.locator("#upload-result")).to_have_attribute("aria-busy", "true")
    screenshot(page, artifacts / "planning-02b-progress.png")
    result = page.locator("#upload-result")
    heading = result.get_by_role("heading", name="Filen avvisades – inget har ändrats")
    expect(heading).to_be_visible(timeout=60_000)
    expect(heading).to_be_focused()
    expect(result.locator("table.problems tbody tr")).to_have_count(1)
    expect(result).to_contain_text(f"{len(lines)}")
    expect(job).to_have_count(0)


def test_bad_file_is_refused_with_every_error(
    page: Page, filled: LiveServer, artifacts: Path, tmp_path: Path
) -> None:
    login_staff(page, PLANNER, VARDCENTRAL_UNIT)
    page.goto("/planering/uppladdning")
    lines = besok_csv(STOCKHOLM, "2025-05").splitlines()
    for number in (1, 2):
        fields = lines[number].split(",")
        fields[5] = "150"
        fields[10] = "tandvard"
        lines[number] = ",".join(fields)
    bad = tmp_path / "fel.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(bad)
    page.get_by_role("button", name="Ladda upp och kontrollera").click()
    result = page.locator("#upload-result")
    expect(
        result.get_by_role("heading", name="Filen avvisades – inget har ändrats")
    ).to_be_visible()
    problems = result.locator("table.problems tbody tr")
    expect(problems).to_have_count(4)
    expect(result).to_contain_text("tandvard")
    screenshot(page, artifacts / "planning-04-rejected.png")


def test_national_planner_sees_the_country_on_a_phone(
    new_page: Callable[..., Page], filled: LiveServer, artifacts: Path
) -> None:
    page = new_page(viewport={"width": 390, "height": 844})
    login_staff(page, NATIONAL_PLANNER, NATIONAL_UNIT)
    page.goto("/planering/halsoundersokningar")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hela riket")
    expect(page.locator("main")).to_contain_text("Region Uppsala")
    expect(page.locator("#vardenhet")).to_have_count(0)
    assert not has_horizontal_overflow(page)
    screenshot(page, artifacts / "planning-05-national-phone.png")
    page.goto("/planering/datakvalitet")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Datakvalitet")
    screenshot(page, artifacts / "planning-06-quality-phone.png")


@pytest.mark.parametrize("width", [1280, 390])
def test_planning_pages_have_no_wcag_violations(
    new_page: Callable[..., Page], filled: LiveServer, width: int
) -> None:
    page = new_page(viewport={"width": width, "height": 900})
    login_staff(page, PLANNER, VARDCENTRAL_UNIT)
    axe = Axe()
    found = {}
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            found[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        if width < 600:
            assert not has_horizontal_overflow(page), path
    assert not found, found
