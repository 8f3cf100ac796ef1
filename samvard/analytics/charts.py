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
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal
from markupsafe import Markup

from samvard.analytics.exports import MISSING
from samvard.analytics.results import Cell, CellStatus, Column, Table

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
    chosen = [
        (index, column)
        for index, column in enumerate(table.columns)
        if column.numeric and (keys is None or column.key in keys)
    ]
    return [
        _Series(index, column, PALETTE[n % len(PALETTE)], DASHES[n % len(DASHES)])
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


def _legend(svg: ET.Element, series: Sequence[_Series], top: int) -> int:
    """One line per series (swatch and name) from ``top``; returns the y below it."""
    if len(series) < 2:
        return top
    for n, one in enumerate(series):
        y = top + n * LEGEND_LINE
        group = ET.SubElement(svg, "g", {"class": "legend-item"})
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
        ET.SubElement(group, "text", {"x": "36", "y": str(y + 13)}).text = one.column.label
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
    return sum(
        1
        for row in table.rows
        for one in series
        if row.cells[one.index].status is not CellStatus.SHOWN
    )


def _summary_end(table: Table, series: Sequence[_Series]) -> str:
    hidden = _hidden_count(table, series)
    text = f" {hidden} värden visas inte (– eller okänt)." if hidden else ""
    return text + " Alla siffror finns i tabellen."


# -- Bar chart ---------------------------------------------------------------------------------


def _bar_chart(table: Table, series: Sequence[_Series], chart_id: str) -> ET.Element:
    rows = table.rows[:MAX_BARS]
    shown = [
        float(row.cells[one.index].value or 0)
        for row in rows
        for one in series
        if row.cells[one.index].status is CellStatus.SHOWN
    ]
    top_value = max([*shown, 0.0])
    group_height = LABEL_HEIGHT + len(series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    legend_height = len(series) * LEGEND_LINE + 6 if len(series) > 1 else 0
    height = legend_height + len(rows) * group_height
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
            cell = row.cells[one.index]
            name = f"{label}, {one.column.label}"
            if cell.status is CellStatus.SHOWN and cell.value is not None:
                _bar(group, one, float(cell.value), top_value, y, name)
            else:
                _hidden_mark(group, "0", y + 13, cell, name)
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    return svg


def _bar(
    group: ET.Element, one: _Series, value: float, top_value: float, y: int, name: str
) -> None:
    width = BAR_SPAN * max(value, 0.0) / top_value if top_value > 0 else 0.0
    bar = ET.SubElement(
        group,
        "rect",
        {
            "class": "bar",
            "x": "0",
            "y": str(y),
            "width": _percent(width),
            "height": str(BAR_HEIGHT),
            "fill": one.colour,
            "data-series": one.column.key,
            "data-value": repr(value),
        },
    )
    ET.SubElement(bar, "title").text = f"{name}: {display_number(value)}"
    ET.SubElement(
        group,
        "text",
        {"class": "bar-value", "x": _percent(width), "dx": "6", "y": str(y + 13)},
    ).text = display_number(value)


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _bar_desc(table: Table, series: Sequence[_Series]) -> str:
    parts = [f"Stapeldiagram med {len(table.rows)} rader."]
    if len(table.rows) > MAX_BARS:
        parts.append(f"De första {MAX_BARS} raderna ritas.")
    for one in series:
        best = _extreme(table, one, highest=True)
        if best is not None:
            label, value = best
            parts.append(f"{one.column.label}: högst för {label} ({display_number(value)}).")
    return " ".join(parts) + _summary_end(table, series)


def _extreme(table: Table, one: _Series, *, highest: bool) -> tuple[str, float] | None:
    values = [
        (row_label(row.labels), float(row.cells[one.index].value or 0))
        for row in table.rows
        if row.cells[one.index].status is CellStatus.SHOWN
    ]
    if not values:
        return None
    pick = max if highest else min
    return pick(values, key=lambda pair: pair[1])


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
    shown = [
        float(row.cells[one.index].value or 0)
        for row in rows
        for one in series
        if row.cells[one.index].status is CellStatus.SHOWN
    ]
    top_value = nice_ceiling(max([*shown, 0.0]))
    legend_height = len(series) * LEGEND_LINE + 6 if len(series) > 1 else 0
    plot_top = legend_height + 20
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
        previous: tuple[float, float] | None = None
        for index, row in enumerate(rows):
            cell = row.cells[one.index]
            name = f"{row_label(row.labels)}, {one.column.label}"
            if cell.status is not CellStatus.SHOWN or cell.value is None:
                _hidden_mark(
                    group, _percent(x_of(index)), plot_bottom - 4, cell, name, anchor="middle"
                )
                previous = None
                continue
            point = (x_of(index), y_of(float(cell.value)))
            if previous is not None:
                _segment(group, one, previous, point)
            _point(group, one, point, float(cell.value), name)
            previous = point
    return svg


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
                f"{one.column.label}: lägst {display_number(low[1])} ({low[0]}), "
                f"högst {display_number(high[1])} ({high[0]})."
            )
    return " ".join(parts) + _summary_end(table, series)
