"""Charts of planning tables as inline SVG, drawn on the server: no script, no chart library.

Each chart is a picture of a table that is always shown beside it, so the chart adds an
overview and the table carries the figures for screen readers, copying and exact reading.

The SVG has no viewBox: its width is 100 % of the page column and horizontal positions are
percentages, while heights and text are in pixels. Text therefore keeps its size on a phone
instead of shrinking with the drawing. Bar charts are horizontal with the label above each
bar, so long names of municipalities and clinics fit on a narrow screen.

A figure that is not shown (suppressed, or unknown at the source) is drawn as a gap with the
marker "..": a bar is left out, a line is broken. Every colour has at least 4.5:1 contrast
against white, and lines also differ in dash pattern, so colour is never the only cue.

A series whose table also has its lowest and highest ("<key>_min", "<key>_max") is drawn
with that range. An asylum count holding Migrationsverket's ".." (1–4 each) has no exact
value, only its bounds: a line chart draws a light band between the bounds and an error bar
in each month, a bar chart a solid bar to the lowest and an outlined part up to the highest.
A figure computed from such counts (the need, the number waiting) is drawn at its value
with the same band and bars around it. The legend, the title of each mark and the chart's
description say that it is a range and why; the table beside the chart has the same range.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal
from markupsafe import Markup

from samvard.analytics.exports import MISSING
from samvard.analytics.figures_parts import BOUND_SUFFIXES, RANGED
from samvard.analytics.results import Cell, CellStatus, Column, Row, Table

SVG_NS = "http://www.w3.org/2000/svg"
PALETTE = ("#1d4f91", "#b14f00", "#2f6f3a", "#7b3f99", "#8a6d00", "#00707a")
DASHES = ("", "6 4", "2 3", "8 3 2 3", "10 4", "4 2 1 2")
INK = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#c8ccd2"
FONT_SIZE = 14
SMALL_SIZE = 12

MAX_BARS = 40  # rows drawn in a bar chart; the table below has them all
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14
LABEL_HEIGHT = 20
BAR_SPAN = 78.0  # percent of the width the longest bar takes; the rest is for its value
LABEL_CHARS = 48

LINE_PLOT_HEIGHT = 200
LINE_LEFT, LINE_RIGHT = 3.0, 97.0  # percent: room for the first and last point's labels
MAX_X_LABELS = 6
LEGEND_LINE = 22

# Pages, charts and their tables say the same: "–" for a hidden figure, "okänt" for one the
# source did not give. Exports keep the statistical ".." (exports.MISSING) for spreadsheets.
HIDDEN_TEXT = {CellStatus.SUPPRESSED: "–", CellStatus.UNKNOWN: "okänt"}
HIDDEN_TITLE = {
    CellStatus.SUPPRESSED: "visas inte: skyddas så att enskilda inte kan pekas ut",
    CellStatus.UNKNOWN: "okänt i källan, inte noll",
}
# Why a series is drawn as a range: a count with a ".." in it, or a figure computed from one.
RANGE_WHY_COUNT = "spann: Migrationsverket redovisar inte antal 1–4 (..), exakt antal okänt"
RANGE_WHY_DERIVED = "spann: beräknat från antal som Migrationsverket redovisar som .. (1–4)"
BAND_OPACITY = "0.18"
CAP_WIDTH = 10


def display_number(value: float | int) -> str:
    """A figure as Swedish text: grouped thousands, a decimal comma, at most one decimal."""
    if isinstance(value, float) and not math.isfinite(value):
        return MISSING
    return str(format_decimal(value, format="#,##0.#", locale="sv_SE"))


def display_cell(cell: Cell) -> str:
    """A cell as shown on a page: the figure, "–" when hidden, "okänt" when unknown."""
    if cell.status is not CellStatus.SHOWN or cell.value is None:
        return HIDDEN_TEXT.get(cell.status, HIDDEN_TEXT[CellStatus.SUPPRESSED])
    return display_number(cell.value)


def hidden_title(cell: Cell) -> str | None:
    """Why a cell is not shown, in Swedish (None when it is shown)."""
    return HIDDEN_TITLE.get(cell.status)


@dataclass(frozen=True)
class _Series:
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
class _Reading:
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
            return _span_text(*self.span)
        return display_number(self.point or 0)


def _read(row: Row, one: _Series) -> _Reading:
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
    return _Reading(point, span, hidden)


def chart_svg(
    table: Table, *, chart_id: str, columns: Sequence[str] | None = None
) -> Markup | None:
    """The table's chart as SVG markup, or None when the table has no chart or no figures.

    ``columns`` are the keys of the columns to draw (default: every numeric column), so a
    share is not drawn on the same axis as a count. ``chart_id`` makes the ids unique.
    """
    if table.chart not in ("bar", "line") or not table.rows:
        return None
    series = _series(table, columns)
    if not series:
        return None
    if table.chart == "bar":
        svg = _bar_chart(table, series, chart_id)
    else:
        svg = _line_chart(table, series, chart_id)
    return Markup(ET.tostring(svg, encoding="unicode", short_empty_elements=True))  # noqa: S704 - built with ElementTree, which escapes every text and attribute


def _series(table: Table, keys: Sequence[str] | None) -> list[_Series]:
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
        _Series(
            index,
            column,
            PALETTE[n % len(PALETTE)],
            DASHES[n % len(DASHES)],
            ranged.get(column.key),
        )
        for n, (index, column) in enumerate(chosen)
    ]


def row_label(labels: Sequence[str]) -> str:
    """A row's label cells as one text."""
    return " – ".join(label for label in labels if label)


