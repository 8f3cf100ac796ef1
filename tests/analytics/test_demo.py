"""The demo warehouse: filled once through the real ingestion, then left alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from samvard.analytics import demo
from samvard.analytics.contracts import ReportKind
from samvard.analytics.generate import periods_ending
from samvard.analytics.ingest import ingest
from samvard.analytics.store import Warehouse
from tests.analytics.report_files import visit, write_csv

MONTHS = 2
ROWS = 3_000
LAST = "2025-09"
FILES = 21 * MONTHS + MONTHS


def stored(warehouse: Warehouse, sql: str) -> list[tuple[object, ...]]:
    with warehouse.reading() as connection:
        assert connection is not None
        return connection.execute(sql).fetchall()


def ensure(path: Path) -> bool:
    return demo.ensure_demo_warehouse(path, rows=ROWS, months=MONTHS, last_period=LAST)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[int, int]]]:
    """A demo warehouse loaded once for the module, with the progress it reported."""
    path = tmp_path_factory.mktemp("demo") / "var" / "analytics.duckdb"
    steps: list[tuple[int, int]] = []
    assert demo.ensure_demo_warehouse(
        path,
        rows=ROWS,
        months=MONTHS,
        last_period=LAST,
        progress=lambda done, total: steps.append((done, total)),
    )
    return path, steps


@pytest.fixture
def copy(loaded: tuple[Path, list[tuple[int, int]]], tmp_path: Path) -> Path:
    """A copy of the loaded warehouse that a test may change."""
    path = tmp_path / "analytics.duckdb"
    shutil.copy(loaded[0], path)
    return path


def test_an_empty_warehouse_is_filled_through_the_ingestion(
    loaded: tuple[Path, list[tuple[int, int]]],
) -> None:
    path, steps = loaded
    warehouse = Warehouse(path)
    assert steps == [(done, FILES) for done in range(1, FILES + 1)]
    receipts = warehouse.list_receipts()
    assert len(receipts) == FILES
    assert {r.kind for r in receipts} == {"besok", "asylsokande"}
    assert {r.period for r in receipts} == set(periods_ending(LAST, MONTHS))
    assert stored(warehouse, "SELECT count(*) FROM besok") == [(ROWS,)]
    assert stored(warehouse, "SELECT count(DISTINCT region) FROM besok") == [(21,)]
    assert stored(warehouse, "SELECT count(*) FROM asylsokande") == [(MONTHS * 290 * 8,)]
    # The views read the facts, which the ingestion refreshed: every visit is counted.
    assert stored(warehouse, "SELECT sum(besok) FROM fact_besok") == [(ROWS,)]
    # Suppressed counts arrived as unknown, never as zero.
    unknown = stored(warehouse, "SELECT count(*) FROM fact_asyl WHERE nyinskrivna IS NULL")
    assert unknown[0][0] > 0
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".demo-")]
    assert leftovers == []


def test_a_second_call_does_nothing(copy: Path) -> None:
    before = Warehouse(copy).list_receipts()
    assert not ensure(copy)
    assert Warehouse(copy).list_receipts() == before


def test_a_warehouse_with_real_reports_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "var" / "analytics.duckdb"
    report = write_csv(tmp_path / "besok.csv", [visit(1), visit(2)])
    ingest(Warehouse(path), ReportKind.BESOK, report)
    assert not ensure(path)
    assert stored(Warehouse(path), "SELECT count(*) FROM besok") == [(2,)]


def test_two_loads_racing_keep_one_copy_of_each_month(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipts = Warehouse(copy).list_receipts()
    # A second process that looked before the first had loaded anything loads it all again.
    monkeypatch.setattr(demo, "has_data", lambda warehouse: False)
    assert ensure(copy)
    assert Warehouse(copy).list_receipts() == receipts
    assert stored(Warehouse(copy), "SELECT count(*) FROM besok") == [(ROWS,)]
