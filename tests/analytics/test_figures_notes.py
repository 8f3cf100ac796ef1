"""The country's tables say in words which regions their visit figures lack."""

from __future__ import annotations

import pytest

from samvard.analytics.assumptions import Assumptions
from samvard.analytics.figures import build
from samvard.analytics.figures_cube import COUNTRY, Cube, Period
from samvard.analytics.figures_filters import Filters, region_names
from samvard.analytics.figures_notes import country_note, swedish_list, unreported_note
from samvard.analytics.figures_parts import Frame
from samvard.analytics.results import ViewResult
from samvard.analytics.scope import Scope
from samvard.analytics.store import Warehouse
from tests.support.planning import STOCKHOLM, UPPSALA, build_warehouse

MONTHS = ("2025-01", "2025-02", "2025-03")
ALL_REGIONS = tuple(sorted(region_names()))


def _cube(silent: set[str], gaps: dict[str, frozenset[str]] | None = None) -> Cube:
    every = frozenset(MONTHS)
    visit_gaps = {code: every if code in silent else frozenset() for code in ALL_REGIONS}
    visit_gaps.update(gaps or {})
    return Cube(COUNTRY, {}, {}, {}, Period(MONTHS), frozenset(), visit_gaps, frozenset(silent))


def test_swedish_lists_end_with_och() -> None:
    assert swedish_list([]) == ""
    assert swedish_list(["Region Skåne"]) == "Region Skåne"
    assert swedish_list(["A", "B"]) == "A och B"
    assert swedish_list(["A", "B", "C"]) == "A, B och C"


def test_the_note_names_how_many_regions_are_summed_and_which_are_missing() -> None:
    assert unreported_note(19, ["Region Gävleborg", "Region Kalmar län"]) == (
        "Riket avser summan av de 19 regioner som har rapporterat besök för perioden; "
        "2 regioner saknas: Region Gävleborg och Region Kalmar län. "
        "Regionernas besök är okända, inte 0."
    )
    assert unreported_note(20, ["Region Gotland"]) == (
        "Riket avser summan av de 20 regioner som har rapporterat besök för perioden; "
        "1 region saknas: Region Gotland. Regionens besök är okända, inte 0."
    )
    one = unreported_note(1, ["A", "B"])
    assert one.startswith("Riket avser den enda region som har rapporterat besök för perioden;")
    assert unreported_note(0, ["A"]).startswith("Ingen region har rapporterat besök")
    # A region that reported months but has no visit in the chosen age group or sex.
    assert "som har besök i urvalet för perioden;" in unreported_note(3, ["A"], all_months=False)


def test_the_country_note_is_there_only_when_a_region_lacks_visits() -> None:
    assert country_note(Frame(_cube(set()), COUNTRY)) is None
    missing = _cube({"20", "08"})
    note = country_note(Frame(missing, COUNTRY))
    assert note == unreported_note(19, ["Region Kalmar län", "Region Dalarna"])
    # A region's or a municipality's own figures are not a sum over regions.
    assert country_note(Frame(missing, ("R", "01"))) is None
    assert country_note(Frame(missing, ("K", "0180"))) is None
    # Silent in the filter state although it reported: said as such.
    reported = _cube({"20"}, {"20": frozenset()})
    assert "som har besök i urvalet för perioden" in (country_note(Frame(reported, COUNTRY)) or "")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build_warehouse(tmp_path_factory.mktemp("notes") / "warehouse.duckdb")


def _view(warehouse: Warehouse, view: str, scope: Scope, filters: Filters) -> ViewResult:
    with warehouse.reading() as connection:
        return build(view, connection, scope, filters, Assumptions())


@pytest.mark.parametrize("view", ["oversikt", "halsoundersokningar", "ovrig-vard"])
def test_the_countrys_visit_tables_carry_the_note(warehouse: Warehouse, view: str) -> None:
    # Only Stockholm and Uppsala report visits: the country is their sum.
    names = region_names()
    missing = [names[code] for code in ALL_REGIONS if code not in (STOCKHOLM, UPPSALA)]
    expected = unreported_note(2, missing)
    assert "19 regioner saknas" in expected
    result = _view(warehouse, view, Scope(True, None), Filters())
    notes = {table.key: table.note or "" for table in result.tables}
    for key in ("nyckeltal", "omraden", "manader"):
        assert notes[key].endswith(expected), key
    assert names[STOCKHOLM] not in expected and names[UPPSALA] not in expected
    # The forecast is of the need (asylum figures only): nothing is missing from it.
    assert all(expected not in note for key, note in notes.items() if key.startswith("prognos"))
    if view == "halsoundersokningar":
        # A table's own note stays, the country note follows it.
        assert notes["manader"].startswith("Beräknat antal väntande gäller Hela riket")


def test_no_note_below_the_country(warehouse: Warehouse) -> None:
    national_region = _view(warehouse, "oversikt", Scope(True, None), Filters(region=STOCKHOLM))
    own_region = _view(warehouse, "oversikt", Scope(False, STOCKHOLM), Filters())
    for result in (national_region, own_region):
        assert all("Riket avser" not in (table.note or "") for table in result.tables)
