"""The visit facts without clinics, for the national views.

A national planner sees regions and municipalities, never clinics, so the national views
read fact_besok_kommun: fact_besok summed over clinics and kinds of unit. It has about half
the rows of fact_besok, and every national query scans it instead. It is refreshed with
fact_besok, one region at a time, in the same transaction (facts.refresh), so it always
agrees with it.
"""

# ruff: noqa: S608 - the SQL here is built from this module's and facts.py's own constants;
# the region code is a bound parameter.

from __future__ import annotations

import duckdb

TABLE = "fact_besok_kommun"
KEYS = ("period", "region", "kommun", "aldersgrupp", "aldersband", "kon")


def _select(where: str) -> str:
    from samvard.analytics.facts import MEASURES  # facts imports this module

    sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in MEASURES)
    keys = ", ".join(KEYS)
    return (
        f"SELECT {keys}, {sums} FROM fact_besok WHERE {where} "
        f"GROUP BY {keys} ORDER BY period, region, kommun"
    )


def exists(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether the current database has the table (a warehouse from before it has not)."""
    found = connection.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = current_schema() AND table_name = $table",
        {"table": TABLE},
    ).fetchone()
    return bool(found and found[0])


def ensure(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the table if it is missing, from the visit facts already stored (fact_besok
    must exist), so it agrees with them from the start."""
    if not exists(connection):
        connection.execute(f"CREATE TABLE {TABLE} AS {_select('TRUE')}")


def refresh_region(connection: duckdb.DuckDBPyConnection, region: str) -> None:
    """Rebuild one region's rows from its visit facts, in the caller's transaction."""
    connection.execute(f"DELETE FROM {TABLE} WHERE region = $region", {"region": region})
    connection.execute(f"INSERT INTO {TABLE} {_select('region = $region')}", {"region": region})


def clear(connection: duckdb.DuckDBPyConnection) -> None:
    """Remove every row, before all regions are rebuilt."""
    connection.execute(f"DELETE FROM {TABLE}")
