"""The figures behind every planning view: aggregated in DuckDB, then disclosure-controlled.

For one filter state (period, age group, sex) a view asks for some measures. Each measure
is aggregated over the whole geography of the scope (country or region, then regions,
municipalities and, in a region's scope, clinics) and, where a table splits it, by month or
age band at every level of that geography: one GROUPING SETS query per fact table. Then
`disclosure.suppress` runs once per measure over all of those cells with the equations
between them (a parent is the sum of its children, a whole period the sum of its months).

The geography filters (region, kommun, vardenhet) only choose which slice of the result is
shown. So every drill-down level is cut from the same suppressed cells, and no hidden cell
can be worked out by comparing one level with another. The splits of a measure are the same
in every view, so a figure that appears in two views is hidden in both or in neither.
"""

# ruff: noqa: S608 - SQL text is built from this module's constants, measure names from
# facts.MEASURES and validated municipality codes; every filter value is a bound parameter.

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import duckdb

from samvard.analytics.assumptions import AGE_GROUPS, Assumptions
from samvard.analytics.disclosure import Group, crossed_groups, suppress
from samvard.analytics.need import SUPPRESSED_RANGE, Interval
from samvard.analytics.results import Cell
from samvard.analytics.scope import Scope

# A place: ("T",) the country, ("R", länskod), ("K", kommunkod), ("V", kommunkod, HSA-id).
Geo = tuple[str, ...]
# A slice of the period: ALL (every month together), ("m", month) or ("b", age band).
Split = tuple[str, ...]
Key = tuple[Geo, Split]
CellKey = tuple[str, Geo, Split]  # a measure's key: what one joint suppression call protects

COUNTRY: Geo = ("T",)
ALL: Split = ("",)
MONTH, BAND = "m", "b"

AGE_BANDS = ("0-5", "6-12", "13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")

VISIT_MEASURES = (
    "besok",
    "halsoundersokningar",
    "psykisk_halsa",
    "psyk_forsta_linjen",
    "psyk_andra_linjen",
    "forsta_insats",
    "akut",
    "planerad",
    "infektion",
    "forlossningar",
)
ASYLUM_MEASURES = ("nyinskrivna", "inskrivna")

# How each measure is split in any table of any view. Fixed per measure, not per view.
SPLITS: dict[str, tuple[str, ...]] = {
    "besok": (MONTH,),
    "halsoundersokningar": (MONTH, BAND),
    "psykisk_halsa": (MONTH,),
    "psyk_forsta_linjen": (BAND,),
    "psyk_andra_linjen": (BAND,),
    "forsta_insats": (MONTH,),
    "akut": (MONTH,),
    "planerad": (MONTH,),
    "infektion": (MONTH,),
    "forlossningar": (MONTH,),
    "nyinskrivna": (MONTH,),
    "inskrivna": (MONTH,),  # a stock at month end: months are never added up
}
STOCKS = frozenset({"inskrivna"})
# Measures that add up exactly to another measure by the rules (rules.py: every visit is
# either acute or planned; a mental-health intervention is in specialist psychiatry or not).
# Shown side by side, a hidden part would be the total minus the other part, so a total and
# its parts are always suppressed in one call, in every view, with these identities added.
IDENTITIES: dict[str, tuple[str, ...]] = {
    "besok": ("akut", "planerad"),
    "psykisk_halsa": ("psyk_forsta_linjen", "psyk_andra_linjen"),
}
NEEDS = {"examination": "nyinskrivna", "mental_health": "inskrivna"}


@dataclass(frozen=True)
class Period:
    """The months shown, first to last, consecutive."""

    months: tuple[str, ...]

    @property
    def first(self) -> str:
        return self.months[0]

    @property
    def last(self) -> str:
        return self.months[-1]


