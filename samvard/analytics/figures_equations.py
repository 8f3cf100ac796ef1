"""The equations a reader knows between a family's cells, worked out by formula.

A family's cells are numbered by measure, place and slice (figures_cube.Layout). Its groups
(a total equals the sum of its parts) follow from that numbering:

- geography: a place is the sum of the places under it, in every slice of a measure;
- period: a place's whole period is the sum of its months, and of its age bands (not for a
  stock, whose months do not add up);
- identity: a total measure is the sum of its part measures (figures_cube.IDENTITIES), in
  every place and slice that all of them have.

A national family has over ten thousand cells and thousands of groups, of which only the few
around a hidden cell matter to disclosure control. So the groups are not listed: a cell's
groups are worked out when suppression first asks for them. Every group is still checked
against the values (a known total must be the sum of its known parts), all at once and in
arrays, before suppression starts.

A group's number is total * cells + first part. Two groups of one total never share their
first part (they differ in place, kind of slice or measure), so the numbers sort as the
groups' (total, parts) do: the order in which `disclosure.suppress_indexed` numbers a list
of the same groups, and the result is the same.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from samvard.analytics.disclosure_solve import Equation
from samvard.analytics.figures_cube import ALL, IDENTITIES, SPLITS, STOCKS, Cube, Geo, Layout


@dataclass(frozen=True)
class _Arrays:
    """A measure's group constants by place or slice number, -1 where a cell has none."""

    geo: np.ndarray  # place -> its (at most two) geography constants
    period: np.ndarray  # slice -> its period constants (one per kind of slice, or one)
    ident: np.ndarray  # slice -> (a, b) of its identity group
    has_ident: np.ndarray  # slice -> whether it has one


def _arrays(
    geo: Sequence[tuple[int, ...]],
    period: Mapping[int, tuple[int, ...]],
    ident: Mapping[int, tuple[int, int]],
    width: int,
) -> _Arrays:
    geo_table = np.full((len(geo), 2), -1, dtype=np.int64)
    for place, numbers in enumerate(geo):
        geo_table[place, : len(numbers)] = numbers
    period_table = np.full((width, max(map(len, period.values()), default=0)), -1, np.int64)
    for i, numbers in period.items():
        period_table[i, : len(numbers)] = numbers
    ident_table = np.zeros((width, 2), dtype=np.int64)
    has_ident = np.zeros(width, dtype=bool)
    for i, pair in ident.items():
        ident_table[i] = pair
        has_ident[i] = True
    return _Arrays(geo_table, period_table, ident_table, has_ident)


@dataclass(frozen=True)
class _Measure:
    """One measure's numbering and its period and identity groups, by slice number."""

    start: int
    width: int  # slices per place
    whole: int | None  # the number of the whole-period slice; None for a stock
    kinds: tuple[tuple[int, ...], ...]  # each kind's slices (months, bands), ascending
    kind_of: dict[int, tuple[int, ...]]  # a month or band slice -> the slices of its kind
    # slice -> (the total measure's start and slice, each part measure's start and slice)
    identity: dict[int, tuple[tuple[int, int], tuple[tuple[int, int], ...]]]
    # The numbers of a cell's geography groups are (start + slice) * (cells + 1) plus one
    # of geo[place], and of its period groups row * (cells + 1) plus one of period[slice],
    # where row is its place's first cell: the constants, worked out once per family.
    geo: tuple[tuple[int, ...], ...]
    period: dict[int, tuple[int, ...]]
    # The number of a cell's identity group is a + place * b for its slice's (a, b): its total
    # and its first part (the part measure numbered first) each move by a width per place.
    ident: dict[int, tuple[int, int]]
    # The same constants as arrays, for many cells at once (FamilyEquations.holding).
    arrays: _Arrays = field(repr=False, compare=False)


