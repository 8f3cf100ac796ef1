"""Disclosure control of a filter state's cells: one suppression per family of measures.

A family is a measure alone, or a measure with the measures that add up to it
(figures_cube.IDENTITIES). All of its cells over the scope's whole geography, with every
slice, go to one suppression (`disclosure.suppress_equations`) with the equations a reader
knows (figures_equations):

- a place is the sum of the places under it, in every slice;
- a place's whole period is the sum of its months, and of its age bands (not for a stock,
  whose months do not add up);
- a total measure is the sum of its part measures, in every place and common slice.

The cells are numbered in the sort order of their (measure, place, slice) keys, so the
result is the same as `disclosure.suppress` over those keys with `crossed_groups` of the
geography and each measure's slices, without building tens of thousands of keys, and the
equations are worked out only for the cells that come to be hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain, cycle, repeat
from operator import itemgetter
from typing import Any, cast

from samvard.analytics.disclosure import check_counts, suppress_equations
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
    Rows,
    Split,
    all_places,
)
from samvard.analytics.figures_equations import FamilyEquations


def family(measure: str) -> tuple[str, ...]:
    """The measures protected together with `measure` (itself alone if it adds up to none)."""
    for total, parts in IDENTITIES.items():
        if measure == total or measure in parts:
            return (total, *parts)
    return (measure,)


def protect(
    cube: Cube,
    measures: Sequence[str],
    rows: Rows,
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
    check_counts(values, layout.key)
    equations = FamilyEquations(cube, layout, geo_tree, values)
    return Protected(layout, values, suppress_equations(values, equations))


def _values(
    cube: Cube,
    measure: str,
    rows: Rows,
    column: int,
    places: Sequence[Geo],
    slices: Sequence[Split],
) -> list[int | None]:
    """One measure's values, place by place and slice by slice in the layout's order.

    Unknown (None) where the source did not report: a month it did not report, and every
    total over months or bands of a place with such a month.
    """
    nothing: dict[Split, Sequence[Any]] = {}
    count = len(slices)
    # The aggregates are dicts (figures_sql), so dict.get reads them without a Python call.
    by_place = [cast("dict[Split, Sequence[Any]]", rows.get(geo, nothing)) for geo in places]
    # Every place is read in C: its rows once per slice, the slices in turn, a slice
    # without a row (at a small place many have none) reading as a row of zeros.
    each = chain.from_iterable(map(repeat, by_place, repeat(count)))
    rows_of = map(dict.get, each, cycle(slices), repeat((0,) * (column + 1)))
    found: list[int | None] = list(map(itemgetter(column), rows_of))
    for k, geo in enumerate(places):
        gaps = cube.gaps(measure, geo)
        if not gaps:  # nearly every place
            continue
        for j, split in enumerate(slices):
            if split[0] != MONTH or split[1] in gaps:
                found[k * count + j] = None
    return found
