"""Fact tables in the warehouse: the only tables dashboards read.

`refresh` runs inside the transaction that replaces a month's raw rows, so a reader sees
either the old raw rows and the old facts or the new ones, never a mix. A region's visit
facts are rebuilt for all its months at once: replacing an earlier month can move a
person's first mental-health intervention to or from a later month. The asylum-flow facts
are small and rebuilt whole.

fact_besok holds one row per month, municipality, clinic, kind of unit, age band and sex,
with visit counts per classification rule (rules.py) and the rule version that made them.
fact_asyl keeps Migrationsverket's unknown values (`..`) as NULL, never zero. The national
roll-up (facts_rollup) and the months reported (facts_reported) are refreshed with them.
"""

# ruff: noqa: S608 - the SQL interpolated here is built from this module's and rules.py's own
# constants; the only value from outside, the region code, is a bound parameter.

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import duckdb

from samvard.analytics import facts_reported, facts_rollup
from samvard.analytics.contracts import ReportKind
from samvard.analytics.rules import FIRST_INTERVENTION, RULE_VERSION, RULES

# (band, its lowest age, the age group it nests in); each band runs up to the next one's start.
AGE_BANDS: tuple[tuple[str, int, str], ...] = (
    ("0-5", 0, "0-5"),
    ("6-12", 6, "6-17"),
    ("13-17", 13, "6-17"),
    ("18-24", 18, "18-64"),
    ("25-34", 25, "18-64"),
    ("35-44", 35, "18-64"),
    ("45-54", 45, "18-64"),
    ("55-64", 55, "18-64"),
    ("65+", 65, "65+"),
)
UNKNOWN_SEX = "okant"

DIMENSIONS = (
    "period",
    "region",
    "kommun",
    "vardenhet_hsaid",
    "vardenhet_namn",
    "verksamhet",
    "aldersgrupp",
    "aldersband",
    "kon",
)
MEASURES = (
    "besok",
    "halsoundersokningar",
    "psykisk_halsa",
    "psyk_forsta_linjen",
    "psyk_andra_linjen",
    FIRST_INTERVENTION.id,
    "akut",
    "planerad",
    "infektion",
    "forlossningar",
)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS fact_besok ("
    + ", ".join(f"{name} VARCHAR NOT NULL" for name in DIMENSIONS)
    + ", "
    + ", ".join(f"{name} BIGINT NOT NULL" for name in MEASURES)
    + ", rule_version VARCHAR NOT NULL);"
    """
CREATE TABLE IF NOT EXISTS fact_asyl (
    period VARCHAR NOT NULL, region VARCHAR NOT NULL, kommun VARCHAR NOT NULL,
    aldersgrupp VARCHAR NOT NULL, kon VARCHAR NOT NULL, inskrivna BIGINT, nyinskrivna BIGINT
);
CREATE TABLE IF NOT EXISTS fact_meta (
    rule_version VARCHAR NOT NULL, refreshed_at TIMESTAMP NOT NULL
);
"""
)


def age_band(alder: int) -> tuple[str, str]:
    """The (age group, age band) of an age in whole years."""
    band = next(b for b in reversed(AGE_BANDS) if alder >= b[1] or b is AGE_BANDS[0])
    return band[2], band[0]


