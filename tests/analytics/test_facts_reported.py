"""The months kept as reported always equal the months in the facts, and views read them."""

from __future__ import annotations

import duckdb

from samvard.analytics import facts, facts_reported, facts_rollup
from samvard.analytics.contracts import ReportKind
from samvard.analytics.figures_memo import read_stamp
from samvard.analytics.figures_series import read_reported
from samvard.analytics.scope import Scope
from tests.analytics.test_figures_data import CLINIC_A, CLINIC_C, CLINIC_G, Visits, warehouse

ASYLUM = [
    ("2025-01", "0180", "18-64", "K", 40, 5),
    ("2025-02", "0180", "18-64", "K", 42, None),  # an unknown value still reports the month
    ("2025-02", "1480", "0-5", "M", 7, 1),
]


def _visits() -> list[Visits]:
    return [
        Visits(CLINIC_A, "2025-01", 4),
        Visits(CLINIC_C, "2025-02", 5),
        Visits(CLINIC_G, "2025-03", 6),
    ]


def kept(connection: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return connection.execute(
        f"SELECT kind, region, period FROM {facts_reported.TABLE} ORDER BY ALL"
    ).fetchall()


def in_facts(connection: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return connection.execute(
        "SELECT DISTINCT 'besok', region, period FROM fact_besok UNION ALL "
        "SELECT DISTINCT 'asylsokande', NULL, period FROM fact_asyl ORDER BY ALL"
    ).fetchall()


def test_the_kept_months_are_the_months_of_the_facts() -> None:
    connection = warehouse(_visits(), ASYLUM)
    assert kept(connection) == in_facts(connection)
    assert ("besok", "01", "2025-02") in kept(connection)
    assert ("asylsokande", None, "2025-02") in kept(connection)


def test_a_refreshed_region_and_asylum_flow_are_kept_again_and_others_stay() -> None:
    connection = warehouse(_visits(), ASYLUM)
    connection.execute("DELETE FROM besok WHERE region = '01' AND period = '2025-02'")
    connection.execute("DELETE FROM asylsokande WHERE period = '2025-01'")
    connection.begin()
    facts.refresh(connection, ReportKind.BESOK, "01")
    facts.refresh(connection, ReportKind.ASYLSOKANDE, None)
    connection.commit()
    assert kept(connection) == in_facts(connection)
    assert kept(connection) == [
        ("asylsokande", None, "2025-02"),
        ("besok", "01", "2025-01"),
        ("besok", "14", "2025-03"),
    ]


def test_a_refresh_rolled_back_leaves_the_kept_months_as_they_were() -> None:
    connection = warehouse(_visits(), ASYLUM)
    before = kept(connection)
    connection.execute("DELETE FROM besok WHERE region = '14'")
    connection.begin()
    facts.refresh(connection, ReportKind.BESOK, "14")
    connection.rollback()
    assert kept(connection) == before


def test_a_warehouse_from_before_the_table_gets_it_whole() -> None:
    connection = warehouse(_visits(), ASYLUM)
    expected = kept(connection)
    connection.execute(f"DROP TABLE {facts_reported.TABLE}")
    facts.ensure_schema(connection)  # as the next ingestion does, before refreshing one region
    assert kept(connection) == expected


def test_rebuilding_every_fact_drops_a_region_without_raw_rows() -> None:
    connection = warehouse(_visits(), ASYLUM)
    connection.execute("DELETE FROM besok WHERE region = '14'")
    facts.refresh_all(connection)
    assert kept(connection) == in_facts(connection)
    assert all(row[1] != "14" for row in kept(connection))


def test_views_read_the_same_months_with_or_without_the_table() -> None:
    connection = warehouse(_visits(), ASYLUM)
    for scope in (Scope.nation(), Scope.of_region("01"), Scope.of_region("14")):
        with_table = read_reported(connection, scope)
        assert with_table.visits  # the scope has reported
        assert with_table.asylum == frozenset({"2025-01", "2025-02"})
        assert read_reported(connection, scope, kept=False) == with_table
        assert read_reported(connection, scope, facts_rollup.TABLE, kept=False) == with_table
    assert read_reported(connection, Scope.of_region("01")).visits == {
        "01": frozenset({"2025-01", "2025-02"})
    }


def test_the_stamp_tells_whether_the_warehouse_keeps_the_months() -> None:
    connection = warehouse(_visits(), ASYLUM)
    stamp = read_stamp(connection)
    assert stamp is not None and stamp.reported and stamp.rollup
    connection.execute(f"DROP TABLE {facts_reported.TABLE}")
    stamp = read_stamp(connection)
    assert stamp is not None and not stamp.reported and stamp.rollup