@dataclass
class Cube:
    """Every cell of the asked measures, protected, over the scope's whole geography.

    `children` is the geography of both fact tables together (the rows tables can show);
    `trees` each table's own ("visits", "asylum"): a measure is suppressed over its own.
    """

    root: Geo
    children: dict[Geo, list[Geo]]
    trees: dict[str, dict[Geo, list[Geo]]]
    clinic_names: dict[Geo, str]
    period: Period
    unknown_months: frozenset[str]  # months of the period without an asylum-flow report
    visit_gaps: dict[str, frozenset[str]]  # region -> months of the period it did not report
    counts: dict[str, dict[Key, int | None]] = field(default_factory=dict)
    hidden: dict[str, frozenset[Key]] = field(default_factory=dict)
    needs: dict[str, dict[Key, Interval]] = field(default_factory=dict)

    def missing(self, measure: str, geo: Geo, split: Split) -> int | None:
        """The value of a place and slice without rows: zero, or None (unknown) where the
        month, or a month of the period, was not reported by the source."""
        if measure in ASYLUM_MEASURES:
            gaps = self.unknown_months
        elif geo == COUNTRY:
            gaps = frozenset().union(*self.visit_gaps.values())
        else:
            gaps = self.visit_gaps.get(geo[1][:2], frozenset())
        if not gaps:
            return 0
        if split[0] == MONTH:
            return None if split[1] in gaps else 0
        return None

    def cell(self, measure: str, geo: Geo, split: Split = ALL) -> Cell:
        """One protected figure; a place outside the measure's own geography is a zero
        (or unknown, see `missing`), which protects nothing and reveals nothing."""
        key = (geo, split)
        value = self.counts[measure].get(key, self.missing(measure, geo, split))
        if value is None:
            return Cell.unknown()
        return Cell.suppressed() if key in self.hidden[measure] else Cell.shown(value)

    def count(self, measure: str, geo: Geo, split: Split = ALL) -> int | None:
        """The count behind a cell: for derived figures and sorting, never for showing."""
        return self.counts[measure].get((geo, split), self.missing(measure, geo, split))

    def need(self, kind: str, geo: Geo, split: Split = ALL) -> Interval | None:
        """The need ("examination" or "mental_health") of a place and slice; None if unknown."""
        if self.missing(NEEDS[kind], geo, split) is None:
            return None
        return self.needs[kind].get((geo, split), Interval(0.0, 0.0))

    def parent(self, geo: Geo) -> Geo | None:
        """The place above, None for the root."""
        for parent, kids in self.children.items():
            if geo in kids:
                return parent
        return None

    def splits(self, kind: str) -> list[Split]:
        """The slices of one kind: months in order, or age bands youngest first."""
        if kind == MONTH:
            return [(MONTH, month) for month in self.period.months]
        return [(BAND, band) for band in AGE_BANDS]


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


def _split_of(row: Mapping[str, Any], grouped: set[str]) -> Split:
    if "period" in grouped:
        return (MONTH, row["period"])
    if "aldersband" in grouped:
        return (BAND, row["aldersband"])
    return ALL


def _grouped(bits: int, names: Sequence[str]) -> set[str]:
    # GROUPING() sets a bit for every column that is *not* grouped, the first column highest.
    return {name for i, name in enumerate(names) if not bits & (1 << (len(names) - 1 - i))}


