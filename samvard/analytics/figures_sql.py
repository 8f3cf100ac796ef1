"""The aggregates behind the planning views: one GROUPING SETS query per fact table.

For one filter state (period, age group, sex) every visit measure is summed over the whole
geography of the scope (the country or the region, regions, municipalities and, in a
region's scope, clinics), for the whole period and by month and by age band, at every level
of that geography; the asylum-flow counts and the need from them likewise by month. A
national query reads the roll-up without clinics (facts_rollup) where the warehouse has it.
"""

# ruff: noqa: S608 - SQL text is built from this module's constants, measure names from
# facts.MEASURES and validated municipality codes; every filter value is a bound parameter.

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import duckdb

from samvard.analytics.assumptions import AGE_GROUPS, Assumptions
from samvard.analytics.figures_cube import (
    ALL,
    ASYLUM_MEASURES,
    BAND,
    COUNTRY,
    MONTH,
    SPLITS,
    Geo,
    Key,
    Split,
)
from samvard.analytics.need import SUPPRESSED_RANGE
from samvard.analytics.scope import Scope


def geo_levels(scope: Scope) -> list[tuple[str, ...]]:
    """The GROUP BY columns of each geography level in the scope, top first."""
    levels = [("region",), ("region", "kommun")]
    if scope.national:
        return [(), *levels]
    return [*levels, ("region", "kommun", "vardenhet_hsaid")]


def _geo(columns: Mapping[str, Any], grouped: Sequence[str]) -> Geo:
    if "vardenhet_hsaid" in grouped:
        return ("V", columns["kommun"], columns["vardenhet_hsaid"])
    if "kommun" in grouped:
        return ("K", columns["kommun"])
    if "region" in grouped:
        return ("R", columns["region"])
    return COUNTRY


@dataclass(frozen=True)
class Where:
    """The WHERE clause of the filter state (not the geography filters) and its parameters."""

    sql: str
    params: dict[str, Any]


def where(scope: Scope, first: str, last: str, age: str | None, sex: str | None) -> Where:
    """Rows of the scope, period and chosen age group and sex."""
    parts = ["period BETWEEN $first AND $last"]
    params: dict[str, Any] = {"first": first, "last": last}
    if scope.region is not None:
        parts.append("region = $region")
        params["region"] = scope.region
    if age is not None:
        parts.append("aldersgrupp = $age")
        params["age"] = age
    if sex is not None:
        parts.append("kon = $sex")
        params["sex"] = sex
    return Where(" AND ".join(parts), params)


def _grouping_sets(scope: Scope, split_columns: Iterable[str]) -> tuple[list[str], str]:
    columns = ["region", "kommun", *([] if scope.national else ["vardenhet_hsaid"])]
    splits: list[tuple[str, ...]] = [(), *((c,) for c in split_columns)]
    sets = ["(" + ", ".join(geo + split) + ")" for geo, split in product(geo_levels(scope), splits)]
    return columns, "GROUPING SETS (" + ", ".join(sets) + ")"


def _grouped(bits: int, names: Sequence[str]) -> set[str]:
    # GROUPING() sets a bit for every column that is *not* grouped, the first column highest.
    return {name for i, name in enumerate(names) if not bits & (1 << (len(names) - 1 - i))}


