"""A region that has not reported is unknown in the planning views, never zero."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from samvard.analytics.assumptions import Assumptions
from samvard.analytics.figures import build
from samvard.analytics.figures_filters import Filters
from samvard.analytics.generate import generate, report_kind
from samvard.analytics.ingest import ingest
from samvard.analytics.results import CellStatus
from samvard.analytics.scope import Scope
from samvard.analytics.store import Receipt, Warehouse


def _warehouse(tmp_path: Path, months: int, sent: Callable[[str], bool]) -> Warehouse:
    """A generated warehouse holding only the files whose names `sent` accepts."""
    generate(tmp_path / "files", rows=4000, months=months, last_period="2026-09", seed=7, workers=1)
    warehouse = Warehouse(tmp_path / "w.duckdb")
    for file in sorted((tmp_path / "files").iterdir()):
        if sent(file.name):
            assert isinstance(ingest(warehouse, report_kind(file), file), Receipt)
    return warehouse


def test_regions_without_a_visit_report_are_unknown_and_the_country_adds_up_the_others(
    tmp_path: Path,
) -> None:
    # Migrationsverket's month and one region's visits; the other twenty regions are late.
    warehouse = _warehouse(
        tmp_path, 1, lambda name: name.startswith("asylsokande") or name.startswith("besok_01_")
    )

    with warehouse.reading() as connection:
        result = build("oversikt", connection, Scope(True, None), Filters(), Assumptions())
    regions = next(t for t in result.tables if t.key == "omraden")
    besok = [c.key for c in regions.columns].index("besok")
    by_region = {row.drill: row.cells[besok] for row in regions.rows}
    assert by_region["01"].status is CellStatus.SHOWN
    silent = {code: cell for code, cell in by_region.items() if code != "01"}
    assert silent, "the asylum flow names municipalities in other regions"
    assert all(cell.status is CellStatus.UNKNOWN for cell in silent.values())
    total = next(t for t in result.tables if t.key == "nyckeltal").rows[0].cells[besok]
    assert total == by_region["01"]  # the country is the regions that reported


def test_the_countrys_waiting_and_share_of_need_are_unknown_while_a_region_never_reported(
    tmp_path: Path,
) -> None:
    # Gotland has never reported.
    warehouse = _warehouse(tmp_path, 2, lambda name: not name.startswith("besok_09_"))

    with warehouse.reading() as connection:
        country = build(
            "halsoundersokningar", connection, Scope(True, None), Filters(), Assumptions()
        )
        region = build(
            "halsoundersokningar", connection, Scope(True, None),
            Filters.parse({"region": "01"}), Assumptions(),
        )  # fmt: skip
    for result, status in ((country, CellStatus.UNKNOWN), (region, CellStatus.SHOWN)):
        key = next(t for t in result.tables if t.key == "nyckeltal")
        cells = dict(zip((c.key for c in key.columns), key.rows[0].cells, strict=True))
        # Gotland's asylum seekers count in the country's need but none of its examinations
        # would be set against them: no estimate beats a wrong one.
        assert cells["andel_av_behov"].status is status
        assert cells["vantande"].status is status
        assert cells["halsoundersokningar"].status is CellStatus.SHOWN