def visit_counts(
    connection: duckdb.DuckDBPyConnection, scope: Scope, filter_: Where, measures: Sequence[str]
) -> tuple[dict[str, dict[Key, int]], dict[Geo, str]]:
    """Sums of the visit measures per place and slice, and the clinics' names."""
    split_columns = sorted(
        {{MONTH: "period", BAND: "aldersband"}[s] for m in measures for s in SPLITS[m]}
    )
    geo_columns, sets = _grouping_sets(scope, split_columns)
    names = [*geo_columns, *split_columns]
    sums = ", ".join(f"coalesce(sum({m}), 0)::BIGINT" for m in measures)
    sql = (
        f"SELECT GROUPING({', '.join(names)}), {', '.join(names)}, max(vardenhet_namn), {sums} "
        f"FROM fact_besok WHERE {filter_.sql} GROUP BY {sets}"
    )
    rows = connection.execute(sql, filter_.params).fetchall()
    kinds = {bits: _grouped(bits, names) for bits in {row[0] for row in rows}}
    keys: list[Key | None] = []
    clinics: dict[Geo, str] = {}
    for row in rows:
        grouped = kinds[row[0]]
        if scope.region is not None and grouped.isdisjoint(geo_columns):
            keys.append(None)  # the region scope's root is its region: the country row is the same
            continue
        columns = dict(zip(names, row[1 : 1 + len(names)], strict=True))
        geo = _geo(columns, [c for c in geo_columns if c in grouped])
        keys.append((geo, _split_of(columns, grouped)))
        if geo[0] == "V":
            clinics[geo] = row[1 + len(names)]
    first = 2 + len(names)
    counts = {
        measure: {key: row[first + i] for key, row in zip(keys, rows, strict=True) if key}
        for i, measure in enumerate(measures)
    }
    return counts, clinics


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
    CASE WHEN count_if(inskrivna IS NULL) = 0 THEN coalesce(sum(inskrivna), 0) END::BIGINT,
    CASE WHEN count_if(nyinskrivna IS NULL) = 0 THEN coalesce(sum(nyinskrivna), 0) END::BIGINT,
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
) -> tuple[dict[str, dict[Key, int | None]], dict[str, dict[Key, Interval]]]:
    """Registered and newly registered per place and month, and the need from them."""
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
    counts: dict[str, dict[Key, int | None]] = {m: {} for m in ASYLUM_MEASURES}
    needs: dict[str, dict[Key, Interval]] = {kind: {} for kind in NEEDS}
    rows = connection.execute(sql, filter_.params).fetchall()
    kinds = {bits: _grouped(bits, names) for bits in {row[0] for row in rows}}
    for row in rows:
        grouped = kinds[row[0]]
        columns = dict(zip(names, row[1:4], strict=True))
        if scope.region is not None and not grouped & {"region", "kommun"}:
            continue
        key = (_geo(columns, sorted(grouped - {"period"})), _split_of(columns, grouped))
        inskrivna, nyinskrivna, he_low, he_high, mh_low, mh_high = row[4:]
        counts["inskrivna"][key] = inskrivna
        counts["nyinskrivna"][key] = nyinskrivna
        needs["examination"][key] = Interval(float(he_low), float(he_high))
        needs["mental_health"][key] = Interval(float(mh_low), float(mh_high))
    return counts, needs


def tree(root: Geo, places: Iterable[Geo]) -> dict[Geo, list[Geo]]:
    """Parent -> children of the places, each place under its region and municipality."""
    children: dict[Geo, set[Geo]] = {root: set()}
    for geo in places:
        if geo[0] == "V":
            chain: list[Geo] = [("R", geo[1][:2]), ("K", geo[1]), geo]
        elif geo[0] == "K":
            chain = [("R", geo[1][:2]), geo]
        elif geo[0] == "R":
            chain = [geo]
        else:
            continue
        parent = root
        for step in chain:
            if step != root:
                children.setdefault(parent, set()).add(step)
                parent = step
    return {parent: sorted(kids) for parent, kids in sorted(children.items())}


def _places(geo_tree: Mapping[Geo, Sequence[Geo]], root: Geo) -> list[Geo]:
    return [root, *(kid for kids in geo_tree.values() for kid in kids)]


# Suppression results by their whole input: `suppress` is deterministic, so a drill-down or
# a repeated view of the same filter state reuses the pattern instead of solving it again.
_SUPPRESSED: OrderedDict[tuple[object, ...], frozenset[CellKey]] = OrderedDict()
_CACHE_SIZE = 48


def _suppress_cached(
    measures: tuple[str, ...],
    values: dict[CellKey, int | None],
    groups: Callable[[], list[Group[CellKey]]],
) -> frozenset[CellKey]:
    # The groups follow from the places and slices (the keys) and the measures.
    signature = (measures, tuple(values.items()))
    found = _SUPPRESSED.get(signature)
    if found is None:
        found = suppress(values, groups())
        _SUPPRESSED[signature] = found
        if len(_SUPPRESSED) > _CACHE_SIZE:
            _SUPPRESSED.popitem(last=False)
    else:
        _SUPPRESSED.move_to_end(signature)
    return found


