"""Disclosure control: no count 1–4 is shown, and no hidden cell can be worked out.

The property tests check every result against an independent exact rank computation written
differently from the module's (dense Fractions, column ranks instead of reduced rows).
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samvard.analytics.disclosure import (
    MIN_SHOWN,
    Group,
    cells,
    crossed_groups,
    derived,
    hierarchy_groups,
    protect,
    suppress,
)
from samvard.analytics.results import Cell, CellStatus

# --- an independent check ------------------------------------------------------------------


def rank(matrix: list[list[Fraction]]) -> int:
    """Rank by plain dense Gaussian elimination over the rationals."""
    rows = [list(row) for row in matrix]
    found = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in range(found, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(found + 1, len(rows)):
            factor = rows[r][col] / rows[found][col]
            if factor:
                rows[r] = [x - factor * y for x, y in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


def determined(groups: Iterable[Group[Hashable]], hidden: Iterable[Hashable]) -> set[Hashable]:
    """Hidden cells a reader can compute exactly from the shown cells and the equations.

    A hidden cell is free iff some solution of the homogeneous system moves it, that is iff
    its column lies in the span of the other hidden cells' columns (dropping it keeps the rank).
    """
    columns = sorted(hidden, key=repr)
    matrix: list[list[Fraction]] = []
    for total, parts in groups:
        coefficient = {total: 1, **dict.fromkeys(parts, -1)}
        if any(cell in coefficient for cell in columns):
            matrix.append([Fraction(coefficient.get(cell, 0)) for cell in columns])
    full = rank(matrix)
    fixed = set()
    for i, cell in enumerate(columns):
        without = [row[:i] + row[i + 1 :] for row in matrix]
        if rank(without) < full:
            fixed.add(cell)
    return fixed


def two_per_group(groups: Iterable[Group[Hashable]], hidden: set[Hashable]) -> bool:
    """The naive rule: no group has exactly one hidden cell."""
    return all(len(hidden & {total, *parts}) != 1 for total, parts in groups)


# --- generated cases -----------------------------------------------------------------------

counts = st.one_of(st.just(0), st.integers(1, MIN_SHOWN - 1), st.integers(MIN_SHOWN, 60))


@st.composite
def hierarchies(draw: st.DrawFn) -> tuple[dict[str, int | None], tuple[Group[str], ...]]:
    """A random tree of totals (single-part groups too), some values unknown at the source."""
    children: dict[str, list[str]] = {}
    truth: dict[str, int] = {}
    budget = [draw(st.integers(2, 45))]

    def grow(node: str, depth: int) -> int:
        if depth < 4 and budget[0] > 0 and draw(st.booleans()):
            width = draw(st.integers(1, 5))
            budget[0] -= width
            kids = [f"{node}.{i}" for i in range(width)]
            children[node] = kids
            truth[node] = sum(grow(kid, depth + 1) for kid in kids)
        else:
            truth[node] = draw(counts)
        return truth[node]

    grow("n", 0)
    unknown = draw(st.sets(st.sampled_from(sorted(truth)), max_size=2))
    values = {key: None if key in unknown else value for key, value in truth.items()}
    return values, hierarchy_groups(children)


@st.composite
def tables(
    draw: st.DrawFn,
) -> tuple[dict[tuple[str, str], int | None], tuple[Group[Hashable], ...]]:
    """A rows × columns table with both margins and a grand total."""
    rows = [f"r{i}" for i in range(draw(st.integers(1, 6)))]
    columns = [f"c{j}" for j in range(draw(st.integers(1, 6)))]
    inner = {(r, c): draw(counts) for r in rows for c in columns}
    values: dict[tuple[str, str], int | None] = dict(inner)
    for r in rows:
        values[(r, "T")] = sum(inner[(r, c)] for c in columns)
    for c in columns:
        values[("T", c)] = sum(inner[(r, c)] for r in rows)
    values[("T", "T")] = sum(inner.values())
    for key in draw(st.sets(st.sampled_from(sorted(values)), max_size=2)):
        values[key] = None
    groups = crossed_groups({"T": rows}, {"T": columns})
    return values, tuple(groups)


@st.composite
def geography_by_age(
    draw: st.DrawFn,
) -> tuple[dict[tuple[str, str], int | None], tuple[Group[Hashable], ...]]:
    """Region -> municipalities -> clinics crossed with age groups and an all-ages column."""
    tree: dict[str, list[str]] = {"R": []}
    for k in range(draw(st.integers(1, 4))):
        kommun = f"k{k}"
        tree["R"].append(kommun)
        tree[kommun] = [f"{kommun}v{v}" for v in range(draw(st.integers(1, 3)))]
    ages = ["0-5", "6-17", "18-64"]
    leaves = [clinic for k in tree["R"] for clinic in tree[k]]
    values: dict[tuple[str, str], int | None] = {
        (clinic, age): draw(counts) for clinic in leaves for age in ages
    }
    for clinic in leaves:
        values[(clinic, "alla")] = sum(values[(clinic, a)] or 0 for a in ages)
    for age in [*ages, "alla"]:
        for kommun in tree["R"]:
            values[(kommun, age)] = sum(values[(c, age)] or 0 for c in tree[kommun])
        values[("R", age)] = sum(values[(k, age)] or 0 for k in tree["R"])
    groups = crossed_groups(tree, {"alla": ages})
    return values, tuple(groups)


cases = st.one_of(hierarchies(), tables(), geography_by_age())


def assert_protected(
    values: Mapping[Hashable, int | None], groups: Sequence[Group[Hashable]]
) -> None:
    hidden = suppress(values, groups)
    for key, value in values.items():
        if value is None or 0 < value < MIN_SHOWN:
            assert key in hidden
    assert not determined(groups, hidden)


# --- properties ----------------------------------------------------------------------------


@given(cases)
@settings(max_examples=300, deadline=None)
def test_no_small_count_is_shown_and_no_hidden_cell_is_determined(
    case: tuple[Mapping[Hashable, int | None], Sequence[Group[Hashable]]],
) -> None:
    values, groups = case
    assert_protected(values, groups)
    if all(v is not None and not 0 < v < MIN_SHOWN for v in values.values()):
        assert suppress(values, groups) == frozenset()  # zeros and large counts stay shown


@given(cases, st.randoms(use_true_random=False))
@settings(deadline=None)
def test_the_result_does_not_depend_on_the_order_of_the_input(
    case: tuple[Mapping[Hashable, int | None], Sequence[Group[Hashable]]], rng: random.Random
) -> None:
    values, groups = case
    keys = list(values)
    rng.shuffle(keys)
    shuffled_groups = [(total, tuple(rng.sample(parts, len(parts)))) for total, parts in groups]
    rng.shuffle(shuffled_groups)
    assert suppress({k: values[k] for k in keys}, shuffled_groups) == suppress(values, groups)


@given(cases)
@settings(deadline=None)
def test_suppressing_the_output_again_hides_nothing_more(
    case: tuple[Mapping[Hashable, int | None], Sequence[Group[Hashable]]],
) -> None:
    values, groups = case
    hidden = suppress(values, groups)
    as_published = {key: None if key in hidden else value for key, value in values.items()}
    assert suppress(as_published, groups) == hidden


# --- hand-made cases -----------------------------------------------------------------------


def test_a_small_part_takes_the_smallest_other_part_with_it() -> None:
    values = {"T": 20, "a": 3, "b": 9, "c": 8}
    assert suppress(values, [("T", ("a", "b", "c"))]) == {"a", "c"}


def test_a_positive_part_is_preferred_to_a_zero_as_secondary() -> None:
    values = {"T": 10, "a": 3, "b": 0, "c": 7}
    assert suppress(values, [("T", ("a", "b", "c"))]) == {"a", "c"}


def test_a_zero_is_hidden_only_when_nothing_else_protects() -> None:
    values = {"T": 3, "a": None, "b": 0}
    hidden = suppress(values, [("T", ("a", "b"))])
    assert hidden == {"T", "a"}  # T is 3: primary; a with T hidden is no longer determined


def test_a_total_of_one_to_four_is_hidden_and_its_zero_parts_stay_shown() -> None:
    values = {"T": 3, "a": 3, "b": 0, "c": 0}
    assert suppress(values, [("T", ("a", "b", "c"))]) == {"T", "a"}
    values = {"T": 4, "a": 2, "b": 2, "c": 0}
    assert suppress(values, [("T", ("a", "b", "c"))]) == {"T", "a", "b"}


def test_a_single_part_group_is_hidden_together_and_protected_in_its_parent() -> None:
    groups = hierarchy_groups({"R": ["K1", "K2", "K3"], "K1": ["a"], "K2": ["b1", "b2"]})
    values = {"R": 25, "K1": 3, "a": 3, "K2": 12, "b1": 5, "b2": 7, "K3": 10}
    hidden = suppress(values, groups)
    assert {"K1", "a"} <= hidden
    # A sibling municipality must go too; K3 has no clinics, so it alone is enough.
    assert hidden == {"K1", "a", "K3"}
    assert not determined(groups, hidden)


def test_hiding_a_municipality_carries_down_to_one_of_its_clinics() -> None:
    groups = hierarchy_groups(
        {"R": ["K", "K2", "K3"], "K": ["c1", "c2"], "K2": ["d1", "d2"], "K3": ["e1"]}
    )
    values = {"R": 30, "K": 3, "K2": 12, "K3": 15, "c1": 3, "c2": 0, "d1": 5, "d2": 7, "e1": 15}
    assert suppress(values, groups) == {"K", "c1", "K2", "d1"}


def test_two_cycles_joined_by_a_bridge_are_not_enough() -> None:
    """Two hidden rectangles linked by one hidden cell: every row and column has two hidden
    cells, yet the linking cell is exactly determined."""
    rows, columns = ["r1", "r2", "r3", "r4"], ["c1", "c2", "c3", "c4"]
    small = {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2")}
    small |= {("r3", "c3"), ("r3", "c4"), ("r4", "c3"), ("r4", "c4"), ("r1", "c3")}
    inner = {(r, c): 2 if (r, c) in small else 10 for r in rows for c in columns}
    values: dict[tuple[str, str], int | None] = dict(inner)
    for r in rows:
        values[(r, "T")] = sum(inner[(r, c)] for c in columns)
    for c in columns:
        values[("T", c)] = sum(inner[(r, c)] for r in rows)
    values[("T", "T")] = sum(inner.values())
    groups = crossed_groups({"T": rows}, {"T": columns})
    assert two_per_group(groups, set(small))
    assert determined(groups, small) == {("r1", "c3")}
    hidden = suppress(values, groups)
    assert small < hidden
    assert not determined(groups, hidden)


def test_cells_say_shown_suppressed_or_unknown() -> None:
    values = {"T": 12, "a": 3, "b": 9, "c": None}
    shown = protect(values, [("T", ("a", "b", "c"))])
    assert shown["a"] == Cell.suppressed()
    assert shown["c"] == Cell.unknown()
    assert shown["T"] == Cell.shown(12)
    assert shown["a"].as_json() == "suppressed"
    assert cells({"x": 0}, frozenset()) == {"x": Cell.shown(0)}


def test_a_derived_figure_hides_with_its_sources() -> None:
    assert derived(2.5, Cell.shown(10)) == Cell.shown(2.5)
    assert derived(0.6, Cell.shown(10), Cell.suppressed()).status is CellStatus.SUPPRESSED
    assert derived(0.6, Cell.suppressed(), Cell.unknown()).status is CellStatus.UNKNOWN
    assert derived(None, Cell.shown(10)).status is CellStatus.UNKNOWN


def test_group_builders() -> None:
    assert hierarchy_groups({"R": ["a", "b"], "a": [], "b": ["b1"]}) == (
        ("R", ("a", "b")),
        ("b", ("b1",)),
    )
    groups = crossed_groups({"T": ["x", "y"]}, ["m"])
    assert groups == ((("T", "m"), (("x", "m"), ("y", "m"))),)
    both = crossed_groups({"T": ["x"]}, {"S": ["p", "q"]})
    assert (("T", "S"), (("x", "S"),)) in both
    assert (("T", "S"), (("T", "p"), ("T", "q"))) in both
    assert len(both) == 5  # x -> T in each of 3 columns, S -> p+q in each of 2 rows


@pytest.mark.parametrize(
    ("values", "groups", "message"),
    [
        ({"T": 5, "a": -1}, [("T", ("a",))], "negative"),
        ({"T": 5, "a": 4}, [("T", ("a",))], "not the sum"),
        ({"T": 5}, [("T", ("a",))], "without a value"),
        ({"T": 5, "a": 5}, [("T", ("T", "a"))], "distinct parts"),
        ({"T": 5}, [("T", ())], "distinct parts"),
    ],
)
def test_inconsistent_input_is_refused(
    values: dict[str, int | None], groups: list[Group[str]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        suppress(values, groups)
