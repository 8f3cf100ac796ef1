"""Which hidden cells a reader can work out: exact linear algebra over the group equations.

disclosure.py decides what to hide; this module answers, for the cells hidden so far, which
of them the shown cells and the equations still determine, and through which groups. The
equations come through `Equations`, so a caller with many cells can describe its groups by
formula and only the groups that touch a hidden cell are ever built (figures_protect).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Protocol

Equation = tuple[int, tuple[int, ...]]  # (total cell, its parts in ascending order)

# A sparse equation over hidden cells: cell index (>= 0) -> coefficient. Negative keys carry
# which group equations were combined into it (-1 - group number -> multiplier), so a cell
# that turns out to be determined can be traced back to the groups that determine it.
_Row = dict[int, int]


class Equations(Protocol):
    """The groups of numbered cells (total == sum of parts), as suppression reads them.

    Groups are numbered so that their numbers sort as their (total, parts) do; every result
    of the suppression depends on that order only, so two descriptions of the same groups
    give the same cells to hide.
    """

    def groups_of(self, cell: int) -> Sequence[int]:
        """The numbers of the groups the cell is in (as total or part), ascending."""
        ...

    def members(self, group: int) -> Equation:
        """The group's total and parts."""
        ...


def touched(hidden_in: Mapping[int, int], count: int | None = None) -> list[int]:
    """The groups holding a hidden cell (exactly `count` of them, if given), ascending."""
    if count is None:
        return sorted(g for g, inside in hidden_in.items() if inside)
    return sorted(g for g, inside in hidden_in.items() if inside == count)


def found(
    hidden: Set[int],
    equations: Equations,
    hidden_in: Mapping[int, int],
    analysed: dict[frozenset[int], dict[int, tuple[int, ...]]],
) -> dict[int, tuple[int, ...]]:
    """The determined hidden cells, each with the groups that give it away."""
    # A group with one hidden cell gives it away at once and needs no elimination; only when
    # there is none left is the whole system solved, one component at a time (a component
    # unchanged since an earlier round is not solved again).
    result = _alone(hidden, equations, hidden_in)
    if not result:
        for component, numbers in components(hidden, equations, hidden_in):
            if component not in analysed:
                analysed[component] = determined(numbers, equations, hidden)
            result.update(analysed[component])
    return result


def _alone(
    hidden: Set[int], equations: Equations, hidden_in: Mapping[int, int]
) -> dict[int, tuple[int, ...]]:
    """Hidden cells that are the only hidden cell of some group, with the first such group."""
    result: dict[int, tuple[int, ...]] = {}
    for g in touched(hidden_in, 1):
        total, parts = equations.members(g)
        cell = total if total in hidden else next(p for p in parts if p in hidden)
        if cell not in result:
            result[cell] = (g,)
    return result


def components(
    hidden: Set[int], equations: Equations, hidden_in: Mapping[int, int]
) -> list[tuple[frozenset[int], list[int]]]:
    """Hidden cells linked by shared equations, each with the numbers of its equations.

    Only equations that touch a hidden cell matter; shown cells move to the right-hand side,
    and the right-hand side does not decide whether a cell is determined. The equations'
    rows are built later, and only for a component not analysed in an earlier round.
    """
    parent = {cell: cell for cell in hidden}

    def root(cell: int) -> int:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    linked: list[tuple[int, int]] = []  # (equation, one of its hidden cells)
    for g in touched(hidden_in):
        total, parts = equations.members(g)
        members = [total] if total in hidden else []
        members += [part for part in parts if part in hidden]
        first = root(members[0])
        for cell in members[1:]:
            top = root(cell)
            if top != first:
                parent[top] = first
        linked.append((g, members[0]))
    cells_by_root: dict[int, list[int]] = {}
    for cell in sorted(hidden):
        cells_by_root.setdefault(root(cell), []).append(cell)
    numbers_by_root: dict[int, list[int]] = {}
    for g, cell in linked:
        numbers_by_root.setdefault(root(cell), []).append(g)
    return [
        (frozenset(members), numbers_by_root.get(top, []))
        for top, members in sorted(cells_by_root.items(), key=lambda item: item[1][0])
    ]


def _row(equation: Equation, hidden: Set[int]) -> _Row:
    """An equation over its hidden cells: the total +1, each part -1."""
    total, parts = equation
    row = {total: 1} if total in hidden else {}
    for part in parts:
        if part in hidden:
            row[part] = -1
    return row


def determined(
    numbers: Sequence[int], equations: Equations, hidden: Set[int]
) -> dict[int, tuple[int, ...]]:
    """Hidden cells fixed by the equations numbered, each with the groups whose sum gives it.

    Gauss-Jordan elimination in exact integers, kept fully reduced: every pivot column is zero
    in all other rows. A cell is determined iff its unit vector is in the row space, and in a
    fully reduced basis that holds iff some row has that cell as its only cell: writing the
    unit vector as a combination of rows, each row's coefficient is read off its own pivot.
    `holding` indexes which pivot rows hold each non-pivot cell, so a new pivot is cleared from
    exactly those rows.

    Most components have no determined cell, so each is first reduced over its cells alone,
    shortest equations first (`_any_determined`), which fills in far less; only a component
    with a determined cell is reduced again in the given order with the record of groups
    (negative keys: -1 - group -> multiplier).
    """
    bare = [_row(equations.members(g), hidden) for g in numbers]
    if not _any_determined(bare):
        return {}
    rows = [{**row, -1 - g: 1} for g, row in zip(numbers, bare, strict=True)]
    result: dict[int, tuple[int, ...]] = {}
    for col, row in _reduce(rows).items():
        if all(c < 0 or c == col for c in row):
            result[col] = tuple(sorted(-1 - c for c in row if c < 0))
    return result


def _any_determined(rows: Sequence[_Row]) -> bool:
    """Whether any cell is determined: the same reduction over the cells alone, in an order
    that keeps the rows short. Which cells are determined does not depend on the order."""
    return any(len(row) == 1 for row in _reduce(sorted(rows, key=len)).values())


def _reduce(rows: Iterable[_Row]) -> dict[int, _Row]:
    """The fully reduced rows by pivot cell, each row's pivot its lowest cell when it is taken.

    Rows that reduce to no cell are implied by those already taken and are dropped.
    """
    pivots: dict[int, _Row] = {}
    holding: dict[int, set[int]] = {}  # may still name rows that lost the cell since
    for equation in rows:
        row = equation
        for col in [c for c in row if c in pivots]:
            row = _eliminate(row, pivots[col], col)
        cols = [c for c in row if c >= 0]
        if not cols:
            continue
        col = min(cols)
        for other in holding.pop(col, ()):
            before = pivots[other]
            if col in before:
                after = _eliminate(before, row, col)
                pivots[other] = after
                for c in after.keys() - before.keys():
                    if c >= 0:
                        holding.setdefault(c, set()).add(other)
        pivots[col] = row
        for c in cols:
            if c != col:
                holding.setdefault(c, set()).add(col)
    return pivots


def _eliminate(row: _Row, pivot: _Row, col: int) -> _Row:
    """`row` scaled and minus `pivot` scaled so that `col` vanishes, divided by the gcd."""
    a, b = pivot[col], row[col]
    result = dict(row) if a == 1 else {c: a * v for c, v in row.items()}
    for c, v in pivot.items():
        value = result.get(c, 0) - b * v
        if value:
            result[c] = value
        else:
            del result[c]
    divisor = math.gcd(*result.values()) if result else 1
    return {c: v // divisor for c, v in result.items()} if divisor > 1 else result