class FamilyEquations:
    """The groups of a family's cells (disclosure_solve.Equations), made when first asked."""

    def __init__(
        self,
        cube: Cube,
        layout: Layout,
        geo_tree: Mapping[Geo, Sequence[Geo]],
        values: Sequence[int | None],
    ) -> None:
        """The family laid out in `layout`, its places in `geo_tree`, its cells' values."""
        self._layout = layout
        self._size = layout.size
        self._parent: list[int | None] = [None] * len(layout.places)
        self._kids: dict[int, tuple[int, ...]] = {}
        for parent, kids in geo_tree.items():
            if kids:
                number = layout.place_no[parent]
                self._kids[number] = tuple(sorted(layout.place_no[kid] for kid in kids))
                for kid in self._kids[number]:
                    self._parent[kid] = number
        self._places = layout.places
        order = sorted(layout.start, key=layout.start.__getitem__)
        self._starts = [layout.start[m] for m in order]
        self._measures = [self._measure(cube, layout, m) for m in order]
        self._width = {m.start: m.width for m in self._measures}
        self._check_sums(values)
        self._groups_of: dict[int, list[int]] = {}  # a cell's groups, once worked out
        self._members: dict[int, Equation] = {}

    def _measure(self, cube: Cube, layout: Layout, measure: str) -> _Measure:
        numbers = layout.slice_no[measure]
        kinds: tuple[tuple[int, ...], ...] = ()
        if measure not in STOCKS:
            kinds = tuple(
                tuple(sorted(numbers[split] for split in cube.splits(kind)))
                for kind in SPLITS[measure]
            )
        identity = {}
        ident = {}
        size = self._size
        for total, parts in IDENTITIES.items():
            if measure not in (total, *parts) or total not in layout.start:
                continue
            first = min(parts, key=layout.start.__getitem__)
            for split, number in numbers.items():
                if all(split in layout.slice_no[m] for m in (total, *parts)):
                    identity[number] = (
                        (layout.start[total], layout.slice_no[total][split]),
                        tuple((layout.start[p], layout.slice_no[p][split]) for p in parts),
                    )
                    at_total = layout.start[total] + layout.slice_no[total][split]
                    at_first = layout.start[first] + layout.slice_no[first][split]
                    widths = len(layout.slices[total]) * size + len(layout.slices[first])
                    ident[number] = (at_total * size + at_first, widths)
        whole = None if measure in STOCKS else numbers[ALL]
        kind_of = {number: kind for kind in kinds for number in kind}
        width = len(layout.slices[measure])
        geo = []
        for place, parent in enumerate(self._parent):
            found = []
            for top in (parent, place if place in self._kids else None):
                if top is not None:  # total (start + top * width + i), first kid likewise
                    found.append(top * width * size + self._kids[top][0] * width)
            geo.append(tuple(found))
        period: dict[int, tuple[int, ...]] = {}
        if whole is not None:  # totals row + whole, parts row + each slice of a kind
            period[whole] = tuple(whole * size + kind[0] for kind in kinds)
            period.update((i, (whole * size + kind[0],)) for i, kind in kind_of.items())
        return _Measure(
            start=layout.start[measure],
            width=width,
            whole=whole,
            kinds=kinds,
            kind_of=kind_of,
            identity=identity,
            geo=tuple(geo),
            period=period,
            ident=ident,
            arrays=_arrays(geo, period, ident, width),
        )

    def _check_sums(self, values: Sequence[int | None]) -> None:
        """ValueError naming the first total that is not the sum of its parts, where the total
        and all of its parts are known.

        Every group of the family is checked, in arrays of one measure at a time (a place per
        row, a slice per column; an unknown is NaN and makes no sum it enters known), so the
        check costs far less than the groups would to make one by one.
        """
        places = len(self._places)
        parent = np.array([-1 if up is None else up for up in self._parent], dtype=np.intp)
        below = np.nonzero(parent >= 0)[0]
        above = np.array(sorted(self._kids), dtype=np.intp)
        blocks = {
            m.start: np.array(values[m.start : m.start + places * m.width], dtype=float).reshape(
                places, m.width
            )
            for m in self._measures
        }
        wrong: list[int] = []
        for m in self._measures:
            block = blocks[m.start]
            if len(above):
                kids = np.zeros_like(block)
                np.add.at(kids, parent[below], block[below])
                rows, columns = np.nonzero(_differ(block[above], kids[above]))
                wrong += (m.start + above[rows] * m.width + columns).tolist()
            if m.whole is not None:  # a stock has no period groups
                whole = m.whole
                for kind in m.kinds:
                    parts = block[:, list(kind)].sum(axis=1)
                    rows = np.nonzero(_differ(block[:, whole], parts))[0]
                    wrong += (m.start + rows * m.width + whole).tolist()
            for i, ((start, at), of) in m.identity.items():
                if start != m.start or at != i:
                    continue  # checked from the total measure
                parts = np.sum([blocks[s][:, j] for s, j in of], axis=0)
                rows = np.nonzero(_differ(block[:, i], parts))[0]
                wrong += (m.start + rows * m.width + i).tolist()
        if wrong:
            name = self._layout.key(min(wrong))
            raise ValueError(f"total of {name!r} is not the sum of its parts")

    def groups_of(self, cell: int) -> Sequence[int]:
        """The numbers of the groups the cell is in (as total or part), ascending.

        Only numbers: a group itself is made when `members` first asks for it, which is only
        for the groups that hold a hidden cell.
        """
        known = self._groups_of.get(cell)
        if known is not None:
            return known
        m = self._measures[bisect_right(self._starts, cell) - 1]
        place, i = divmod(cell - m.start, m.width)
        stride = self._size + 1
        at = (m.start + i) * stride
        numbers = [at + number for number in m.geo[place]]
        period = m.period.get(i)
        if period is not None:
            row = (m.start + place * m.width) * stride
            numbers += [row + number for number in period]
        ident = m.ident.get(i)
        if ident is not None:
            numbers.append(ident[0] + place * ident[1])
        numbers.sort()
        self._groups_of[cell] = numbers
        return numbers

    def holding(self, cells: Iterable[int]) -> dict[int, list[int]]:
        """Every group of the cells, with those of the cells it holds (ascending).

        The same numbers as `groups_of`, worked out in arrays: suppression starts with
        thousands of hidden cells in a national family, and one call per cell would cost
        several times as much.
        """
        chosen = np.fromiter(cells, dtype=np.int64)
        chosen.sort()
        stride = self._size + 1
        places = len(self._places)
        groups: list[np.ndarray] = []
        members: list[np.ndarray] = []
        for m in self._measures:
            low, high = np.searchsorted(chosen, (m.start, m.start + places * m.width))
            cell = chosen[low:high]
            if not len(cell):
                continue
            place, i = np.divmod(cell - m.start, m.width)
            tables = m.arrays
            for column in tables.geo.T:  # a place's parent's group, and its own
                number = column[place]
                keep = number >= 0
                groups.append(((m.start + i) * stride + number)[keep])
                members.append(cell[keep])
            for column in tables.period.T:  # a whole period's groups, or a month's or band's
                number = column[i]
                keep = number >= 0
                groups.append(((m.start + place * m.width) * stride + number)[keep])
                members.append(cell[keep])
            keep = tables.has_ident[i]
            a, b = tables.ident[i].T
            groups.append((a + place * b)[keep])
            members.append(cell[keep])
        group = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)
        if not len(group):
            return {}
        member = np.concatenate(members)
        order = np.lexsort((member, group))
        group, listed = group[order], member[order].tolist()
        starts = np.flatnonzero(np.diff(group, prepend=-1))
        ends = [*starts[1:].tolist(), len(listed)]
        return {
            g: listed[a:b]
            for g, a, b in zip(group[starts].tolist(), starts.tolist(), ends, strict=True)
        }

    def total(self, group: int) -> int:
        """The group's total: its number holds it, so the group need not be made."""
        return group // self._size

    def members(self, group: int) -> Equation:
        """The group's total and parts, made when first asked for."""
        found = self._members.get(group)
        if found is None:
            found = self._members[group] = self._make(group)
        return found

    def _locate(self, cell: int) -> tuple[_Measure, int, int]:
        """The cell's measure, place number and slice number."""
        m = self._measures[bisect_right(self._starts, cell) - 1]
        place, i = divmod(cell - m.start, m.width)
        return m, place, i

    def _identity(self, m: _Measure, place: int, i: int) -> Equation:
        (start, at), parts = m.identity[i]
        width = self._width
        cells = tuple(sorted(s + place * width[s] + j for s, j in parts))
        return start + place * width[start] + at, cells

    def _make(self, group: int) -> Equation:
        """A group from its number (total * cells + first part): which kind of group it is
        follows from where its first part lies against its total."""
        total, first = divmod(group, self._size)
        m, place, i = self._locate(total)
        if not m.start <= first < m.start + len(self._places) * m.width:
            equation = self._identity(m, place, i)  # the parts are other measures
        else:
            kid, j = divmod(first - m.start, m.width)
            if kid != place:  # the places under this one
                base = m.start + i
                parts = tuple(base + child * m.width for child in self._kids[place])
            else:  # the months or the bands of the whole period
                row = m.start + place * m.width
                parts = tuple(row + k for k in m.kind_of[j])
            equation = (total, parts)
        return equation


def _differ(totals: np.ndarray, sums: np.ndarray) -> np.ndarray:
    """Where a known total differs from a known sum."""
    known: np.ndarray = ~np.isnan(totals) & ~np.isnan(sums)
    different: np.ndarray = known & (totals != sums)
    return different
