"""The pandas baseline of the figures a view shows: the same counts, protected the same way.

A view never shows a raw count: counts 1–4 and what would give them away are hidden
(samvard.analytics.disclosure), and a figure is protected together with every place and
slice of its filter state, so that no drill-down level gives another away. A pandas
implementation of the same figures must do the same work, so this baseline does it the
straightforward way, from the raw visits:

- select the scope's rows of the period, age group and sex (every place, not only the one
  asked for), classify them with rules.py's definitions, and group them once at the finest
  level (municipality or clinic, month, age band); every place and slice is summed from that;
- write each cell of every measure the view's measures add up with (IDENTITIES) under a
  (measure, place, slice) key, and the equations a reader knows as groups of keys: a place is
  the sum of the places under it, a whole period the sum of its months and of its age bands,
  a total measure the sum of its parts;
- call `disclosure.suppress` once per family, as any implementation of these figures must.

The bare counts of analytics_pandas, unprotected, are still measured beside this baseline:
they say what the protection costs. `compare_protected`
checks every visit cell of a view against this baseline: its value, and whether it is shown,
suppressed or unknown, so the view's suppression pattern is checked too, against cells and
equations built here independently of figures_cube and figures_protect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bench.analytics_pandas import (
    _BAND_EDGES,
    _BAND_NAMES,
    Comparison,
    Request,
    _chosen,
    classify,
    first_interventions,
    visit_cells,
)
from samvard.analytics import rules
from samvard.analytics.disclosure import Group, suppress
from samvard.analytics.figures_cube import IDENTITIES, SPLITS
from samvard.analytics.results import CellStatus, ViewResult
from samvard.reference.loaders import list_regions

Place = tuple[str, ...]  # ("T",), ("R", län), ("K", kommun), ("V", kommun, HSA-id)
Slice = tuple[str, ...]  # ("",) the whole period, ("m", month), ("b", age band)
CellKey = tuple[str, Place, Slice]
WHOLE: Slice = ("",)
_LEVEL_KEYS = {"region": "R", "kommun": "K", "vardenhet_hsaid": "V"}


@dataclass(frozen=True)
class Protected:
    """Every cell of the request's families over the scope, and the cells to hide."""

    values: dict[CellKey, int | None]
    hidden: frozenset[CellKey]
    selected: Place
    clinic_kommun: dict[str, str]
    gaps: dict[str, frozenset[str]]  # region -> months of the period it did not report


def families(measures: Iterable[str]) -> list[tuple[str, ...]]:
    """The measures with those they add up with, one family per identity."""
    found: dict[tuple[str, ...], None] = {}
    for measure in sorted(measures):
        together = next(
            ((total, *parts) for total, parts in IDENTITIES.items()
             if measure == total or measure in parts),
            (measure,),
        )  # fmt: skip
        found[together] = None
    return list(found)


def compute_protected(visits: pd.DataFrame, request: Request) -> Protected:
    """The protected figures of the request's filter state: the timed part of the baseline."""
    scoped = visits
    if request.region_scope is not None:
        scoped = visits[visits["region"] == request.region_scope]
    everywhere = Request(
        request.region_scope, request.months, request.aldersgrupp, request.kon, None, None
    )
    mask = _chosen(scoped, everywhere)
    rows = scoped[mask]
    groups_of = families(request.measures)
    measures = sorted({m for family in groups_of for m in family})
    counted = pd.DataFrame(index=rows.index)
    for measure in measures:
        if measure == rules.FIRST_INTERVENTION.id:
            counted[measure] = first_interventions(scoped)[mask].astype("int64")
        else:
            counted[measure] = classify(rows, measure).astype("int64")
    national = request.region_scope is None
    geo = ["region", "kommun"] if national else ["kommun", "vardenhet_hsaid"]
    keys = [rows[c].astype(str) for c in geo]
    keys += [rows["period"].astype(str), pd.cut(rows["alder"], _BAND_EDGES, labels=_BAND_NAMES)]
    finest = counted.groupby(keys, observed=True).sum()
    finest.index.names = [*geo, "period", "band"]
    finest = finest.reset_index()
    finest["band"] = finest["band"].astype(str)
    clinic_kommun = (
        {} if national else dict(zip(finest["vardenhet_hsaid"], finest["kommun"], strict=True))
    )
    root: Place = ("T",) if national else ("R", str(request.region_scope))
    reported = scoped.groupby("region", observed=True)["period"].unique()
    regions = [r.code for r in list_regions()] if national else [str(request.region_scope)]
    gaps = {
        region: frozenset(request.months)
        - {str(m) for m in (reported[region] if region in reported.index else ())}
        for region in regions
    }
    cells = _cells(finest, geo, root, measures, request.months)
    values, tree = _values(cells, root, measures, request.months, gaps)
    hidden: set[CellKey] = set()
    for family in groups_of:
        chosen = {key: value for key, value in values.items() if key[0] in family}
        hidden |= suppress(chosen, _groups(family, tree, request.months))
    return Protected(
        values, frozenset(hidden), _selected(request, root, clinic_kommun), clinic_kommun, gaps
    )


def _places(row: Any, root: Place) -> list[Place]:
    """The place of a finest row and every place above it, the root first."""
    if root == ("T",):
        return [root, ("R", row[0]), ("K", row[1])]
    return [root, ("K", row[0]), ("V", row[0], row[1])]


