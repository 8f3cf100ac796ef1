"""The protected cube of a filter state, from parts kept between requests.

A filter state is the scope with a period, an age group and a sex. Its parts are each kept
(figures_memo.PARTS) under the warehouse's stamp, the scope and the state:

- the visit aggregates of every measure (one query, figures_sql.visit_counts);
- the asylum-flow aggregates and the need from them (also under the assumptions);
- each family's suppression (figures_protect), computed the first time a view shows one of
  its measures.

So the first view of a state after a new month pays for the queries and its families'
suppression, and every other view and drill-down of the state only cuts its tables. The
visit query runs first, alone; the asylum-flow query then runs in the background while the
visit measures are suppressed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb

from samvard.analytics import facts_rollup
from samvard.analytics.assumptions import Assumptions
from samvard.analytics.figures_cube import (
    ASYLUM_MEASURES,
    COUNTRY,
    VISIT_MEASURES,
    Cube,
    Geo,
    Key,
    Period,
    Rows,
    Split,
    all_places,
    tree,
)
from samvard.analytics.figures_memo import PARTS, Later, Stamp
from samvard.analytics.figures_protect import family, protect
from samvard.analytics.figures_sql import asylum_counts, asylum_places, visit_counts, where
from samvard.analytics.scope import Scope
from samvard.reference.loaders import list_regions

State = tuple[Period, str | None, str | None]  # period, age group, sex


@dataclass(frozen=True)
class Visits:
    """The visit aggregates of a filter state, and its geography."""

    columns: tuple[str, ...]  # the measures, in the order of each row's values
    rows: dict[Geo, dict[Split, tuple[int, ...]]]  # by place, then slice
    clinics: dict[Geo, str]
    tree: dict[Geo, list[Geo]]


@dataclass(frozen=True)
class Asylum:
    """The asylum-flow aggregates of a filter state, the need, and its geography."""

    rows: dict[Geo, dict[Split, tuple[int | float, ...]]]  # figures_cube.FLOW_COLUMNS
    tree: dict[Geo, list[Geo]]
    highs: dict[str, dict[Key, int]] = field(default_factory=dict)  # where a ".." widens a count


def _root(scope: Scope) -> Geo:
    return COUNTRY if scope.region is None else ("R", scope.region)


def visit_part(
    connection: duckdb.DuckDBPyConnection,
    stamp: Stamp,
    scope: Scope,
    state: State,
    measures: Sequence[str],
) -> Visits:
    """The visit aggregates of the filter state for the measures (with the measures they add
    up with), kept or read now. Only the sums and splits a view needs are read: that is most
    of a national query's time."""
    period, age, sex = state
    columns = tuple(m for m in dict.fromkeys(m for a in measures for m in family(a)))
    columns = tuple(m for m in columns if m in VISIT_MEASURES)

    def read() -> Visits:
        filter_ = where(scope, period.first, period.last, age, sex)
        table = facts_rollup.TABLE if scope.national and stamp.rollup else "fact_besok"
        rows, clinics = visit_counts(connection, scope, filter_, table, columns or ("besok",))
        return Visits(columns, rows, clinics, tree(_root(scope), rows))

    return PARTS.get(("visits", stamp, scope, state, columns), read)


def asylum_part(
    connection: duckdb.DuckDBPyConnection,
    stamp: Stamp,
    scope: Scope,
    state: State,
    assumptions: Assumptions,
    *,
    counts: bool = True,
) -> Later[Asylum]:
    """The asylum-flow aggregates of the filter state, kept or read in the background.

    Without `counts` only the places with asylum-flow rows are read (a view without asylum
    figures still lists them, with zero visits).
    """
    period, age, sex = state
    filter_ = where(scope, period.first, period.last, age, sex)

    def read(cursor: duckdb.DuckDBPyConnection) -> Asylum:
        rows, highs = asylum_counts(cursor, scope, filter_, assumptions)
        return Asylum(rows, tree(_root(scope), rows), highs)

    def read_places(cursor: duckdb.DuckDBPyConnection) -> Asylum:
        places = asylum_places(cursor, filter_)
        return Asylum({}, tree(_root(scope), places))

    if not counts:
        return Later(PARTS, ("asylum places", stamp, scope, state), connection, read_places)
    key = ("asylum", stamp, scope, state, assumptions.model_dump_json())
    return Later(PARTS, key, connection, read)


def build_cube(
    stamp: Stamp,
    scope: Scope,
    state: State,
    measures: Sequence[str],
    visits: Visits,
    asylum: Later[Asylum],
    reported: tuple[frozenset[str], Mapping[str, frozenset[str]]],
) -> Cube:
    """Protect the measures for the scope's whole geography, from the aggregates.

    The visit measures are protected while the asylum-flow query may still run in the
    background. `reported` is the months the asylum flow and each region's visits were
    reported.
    """
    period = state[0]
    root = _root(scope)
    base = (stamp, scope, state)
    asylum_months, visit_months = reported
    # Every region of the scope, also one without visits here: its visits are unknown for
    # the months it did not report, never zero.
    found = {geo[1] for geo in all_places(visits.tree, root) if geo[0] == "R"}
    silent = scope_regions(scope) - found
    gaps = {r: frozenset(period.months) - visit_months.get(r, frozenset()) for r in found | silent}
    unknown = frozenset(m for m in period.months if m not in asylum_months)
    trees = {"visits": visits.tree}
    cube = Cube(root, {}, trees, visits.clinics, period, unknown, gaps, silent_regions=silent)
    families = list(dict.fromkeys(family(m) for m in measures))
    for together in (f for f in families if f[0] in VISIT_MEASURES):
        _protect(cube, base, together, visits.rows, visits.columns, visits.tree)
    flows = asylum.result()
    trees["asylum"] = flows.tree
    cube.children = tree(root, all_places(visits.tree, root) + all_places(flows.tree, root))
    cube.flows = flows.rows
    cube.highs = flows.highs
    for together in (f for f in families if f[0] in ASYLUM_MEASURES):
        _protect(cube, base, together, flows.rows, ASYLUM_MEASURES, flows.tree)
    return cube


def _protect(
    cube: Cube,
    base: tuple[object, ...],
    together: tuple[str, ...],
    rows: Rows,
    columns: Sequence[str],
    geo_tree: dict[Geo, list[Geo]],
) -> None:
    """The family's kept suppression, or a new one, into the cube."""
    protected = PARTS.get(
        ("protected", *base, together),
        lambda: protect(cube, together, rows, columns, geo_tree),
    )
    cube.protected.update(dict.fromkeys(together, protected))


def scope_regions(scope: Scope) -> frozenset[str]:
    """The county codes of the regions a scope covers: its own, or all 21 for the nation."""
    if scope.region is not None:
        return frozenset({scope.region})
    return frozenset(region.code for region in list_regions())
