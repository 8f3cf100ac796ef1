"""The national roll-up of the visit facts always equals fact_besok summed over clinics."""

from __future__ import annotations

import duckdb

from samvard.analytics import facts, facts_rollup
from samvard.analytics.contracts import ReportKind
from samvard.analytics.facts import MEASURES
from tests.analytics.test_figures_data import (
    CLINIC_A,
    CLINIC_B,
    CLINIC_C,
    CLINIC_G,
    Visits,
    warehouse,
)

KEYS = ", ".join(facts_rollup.KEYS)
SUMS = ", ".join(f"sum({m})::BIGINT" for m in MEASURES)


def summed(connection: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return connection.execute(
        f"SELECT {KEYS}, {SUMS} FROM fact_besok GROUP BY ALL ORDER BY ALL"
    ).fetchall()


def rolled(connection: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return connection.execute(
        f"SELECT {KEYS}, {', '.join(MEASURES)} FROM {facts_rollup.TABLE} ORDER BY ALL"
    ).fetchall()


def _visits() -> list[Visits]:
    return [
        Visits(CLINIC_A, "2025-01", 4),
        Visits(CLINIC_B, "2025-01", 3, alder=8, kon="M"),  # same municipality, other clinic
        Visits(CLINIC_B, "2025-01", 2, verksamhet="barnpsykiatri", yrkeskategori="psykolog"),
        Visits(CLINIC_C, "2025-02", 5, vardtyp="akut", halsoundersokning=False),
        Visits(CLINIC_G, "2025-02", 6, kon=None),
    ]


def test_the_roll_up_is_fact_besok_summed_over_clinics() -> None:
    connection = warehouse(_visits())
    found = rolled(connection)
    assert found == summed(connection)
    assert len(found) < connection.execute("SELECT count(*) FROM fact_besok").fetchone()[0]  # type: ignore[index]


def test_a_refreshed_region_is_rolled_up_again_and_others_stay() -> None:
    connection = warehouse(_visits())
    connection.execute("DELETE FROM besok WHERE region = '01' AND period = '2025-02'")
    connection.begin()
    facts.refresh(connection, ReportKind.BESOK, "01")
    connection.commit()
    assert rolled(connection) == summed(connection)
    regions = connection.execute(
        f"SELECT DISTINCT region FROM {facts_rollup.TABLE} ORDER BY 1"
    ).fetchall()
    assert regions == [("01",), ("14",)]


def test_a_warehouse_from_before_the_roll_up_gets_it_whole() -> None:
    connection = warehouse(_visits())
    connection.execute(f"DROP TABLE {facts_rollup.TABLE}")
    assert not facts_rollup.exists(connection)
    facts.ensure_schema(connection)  # as the next ingestion does, before refreshing one region
    assert facts_rollup.exists(connection)
    assert rolled(connection) == summed(connection)


def test_rebuilding_every_fact_rebuilds_the_roll_up() -> None:
    connection = warehouse(_visits())
    connection.execute("DELETE FROM besok WHERE region = '14'")
    facts.refresh_all(connection)
    assert rolled(connection) == summed(connection)
    assert all(row[1] == "01" for row in rolled(connection))
