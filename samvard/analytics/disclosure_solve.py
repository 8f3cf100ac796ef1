"""Which hidden cells a reader can work out: exact linear algebra over the group equations.

disclosure.py decides what to hide; this module answers, for the cells hidden so far, which
of them the shown cells and the equations still determine, and through which groups. The
equations come through `Equations`, so a caller with many cells can describe its groups by
formula and only the groups that touch a hidden cell are ever built (figures_protect).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from itertools import chain
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

    def holding(self, cells: Iterable[int]) -> dict[int, list[int]]:
        """Every group of the cells, with those of the cells it holds (ascending)."""
        ...

    def total(self, group: int) -> int:
        """The group's total (without making the group, where its number tells)."""
        ...

    def members(self, group: int) -> Equation:
        """The group's total and parts."""
        ...


# group -> its hidden cells (absent: none); every group of a hidden cell is there
Holding = Mapping[int, Sequence[int]]


def found(
    hidden: Set[int],
    equations: Equations,
    hidden_in: Holding,
    analysed: dict[frozenset[int], dict[int, tuple[int, ...]]],
) -> dict[int, tuple[int, ...]]:
    """The determined hidden cells, each with the groups that give it away."""
    # A group with one hidden cell gives it away at once and needs no elimination; only when
    # there is none left is the whole system solved, one component at a time (a component
    # unchanged since an earlier round is not solved again).
    result = _alone(hidden_in)
    if not result:
        for component, numbers in components(hidden, hidden_in):
            if component not in analysed:
                analysed[component] = determined(numbers, equations, hidden_in)
            result.update(analysed[component])
    return result


def _alone(hidden_in: Holding) -> dict[int, tuple[int, ...]]:
    """Hidden cells that are the only hidden cell of some group, with the first such group."""
    result: dict[int, tuple[int, ...]] = {}
    for g in sorted(g for g, inside in hidden_in.items() if len(inside) == 1):
        cell = hidden_in[g][0]
        if cell not in result:
            result[cell] = (g,)
    return result


def components(hidden: Set[int], hidden_in: Holding) -> list[tuple[frozenset[int], list[int]]]:
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
    for g in sorted(hidden_in):
        members = hidden_in[g]
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


def _row(total: int, inside: Sequence[int]) -> _Row:
    """An equation over its hidden cells `inside`: the total +1, each part -1 (ascending)."""
    row = {total: 1} if total in inside else {}
    for part in sorted(inside):
        if part != total:
            row[part] = -1
    return row


def determined(
    numbers: Sequence[int], equations: Equations, hidden_in: Holding
) -> dict[int, tuple[int, ...]]:
    """Hidden cells fixed by the equations numbered, each with the groups whose sum gives it.

    Gauss-Jordan elimination in exact integers, kept fully reduced: every pivot column is zero
    in all other rows. A cell is determined iff its unit vector is in the row space, and in a
    fully reduced basis that holds iff some row has that cell as its only cell: writing the
    unit vector as a combination of rows, each row's coefficient is read off its own pivot.
    `holding` indexes which pivot rows hold each non-pivot cell, so a new pivot is cleared from
    exactly those rows.

    Most components have no determined cell. Where every cell is in at most two of the
    equations, the component is a graph and that is decided without elimination
    (`graph_has_bridge`); otherwise it is first reduced over its cells alone, shortest
    equations first (`_any_determined`), which fills in far less. Only a component with a
    determined cell is reduced again in the given order with the record of groups (negative
    keys: -1 - group -> multiplier).
    """
    # A cell in three groups or more makes the component no graph: known without the rows.
    # Every group of a hidden cell holds it, so is one of the component's: counting how
    # often each cell appears in them counts its groups.
    graph = (
        max(Counter(chain.from_iterable(hidden_in[g] for g in numbers)).values(), default=0) <= 2
    )
    bare = [_row(equations.total(g), hidden_in[g]) for g in numbers]
    bridged = graph_has_bridge(bare) if graph else None
    if bridged is False or (bridged is None and not _any_determined(bare)):
        return {}
    rows = [{**row, -1 - g: 1} for g, row in zip(numbers, bare, strict=True)]
    result: dict[int, tuple[int, ...]] = {}
    for col, row in _reduce(rows).items():
        if all(c < 0 or c == col for c in row):
            result[col] = tuple(sorted(-1 - c for c in row if c < 0))
    return result