def visit_counts(
    connection: duckdb.DuckDBPyConnection,
    scope: Scope,
    filter_: Where,
    table: str,
    measures: Sequence[str],
) -> tuple[dict[Geo, dict[Split, tuple[int, ...]]], dict[Geo, str]]:
    """Sums of the visit measures (in the order given) per place and slice, and the clinics'
    names: one query, split by month and by age band only as far as the measures are."""
    split_columns = sorted(
        {{MONTH: "period", BAND: "aldersband"}[split] for m in measures for split in SPLITS[m]}
    )
    geo_columns, sets = _grouping_sets(scope, split_columns)
    names = [*geo_columns, *split_columns]
    name = "max(vardenhet_namn)" if scope.clinics else "NULL"
    sums = ", ".join(f"coalesce(sum({m}), 0)::BIGINT" for m in measures)
    sql = (
        f"SELECT GROUPING({', '.join(names)}), {', '.join(names)}, {name}, {sums} "
        f"FROM {table} WHERE {filter_.sql} GROUP BY {sets}"
    )
    rows = connection.execute(sql, filter_.params).fetchall()
    at = {column: 1 + i for i, column in enumerate(names)}
    first = 2 + len(names)
    # What each GROUPING() value groups by: its place level and its kind of slice.
    kinds: dict[int, tuple[str | None, str | None]] = {}
    for bits in {row[0] for row in rows}:
        grouped = _grouped(bits, names)
        top = _geo(dict.fromkeys(names, ""), [c for c in geo_columns if c in grouped])[0]
        if scope.region is not None and top == "T":
            kinds[bits] = (None, None)  # the region scope's root is its region: the same row
        else:
            by = MONTH if "period" in grouped else BAND if "aldersband" in grouped else None
            kinds[bits] = (top, by)
    # One key per place and per slice, shared by every row that names it: the rows are kept
    # between requests, and fewer objects are fewer for the cycle collector to visit.
    places: dict[tuple[str, ...], Geo] = {}
    slices: dict[tuple[str, str], Split] = {}
    found: dict[Geo, dict[Split, tuple[int, ...]]] = {}
    clinics: dict[Geo, str] = {}
    for row in rows:
        level, split = kinds[row[0]]
        if level is None:
            continue
        if level == "T":
            geo = COUNTRY
        elif level == "R":
            geo = places.setdefault(("R", row[at["region"]]), ("R", row[at["region"]]))
        elif level == "K":
            geo = places.setdefault(("K", row[at["kommun"]]), ("K", row[at["kommun"]]))
        else:
            code = ("V", row[at["kommun"]], row[at["vardenhet_hsaid"]])
            geo = places.setdefault(code, code)
            clinics[geo] = row[first - 1]
        if split is None:
            part = ALL
        else:
            sliced = (split, row[at["period" if split == MONTH else "aldersband"]])
            part = slices.get(sliced) or slices.setdefault(sliced, sliced)
        found.setdefault(geo, {})[part] = row[first:]
    return found, clinics


def share_sql(assumptions: Assumptions) -> tuple[str, str]:
    """A CTE `asyl` (fact_asyl with each row's shares) and the figures to select from it.

    The shares per municipality and age group are SQL rows joined to fact_asyl. Only
    municipalities with their own values get rows of their own; the rest take the age group's
    values (which already fall back to the area's).
    """
    ages = ", ".join(
        f"('{age}', {s.health_examination!r}::DOUBLE, {s.mental_health!r}::DOUBLE)"
        for age in AGE_GROUPS
        for s in [assumptions.shares(None, age)]
    )
    local = [
        f"('{kommun}', '{age}', {s.health_examination!r}::DOUBLE, {s.mental_health!r}::DOUBLE)"
        for kommun in sorted(assumptions.municipalities)  # validated kommunkoder
        for age in AGE_GROUPS
        for s in [assumptions.shares(kommun, age)]
    ]
    local_sql = (
        "SELECT * FROM (VALUES " + ", ".join(local) + ") t(kommun, aldersgrupp, he, mh)"
        if local
        else "SELECT NULL::VARCHAR AS kommun, NULL::VARCHAR AS aldersgrupp, "
        "NULL::DOUBLE AS he, NULL::DOUBLE AS mh WHERE false"
    )
    low, high = SUPPRESSED_RANGE
    # The figures in FLOW_COLUMNS order.
    return (
        f"""
WITH age_share AS (SELECT * FROM (VALUES {ages}) t(aldersgrupp, he, mh)),
local_share AS ({local_sql}),
asyl AS (
    SELECT f.*, coalesce(l.he, a.he) AS he, coalesce(l.mh, a.mh) AS mh
    FROM fact_asyl f LEFT JOIN age_share a USING (aldersgrupp)
    LEFT JOIN local_share l USING (kommun, aldersgrupp)
)""",
        f"""
    coalesce(sum(coalesce(nyinskrivna, {low})), 0)::BIGINT,
    coalesce(sum(coalesce(inskrivna, {low})), 0)::BIGINT,
    coalesce(sum(coalesce(nyinskrivna, {high})), 0)::BIGINT,
    coalesce(sum(coalesce(inskrivna, {high})), 0)::BIGINT,
    coalesce(sum(he * coalesce(nyinskrivna, {low})), 0),
    coalesce(sum(he * coalesce(nyinskrivna, {high})), 0),
    coalesce(sum(mh * coalesce(inskrivna, {low})), 0),
    coalesce(sum(mh * coalesce(inskrivna, {high})), 0)""",
    )


