"""The series a chart draws and what each of them reads in each row.

Both kinds of chart draw the same things from a table: its numeric columns, each in its own
colour and dash pattern (every colour has at least 4.5:1 contrast against white, and the
dashes differ too, so colour is never the only cue), and in each row either a figure, a
range, or the reason nothing is there. Reading that once, here, keeps a bar chart and a line
chart of the same table from disagreeing about what is shown, hidden or a range, and lets
their descriptions be written from the same readings.

A series whose table also has its lowest and highest ("<key>_min", "<key>_max") carries
those columns as its bounds: the bounds are drawn with it, never as series of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from samvard.analytics.charts_text import (
    RANGE_WHY_COUNT,
    RANGE_WHY_DERIVED,
    display_number,
    row_label,
    span_text,
)
from samvard.analytics.figures_parts import BOUND_SUFFIXES, RANGED
from samvard.analytics.results import Cell, CellStatus, Column, Row, Table

PALETTE = ("#1d4f91", "#b14f00", "#2f6f3a", "#7b3f99", "#8a6d00", "#00707a")
DASHES = ("", "6 4", "2 3", "8 3 2 3", "10 4", "4 2 1 2")


@dataclass(frozen=True)
class Series:
    """A column drawn as a series, with its colour, dash and the columns of its bounds."""

    index: int
    column: Column
    colour: str
    dash: str
    bounds: tuple[int, int] | None = None  # the columns of its lowest and highest

    @property
    def why(self) -> str:
        return RANGE_WHY_COUNT if self.column.key in RANGED else RANGE_WHY_DERIVED

    @property
    def legend_label(self) -> str:
        if self.bounds is None:
            return self.column.label
        return f"{self.column.label}; fältet visar spannet lägst–högst"


@dataclass(frozen=True)
class Reading:
    """One series in one row as the chart draws it."""

    point: float | None  # the figure, when it is shown
    span: tuple[float, float] | None  # lowest and highest, when both are shown and differ
    hidden: Cell  # what to mark when neither is there

    @property
    def drawn(self) -> bool:
        return self.point is not None or self.span is not None

    @property
    def low(self) -> float:
        return self.span[0] if self.span is not None else float(self.point or 0)

    @property
    def high(self) -> float:
        return self.span[1] if self.span is not None else float(self.point or 0)

    def text(self) -> str:
        if self.span is not None and self.point is None:
            return span_text(*self.span)
        return display_number(self.point or 0)


def read(row: Row, one: Series) -> Reading:
    """The figure and range of a series in a row; a range is drawn only where both bounds
    are shown, and marked as the table marks it ("–" when a bound is hidden)."""
    cell = row.cells[one.index]
    point = (
        float(cell.value) if cell.status is CellStatus.SHOWN and cell.value is not None else None
    )
    span = None
    hidden = cell
    if one.bounds is not None:
        low, high = (row.cells[i] for i in one.bounds)
        if low.value is not None and high.value is not None:  # both shown
            if low.value < high.value or point is None:
                span = (float(low.value), float(high.value))
        elif CellStatus.SUPPRESSED in (low.status, high.status):
            hidden = Cell.suppressed()
    return Reading(point, span, hidden)


def table_series(table: Table, keys: Sequence[str] | None) -> list[Series]:
    """The series to draw: the columns named by ``keys``, or every numeric column but the
    bounds of another; colours and dashes follow their order."""
    at = {column.key: index for index, column in enumerate(table.columns)}
    ranged = {
        key: (at[key + BOUND_SUFFIXES[0]], at[key + BOUND_SUFFIXES[1]])
        for key in at
        if all(key + end in at for end in BOUND_SUFFIXES)
    }
    # A bound is drawn with its series, never as a line of its own.
    bounds = {key + end for key in ranged for end in BOUND_SUFFIXES}
    chosen = [
        (index, column)
        for index, column in enumerate(table.columns)
        if column.numeric
        and (keys is None or column.key in keys)
        and (keys is not None or column.key not in bounds)
    ]
    return [
        Series(
            index,
            column,
            PALETTE[n % len(PALETTE)],
            DASHES[n % len(DASHES)],
            ranged.get(column.key),
        )
        for n, (index, column) in enumerate(chosen)
    ]


def extreme(table: Table, one: Series, *, highest: bool) -> tuple[str, Reading] | None:
    """The row where the series is highest (by its highest) or lowest (by its lowest)."""
    readings = [(row_label(row.labels), read(row, one)) for row in table.rows]
    drawn = [(label, reading) for label, reading in readings if reading.drawn]
    if not drawn:
        return None
    if highest:
        return max(drawn, key=lambda pair: pair[1].high)
    return min(drawn, key=lambda pair: pair[1].low)


def _hidden_count(table: Table, series: Sequence[Series]) -> int:
    return sum(1 for row in table.rows for one in series if not read(row, one).drawn)


def summary_end(table: Table, series: Sequence[Series], rows: str) -> str:
    """Which series are drawn as ranges and why, what is hidden, and where the figures are."""
    text = ""
    for one in series:
        spans = sum(1 for row in table.rows if read(row, one).span is not None)
        if spans:
            text += (
                f" {one.column.label} visas som spann lägst–högst i {spans} av "
                f"{len(table.rows)} {rows} ({one.why})."
            )
    hidden = _hidden_count(table, series)
    text += f" {hidden} värden visas inte (– eller okänt)." if hidden else ""
    return text + " Alla siffror finns i tabellen."