def graph_has_bridge(rows: Sequence[_Row]) -> bool | None:
    """Whether some cell is determined, for equations that form a graph; None if they do not.

    Take each equation as a vertex and each cell as an edge between the (at most two)
    equations it is in; a cell in one equation only joins it to a vertex of its own, the
    ground. If each vertex can be given a sign so that every edge enters one end with +1
    and the other with -1 (the graph is balanced), the equations with those signs are the
    incidence rows of a directed graph. Their null space is then spanned by the graph's
    cycles, so a cell is determined exactly when its edge lies on no cycle: when it is a
    bridge. A cell in three or more equations, or a graph that is not balanced, is left to
    elimination (None).
    """
    ground = len(rows)
    ends: dict[int, list[tuple[int, int]]] = {}  # cell -> (equation, coefficient) of each end
    for r, row in enumerate(rows):
        for cell, coefficient in row.items():
            ends.setdefault(cell, []).append((r, coefficient))
    # adjacent[u]: (v, edge, the sign an edge from u asks of v relative to u)
    adjacent: list[list[tuple[int, int, int]]] = [[] for _ in range(ground + 1)]
    for edge, at in enumerate(ends.values()):
        if len(at) > 2:
            return None
        (u, a), (v, b) = at if len(at) == 2 else (at[0], (ground, 1))
        # Balanced: sign[u] * a == -(sign[v] * b), so sign[v] == -sign[u] * a * b.
        adjacent[u].append((v, edge, -a * b))
        adjacent[v].append((u, edge, -a * b))
    sign = [0] * ground
    for start in range(ground):
        if sign[start]:
            continue
        sign[start] = 1
        stack = [start]
        while stack:
            u = stack.pop()
            for v, _, relative in adjacent[u]:
                if v == ground:
                    continue
                want = sign[u] * relative
                if not sign[v]:
                    sign[v] = want
                    stack.append(v)
                elif sign[v] != want:
                    return None
    return _bridge(adjacent)


def _bridge(adjacent: Sequence[Sequence[tuple[int, int, int]]]) -> bool:
    """Whether the multigraph has a bridge: depth-first search with the lowest entry time
    reachable from each subtree (Tarjan), without recursion; parallel edges are cycles."""
    entered = [-1] * len(adjacent)
    low = [0] * len(adjacent)
    clock = 0
    for root in range(len(adjacent)):
        if entered[root] >= 0 or not adjacent[root]:
            continue
        entered[root] = low[root] = clock
        clock += 1
        # (vertex, the edge it was reached by, position in its adjacency list)
        stack = [(root, -1, 0)]
        while stack:
            u, via, i = stack[-1]
            if i < len(adjacent[u]):
                stack[-1] = (u, via, i + 1)
                v, e, _ = adjacent[u][i]
                if e == via:
                    continue
                if entered[v] < 0:
                    entered[v] = low[v] = clock
                    clock += 1
                    stack.append((v, e, 0))
                else:
                    low[u] = min(low[u], entered[v])
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[u])
                if low[u] > entered[parent]:
                    return True
    return False


def _any_determined(rows: Sequence[_Row]) -> bool:
    """Whether any cell is determined: the same reduction over the cells alone, in an order
    that keeps the rows short. Which cells are determined does not depend on the order."""
    return any(len(row) == 1 for row in _reduce(sorted(rows, key=len)).values())


def _reduce(rows: Iterable[_Row]) -> dict[int, _Row]:
    """The fully reduced rows by pivot cell, each row's pivot its lowest cell when it is taken
    (scaled so that its pivot's coefficient is positive).

    Rows that reduce to no cell are implied by those already taken and are dropped. Rows
    are copied once and then changed in place: a pivot row holds no other pivot cell, so
    clearing one pivot from a row never changes its coefficient of another.
    """
    pivots: dict[int, _Row] = {}
    holding: dict[int, set[int]] = {}  # may still name rows that lost the cell since
    for equation in rows:
        row = dict(equation)
        for col in [c for c in row if c in pivots]:
            _eliminate(row, pivots[col], col)
        cols = [c for c in row if c >= 0]
        if not cols:
            continue
        col = min(cols)
        if row[col] < 0:
            row = {c: -v for c, v in row.items()}
        for other in holding.pop(col, ()):
            before = pivots[other]
            if col in before:
                _eliminate(before, row, col)
                for c in cols:
                    if c != col and c in before:
                        holding.setdefault(c, set()).add(other)
        pivots[col] = row
        for c in cols:
            if c != col:
                holding.setdefault(c, set()).add(col)
    return pivots


def _eliminate(row: _Row, pivot: _Row, col: int) -> None:
    """Make `col` vanish from `row`, in place: `row` scaled by the pivot's coefficient minus
    `pivot` scaled by the row's, then divided by the gcd of what is left."""
    a, b = pivot[col], row[col]
    if a != 1:
        for c in row:
            row[c] *= a
    for c, v in pivot.items():
        value = row.get(c, 0) - b * v
        if value:
            row[c] = value
        else:
            del row[c]
    if row:
        divisor = math.gcd(*row.values())
        if divisor > 1:
            for c in row:
                row[c] //= divisor
