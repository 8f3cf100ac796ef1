"""Disclosure control: which figures to hide so that no count of 1–4 can be seen or worked out.

A view builds every cell it may show for one filter state (the whole geography of its scope,
every drill-down level, the table totals) with the equations between them (a total is the sum
of its parts), calls `suppress` once and renders from the result, so the pages, exports and
the API of every level agree. docs/analytics-disclosure.md describes the method and its limits.

Primary suppression hides counts 1–4 and the figures the source did not give (None, ".."). A
reader who knows the group equations could still work out a hidden cell from the shown ones,
so secondary suppression hides more cells until, by exact linear algebra, no hidden cell is
determined by the shown cells and the equations together.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence, Set
from operator import itemgetter
from typing import Any, TypeVar, cast

from samvard.analytics.results import Cell, CellStatus

MIN_SHOWN = 5

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)

Group = tuple[K, tuple[K, ...]]  # (total cell, its parts): total == sum(parts)

# A sparse equation over hidden cells: cell index (>= 0) -> coefficient. Negative keys carry
# which group equations were combined into it (-1 - group index -> multiplier), so a cell
# that turns out to be determined can be traced back to the groups that determine it.
_Row = dict[int, int]


def suppress(values: Mapping[K, int | None], groups: Iterable[Group[K]]) -> frozenset[K]:
    """Every key to hide: unknowns, counts 1..MIN_SHOWN-1, and the secondary cells.

    Deterministic: the result depends only on the values and the set of groups, not on the
    order in which they are given. Raises ValueError for a negative count, a group that names
    a key without a value, or a group whose known total is not the sum of its known parts.
    """
    keys = _ordered(values)
    index = {key: i for i, key in enumerate(keys)}
    numbered: list[tuple[int, list[int]]] = []
    for total, parts in groups:
        try:
            numbered.append((index[total], [index[part] for part in parts]))
        except KeyError as exc:
            raise ValueError(f"group of {total!r} names a key without a value: {exc}") from None
    hidden = suppress_indexed([values[key] for key in keys], numbered, keys.__getitem__)
    return frozenset(keys[i] for i in hidden)


def suppress_indexed(
    counts: Sequence[int | None],
    groups: Iterable[tuple[int, Sequence[int]]],
    name: Callable[[int], object] | None = None,
) -> frozenset[int]:
    """`suppress` for cells numbered 0..n-1 in their sort order: the same rules, and the same
    result as `suppress` with keys that sort in this order, without building the keys.

    `counts[i]` is cell i's value and each group is (total, parts) by number. Ties between
    candidate secondaries go to the lowest number. `name`, if given, names a cell by its
    number in error messages.
    """
    label = name if name is not None else int
    known = [count for count in counts if count is not None]
    if known and min(known) < 0:
        i = next(i for i, count in enumerate(counts) if count is not None and count < 0)
        raise ValueError(f"negative count for {label(i)!r}: {counts[i]}")
    equations = _equations(groups, counts, label)
    member_of: list[list[int]] = [[] for _ in counts]
    for g, (total, parts) in enumerate(equations):
        member_of[total].append(g)
        for part in parts:
            member_of[part].append(g)
    hidden = {i for i, count in enumerate(counts) if count is None or 0 < count < MIN_SHOWN}
    # How many hidden cells each group holds, as of the start of the round.
    hidden_in = [0] * len(equations)
    for cell in hidden:
        for g in member_of[cell]:
            hidden_in[g] += 1
    analysed: dict[frozenset[int], dict[int, tuple[int, ...]]] = {}
    while True:
        found = _found(hidden, equations, hidden_in, analysed)
        chosen = _secondaries(found, equations, member_of, hidden, hidden_in, counts)
        if not chosen:
            return frozenset(hidden)
        hidden |= chosen
        for cell in chosen:
            for g in member_of[cell]:
                hidden_in[g] += 1


def _found(
    hidden: Set[int],
    equations: Sequence[tuple[int, tuple[int, ...]]],
    hidden_in: Sequence[int],
    analysed: dict[frozenset[int], dict[int, tuple[int, ...]]],
) -> dict[int, tuple[int, ...]]:
    """The determined hidden cells, each with the groups that give it away."""
    # A group with one hidden cell gives it away at once and needs no elimination; only when
    # there is none left is the whole system solved, one component at a time (a component
    # unchanged since an earlier round is not solved again).
    found = _alone(hidden, equations, hidden_in)
    if not found:
        for component, numbers in _components(hidden, equations, hidden_in):
            if component not in analysed:
                analysed[component] = _determined(numbers, equations, hidden)
            found.update(analysed[component])
    return found


def _secondaries(
    found: Mapping[int, tuple[int, ...]],
    equations: Sequence[tuple[int, tuple[int, ...]]],
    member_of: Sequence[Sequence[int]],
    hidden: Set[int],
    hidden_in: Sequence[int],
    counts: Sequence[int | None],
) -> set[int]:
    """The shown cells to hide in this round, one for each determined cell that needs one."""
    chosen: set[int] = set()
    touched: set[int] = set()  # groups that gained a hidden cell in this round
    # Cells fixed by the fewest equations first: those are the causes, and hiding a cell in
    # one of them often protects the cells fixed through it as well.
    for cell, used in sorted(found.items(), key=lambda item: (len(item[1]), item[0])):
        if touched.intersection(used):
            continue  # a cell hidden in this round may already protect it
        extra = _choose(cell, used, equations, member_of, hidden, hidden_in, counts)
        if extra is None:
            continue  # the equations alone fix it (e.g. duplicate groups): nothing helps
        chosen.add(extra)
        touched.update(member_of[extra])
    return chosen


def hierarchy_groups(keys_by_parent: Mapping[K, Sequence[K]]) -> tuple[Group[K], ...]:
    """One group per parent with children: region -> municipalities, municipality -> clinics."""
    return tuple((parent, tuple(kids)) for parent, kids in keys_by_parent.items() if kids)


def crossed_groups(
    rows: Mapping[R, Sequence[R]] | Sequence[R], columns: Mapping[C, Sequence[C]] | Sequence[C]
) -> tuple[Group[tuple[R, C]], ...]:
    """The groups of a table whose cells are (row, column) pairs, with margins in either way.

    Each dimension is a hierarchy (parent -> children, a total being a parent) or a plain
    sequence of keys without a total. Every row total is the sum of its children in every
    column, and every column total the sum of its children in every row, so a grand total
    appears in both ways and a reader's full set of equations is covered.
    """
    row_keys, row_tree = _dimension(rows)
    column_keys, column_tree = _dimension(columns)
    groups: list[Group[tuple[R, C]]] = []
    for parent, kids in row_tree.items():
        if kids:
            groups.extend(((parent, c), tuple((r, c) for r in kids)) for c in column_keys)
    for column_parent, column_kids in column_tree.items():
        if column_kids:
            groups.extend(
                ((r, column_parent), tuple((r, c) for c in column_kids)) for r in row_keys
            )
    return tuple(groups)


def cell_for(value: int | float | None, hidden: bool) -> Cell:
    """The cell to show for one figure: unknown at the source, suppressed, or the figure."""
    if value is None:
        return Cell.unknown()
    return Cell.suppressed() if hidden else Cell.shown(value)


def cells(values: Mapping[K, int | None], hidden: Set[K]) -> dict[K, Cell]:
    """Every figure as a cell, given the keys `suppress` returned."""
    return {key: cell_for(value, key in hidden) for key, value in values.items()}


def protect(values: Mapping[K, int | None], groups: Iterable[Group[K]]) -> dict[K, Cell]:
    """`suppress` and `cells` in one step: what a view puts in its tables."""
    return cells(values, suppress(values, groups))


def derived(value: int | float | None, *sources: Cell) -> Cell:
    """A figure computed from other cells (a need from a count, a rate) hides with them.

    Showing a share of a hidden count would give the count back, so the derived figure is
    unknown when a source is unknown and suppressed when a source is suppressed.
    """
    statuses = {source.status for source in sources}
    if value is None or CellStatus.UNKNOWN in statuses:
        return Cell.unknown()
    if CellStatus.SUPPRESSED in statuses:
        return Cell.suppressed()
    return Cell.shown(value)


def _ordered(keys: Iterable[K]) -> list[K]:
    """A stable order of the keys: their natural order, or their repr if they do not compare."""
    listed = list(keys)
    try:
        return cast("list[K]", sorted(cast("list[Any]", listed)))
    except TypeError:
        return sorted(listed, key=repr)


def _equations(
    groups: Iterable[tuple[int, Sequence[int]]],
    counts: Sequence[int | None],
    label: Callable[[int], object],
) -> list[tuple[int, tuple[int, ...]]]:
    """Groups as sorted, de-duplicated index tuples, checked against the values.

    A view passes thousands of groups on every request, so each is built and checked in as
    few interpreted steps as possible: one set of sorted tuples, then one pass in order.
    """
    equations = sorted({(t, tuple(sorted(parts))) for t, parts in groups})
    size = len(counts)
    for t, members in equations:
        if not members or t < 0 or members[0] < 0 or t >= size or members[-1] >= size:
            if not members:
                raise ValueError(f"group of {label(t)!r} needs distinct parts other than the total")
            raise ValueError(f"group of cell {t} names a cell without a value")
        if t in members or len(set(members)) != len(members):
            raise ValueError(f"group of {label(t)!r} needs distinct parts other than the total")
        total = counts[t]
        if total is not None:
            known = itemgetter(*members)(counts) if len(members) > 1 else (counts[members[0]],)
            if None not in known and total != sum(known):
                raise ValueError(f"total of {label(t)!r} is not the sum of its parts")
    return equations


def _alone(
    hidden: Set[int],
    equations: Sequence[tuple[int, tuple[int, ...]]],
    hidden_in: Sequence[int],
) -> dict[int, tuple[int, ...]]:
    """Hidden cells that are the only hidden cell of some group, with the first such group."""
    found: dict[int, tuple[int, ...]] = {}
    for g, inside in enumerate(hidden_in):
        if inside == 1:
            total, parts = equations[g]
            cell = total if total in hidden else next(p for p in parts if p in hidden)
            if cell not in found:
                found[cell] = (g,)
    return found


def _components(
    hidden: Set[int],
    equations: Sequence[tuple[int, tuple[int, ...]]],
    hidden_in: Sequence[int],
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

    touching: list[tuple[int, int]] = []  # (equation, one of its hidden cells)
    for g, inside in enumerate(hidden_in):
        if not inside:
            continue
        total, parts = equations[g]
        members = [total] if total in hidden else []
        members += [part for part in parts if part in hidden]
        first = root(members[0])
        for cell in members[1:]:
            top = root(cell)
            if top != first:
                parent[top] = first
        touching.append((g, members[0]))
    cells_by_root: dict[int, list[int]] = {}
    for cell in sorted(hidden):
        cells_by_root.setdefault(root(cell), []).append(cell)
    numbers_by_root: dict[int, list[int]] = {}
    for g, cell in touching:
        numbers_by_root.setdefault(root(cell), []).append(g)
    return [
        (frozenset(members), numbers_by_root.get(top, []))
        for top, members in sorted(cells_by_root.items(), key=lambda item: item[1][0])
    ]


def _row(equation: tuple[int, tuple[int, ...]], hidden: Set[int]) -> _Row:
    """An equation over its hidden cells: the total +1, each part -1."""
    total, parts = equation
    row = {total: 1} if total in hidden else {}
    for part in parts:
        if part in hidden:
            row[part] = -1
    return row


def _determined(
    numbers: Sequence[int],
    equations: Sequence[tuple[int, tuple[int, ...]]],
    hidden: Set[int],
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
    bare = [_row(equations[g], hidden) for g in numbers]
    if not _any_determined(bare):
        return {}
    rows = [{**row, -1 - g: 1} for g, row in zip(numbers, bare, strict=True)]
    determined: dict[int, tuple[int, ...]] = {}
    for col, row in _reduce(rows).items():
        if all(c < 0 or c == col for c in row):
            determined[col] = tuple(sorted(-1 - c for c in row if c < 0))
    return determined


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


def _choose(
    cell: int,
    used: Iterable[int],
    equations: Sequence[tuple[int, tuple[int, ...]]],
    member_of: Sequence[Sequence[int]],
    hidden: Set[int],
    hidden_in: Sequence[int],
    counts: Sequence[int | None],
) -> int | None:
    """The shown cell to hide next so that `cell` is no longer determined.

    Candidates are the shown cells of the groups that determine it. Preferred, in order:
    - a group that contains the cell itself;
    - a part over the group's total;
    - a cell whose other groups already hold a hidden cell: hiding it then closes a cycle
      instead of leaving a group with one hidden cell that would need yet another (this is
      what keeps a table with margins from a long chain of secondaries, and what prefers the
      deepest level: a clinic is a part of one group only);
    - a positive count over a zero (a zero next to a 3 makes the pair's sum the 3 itself);
    - the smallest count, then the first key.
    """
    best: tuple[tuple[bool, bool, int, bool, int, int], int] | None = None
    for g in used:
        total, parts = equations[g]
        has_cell = cell == total or cell in parts
        for member in (total, *parts):
            count = counts[member]
            if member in hidden or count is None:
                continue
            exposed = sum(1 for other in member_of[member] if other != g and not hidden_in[other])
            rank = (not has_cell, member == total, exposed, count == 0, count, member)
            if best is None or rank < best[0]:
                best = (rank, member)
    return None if best is None else best[1]


def _members(equation: tuple[int, tuple[int, ...]]) -> tuple[int, ...]:
    return (equation[0], *equation[1])


def _dimension(
    dimension: Mapping[R, Sequence[R]] | Sequence[R],
) -> tuple[list[R], Mapping[R, Sequence[R]]]:
    """The keys of one table dimension in first-seen order, and its hierarchy (maybe none)."""
    if not isinstance(dimension, Mapping):
        return list(dict.fromkeys(dimension)), {}
    seen: dict[R, None] = {}
    for parent, kids in dimension.items():
        seen[parent] = None
        seen.update(dict.fromkeys(kids))
    return list(seen), dimension
