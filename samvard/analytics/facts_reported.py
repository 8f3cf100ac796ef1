"""Which months each source has reported, kept with the facts.

Every view starts from the months reported in its scope (figures_series.read_reported): a
region's visits and Migrationsverket's asylum flow. Worked out from the visit facts, that is
a scan of every row on every first request after a month is ingested; kept here, it is a
read of a few hundred rows. fact_reported is refreshed with the facts it is made from, in
the same transaction (facts.refresh), so it always agrees with them.
"""

# ruff: noqa: S608 - the SQL here is built from this module's own constants; the region code
# is a bound parameter.

from __future__ import annotations

import duckdb

from samvard.analytics.contracts import ReportKind

TABLE = "fact_reported"

_VISITS = f"SELECT DISTINCT '{ReportKind.BESOK.value}' AS kind, region, period FROM fact_besok"
_ASYLUM = (
    f"SELECT DISTINCT '{ReportKind.ASYLSOKANDE.value}' AS kind, NULL::VARCHAR AS region, "
    "period FROM fact_asyl"
)


def ensure(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the table if it is missing, from the facts already stored (fact_besok and
    fact_asyl must exist), so it agrees with them from the start."""
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} AS {_VISITS} UNION ALL {_ASYLUM} ORDER BY ALL"
    )


def refresh_region(connection: duckdb.DuckDBPyConnection, region: str) -> None:
    """The region's visit months again, from its facts, in the caller's transaction."""
    params = {"kind": ReportKind.BESOK.value, "region": region}
    connection.execute(f"DELETE FROM {TABLE} WHERE kind = $kind AND region = $region", params)
    connection.execute(
        f"INSERT INTO {TABLE} {_VISITS} WHERE region = $region ORDER BY period", {"region": region}
    )


def refresh_asylum(connection: duckdb.DuckDBPyConnection) -> None:
    """The asylum flow's months again, from its facts, in the caller's transaction."""
    connection.execute(
        f"DELETE FROM {TABLE} WHERE kind = $kind", {"kind": ReportKind.ASYLSOKANDE.value}
    )
    connection.execute(f"INSERT INTO {TABLE} {_ASYLUM} ORDER BY period")


def clear_visits(connection: duckdb.DuckDBPyConnection) -> None:
    """Remove every region's visit months, before all regions are rebuilt."""
    connection.execute(f"DELETE FROM {TABLE} WHERE kind = $kind", {"kind": ReportKind.BESOK.value})