def protect(
    cube: Cube,
    measures: Sequence[str],
    counts: Mapping[str, Mapping[Key, int | None]],
    geo_tree: Mapping[Geo, Sequence[Geo]],
) -> None:
    """Every place and slice of a family of measures (zero where nothing was counted),
    suppressed in one call with each measure's own equations and the identities between them."""
    places = _places(geo_tree, cube.root)
    values: dict[tuple[str, Geo, Split], int | None] = {}
    for measure in measures:
        for key, value in _measure_values(cube, measure, counts[measure], places).items():
            values[(measure, *key)] = value

    def groups() -> list[Group[tuple[str, Geo, Split]]]:
        found: list[Group[tuple[str, Geo, Split]]] = []
        for measure in measures:
            for kind in SPLITS[measure]:
                slices = cube.splits(kind)
                margins: Mapping[Split, Sequence[Split]] | Sequence[Split]
                margins = slices if measure in STOCKS else {ALL: slices}
                found += [
                    ((measure, *total), tuple((measure, *part) for part in parts))
                    for total, parts in crossed_groups(geo_tree, margins)
                ]
        for total, parts in IDENTITIES.items():
            if total in measures:
                found += [
                    ((total, geo, split), tuple((part, geo, split) for part in parts))
                    for (measure, geo, split) in values
                    if measure == total and all((part, geo, split) in values for part in parts)
                ]
        return found

    hidden = _suppress_cached(tuple(measures), values, groups)
    for measure in measures:
        cube.counts[measure] = {
            (geo, split): value for (m, geo, split), value in values.items() if m == measure
        }
        cube.hidden[measure] = frozenset((geo, split) for (m, geo, split) in hidden if m == measure)


def _measure_values(
    cube: Cube, measure: str, counts: Mapping[Key, int | None], places: Sequence[Geo]
) -> dict[Key, int | None]:
    """One measure's value for every place and slice it is shown in."""
    values: dict[Key, int | None] = {}
    for kind in SPLITS[measure]:
        slices = cube.splits(kind)
        for geo in places:
            whole = cube.missing(measure, geo, ALL)  # None: some month of the place is unknown
            for split in slices:
                key = (geo, split)
                gap = whole is None and cube.missing(measure, geo, split) is None
                values[key] = None if gap else counts.get(key, 0)
    if measure not in STOCKS:
        for geo in places:
            gap = cube.missing(measure, geo, ALL) is None
            values[(geo, ALL)] = None if gap else counts.get((geo, ALL), 0)
    return values


def family(measure: str) -> tuple[str, ...]:
    """The measures protected together with `measure` (itself alone if it adds up to none)."""
    for total, parts in IDENTITIES.items():
        if measure == total or measure in parts:
            return (total, *parts)
    return (measure,)


def build_cube(
    connection: duckdb.DuckDBPyConnection,
    scope: Scope,
    filter_: Where,
    period: Period,
    measures: Sequence[str],
    assumptions: Assumptions,
    asylum_months: frozenset[str],
    visit_months: Mapping[str, frozenset[str]],
) -> Cube:
    """Aggregate, then protect, the measures for the scope's whole geography."""
    root: Geo = COUNTRY if scope.region is None else ("R", scope.region)
    unknown = frozenset(m for m in period.months if m not in asylum_months)
    visits = list(dict.fromkeys(m for asked in measures for m in family(asked)))
    visits = [m for m in visits if m in VISIT_MEASURES]
    visit_sums, clinics = visit_counts(connection, scope, filter_, visits or ["besok"])
    asylum_sums, needs = asylum_counts(connection, scope, filter_, assumptions)
    trees = {
        "visits": tree(root, (geo for geo, _ in visit_sums[visits[0] if visits else "besok"])),
        "asylum": tree(root, (geo for geo, _ in asylum_sums["inskrivna"])),
    }
    everything = tree(root, _places(trees["visits"], root) + _places(trees["asylum"], root))
    regions = [geo[1] for geo in _places(trees["visits"], root) if geo[0] == "R"]
    gaps = {r: frozenset(period.months) - visit_months.get(r, frozenset()) for r in regions}
    cube = Cube(root, everything, trees, clinics, period, unknown, gaps)
    cube.needs = dict(needs)
    for together in dict.fromkeys(family(m) for m in visits):
        protect(cube, together, visit_sums, trees["visits"])
    for measure in (m for m in measures if m in ASYLUM_MEASURES):
        protect(cube, (measure,), asylum_sums, trees["asylum"])
    return cube