def _root(chart_id: str, height: int, title: str, desc: str, kind: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": f"chart chart-{kind}",
            "width": "100%",
            "height": str(height),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "focusable": "false",
            "font-size": str(FONT_SIZE),
            "fill": INK,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = desc
    return svg


def _has_legend(series: Sequence[_Series]) -> bool:
    # One plain series is named by the caption; a range always needs its explanation.
    return len(series) > 1 or any(one.bounds is not None for one in series)


def _legend_height(series: Sequence[_Series]) -> int:
    return len(series) * LEGEND_LINE + 6 if _has_legend(series) else 0


def _legend(svg: ET.Element, series: Sequence[_Series], top: int) -> int:
    """One line per series (swatch and name) from ``top``; returns the y below it."""
    if not _has_legend(series):
        return top
    for n, one in enumerate(series):
        y = top + n * LEGEND_LINE
        group = ET.SubElement(svg, "g", {"class": "legend-item"})
        if one.bounds is not None:
            ET.SubElement(
                group,
                "rect",
                {
                    "class": "legend-band",
                    "x": "0",
                    "y": str(y + 1),
                    "width": "28",
                    "height": "14",
                    "fill": one.colour,
                    "fill-opacity": BAND_OPACITY,
                    "stroke": one.colour,
                },
            )
        ET.SubElement(
            group,
            "line",
            {
                "x1": "0",
                "x2": "28",
                "y1": str(y + 8),
                "y2": str(y + 8),
                "stroke": one.colour,
                "stroke-width": "4",
                **({"stroke-dasharray": one.dash} if one.dash else {}),
            },
        )
        ET.SubElement(group, "text", {"x": "36", "y": str(y + 13)}).text = one.legend_label
    return top + len(series) * LEGEND_LINE + 6


def _hidden_mark(
    parent: ET.Element, x: str, y: int, cell: Cell, label: str, *, anchor: str = "start"
) -> None:
    mark = ET.SubElement(
        parent,
        "text",
        {
            "class": "hidden-mark",
            "x": x,
            "y": str(y),
            "fill": MUTED,
            "text-anchor": anchor,
            "data-status": cell.status.value,
        },
    )
    mark.text = display_cell(cell)
    ET.SubElement(mark, "title").text = f"{label}: {hidden_title(cell)}"


def _percent(value: float) -> str:
    return f"{value:.2f}%"


def _hidden_count(table: Table, series: Sequence[_Series]) -> int:
    return sum(1 for row in table.rows for one in series if not _read(row, one).drawn)


def _summary_end(table: Table, series: Sequence[_Series], rows: str) -> str:
    """Which series are drawn as ranges and why, what is hidden, and where the figures are."""
    text = ""
    for one in series:
        spans = sum(1 for row in table.rows if _read(row, one).span is not None)
        if spans:
            text += (
                f" {one.column.label} visas som spann lägst–högst i {spans} av "
                f"{len(table.rows)} {rows} ({one.why})."
            )
    hidden = _hidden_count(table, series)
    text += f" {hidden} värden visas inte (– eller okänt)." if hidden else ""
    return text + " Alla siffror finns i tabellen."


# -- Bar chart ---------------------------------------------------------------------------------


def _bar_chart(table: Table, series: Sequence[_Series], chart_id: str) -> ET.Element:
    rows = table.rows[:MAX_BARS]
    readings = [_read(row, one) for row in rows for one in series]
    top_value = max([*(r.high for r in readings if r.drawn), 0.0])
    group_height = LABEL_HEIGHT + len(series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    height = _legend_height(series) + len(rows) * group_height
    svg = _root(chart_id, height, table.caption, _bar_desc(table, series), "bar")
    y = _legend(svg, series, 0)
    for row in rows:
        label = row_label(row.labels)
        group = ET.SubElement(svg, "g", {"class": "bar-group"})
        text = ET.SubElement(group, "text", {"class": "bar-label", "x": "0", "y": str(y + 15)})
        text.text = _shorten(label)
        if text.text != label:
            ET.SubElement(text, "title").text = label
        y += LABEL_HEIGHT
        for one in series:
            reading = _read(row, one)
            name = f"{label}, {one.column.label}"
            if reading.drawn:
                _bar(group, one, reading, top_value, y, name)
            else:
                _hidden_mark(group, "0", y + 13, reading.hidden, name)
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    return svg


def _bar(
    group: ET.Element, one: _Series, reading: _Reading, top_value: float, y: int, name: str
) -> None:
    """A bar to the figure; for a count known only as a range, a solid bar to its lowest and
    an outlined part up to its highest; for a computed figure, an error bar over its range."""

    def width(value: float) -> float:
        return BAR_SPAN * max(value, 0.0) / top_value if top_value > 0 else 0.0

    value = reading.point if reading.point is not None else reading.low
    title = f"{name}: {reading.text()}"
    if reading.span is not None:
        title += f" ({one.why})"
    bar = ET.SubElement(
        group,
        "rect",
        {
            "class": "bar",
            "x": "0",
            "y": str(y),
            "width": _percent(width(value)),
            "height": str(BAR_HEIGHT),
            "fill": one.colour,
            "data-series": one.column.key,
            "data-value": repr(value),
        },
    )
    ET.SubElement(bar, "title").text = title
    if reading.span is not None:
        low, high = reading.span
        span = ET.SubElement(
            group,
            "g",
            {"class": "bar-range", "data-low": repr(low), "data-high": repr(high)},
        )
        ET.SubElement(span, "title").text = title
        if reading.point is None:
            ET.SubElement(
                span,
                "rect",
                {
                    "x": _percent(width(low)),
                    "y": str(y + 1),
                    "width": _percent(width(high) - width(low)),
                    "height": str(BAR_HEIGHT - 2),
                    "fill": one.colour,
                    "fill-opacity": BAND_OPACITY,
                    "stroke": one.colour,
                    "stroke-width": "2",
                },
            )
        else:
            middle = y + BAR_HEIGHT / 2
            _whisker_h(span, one, width(low), width(high), middle)
    ET.SubElement(
        group,
        "text",
        {"class": "bar-value", "x": _percent(width(reading.high)), "dx": "6", "y": str(y + 13)},
    ).text = reading.text()


def _whisker_h(group: ET.Element, one: _Series, start: float, end: float, y: float) -> None:
    """A horizontal error bar from ``start`` to ``end`` (percent) at ``y``, with end caps."""
    ET.SubElement(
        group,
        "line",
        {
            "x1": _percent(start),
            "x2": _percent(end),
            "y1": f"{y:.1f}",
            "y2": f"{y:.1f}",
            "stroke": INK,
            "stroke-width": "2",
        },
    )
    for x in (start, end):
        ET.SubElement(
            group,
            "rect",
            {
                "x": _percent(x),
                "y": f"{y - CAP_WIDTH / 2:.1f}",
                "width": "2",
                "height": str(CAP_WIDTH),
                "fill": INK,
                "transform": "translate(-1 0)",
            },
        )


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _bar_desc(table: Table, series: Sequence[_Series]) -> str:
    parts = [f"Stapeldiagram med {len(table.rows)} rader."]
    if len(table.rows) > MAX_BARS:
        parts.append(f"De första {MAX_BARS} raderna ritas.")
    for one in series:
        best = _extreme(table, one, highest=True)
        if best is not None:
            label, reading = best
            parts.append(f"{one.column.label}: högst för {label} ({reading.text()}).")
    return " ".join(parts) + _summary_end(table, series, "rader")


def _extreme(table: Table, one: _Series, *, highest: bool) -> tuple[str, _Reading] | None:
    """The row where the series is highest (by its highest) or lowest (by its lowest)."""
    readings = [(row_label(row.labels), _read(row, one)) for row in table.rows]
    drawn = [(label, reading) for label, reading in readings if reading.drawn]
    if not drawn:
        return None
    if highest:
        return max(drawn, key=lambda pair: pair[1].high)
    return min(drawn, key=lambda pair: pair[1].low)


# -- Line chart --------------------------------------------------------------------------------


def nice_ceiling(value: float) -> float:
    """The smallest "round" number (1, 2, 2.5 or 5 times a power of ten) at or above value."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0):
        if value <= step * power * (1 + 1e-9):  # 0.3 / 0.1 is not exactly 3
            return step * power
    return 10.0 * power


def _line_chart(table: Table, series: Sequence[_Series], chart_id: str) -> ET.Element:
    rows = table.rows
    readings = {one.index: [_read(row, one) for row in rows] for one in series}
    top = [r.high for found in readings.values() for r in found if r.drawn]
    top_value = nice_ceiling(max([*top, 0.0]))
    plot_top = _legend_height(series) + 20
    plot_bottom = plot_top + LINE_PLOT_HEIGHT
    height = plot_bottom + 30
    svg = _root(chart_id, height, table.caption, _line_desc(table, series), "line")
    _legend(svg, series, 0)

    def y_of(value: float) -> float:
        return plot_bottom - LINE_PLOT_HEIGHT * max(value, 0.0) / top_value

    def x_of(index: int) -> float:
        if len(rows) == 1:
            return 50.0
        return LINE_LEFT + (LINE_RIGHT - LINE_LEFT) * index / (len(rows) - 1)

    _grid(svg, top_value, y_of)
    _x_labels(svg, [row_label(row.labels) for row in rows], x_of, plot_bottom)
    for one in series:
        group = ET.SubElement(
            svg, "g", {"class": "series", "data-series": one.column.key, "stroke": one.colour}
        )
        found = readings[one.index]
        if one.bounds is not None:
            _band(group, one, found, x_of, y_of, height)
        previous: tuple[float, float] | None = None
        for index, row in enumerate(rows):
            reading = found[index]
            name = f"{row_label(row.labels)}, {one.column.label}"
            if not reading.drawn:
                _hidden_mark(
                    group,
                    _percent(x_of(index)),
                    plot_bottom - 4,
                    reading.hidden,
                    name,
                    anchor="middle",
                )
            if reading.span is not None:
                _whisker_v(group, one, reading, x_of(index), y_of, name)
            if reading.point is None:
                previous = None
                continue
            point = (x_of(index), y_of(reading.point))
            if previous is not None:
                _segment(group, one, previous, point)
            _point(group, one, point, reading.point, name)
            previous = point
    return svg


def _band(
    group: ET.Element,
    one: _Series,
    readings: Sequence[_Reading],
    x_of: Callable[[int], float],
    y_of: Callable[[float], float],
    height: int,
) -> None:
    """A light band, edged in the series' colour, between the lowest and highest over each
    run of months where both are known (an exact month narrows it to its figure).

    Polygon points cannot be percentages, so the band is drawn in a nested SVG whose x runs
    0–100 over the chart's width."""
    runs: list[list[int]] = [[]]
    for index, reading in enumerate(readings):
        if reading.drawn:
            runs[-1].append(index)
        elif runs[-1]:
            runs.append([])
    runs = [run for run in runs if len(run) > 1]
    if not runs:
        return
    plane = ET.SubElement(
        group,
        "svg",
        {
            "class": "band",
            "x": "0",
            "y": "0",
            "width": "100%",
            "height": str(height),
            "viewBox": f"0 0 100 {height}",
            "preserveAspectRatio": "none",
            "overflow": "visible",
            "aria-hidden": "true",
        },
    )
    for run in runs:
        upper = [f"{x_of(i):.2f},{y_of(readings[i].high):.1f}" for i in run]
        lower = [f"{x_of(i):.2f},{y_of(readings[i].low):.1f}" for i in reversed(run)]
        ET.SubElement(
            plane,
            "polygon",
            {
                "points": " ".join(upper + lower),
                "fill": one.colour,
                "fill-opacity": BAND_OPACITY,
                # Its edges in the series' colour keep the band visible where it is thin;
                # the stroke must not stretch with the plane's x scale.
                "stroke": one.colour,
                "stroke-width": "1",
                "stroke-linejoin": "round",
                "vector-effect": "non-scaling-stroke",
            },
        )


def _whisker_v(
    group: ET.Element,
    one: _Series,
    reading: _Reading,
    x: float,
    y_of: Callable[[float], float],
    name: str,
) -> None:
    """A month's range as an error bar in the series' colour, with its text as title."""
    low, high = reading.low, reading.high
    bar = ET.SubElement(
        group, "g", {"class": "range", "data-low": repr(low), "data-high": repr(high)}
    )
    ET.SubElement(bar, "title").text = f"{name}: {_span_text(low, high)} ({one.why})"
    ET.SubElement(
        bar,
        "line",
        {
            "x1": _percent(x),
            "x2": _percent(x),
            "y1": f"{y_of(low):.1f}",
            "y2": f"{y_of(high):.1f}",
            "stroke-width": "2",
        },
    )
    for value in (low, high):
        ET.SubElement(
            bar,
            "rect",
            {
                "x": _percent(x),
                "y": f"{y_of(value) - 1:.1f}",
                "width": str(CAP_WIDTH),
                "height": "2",
                "fill": one.colour,
                "stroke": "none",
                "transform": f"translate({-CAP_WIDTH // 2} 0)",
            },
        )


def _span_text(low: float, high: float) -> str:
    return f"{display_number(low)}–{display_number(high)}"


def _grid(svg: ET.Element, top_value: float, y_of: Callable[[float], float]) -> None:
    grid = ET.SubElement(svg, "g", {"class": "grid", "aria-hidden": "true"})
    for step in range(5):
        value = top_value * step / 4
        y = y_of(value)
        ET.SubElement(
            grid,
            "line",
            {"x1": "0%", "x2": "100%", "y1": f"{y:.1f}", "y2": f"{y:.1f}", "stroke": GRID},
        )
        ET.SubElement(
            grid,
            "text",
            {"x": "0", "y": f"{y - 4:.1f}", "fill": MUTED, "font-size": str(SMALL_SIZE)},
        ).text = display_number(value)


def _x_labels(
    svg: ET.Element, labels: Sequence[str], x_of: Callable[[int], float], plot_bottom: int
) -> None:
    group = ET.SubElement(svg, "g", {"class": "x-labels", "font-size": str(SMALL_SIZE)})
    for index in label_positions(len(labels)):
        anchor = "middle"
        if len(labels) > 1 and index == 0:
            anchor = "start"
        elif len(labels) > 1 and index == len(labels) - 1:
            anchor = "end"
        x = 0.0 if anchor == "start" else 100.0 if anchor == "end" else x_of(index)
        ET.SubElement(
            group,
            "text",
            {"x": _percent(x), "y": str(plot_bottom + 20), "text-anchor": anchor, "fill": MUTED},
        ).text = labels[index]


def label_positions(count: int, most: int = MAX_X_LABELS) -> list[int]:
    """Which x labels to write: at most ``most``, evenly spread, always the first and last."""
    if count <= most:
        return list(range(count))
    step = math.ceil((count - 1) / (most - 1))
    picked = list(range(0, count - 1, step))
    if count - 1 - picked[-1] < step / 2 and len(picked) > 1:
        picked.pop()  # keep the last label clear of its neighbour
    return [*picked, count - 1]


def _segment(
    group: ET.Element, one: _Series, start: tuple[float, float], end: tuple[float, float]
) -> None:
    attributes = {
        "class": "segment",
        "x1": _percent(start[0]),
        "y1": f"{start[1]:.1f}",
        "x2": _percent(end[0]),
        "y2": f"{end[1]:.1f}",
        "stroke-width": "3",
    }
    if one.dash:
        attributes["stroke-dasharray"] = one.dash
    ET.SubElement(group, "line", attributes)


def _point(
    group: ET.Element, one: _Series, point: tuple[float, float], value: float, name: str
) -> None:
    circle = ET.SubElement(
        group,
        "circle",
        {
            "class": "point",
            "cx": _percent(point[0]),
            "cy": f"{point[1]:.1f}",
            "r": "4",
            "fill": one.colour,
            "data-value": repr(value),
        },
    )
    ET.SubElement(circle, "title").text = f"{name}: {display_number(value)}"


def _line_desc(table: Table, series: Sequence[_Series]) -> str:
    first = row_label(table.rows[0].labels)
    last = row_label(table.rows[-1].labels)
    parts = [f"Linjediagram med {len(table.rows)} punkter från {first} till {last}."]
    for one in series:
        high = _extreme(table, one, highest=True)
        low = _extreme(table, one, highest=False)
        if high is not None and low is not None:
            parts.append(
                f"{one.column.label}: lägst {display_number(low[1].low)} ({low[0]}), "
                f"högst {display_number(high[1].high)} ({high[0]})."
            )
    return " ".join(parts) + _summary_end(table, series, "månader")
