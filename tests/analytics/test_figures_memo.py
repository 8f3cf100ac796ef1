"""Kept figures: reused while the facts stay the same, never after a month is replaced."""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest

from samvard.analytics import facts, facts_rollup, figures_memo
from samvard.analytics.assumptions import Assumptions
from samvard.analytics.contracts import ReportKind
from samvard.analytics.figures import VIEWS, FilterError, Filters, build
from samvard.analytics.figures_memo import Later, Memo, read_stamp
from samvard.analytics.results import ViewResult
from samvard.analytics.scope import Scope
from tests.analytics.test_figures_data import CLINIC_A, CLINIC_C, CLINIC_G, Visits, warehouse

NATION = Scope.nation()
REGION = Scope.of_region("01")


def _visits(extra: int = 0) -> list[Visits]:
    return [
        Visits(CLINIC_A, "2025-01", 12 + extra),
        Visits(CLINIC_C, "2025-01", 9),
        Visits(CLINIC_G, "2025-01", 7, vardtyp="akut"),
    ]


def besok(result: ViewResult) -> object:
    table = next(t for t in result.tables if t.key == "nyckeltal")
    index = [c.key for c in table.columns].index("besok")
    return table.rows[0].cells[index].as_json()


def tables(result: ViewResult) -> list[object]:
    return [
        (t.key, [(row.labels, [cell.as_json() for cell in row.cells]) for row in t.rows])
        for t in result.tables
    ]


def test_a_view_is_kept_until_a_refresh_and_then_computed_again() -> None:
    connection = warehouse(_visits())
    first = build("oversikt", connection, NATION, Filters(), Assumptions())
    assert build("oversikt", connection, NATION, Filters(), Assumptions()) is first
    assert besok(first) == 28
    connection.execute(
        "INSERT INTO besok SELECT * REPLACE ('B9' || besoks_id AS besoks_id) FROM besok "
        "WHERE vardenhet_hsaid = ? LIMIT 5",
        [CLINIC_A[1]],
    )
    connection.begin()
    facts.refresh(connection, ReportKind.BESOK, "01")  # stamps fact_meta, as ingestion does
    connection.commit()
    again = build("oversikt", connection, NATION, Filters(), Assumptions())
    assert again is not first
    assert besok(again) == 33


def test_different_filters_scopes_and_assumptions_are_kept_apart() -> None:
    connection = warehouse(_visits())
    whole = build("oversikt", connection, NATION, Filters(), Assumptions())
    region = build("oversikt", connection, REGION, Filters(), Assumptions())
    women = build("oversikt", connection, NATION, Filters(kon="M"), Assumptions())
    assert (besok(whole), besok(region), besok(women)) == (28, 21, 0)
    other = Assumptions(health_examination=0.5)
    assert build("oversikt", connection, NATION, Filters(), other) is not whole


def test_two_warehouses_never_share_figures() -> None:
    small, large = warehouse(_visits()), warehouse(_visits(extra=20))
    assert besok(build("oversikt", small, NATION, Filters(), Assumptions())) == 28
    assert besok(build("oversikt", large, NATION, Filters(), Assumptions())) == 48


def test_national_views_are_the_same_without_the_roll_up() -> None:
    connection = warehouse(_visits(), [("2025-01", "0180", "18-64", "K", 30, 6)])
    stamp = read_stamp(connection)
    assert stamp is not None and stamp.rollup
    with_roll_up = [build(v, connection, NATION, Filters(), Assumptions()) for v in VIEWS]
    connection.execute(f"DROP TABLE {facts_rollup.TABLE}")  # a warehouse from before it
    stamp = read_stamp(connection)
    assert stamp is not None and not stamp.rollup
    without = [build(v, connection, NATION, Filters(), Assumptions()) for v in VIEWS]
    assert [tables(r) for r in without] == [tables(r) for r in with_roll_up]


def test_concurrent_requests_get_the_same_figures() -> None:
    connection = warehouse(_visits(), [("2025-01", "0180", "18-64", "K", 30, 6)])
    expected = [tables(build(v, connection, REGION, Filters(), Assumptions())) for v in VIEWS]
    figures_memo.clear()

    def one(view: str) -> list[object]:
        with connection.cursor() as cursor:
            return tables(build(view, cursor, REGION, Filters(), Assumptions()))

    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(one, list(VIEWS) * 3))
    assert found == expected * 3


def test_the_memo_keeps_the_most_recently_used() -> None:
    memo = Memo(2)
    assert memo.get("a", lambda: 1) == 1
    assert memo.get("b", lambda: 2) == 2
    assert memo.get("a", lambda: 9) == 1  # kept, and now the most recent
    assert memo.get("c", lambda: 3) == 3  # drops "b"
    assert memo.get("b", lambda: 4) == 4
    assert memo.peek("a") == (False, None)


def test_a_background_error_reaches_the_request() -> None:
    connection = duckdb.connect()

    def broken(cursor: duckdb.DuckDBPyConnection) -> int:
        cursor.execute("SELECT * FROM no_such_table")
        return 1

    later = Later(Memo(4), "key", connection, broken)
    with pytest.raises(duckdb.CatalogException):
        later.result()
    later.settle()
    kept = Later(Memo(4), "key", connection, lambda cursor: 7)
    assert kept.result() == 7


def test_the_cycle_collector_is_as_it_was_after_a_view() -> None:
    connection = warehouse(_visits())
    assert gc.isenabled()
    build("oversikt", connection, NATION, Filters(), Assumptions())
    assert gc.isenabled()
    gc.disable()
    try:
        figures_memo.clear()
        build("oversikt", connection, NATION, Filters(), Assumptions())
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(FilterError):
        build("oversikt", connection, REGION, Filters(vardenhet="SE-NO-SUCH-CLINIC"), Assumptions())
    assert gc.isenabled()