def asylum_counts(
    connection: duckdb.DuckDBPyConnection,
    scope: Scope,
    filter_: Where,
    assumptions: Assumptions,
) -> tuple[dict[Geo, dict[Split, tuple[int | float, ...]]], dict[str, dict[Key, int]]]:
    """Per place and month, the asylum-flow counts and the need from them (one tuple in
    FLOW_COLUMNS order), and the highest each count can be where it holds a "..".

    A ".." (1–4 at the source) enters a count as its lowest value, 1: the rows begin with
    that lowest count in ASYLUM_MEASURES order, exact where nothing was "..". The lowest
    counts add up like any count, so disclosure control protects them (and with them every
    exact count). The highest counts, 4 per "..", are listed apart where they differ.
    """
    prefix, figures = share_sql(assumptions)
    levels = [level for level in geo_levels(scope) if "vardenhet_hsaid" not in level]
    sets = ", ".join(
        "(" + ", ".join(level + split) + ")" for level, split in product(levels, [(), ("period",)])
    )
    names = ["region", "kommun", "period"]
    sql = (
        f"{prefix} SELECT GROUPING(region, kommun, period), region, kommun, period, {figures} "
        f"FROM asyl WHERE {filter_.sql} GROUP BY GROUPING SETS ({sets})"
    )
    rows = connection.execute(sql, filter_.params).fetchall()
    # What each GROUPING() value groups by: its place level (None: the region scope's root,
    # the same row as its region) and whether by month. Worked out once per value.
    kinds: dict[int, tuple[str | None, bool]] = {}
    for bits in {row[0] for row in rows}:
        grouped = _grouped(bits, names)
        top = _geo(dict.fromkeys(names, ""), sorted(grouped - {"period"}))[0]
        regional_root = scope.region is not None and top == "T"
        kinds[bits] = (None if regional_root else top, "period" in grouped)
    # One key per place and per month, shared by every row that names it: the rows are kept
    # between requests, and fewer objects are fewer for the cycle collector to visit.
    places: dict[tuple[str, str], Geo] = {}
    months: dict[str, Split] = {}
    found: dict[Geo, dict[Split, tuple[int | float, ...]]] = {}
    highs: dict[str, dict[Key, int]] = {measure: {} for measure in ASYLUM_MEASURES}
    counts = len(ASYLUM_MEASURES)
    for row in rows:
        level, monthly = kinds[row[0]]
        if level is None:
            continue
        if level == "T":
            geo = COUNTRY
        else:
            code = (level, row[1] if level == "R" else row[2])
            geo = places.get(code) or places.setdefault(code, code)
        split = ALL
        if monthly:
            split = months.get(row[3]) or months.setdefault(row[3], (MONTH, row[3]))
        figures_of = row[4:]
        found.setdefault(geo, {})[split] = figures_of
        for i, measure in enumerate(ASYLUM_MEASURES):
            if figures_of[counts + i] != figures_of[i]:
                highs[measure][(geo, split)] = figures_of[counts + i]
    return found, highs


def asylum_places(connection: duckdb.DuckDBPyConnection, filter_: Where) -> list[Geo]:
    """The municipalities with asylum-flow rows for the filter state."""
    rows = connection.execute(
        f"SELECT DISTINCT kommun FROM fact_asyl WHERE {filter_.sql}", filter_.params
    ).fetchall()
    return [("K", kommun) for (kommun,) in rows]
