"""The line chart: one line per series over the months, on a y axis that starts at zero.

The axis runs from zero to a round number (nice_ceiling), so the figures on its five grid
lines stay short; at most MAX_X_LABELS months are named, always the first and the last, so the
labels do not collide on a phone. A month whose figure is not shown breaks the line and
writes the table's mark at the foot of the plot: a line is never drawn through a gap.

A count known only as a range (Migrationsverket's "..", 1–4 each) has no exact value, only
its bounds: it is drawn as a light band between the bounds with an error bar in each month,
and as a point only where it is exact. A figure computed from such counts (the need, the
number waiting) is drawn at its value with the same band and error bars around it.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from samvard.analytics.charts_series import Reading, Series, extreme, read, summary_end
from samvard.analytics.charts_svg import (
    BAND_OPACITY,
    CAP_WIDTH,
    GRID,
    MUTED,
    SMALL_SIZE,
    hidden_mark,
    legend,
    legend_height,
    percent,
    root,
)
from samvard.analytics.charts_text import display_number, row_label, span_text
from samvard.analytics.results import Table

LINE_PLOT_HEIGHT = 200
LINE_LEFT, LINE_RIGHT = 3.0, 97.0  # percent: room for the first and last point's labels
MAX_X_LABELS = 6


def nice_ceiling(value: float) -> float:
    """The smallest "round" number (1, 2, 2.5 or 5 times a power of ten) at or above value."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0):
        if value <= step * power * (1 + 1e-9):  # 0.3 / 0.1 is not exactly 3
            return step * power
    return 10.0 * power


def line_chart(table: Table, series: Sequence[Series], chart_id: str) -> ET.Element:
    """The table's rows (months) along x, one line per series, with bands for ranges."""
    rows = table.rows
    readings = {one.index: [read(row, one) for row in rows] for one in series}
    top = [r.high for found in readings.values() for r in found if r.drawn]
    top_value = nice_ceiling(max([*top, 0.0]))
    plot_top = legend_height(series) + 20
    plot_bottom = plot_top + LINE_PLOT_HEIGHT
    height = plot_bottom + 30
    svg = root(chart_id, height, table.caption, _line_desc(table, series), "line")
    legend(svg, series, 0)

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
                hidden_mark(
                    group,
                    percent(x_of(index)),
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
    one: Series,
    readings: Sequence[Reading],
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
    one: Series,
    reading: Reading,
    x: float,
    y_of: Callable[[float], float],
    name: str,
) -> None:
    """A month's range as an error bar in the series' colour, with its text as title."""
    low, high = reading.low, reading.high
    bar = ET.SubElement(
        group, "g", {"class": "range", "data-low": repr(low), "data-high": repr(high)}
    )
    ET.SubElement(bar, "title").text = f"{name}: {span_text(low, high)} ({one.why})"
    ET.SubElement(
        bar,
        "line",
        {
            "x1": percent(x),
            "x2": percent(x),
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
                "x": percent(x),
                "y": f"{y_of(value) - 1:.1f}",
                "width": str(CAP_WIDTH),
                "height": "2",
                "fill": one.colour,
                "stroke": "none",
                "transform": f"translate({-CAP_WIDTH // 2} 0)",
            },
        )


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
            {"x": percent(x), "y": str(plot_bottom + 20), "text-anchor": anchor, "fill": MUTED},
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
    group: ET.Element, one: Series, start: tuple[float, float], end: tuple[float, float]
) -> None:
    attributes = {
        "class": "segment",
        "x1": percent(start[0]),
        "y1": f"{start[1]:.1f}",
        "x2": percent(end[0]),
        "y2": f"{end[1]:.1f}",
        "stroke-width": "3",
    }
    if one.dash:
        attributes["stroke-dasharray"] = one.dash
    ET.SubElement(group, "line", attributes)


def _point(
    group: ET.Element, one: Series, point: tuple[float, float], value: float, name: str
) -> None:
    circle = ET.SubElement(
        group,
        "circle",
        {
            "class": "point",
            "cx": percent(point[0]),
            "cy": f"{point[1]:.1f}",
            "r": "4",
            "fill": one.colour,
            "data-value": repr(value),
        },
    )
    ET.SubElement(circle, "title").text = f"{name}: {display_number(value)}"


def _line_desc(table: Table, series: Sequence[Series]) -> str:
    first = row_label(table.rows[0].labels)
    last = row_label(table.rows[-1].labels)
    parts = [f"Linjediagram med {len(table.rows)} punkter från {first} till {last}."]
    for one in series:
        high = extreme(table, one, highest=True)
        low = extreme(table, one, highest=False)
        if high is not None and low is not None:
            parts.append(
                f"{one.column.label}: lägst {display_number(low[1].low)} ({low[0]}), "
                f"högst {display_number(high[1].high)} ({high[0]})."
            )
    return " ".join(parts) + summary_end(table, series, "månader")