def _list_sql(values: Iterable[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


# Visits are grouped by a small integer age band, turned into its labels after grouping:
# far cheaper than grouping hundreds of thousands of rows by two more strings.
_BAND_SQL = (
    "CASE "
    + " ".join(
        f"WHEN alder >= {low} THEN {i}" for i, (_, low, _) in reversed(list(enumerate(AGE_BANDS)))
    )
    + " ELSE 0 END"
)
_KEYS = ("period", "kommun", "vardenhet_hsaid", "verksamhet", "band", "kon")


def _besok_sql() -> str:
    """One region's facts: classify each visit, count per group, add first interventions.

    A person's first intervention is found by one aggregation per person (the group of the
    earliest matching visit), then counted per group and joined to the group counts: no
    join of single visits, which would cost as much as the rest together.
    """
    first = FIRST_INTERVENTION
    flags = ", ".join(f"{rule.sql} AS {rule.id}" for rule in RULES)
    persons = ", ".join(p for p in first.partition if p != "region")  # one region at a time
    keys = ", ".join(_KEYS)
    group = "{" + ", ".join(f"'{k}': {k}" for k in _KEYS) + "}"
    counts = ", ".join(
        f"count_if({name}) AS {name}" for name in MEASURES if name not in ("besok", first.id)
    )
    measures = ", ".join(
        f"coalesce(f.{name}, 0)" if name == first.id else f"g.{name}" for name in MEASURES
    )
    return f"""
WITH classified AS MATERIALIZED (
    SELECT period, kommun, vardenhet_hsaid, vardenhet_namn, verksamhet,
        ({_BAND_SQL})::UTINYINT AS band,
        CASE WHEN kon IN ('M', 'K') THEN kon ELSE '{UNKNOWN_SEX}' END AS kon,
        {persons}, {", ".join(first.order)}, {flags}
    FROM besok WHERE region = $region
),
groups AS (
    SELECT {keys}, max(vardenhet_namn) AS vardenhet_namn, count(*) AS besok, {counts}
    FROM classified GROUP BY {keys}
),
firsts AS (
    SELECT first.* FROM (
        SELECT arg_min({group}, ({", ".join(first.order)})) AS first
        FROM classified WHERE {first.among} GROUP BY {persons}
    )
),
first_counts AS (SELECT {keys}, count(*) AS {first.id} FROM firsts GROUP BY {keys})
SELECT g.period, $region, g.kommun, g.vardenhet_hsaid, g.vardenhet_namn, g.verksamhet,
    {_list_sql(b[2] for b in AGE_BANDS)}[g.band + 1],
    {_list_sql(b[0] for b in AGE_BANDS)}[g.band + 1],
    g.kon, {measures}, $version
FROM groups g LEFT JOIN first_counts f USING ({keys})
ORDER BY g.period, g.kommun, g.vardenhet_hsaid
"""


_BESOK_SQL = _besok_sql()

_ASYL_SQL = """
INSERT INTO fact_asyl
SELECT period, left(kommun, 2), kommun, aldersgrupp, kon, inskrivna, nyinskrivna
FROM asylsokande ORDER BY period, kommun, aldersgrupp, kon
"""


def ensure_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the fact tables if missing, so views work on a warehouse with no data yet."""
    connection.execute(_SCHEMA)
    facts_rollup.ensure(connection)
    facts_reported.ensure(connection)


def refresh(connection: duckdb.DuckDBPyConnection, kind: ReportKind, region: str | None) -> None:
    """Rebuild the facts that depend on ``kind`` (for ``region``'s visits), in the caller's
    transaction; the raw tables must exist."""
    ensure_schema(connection)
    if kind is ReportKind.BESOK:
        _refresh_region(connection, region or "")
    else:
        connection.execute("DELETE FROM fact_asyl")
        connection.execute(_ASYL_SQL)
        facts_reported.refresh_asylum(connection)
    _stamp(connection)


def refresh_all(connection: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every fact table from the raw rows, e.g. after the rules changed version."""
    ensure_schema(connection)
    connection.execute("DELETE FROM fact_besok")
    facts_rollup.clear(connection)
    facts_reported.clear_visits(connection)
    regions = connection.execute("SELECT DISTINCT region FROM besok ORDER BY region").fetchall()
    for (region,) in regions:
        _refresh_region(connection, region)
    refresh(connection, ReportKind.ASYLSOKANDE, None)


def _refresh_region(connection: duckdb.DuckDBPyConnection, region: str) -> None:
    connection.execute("DELETE FROM fact_besok WHERE region = ?", [region])
    connection.execute(
        f"INSERT INTO fact_besok {_BESOK_SQL}", {"region": region, "version": RULE_VERSION}
    )
    facts_rollup.refresh_region(connection, region)
    facts_reported.refresh_region(connection, region)


def _stamp(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("DELETE FROM fact_meta")
    connection.execute(
        "INSERT INTO fact_meta VALUES (?, ?)",
        [RULE_VERSION, datetime.now(UTC).replace(tzinfo=None)],
    )
