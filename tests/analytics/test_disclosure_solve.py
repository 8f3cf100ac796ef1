"""The graph shortcut decides exactly what elimination decides, wherever it decides at all.

Random systems of group equations over hidden cells (each cell +1 as a total, -1 as a part)
are checked both ways: `graph_has_bridge` (where the equations form a balanced graph) must
say the same as the exact reduction over the cells, and it must decline (None) whenever a
cell is in three or more equations.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from samvard.analytics.disclosure_solve import _any_determined, graph_has_bridge

Row = dict[int, int]


@st.composite
def systems(draw: st.DrawFn, most: int = 3) -> list[Row]:
    """Up to 8 equations over up to 14 cells, each cell in 1..`most` of them."""
    count = draw(st.integers(1, 8))
    rows: list[Row] = [{} for _ in range(count)]
    for cell in range(draw(st.integers(1, 14))):
        places = draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=most, unique=True))
        for r in places:
            rows[r][cell] = draw(st.sampled_from([1, -1]))
    return [row for row in rows if row]


@settings(max_examples=400, deadline=None)
@given(systems(most=2))
def test_where_the_equations_are_a_graph_a_bridge_is_a_determined_cell(rows: list[Row]) -> None:
    bridged = graph_has_bridge(rows)
    if bridged is not None:
        assert bridged == _any_determined(rows)


@settings(max_examples=200, deadline=None)
@given(systems(most=3))
def test_a_cell_in_three_equations_is_left_to_elimination(rows: list[Row]) -> None:
    spread = max(sum(cell in row for row in rows) for row in rows for cell in row)
    bridged = graph_has_bridge(rows)
    if spread > 2:
        assert bridged is None
    elif bridged is not None:
        assert bridged == _any_determined(rows)


def test_examples() -> None:
    # Two months of two municipalities, all hidden, margins shown: a cycle, nothing fixed.
    square = [{0: -1, 1: -1}, {2: -1, 3: -1}, {0: -1, 2: -1}, {1: -1, 3: -1}]
    assert graph_has_bridge(square) is False
    # One municipality's two months, hidden, with its shown total: each month is free...
    assert graph_has_bridge([{0: -1, 1: -1}]) is False
    # ...but a third equation holding one month alone gives both away.
    assert graph_has_bridge([{0: -1, 1: -1}, {1: -1}]) is True
    # An odd cycle of parts is not balanced: the graph cannot tell, elimination decides.
    triangle = [{0: -1, 1: -1}, {1: -1, 2: -1}, {2: -1, 0: -1}]
    assert graph_has_bridge(triangle) is None
    assert _any_determined(triangle) is True