def _cells(
    finest: pd.DataFrame, geo: list[str], root: Place, measures: list[str], months: Iterable[str]
) -> dict[CellKey, int]:
    """Each measure's sum per place and slice, every place from the finest rows up."""
    cells: dict[CellKey, int] = {}
    columns = [*geo, "period", "band", *measures]
    for row in finest[columns].itertuples(index=False, name=None):
        month, band, counts = row[2], row[3], row[4:]
        for place in _places(row, root):
            for measure, count in zip(measures, counts, strict=True):
                for slice_ in (WHOLE, ("m", month), ("b", band)):
                    key = (measure, place, slice_)
                    cells[key] = cells.get(key, 0) + int(count)
    return cells


def _slices(measure: str, months: Iterable[str]) -> list[Slice]:
    found = [WHOLE]
    if "m" in SPLITS[measure]:
        found += [("m", month) for month in months]
    if "b" in SPLITS[measure]:
        found += [("b", band) for band in _BAND_NAMES]
    return found


def _parent(place: Place, root: Place) -> Place:
    """The place one level up: a region is under the country; in a region's scope its
    municipalities are under it; a clinic is under its municipality."""
    if place[0] == "R" or (place[0] == "K" and root[0] == "R"):
        return root
    return ("R", place[1][:2]) if place[0] == "K" else ("K", place[1])


def _region_of(place: Place) -> str | None:
    return None if place == ("T",) else place[1][:2]


def _values(
    cells: dict[CellKey, int],
    root: Place,
    measures: list[str],
    months: tuple[str, ...],
    gaps: dict[str, frozenset[str]],
) -> tuple[dict[CellKey, int | None], dict[Place, list[Place]]]:
    """Every place's every slice (zero where no visit was found, unknown where the region did
    not report the month), and the places under each place."""
    places = {key[1] for key in cells} | {root}
    tree: dict[Place, list[Place]] = {}
    for place in sorted(places - {root}):
        tree.setdefault(_parent(place, root), []).append(place)
    found_regions = {p[1] for p in places if p[0] == "R"}
    values: dict[CellKey, int | None] = {}
    for place in places:
        region = _region_of(place)
        missing = (
            frozenset().union(*(gaps.get(r, frozenset()) for r in found_regions))
            if region is None
            else gaps.get(region, frozenset())
        )
        for measure in measures:
            for slice_ in _slices(measure, months):
                unknown = missing and (slice_[0] != "m" or slice_[1] in missing)
                values[measure, place, slice_] = (
                    None if unknown else cells.get((measure, place, slice_), 0)
                )
    return values, tree


def _groups(
    family: tuple[str, ...], tree: dict[Place, list[Place]], months: tuple[str, ...]
) -> list[Group[CellKey]]:
    """The equations a reader knows between the family's cells."""
    groups: list[Group[CellKey]] = []
    places = [*tree, *(kid for kids in tree.values() for kid in kids)]
    for measure in family:
        slices = _slices(measure, months)
        for parent, kids in tree.items():
            groups += [((measure, parent, s), tuple((measure, k, s) for k in kids)) for s in slices]
        for kind in SPLITS[measure]:
            pieces = [s for s in slices if s[0] == kind]
            groups += [
                ((measure, place, WHOLE), tuple((measure, place, s) for s in pieces))
                for place in dict.fromkeys(places)
            ]
    total, *parts = family
    if total in IDENTITIES:
        common = [s for s in _slices(total, months) if all(s in _slices(p, months) for p in parts)]
        groups += [
            ((total, place, s), tuple((p, place, s) for p in parts))
            for place in dict.fromkeys(places)
            for s in common
        ]
    return groups


def _selected(request: Request, root: Place, clinic_kommun: dict[str, str]) -> Place:
    if request.place is None:
        return root
    level, code = request.place
    return _place(_LEVEL_KEYS[level], code, clinic_kommun)


def _place(level: str, code: str, clinic_kommun: dict[str, str]) -> Place:
    if level == "V":
        return ("V", clinic_kommun.get(code, ""), code)
    return (level, code)


def _expected(protected: Protected, key: CellKey) -> tuple[CellStatus, int | None]:
    """What the view must show for a cell: unknown, suppressed, or the count."""
    if key in protected.values:
        value = protected.values[key]
    else:  # a place without visits: zero, or unknown in a month its region did not report
        region = _region_of(key[1])
        missing = protected.gaps.get(region, frozenset()) if region else frozenset()
        value = None if missing and (key[2][0] != "m" or key[2][1] in missing) else 0
    if value is None:
        return CellStatus.UNKNOWN, None
    if key in protected.hidden:
        return CellStatus.SUPPRESSED, value
    return CellStatus.SHOWN, value


def _cell_key(kind: str, label: str, measure: str, protected: Protected) -> CellKey | None:
    selected = protected.selected
    if kind == "total":
        return (measure, selected, WHOLE)
    if kind == "months":
        return (measure, selected, ("m", label))
    if kind == "bands":
        return (measure, selected, ("b", label))
    level = {"children": None, "kommun": "K", "vardenhet_hsaid": "V"}[kind]
    if level is None:  # one level below the selected place
        level = {"T": "R", "R": "K", "K": "V"}.get(selected[0])
        if level is None:
            return None
    return (measure, _place(level, label, protected.clinic_kommun), WHOLE)


def compare_protected(result: ViewResult, protected: Protected, into: Comparison) -> None:
    """Check every visit cell of the view's tables, shown or not, against the baseline."""
    for table, kind, label, column, cell in visit_cells(result):
        key = _cell_key(kind, label, column.key, protected)
        if key is None:
            continue
        status, value = _expected(protected, key)
        into.compared += 1
        seen = cell.value if cell.status is CellStatus.SHOWN else None
        if cell.status is not status or (status is CellStatus.SHOWN and seen != value):
            into.mismatches.append({
                "table": table.key, "row": label, "column": column.key,
                "view": cell.status.value, "view_value": seen,
                "pandas": status.value, "pandas_value": value,
            })  # fmt: skip
