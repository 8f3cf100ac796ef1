"""No view shows a count of 1-4, and drill-down levels cannot be subtracted to find one.

Hypothesis builds random small warehouses (few visits per clinic and month, so small counts
are common) and checks every cell of every view at every drill-down level, for a region
planner and the national planner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samvard.analytics.assumptions import Assumptions
from samvard.analytics.disclosure import Group, crossed_groups, suppress
from samvard.analytics.figures import VIEWS, Filters, build
from samvard.analytics.figures_cube import (
    ASYLUM_MEASURES,
    SPLITS,
    STOCKS,
    VISIT_MEASURES,
    Cube,
    Period,
    all_places,
)
from samvard.analytics.figures_cube import IDENTITIES as CUBE_IDENTITIES
from samvard.analytics.figures_filters import months_between
from samvard.analytics.figures_memo import read_stamp
from samvard.analytics.figures_series import read_reported
from samvard.analytics.figures_state import asylum_part, build_cube, visit_part
from samvard.analytics.results import CellStatus, Column, ViewResult
from samvard.analytics.scope import Scope
from tests.analytics.test_figures_data import (
    CLINIC_A,
    CLINIC_B,
    CLINIC_C,
    CLINIC_G,
    Visits,
    warehouse,
)

COUNT_COLUMNS = {
    "besok", "halsoundersokningar", "psykisk_halsa", "psyk_forsta_linjen", "psyk_andra_linjen",
    "forsta_insats", "akut", "planerad", "infektion", "forlossningar", "nyinskrivna", "inskrivna",
}  # fmt: skip
KINDS = [
    {},
    {"halsoundersokning": False, "verksamhet": "vuxenpsykiatri", "yrkeskategori": "psykolog"},
    {"halsoundersokning": False, "vardtyp": "akut", "diagnoser": "A09"},
    {"halsoundersokning": False, "diagnoser": "O80", "alder": 70, "kon": None},
]

visit_groups = st.lists(
    st.builds(
        lambda clinic, month, count, kind, age: Visits(
            clinic, month, count, **{"alder": age, **KINDS[kind]}
        ),
        st.sampled_from([CLINIC_A, CLINIC_B, CLINIC_C, CLINIC_G]),
        st.sampled_from(["2025-01", "2025-02"]),
        st.integers(1, 9),
        st.integers(0, len(KINDS) - 1),
        st.sampled_from([3, 10, 30]),
    ),
    min_size=1,
    max_size=10,
)
asylum_rows = st.lists(
    st.tuples(
        st.sampled_from(["2025-01", "2025-02"]),
        st.sampled_from(["0180", "0114", "1480"]),
        st.sampled_from(["0-5", "18-64"]),
        st.sampled_from(["M", "K"]),
        st.one_of(st.none(), st.integers(0, 12)),
        st.one_of(st.none(), st.integers(0, 12)),
    ),
    max_size=8,
    unique_by=lambda row: row[:4],
)


def _states(scope: Scope) -> list[dict[str, str]]:
    states: list[dict[str, str]] = [{}, {"kommun": "0180"}, {"kommun": "0114"}, {"kon": "K"}]
    if scope.national:
        states += [{"region": "01"}, {"region": "14"}]
    else:
        states += [{"kommun": "0180", "vardenhet": CLINIC_A[1]}, {"aldersgrupp": "18-64"}]
    return states


def _shown_small(result: ViewResult) -> list[tuple[str, str, object]]:
    found: list[tuple[str, str, object]] = []
    for table in result.tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                value = cell.value
                small = isinstance(value, int | float) and 0 < value < 5
                counted = column.key.removesuffix("_min").removesuffix("_max") in COUNT_COLUMNS
                if counted and cell.status is CellStatus.SHOWN and small:
                    found.append((table.key, column.key, value))
    return found


def _views(connection: duckdb.DuckDBPyConnection, scope: Scope) -> list[ViewResult]:
    results = []
    for state in _states(scope):
        for name in VIEWS:
            try:
                results.append(build(name, connection, scope, Filters.parse(state), Assumptions()))
            except ValueError:
                continue  # e.g. a clinic with no visits in this warehouse
    return results


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit_groups, asylum_rows)
def test_no_view_shows_a_count_of_one_to_four(
    visits: list[Visits], asylum: list[tuple[object, ...]]
) -> None:
    connection = warehouse(visits, asylum)
    for scope in (Scope.of_region("01"), Scope.nation()):
        for result in _views(connection, scope):
            assert _shown_small(result) == [], (result.view, result.filters)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit_groups)
def test_a_parent_minus_its_shown_children_never_gives_a_small_count(visits: list[Visits]) -> None:
    connection = warehouse(visits)
    scope = Scope.of_region("01")
    for name in VIEWS:
        top = build(name, connection, scope, Filters(), Assumptions())
        areas = next((t for t in top.tables if t.key == "omraden"), None)
        if areas is None:
            continue
        for index, column in enumerate(areas.columns):
            if column.key not in COUNT_COLUMNS:
                continue
            parents = [(None, top)] + [
                (
                    row.drill,
                    build(name, connection, scope, Filters(kommun=row.drill), Assumptions()),
                )
                for row in areas.rows
            ]
            for drill, result in parents:
                key = next(t for t in result.tables if t.key == "nyckeltal")
                if column.key not in [c.key for c in key.columns]:
                    continue
                total = key.rows[0].cells[[c.key for c in key.columns].index(column.key)]
                children = next((t for t in result.tables if t.key == "omraden"), None)
                if children is None or total.status is not CellStatus.SHOWN:
                    continue
                cells = [row.cells[index] for row in children.rows]
                hidden = [c for c in cells if c.status is not CellStatus.SHOWN]
                if len(hidden) == 1:
                    rest = total.value - sum(c.value for c in cells if c.value is not None)  # type: ignore[operator]
                    assert not 0 < rest < 5, (name, drill, column.key)


# --- no hidden cell can be worked out from everything a filter state shows ------------------
#
# A reader of one filter state sees every view at every drill-down level. Each count cell is
# a measure of a place and a slice (all months, a month, an age band). The reader knows these
# equations between the true counts: a place is the sum of the places under it, all months
# the sum of the months and of the age bands, and the measures that add up by the rules:
IDENTITIES = {
    "besok": ("akut", "planerad"),  # every visit is acute or planned
    "psykisk_halsa": ("psyk_forsta_linjen", "psyk_andra_linjen"),  # psychiatry or not
}
ASYLUM = ("nyinskrivna", "inskrivna")
STOCK = "inskrivna"  # registered at month end: months do not add up
BANDS = ("0-5", "6-12", "13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
CLINICS = {clinic[1]: clinic[0] for clinic in (CLINIC_A, CLINIC_B, CLINIC_C, CLINIC_G)}
PRIME = 2_147_483_647

Place = tuple[str, ...]
Slice = tuple[str, ...]
CountKey = tuple[str, Place, Slice]


def _place(code: str, scope: Scope) -> Place:
    if code == "":
        return ("T",)
    if len(code) == 2:
        return ("R", code)
    if len(code) == 4:
        return ("K", code)
    return ("V", CLINICS[code], code)


def _region_of(place: Place) -> str:
    return CLINICS[place[2]][:2] if place[0] == "V" else place[1][:2]


def _chosen(filters: dict[str, str], scope: Scope) -> Place:
    if "vardenhet" in filters:
        return _place(filters["vardenhet"], scope)
    for key in ("kommun", "region"):
        if key in filters:
            return _place(filters[key], scope)
    return ("T",) if scope.national else ("R", str(scope.region))


def _shown_cells(result: ViewResult, scope: Scope) -> dict[CountKey, object]:
    """Every count cell of a view by what it counts: shown value, or its status if hidden."""
    chosen = _chosen({k: v for k, v in result.filters.items() if v}, scope)
    last = ("m", result.provenance.periods[-1])
    found: dict[CountKey, object] = {}
    for table in result.tables:
        keys = [column.key for column in table.columns]
        for row in table.rows:
            by_key = dict(zip(keys, row.cells, strict=True))
            for name, cell in by_key.items():
                # An asylum count is protected by its lowest value (exact where it holds no
                # ".."); its highest is hidden with it and adds only the public number of "..".
                if name.endswith("_max") and name.removesuffix("_max") in COUNT_COLUMNS:
                    low = by_key[name.removesuffix("_max") + "_min"]
                    assert (cell.status is CellStatus.SHOWN) == (low.status is CellStatus.SHOWN)
                    continue
                if name in COUNT_COLUMNS and f"{name}_min" in by_key:
                    exact = by_key[f"{name}_min"]
                    assert cell.status is not CellStatus.SHOWN or cell == exact
                    continue
                column = Column(name.removesuffix("_min"), "")
                if column.key not in COUNT_COLUMNS:
                    continue
                key: CountKey
                if table.key == "manader":
                    key = (column.key, chosen, ("m", row.labels[0]))
                elif table.key == "aldersfordelning":
                    key = (column.key, chosen, ("b", row.labels[0]))
                else:
                    whole: Slice = last if column.key == STOCK else ("",)
                    key = (column.key, _place(row.labels[0], scope), whole)
                seen = cell.value if cell.status is CellStatus.SHOWN else cell.status
                assert found.setdefault(key, seen) == seen, (result.view, table.key, key)
                found[key] = seen
    return found


def _places(scope: Scope) -> dict[Place, list[Place]]:
    """Parent -> children of every place of the generated data in the scope."""
    kommuner = {clinic[0] for clinic in (CLINIC_A, CLINIC_B, CLINIC_C, CLINIC_G)} | {"0114"}
    tree: dict[Place, list[Place]] = {}
    for kommun in sorted(kommuner):
        if not scope.allows_region(kommun[:2]):
            continue
        region = ("R", kommun[:2])
        if scope.national:
            tree.setdefault(("T",), [])
            if region not in tree[("T",)]:
                tree[("T",)].append(region)
        tree.setdefault(region, []).append(("K", kommun))
        if scope.clinics:
            tree[("K", kommun)] = [
                _place(c, scope) for c, k in sorted(CLINICS.items()) if k == kommun
            ]
    return tree


def _equations(
    measures: tuple[str, ...], months: tuple[str, ...], scope: Scope
) -> list[tuple[CountKey, tuple[CountKey, ...]]]:
    """What a reader knows of the true counts of these measures: total = sum of parts."""
    tree = _places(scope)
    places = sorted({p for parent, kids in tree.items() for p in (parent, *kids)})
    found: list[tuple[CountKey, tuple[CountKey, ...]]] = []
    for measure in measures:
        levels = [p for p in places if not (measure in ASYLUM and p[0] == "V")]
        month_slices: list[Slice] = [("m", month) for month in months]
        band_slices: list[Slice] = [] if measure in ASYLUM else [("b", band) for band in BANDS]
        slices = month_slices + band_slices + ([] if measure == STOCK else [("",)])
        for parent, children in tree.items():
            kids = [kid for kid in children if kid in levels]
            found += [
                ((measure, parent, s), tuple((measure, kid, s) for kid in kids))
                for s in slices
                if kids
            ]
        if measure != STOCK:
            for place in levels:
                for split in (month_slices, band_slices):
                    if split:
                        found.append(
                            ((measure, place, ("",)), tuple((measure, place, s) for s in split))
                        )
    every: list[Slice] = [("m", month) for month in months] + [("b", b) for b in BANDS] + [("",)]
    for total, parts in IDENTITIES.items():
        if total in measures:
            for place in places:
                for s in every:
                    found.append(((total, place, s), tuple((part, place, s) for part in parts)))
    return found


def _determined(
    equations: list[tuple[CountKey, tuple[CountKey, ...]]], shown: set[CountKey]
) -> set[CountKey]:
    """Cells not shown that every solution of the equations fixes, given the shown cells.

    Independent of the disclosure module: a dense null space modulo a large prime. A cell is
    free iff some vector of the null space of the equations over the cells not shown moves it.
    """
    unknown = sorted({k for total, parts in equations for k in (total, *parts)} - shown)
    column = {key: i for i, key in enumerate(unknown)}
    rows = []
    for total, parts in equations:
        row = np.zeros(len(unknown), dtype=np.int64)
        for key, sign in ((total, 1), *((part, PRIME - 1) for part in parts)):
            if key in column:
                row[column[key]] = (row[column[key]] + sign) % PRIME
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    pivots: list[int] = []
    for col in range(len(unknown)):
        r = len(pivots)
        candidates = np.nonzero(matrix[r:, col])[0]
        if not len(candidates):
            continue
        pick = r + int(candidates[0])
        matrix[[r, pick]] = matrix[[pick, r]]
        matrix[r] = matrix[r] * pow(int(matrix[r, col]), PRIME - 2, PRIME) % PRIME
        factors = matrix[:, col].copy()
        factors[r] = 0
        matrix = (matrix - np.outer(factors, matrix[r]) % PRIME) % PRIME
        pivots.append(col)
        if len(pivots) == len(matrix):
            break
    free = [c for c in range(len(unknown)) if c not in set(pivots)]
    fixed = set()
    for r, col in enumerate(pivots):
        if not free or not matrix[r, free].any():
            fixed.add(unknown[col])
    return fixed


def _families() -> list[tuple[str, ...]]:
    linked = {m for total, parts in IDENTITIES.items() for m in (total, *parts)}
    return [(total, *parts) for total, parts in IDENTITIES.items()] + [
        (m,) for m in sorted(COUNT_COLUMNS - linked)
    ]


def _everything_shown(connection: duckdb.DuckDBPyConnection, scope: Scope) -> list[ViewResult]:
    """Every view at every drill-down level of the default filter state."""
    tree = _places(scope)
    results = []
    for place in [("T",), *(kid for kids in tree.values() for kid in kids)]:
        if place == ("T",):
            state: dict[str, str] = {}
        elif place[0] == "R":
            if not scope.national:
                continue
            state = {"region": place[1]}
        elif place[0] == "K":
            state = {"kommun": place[1]}
        else:
            state = {"kommun": place[1], "vardenhet": place[2]}
        for name in VIEWS:
            try:
                results.append(build(name, connection, scope, Filters.parse(state), Assumptions()))
            except ValueError:
                continue  # a clinic without visits in this warehouse
    return results


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit_groups, asylum_rows)
def test_no_hidden_cell_follows_from_the_shown_cells_and_every_identity(
    visits: list[Visits], asylum: list[tuple[object, ...]]
) -> None:
    connection = warehouse(visits, asylum)
    for scope in (Scope.of_region("01"), Scope.nation()):
        results = _everything_shown(connection, scope)
        if not results or not results[0].provenance.periods:
            continue
        months = results[0].provenance.periods
        cells: dict[CountKey, object] = {}
        for result in results:
            for key, seen in _shown_cells(result, scope).items():
                assert cells.setdefault(key, seen) == seen, (result.view, key)
        shown = {key for key, seen in cells.items() if not isinstance(seen, CellStatus)}
        # A region without visits is "okänt" on its own rows and in no sum: a reader knows it
        # adds nothing to the country, as if it showed 0.
        visited = {group.clinic[0][:2] for group in visits}
        shown |= {
            key
            for key, seen in cells.items()
            if seen is CellStatus.UNKNOWN
            and key[0] not in ASYLUM
            and key[1][0] != "T"
            and _region_of(key[1]) not in visited
        }
        hidden = set(cells) - shown
        for measures in _families():
            fixed = _determined(_equations(measures, months, scope), shown) & hidden
            assert not fixed, (scope, sorted(fixed))


# --- the numbered suppression of a family is `suppress` over its keys ------------------------


def _by_keys(
    cube: Cube,
    measures: tuple[str, ...],
    rows: Mapping[Place, Mapping[Slice, Sequence[int | None]]],
    columns: Sequence[str],
    geo_tree: Mapping[Place, Sequence[Place]],
) -> tuple[dict[CountKey, int | None], frozenset[CountKey]]:
    """The family's values and hidden keys the plain way: keyed cells, crossed_groups."""
    places = all_places(geo_tree, cube.root)
    values: dict[CountKey, int | None] = {}
    for measure in measures:
        column = columns.index(measure)
        slices = [s for kind in SPLITS[measure] for s in cube.splits(kind)]
        for place in places:
            for split in slices if measure in STOCKS else [*slices, ("",)]:
                known = cube.missing(measure, place, split) is not None
                row = rows.get(place, {}).get(split)
                values[(measure, place, split)] = (row[column] if row else 0) if known else None
    groups: list[Group[CountKey]] = []
    for measure in measures:
        for kind in SPLITS[measure]:
            slices = cube.splits(kind)
            margins: Mapping[Slice, Sequence[Slice]] | Sequence[Slice]
            margins = slices if measure in STOCKS else {("",): slices}
            groups += [
                ((measure, *total), tuple((measure, *part) for part in parts))
                for total, parts in crossed_groups(geo_tree, margins)
            ]
    for total, parts in CUBE_IDENTITIES.items():
        if total in measures:
            groups += [
                ((total, place, split), tuple((part, place, split) for part in parts))
                for (measure, place, split) in values
                if measure == total and all((p, place, split) in values for p in parts)
            ]
    return values, suppress(values, groups)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit_groups, asylum_rows, st.sampled_from([{}, {"aldersgrupp": "18-64", "kon": "K"}]))
