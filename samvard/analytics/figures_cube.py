"""The figures of one filter state: every cell of the asked measures over the scope's whole
geography, protected by disclosure control.

A cell is a measure of a place and a slice of the period. The places are the country or the
region, then regions, municipalities and, in a region's scope, clinics; the slices are the
whole period, each month and each age band, as far as any view splits the measure
(SPLITS, the same in every view). figures_sql aggregates them, figures_protect suppresses
each measure (or family of measures that add up) in one call over all of its cells, and
figures_state keeps both for the other views and drill-downs of the same filter state.

The geography filters (region, kommun, vardenhet) only choose which slice of the result is
shown. So every drill-down level is cut from the same suppressed cells, and no hidden cell
can be worked out by comparing one level with another. The splits of a measure are the same
in every view, so a figure that appears in two views is hidden in both or in neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from samvard.analytics.disclosure import MIN_SHOWN
from samvard.analytics.need import Interval
from samvard.analytics.results import Cell, CellStatus

# A place: ("T",) the country, ("R", länskod), ("K", kommunkod), ("V", kommunkod, HSA-id).
Geo = tuple[str, ...]
# A slice of the period: ALL (every month together), ("m", month) or ("b", age band).
Split = tuple[str, ...]
Key = tuple[Geo, Split]
# Aggregates by place, then slice: one row of figures each, in an order the caller names (a
# measure's column holds its count; other columns may hold other figures, such as a need).
Rows = Mapping[Geo, Mapping[Split, Sequence[Any]]]

COUNTRY: Geo = ("T",)
ALL: Split = ("",)
MONTH, BAND = "m", "b"

AGE_BANDS = ("0-5", "6-12", "13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")

VISIT_MEASURES = (
    "besok",
    "halsoundersokningar",
    "psykisk_halsa",
    "psyk_forsta_linjen",
    "psyk_andra_linjen",
    "forsta_insats",
    "akut",
    "planerad",
    "infektion",
    "forlossningar",
)
ASYLUM_MEASURES = ("nyinskrivna", "inskrivna")
# An asylum-flow row of a place and slice (figures_sql.asylum_counts): the lowest count of
# each of ASYLUM_MEASURES, the highest likewise (above the lowest where a ".." is in it),
# then the lowest and highest need of each kind.
FLOW_COLUMNS = (
    "nyinskrivna",
    "inskrivna",
    "nyinskrivna_high",
    "inskrivna_high",
    "examination_low",
    "examination_high",
    "mental_health_low",
    "mental_health_high",
)

# How each measure is split in any table of any view. Fixed per measure, not per view.
SPLITS: dict[str, tuple[str, ...]] = {
    "besok": (MONTH,),
    "halsoundersokningar": (MONTH, BAND),
    "psykisk_halsa": (MONTH,),
    "psyk_forsta_linjen": (BAND,),
    "psyk_andra_linjen": (BAND,),
    "forsta_insats": (MONTH,),
    "akut": (MONTH,),
    "planerad": (MONTH,),
    "infektion": (MONTH,),
    "forlossningar": (MONTH,),
    "nyinskrivna": (MONTH,),
    "inskrivna": (MONTH,),  # a stock at month end: months are never added up
}
STOCKS = frozenset({"inskrivna"})
# Measures that add up exactly to another measure by the rules (rules.py: every visit is
# either acute or planned; a mental-health intervention is in specialist psychiatry or not).
# Shown side by side, a hidden part would be the total minus the other part, so a total and
# its parts are always suppressed in one call, in every view, with these identities added.
IDENTITIES: dict[str, tuple[str, ...]] = {
    "besok": ("akut", "planerad"),
    "psykisk_halsa": ("psyk_forsta_linjen", "psyk_andra_linjen"),
}
NEEDS = {"examination": "nyinskrivna", "mental_health": "inskrivna"}
# Where each kind's lowest need stands in an asylum-flow row (its highest follows it).
NEED_AT = {kind: FLOW_COLUMNS.index(f"{kind}_low") for kind in NEEDS}


CellKey = tuple[str, Geo, Split]  # a cell of a family: (measure, place, slice)


@dataclass(frozen=True)
class Period:
    """The months shown, first to last, consecutive."""

    months: tuple[str, ...]

    @property
    def first(self) -> str:
        return self.months[0]

    @property
    def last(self) -> str:
        return self.months[-1]


@dataclass
class Layout:
    """The numbering of a family's cells: by measure, then place, then slice, each in sort
    order, so the numbers follow the sort order of the (measure, place, slice) keys."""

    places: list[Geo]
    place_no: dict[Geo, int] = field(default_factory=dict)
    slices: dict[str, list[Split]] = field(default_factory=dict)
    slice_no: dict[str, dict[Split, int]] = field(default_factory=dict)
    start: dict[str, int] = field(default_factory=dict)
    size: int = 0  # cells numbered so far

    def __post_init__(self) -> None:
        self.place_no = {geo: i for i, geo in enumerate(self.places)}

    def add(self, measure: str, slices: list[Split]) -> None:
        """Number the measure's cells after those already numbered."""
        self.start[measure] = self.size
        self.slices[measure] = slices
        self.slice_no[measure] = {split: i for i, split in enumerate(slices)}
        self.size += len(self.places) * len(slices)

    def at(self, measure: str, place: int, split: Split) -> int:
        """The number of a measure's cell, by place number and slice."""
        width = len(self.slices[measure])
        return self.start[measure] + place * width + self.slice_no[measure][split]

    def find(self, measure: str, geo: Geo, split: Split) -> int | None:
        """The number of a cell, None if the measure has no such place or slice."""
        place = self.place_no.get(geo)
        number = self.slice_no[measure].get(split)
        if place is None or number is None:
            return None
        return self.start[measure] + place * len(self.slices[measure]) + number

    def key(self, number: int) -> CellKey:
        """The (measure, place, slice) of a number."""
        measure = max(
            (m for m in self.start if self.start[m] <= number), key=self.start.__getitem__
        )
        place, i = divmod(number - self.start[measure], len(self.slices[measure]))
        return (measure, self.places[place], self.slices[measure][i])


