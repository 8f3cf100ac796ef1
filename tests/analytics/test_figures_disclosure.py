"""No view shows a count of 1-4, and drill-down levels cannot be subtracted to find one.

Hypothesis builds random small warehouses (few visits per clinic and month, so small counts
are common) and checks every cell of every view at every drill-down level, for a region
planner and the national planner.
"""

from __future__ import annotations

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samvard.analytics.assumptions import Assumptions
from samvard.analytics.figures import VIEWS, Filters, build
from samvard.analytics.results import CellStatus, ViewResult
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
    found = []
    for table in result.tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                value = cell.value
                small = isinstance(value, int | float) and 0 < value < 5
                if column.key in COUNT_COLUMNS and cell.status is CellStatus.SHOWN and small:
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