def test_each_family_is_protected_as_suppress_would_over_its_keys(
    visits: list[Visits], asylum: list[tuple[object, ...]], state: dict[str, str]
) -> None:
    connection = warehouse(visits, asylum)
    stamp = read_stamp(connection)
    assert stamp is not None
    filters = Filters.parse(state)
    for scope in (Scope.of_region("01"), Scope.nation()):
        reported = read_reported(connection, scope)
        span = filters.period(reported.complete, reported.earliest)
        if span is None:
            continue
        at = (Period(tuple(months_between(*span))), filters.aldersgrupp, filters.kon)
        flows = asylum_part(connection, stamp, scope, at, Assumptions())
        everything = (*VISIT_MEASURES, *ASYLUM_MEASURES)
        counted = visit_part(connection, stamp, scope, at, everything)
        reports = (reported.asylum, reported.visits)
        cube = build_cube(stamp, scope, at, everything, counted, flows, reports)
        for protected in {id(p): p for p in cube.protected.values()}.values():
            layout = protected.layout
            measures = tuple(layout.start)
            rows: Mapping[Place, Mapping[Slice, Sequence[int | None]]] = counted.rows
            columns: Sequence[str] = counted.columns
            geo_tree = counted.tree
            if measures[0] in ASYLUM_MEASURES:
                rows, columns, geo_tree = flows.result().rows, ASYLUM_MEASURES, flows.result().tree
            values, hidden = _by_keys(cube, measures, rows, columns, geo_tree)
            numbered = {key: layout.find(*key) for key in values}
            assert None not in numbered.values()
            shown = {key: None if n is None else protected.values[n] for key, n in numbered.items()}
            assert shown == values
            assert len(values) == len(protected.values)
            assert {layout.key(n) for n in protected.hidden} == hidden
