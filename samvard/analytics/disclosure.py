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

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence, Set
from operator import itemgetter
from typing import Any, TypeVar, cast

from samvard.analytics.disclosure_solve import Equation, Equations, found
from samvard.analytics.results import Cell, CellStatus

MIN_SHOWN = 5

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)

Group = tuple[K, tuple[K, ...]]  # (total cell, its parts): total == sum(parts)


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
    check_counts(counts, label)
    return suppress_equations(counts, ListedEquations(groups, counts, label))


def check_counts(counts: Sequence[int | None], label: Callable[[int], object]) -> None:
    """ValueError for a negative count."""
    known = [count for count in counts if count is not None]
    if known and min(known) < 0:
        i = next(i for i, count in enumerate(counts) if count is not None and count < 0)
        raise ValueError(f"negative count for {label(i)!r}: {counts[i]}")


def suppress_equations(counts: Sequence[int | None], equations: Equations) -> frozenset[int]:
    """The cells to hide, for counts already checked and groups described by `equations`.

    Only the groups of hidden cells (and of the candidates for hiding) are ever asked for, so
    the work grows with the cells to hide, not with the size of the table.
    """
    hidden = {i for i, count in enumerate(counts) if count is None or 0 < count < MIN_SHOWN}
    # The hidden cells of each group, as of the start of the round (absent: none).
    hidden_in = equations.holding(hidden)
    analysed: dict[frozenset[int], dict[int, tuple[int, ...]]] = {}
    while True:
        determined = found(hidden, equations, hidden_in, analysed)
        chosen = _secondaries(determined, equations, hidden, hidden_in, counts)
        if not chosen:
            return frozenset(hidden)
        hidden |= chosen
        for cell in chosen:
            for g in equations.groups_of(cell):
                hidden_in.setdefault(g, []).append(cell)


class ListedEquations:
    """Equations given as a list of groups: sorted, de-duplicated and checked at once."""

    def __init__(
        self,
        groups: Iterable[tuple[int, Sequence[int]]],
        counts: Sequence[int | None],
        label: Callable[[int], object],
    ) -> None:
        """Number the groups in their sort order; ValueError for an inconsistent group."""
        self._equations = _equations(groups, counts, label)
        self._member_of: list[list[int]] = [[] for _ in counts]
        for g, (total, parts) in enumerate(self._equations):
            self._member_of[total].append(g)
            for part in parts:
                self._member_of[part].append(g)

    def groups_of(self, cell: int) -> Sequence[int]:
        """The numbers of the groups the cell is in, ascending."""
        return self._member_of[cell]

    def holding(self, cells: Iterable[int]) -> dict[int, list[int]]:
        """Every group of the cells, with those of the cells it holds (ascending)."""
        found: dict[int, list[int]] = {}
        for cell in sorted(cells):
            for g in self._member_of[cell]:
                found.setdefault(g, []).append(cell)
        return found

    def total(self, group: int) -> int:
        """The group's total."""
        return self._equations[group][0]

    def members(self, group: int) -> Equation:
        """The group's total and parts."""
        return self._equations[group]


def _secondaries(
    determined: Mapping[int, tuple[int, ...]],
    equations: Equations,
    hidden: Set[int],
    hidden_in: Mapping[int, Sequence[int]],
    counts: Sequence[int | None],
) -> set[int]:
    """The shown cells to hide in this round, one for each determined cell that needs one."""
    chosen: set[int] = set()
    touched: set[int] = set()  # groups that gained a hidden cell in this round
    # Cells fixed by the fewest equations first: those are the causes, and hiding a cell in
    # one of them often protects the cells fixed through it as well.
    for cell, used in sorted(determined.items(), key=lambda item: (len(item[1]), item[0])):
        if touched.intersection(used):
            continue  # a cell hidden in this round may already protect it
        extra = _choose(cell, used, equations, hidden, hidden_in, counts)
        if extra is None:
            continue  # the equations alone fix it (e.g. duplicate groups): nothing helps
        chosen.add(extra)
        touched.update(equations.groups_of(extra))
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


def _choose(
    cell: int,
    used: Iterable[int],
    equations: Equations,
    hidden: Set[int],
    hidden_in: Mapping[int, Sequence[int]],
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
    # Counting a candidate's exposed groups is most of the cost, so candidates are ranked
    # first by everything else; the first whose other groups all hold a hidden cell (none
    # exposed) cannot be beaten by a later one, and the search stops there.
    candidates: list[tuple[bool, bool, bool, int, int]] = []
    for g in used:
        total, parts = equations.members(g)
        has_cell = cell == total or cell in parts
        for member in (*parts, total):
            count = counts[member]
            if member not in hidden and count is not None:
                candidates.append((not has_cell, member == total, count == 0, count, member))
    candidates.sort()
    best: tuple[tuple[bool, bool, int, bool, int, int], int] | None = None
    for not_in_group, is_total, zero, count, member in candidates:
        if best is not None and (best[0][2] == 0 or (not_in_group, is_total) > best[0][:2]):
            break  # nothing later can win
        exposed = sum(1 for other in equations.groups_of(member) if not hidden_in.get(other))
        rank = (not_in_group, is_total, exposed, zero, count, member)
        if best is None or rank < best[0]:
            best = (rank, member)
    return None if best is None else best[1]


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