@dataclass(frozen=True)
class Protected:
    """A family of measures after disclosure control: each cell's value (None: unknown at the
    source) and the numbers of the cells to hide. Shared between requests: never changed."""

    layout: Layout
    values: list[int | None]
    hidden: frozenset[int]


@dataclass
class Cube:
    """Every cell of the asked measures, protected, over the scope's whole geography.

    `children` is the geography of both fact tables together (the rows tables can show);
    `trees` each table's own ("visits", "asylum"): a measure is suppressed over its own.
    `protected` holds, for each measure, its family's protected cells.
    """

    root: Geo
    children: dict[Geo, list[Geo]]
    trees: dict[str, dict[Geo, list[Geo]]]
    clinic_names: dict[Geo, str]
    period: Period
    unknown_months: frozenset[str]  # months of the period without an asylum-flow report
    visit_gaps: dict[str, frozenset[str]]  # region -> months of the period it did not report
    # Regions of the scope without a single visit row in the filter state: unknown, never 0.
    silent_regions: frozenset[str] = frozenset()
    protected: dict[str, Protected] = field(default_factory=dict)
    # The asylum-flow rows (FLOW_COLUMNS) of each place and slice: a need is made an
    # Interval when asked for (`need`), since a view asks for a few hundred of thousands.
    flows: Mapping[Geo, Mapping[Split, Sequence[int | float]]] = field(default_factory=dict)
    # measure -> the highest count of a place and slice holding a ".." (whose protected value,
    # in `protected`, is its lowest count); a count absent here is exact.
    highs: dict[str, dict[Key, int]] = field(default_factory=dict)

    def gaps(self, measure: str, geo: Geo) -> frozenset[str]:
        """The months of the period the source did not report for the place."""
        if measure in ASYLUM_MEASURES:
            return self.unknown_months
        if geo == COUNTRY:
            # The country adds up the regions with visits in the period; a region without
            # any is unknown on its own row and in no sum (see `silent_regions`).
            gaps = (g for r, g in self.visit_gaps.items() if r not in self.silent_regions)
            return frozenset().union(*gaps)
        return self.visit_gaps.get(geo[1][:2], frozenset())

    def missing(self, measure: str, geo: Geo, split: Split) -> int | None:
        """The value of a place and slice without rows: zero, or None (unknown) where the
        month, or a month of the period, was not reported by the source."""
        gaps = self.gaps(measure, geo)
        if not gaps:
            return 0
        if split[0] == MONTH:
            return None if split[1] in gaps else 0
        return None

    def cell(self, measure: str, geo: Geo, split: Split = ALL) -> Cell:
        """One protected figure; a place outside the measure's own geography is a zero
        (or unknown, see `missing`), which protects nothing and reveals nothing."""
        family = self.protected[measure]
        number = family.layout.find(measure, geo, split)
        if number is None:
            value = self.missing(measure, geo, split)
            return Cell.unknown() if value is None else Cell.shown(value)
        value = family.values[number]
        if value is None:
            return Cell.unknown()
        if number in family.hidden:
            return Cell.suppressed()
        if (geo, split) in self.highs.get(measure, {}):
            return Cell.unknown()  # a ".." in it: only its bounds are known (see `bounds`)
        return Cell.shown(value)

    def bounds(self, measure: str, geo: Geo, split: Split = ALL) -> tuple[Cell, Cell]:
        """The lowest and highest a count can be: the count itself where it is exact, the
        range its ".." cells (1–4 each) allow where it holds some.

        Disclosure control protects the lowest count, so both bounds are hidden with it. A
        bound of 1–4 is never shown (it cannot occur beside a shown lowest count, which is
        0 only when exact, or at least 5); a month without a report leaves both unknown.
        """
        cell = self.cell(measure, geo, split)
        if cell.status is not CellStatus.UNKNOWN:
            return cell, cell
        high = self.highs.get(measure, {}).get((geo, split))
        low = self.count(measure, geo, split)
        if high is None or low is None:
            return Cell.unknown(), Cell.unknown()
        return _bound(low), _bound(high)

    def count(self, measure: str, geo: Geo, split: Split = ALL) -> int | None:
        """The count behind a cell (the lowest, where it holds a ".."): for derived figures
        and sorting, never for showing."""
        family = self.protected[measure]
        number = family.layout.find(measure, geo, split)
        if number is None:
            return self.missing(measure, geo, split)
        return family.values[number]

    def is_hidden(self, measure: str, geo: Geo, split: Split = ALL) -> bool:
        """Whether disclosure control hides the cell (not whether it is unknown)."""
        return self.cell(measure, geo, split).status is CellStatus.SUPPRESSED

    def need(self, kind: str, geo: Geo, split: Split = ALL) -> Interval | None:
        """The need ("examination" or "mental_health") of a place and slice; None if unknown."""
        if self.missing(NEEDS[kind], geo, split) is None:
            return None
        row = self.flows.get(geo, {}).get(split)
        if row is None:
            return Interval(0.0, 0.0)
        low = NEED_AT[kind]
        return Interval(float(row[low]), float(row[low + 1]))

    def splits(self, kind: str) -> list[Split]:
        """The slices of one kind: months in order, or age bands youngest first."""
        if kind == MONTH:
            return [(MONTH, month) for month in self.period.months]
        return [(BAND, band) for band in AGE_BANDS]


def _bound(value: int) -> Cell:
    return Cell.suppressed() if 0 < value < MIN_SHOWN else Cell.shown(value)


def tree(root: Geo, places: Iterable[Geo]) -> dict[Geo, list[Geo]]:
    """Parent -> children of the places, each place under its region and municipality."""
    children: dict[Geo, set[Geo]] = {root: set()}
    for geo in places:
        if geo[0] == "V":
            chain: list[Geo] = [("R", geo[1][:2]), ("K", geo[1]), geo]
        elif geo[0] == "K":
            chain = [("R", geo[1][:2]), geo]
        elif geo[0] == "R":
            chain = [geo]
        else:
            continue
        parent = root
        for step in chain:
            if step != root:
                children.setdefault(parent, set()).add(step)
                parent = step
    return {parent: sorted(kids) for parent, kids in sorted(children.items())}


def all_places(geo_tree: Mapping[Geo, Sequence[Geo]], root: Geo) -> list[Geo]:
    """The root and every place under it."""
    return [root, *(kid for kids in geo_tree.values() for kid in kids)]
