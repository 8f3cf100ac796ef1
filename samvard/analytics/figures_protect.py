"""Disclosure control of a filter state's cells: one suppression per family of measures.

A family is a measure alone, or a measure with the measures that add up to it
(figures_cube.IDENTITIES). All of its cells over the scope's whole geography, with every
slice, go to one `disclosure.suppress_indexed` call with the equations a reader knows:

- a place is the sum of the places under it, in every slice;
- a place's whole period is the sum of its months, and of its age bands (not for a stock,
  whose months do not add up);
- a total measure is the sum of its part measures, in every place and common slice.

The cells are numbered in the sort order of their (measure, place, slice) keys, so the
result is the same as `disclosure.suppress` over those keys with `crossed_groups` of the
geography and each measure's slices, without building tens of thousands of keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from samvard.analytics.disclosure import suppress_indexed
from samvard.analytics.figures_cube import (
    ALL,
    IDENTITIES,
    MONTH,
    SPLITS,
    STOCKS,
    Cube,
    Geo,
    Layout,
    Protected,
    Split,
    all_places,
)

Equation = tuple[int, list[int]]  # (total, parts) by cell number


def family(measure: str) -> tuple[str, ...]:
    """The measures protected together with `measure` (itself alone if it adds up to none)."""
    for total, parts in IDENTITIES.items():
        if measure == total or measure in parts:
            return (total, *parts)
    return (measure,)


def protect(
    cube: Cube,
    measures: Sequence[str],
    rows: Mapping[Geo, Mapping[Split, Sequence[int | None]]],
    columns: Sequence[str],
    geo_tree: Mapping[Geo, Sequence[Geo]],
) -> Protected:
    """Every place and slice of a family of measures, suppressed in one call.

    `rows` holds the aggregates by place, then slice, one column per measure named in
    `columns`; a place or slice without a row counts zero, or is unknown where the source
    did not report a month (Cube.missing).
    """
    layout = Layout(sorted(all_places(geo_tree, cube.root)))
    values: list[int | None] = []
    for measure in sorted(measures):
        slices = sorted(
            {s for kind in SPLITS[measure] for s in cube.splits(kind)}
            | (set() if measure in STOCKS else {ALL})
        )
        layout.add(measure, slices)
        values += _values(cube, measure, rows, columns.index(measure), layout.places, slices)
    groups = _geo_groups(cube, layout, geo_tree) + _identity_groups(layout, measures)
    return Protected(layout, values, suppress_indexed(values, groups, layout.key))


def _values(
    cube: Cube,
    measure: str,
    rows: Mapping[Geo, Mapping[Split, Sequence[int | None]]],
    column: int,
    places: Sequence[Geo],
    slices: Sequence[Split],
) -> list[int | None]:
    """One measure's values, place by place and slice by slice in the layout's order.

    Unknown (None) where the source did not report: a month it did not report, and every
    total over months or bands of a place with such a month.
    """
    found: list[int | None] = []
    nothing: Mapping[Split, Sequence[int | None]] = {}
    for geo in places:
        gaps = cube.gaps(measure, geo)
        row_of = rows.get(geo, nothing).get
        if not gaps:  # nearly every place: one comprehension, no test per slice
            found += [0 if (row := row_of(split)) is None else row[column] for split in slices]
            continue
        for split in slices:
            if split[0] != MONTH or split[1] in gaps:
                found.append(None)
            else:
                row = row_of(split)
                found.append(0 if row is None else row[column])
    return found


def _geo_groups(
    cube: Cube, layout: Layout, geo_tree: Mapping[Geo, Sequence[Geo]]
) -> list[Equation]:
    """Each measure's own equations: places under their parent, slices under the period."""
    groups: list[Equation] = []
    for measure, first in layout.start.items():
        width = len(layout.slices[measure])
        for parent, kids in geo_tree.items():
            if kids:
                top = layout.place_no[parent]
                below = [layout.place_no[kid] for kid in kids]
                groups += [
                    (first + top * width + i, [first + kid * width + i for kid in below])
                    for i in range(width)
                ]
        if measure in STOCKS:
            continue
        whole = layout.slice_no[measure][ALL]
        for kind in SPLITS[measure]:
            parts = [layout.slice_no[measure][split] for split in cube.splits(kind)]
            for place in range(len(layout.places)):
                row = first + place * width
                groups.append((row + whole, [row + i for i in parts]))
    return groups


def _identity_groups(layout: Layout, measures: Sequence[str]) -> list[Equation]:
    """A total measure is the sum of its part measures, in every place and common slice."""
    groups: list[Equation] = []
    for total, parts in IDENTITIES.items():
        if total not in measures:
            continue
        common = [s for s in layout.slices[total] if all(s in layout.slice_no[p] for p in parts)]
        # Each measure's cell of a place and slice: its start, the place's row, the slice.
        columns = [
            (layout.start[m], len(layout.slices[m]), [layout.slice_no[m][s] for s in common])
            for m in (total, *parts)
        ]
        for place in range(len(layout.places)):
            cells = [[first + place * width + i for i in at] for first, width, at in columns]
            groups += [(cell, [part[j] for part in cells[1:]]) for j, cell in enumerate(cells[0])]
    return groups
