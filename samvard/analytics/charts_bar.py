"""The bar chart: one group of horizontal bars per row, each row's label above its bars.

Bars are horizontal with the label above each group, so long names of municipalities and
clinics fit on a narrow screen; a long label is shortened, with the full name as its title.
Only the first MAX_BARS rows are drawn (the description says so); the table has them all.

A figure that is not shown leaves its bar out and writes the table's mark in its place. A
count known only as a range (Migrationsverket's "..", 1–4 each) is a solid bar to its lowest
and an outlined part up to its highest; a figure computed from such counts is a bar to its
value with an error bar over its range.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from samvard.analytics.charts_series import Reading, Series, extreme, read, summary_end
from samvard.analytics.charts_svg import (
    BAND_OPACITY,
    CAP_WIDTH,
    INK,
    hidden_mark,
    legend,
    legend_height,
    percent,
    root,
)
from samvard.analytics.charts_text import row_label
from samvard.analytics.results import Table

MAX_BARS = 40  # rows drawn in a bar chart; the table below has them all
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14
LABEL_HEIGHT = 20
BAR_SPAN = 78.0  # percent of the width the longest bar takes; the rest is for its value
LABEL_CHARS = 48


def bar_chart(table: Table, series: Sequence[Series], chart_id: str) -> ET.Element:
    """The table's first rows as groups of bars, one bar per series."""
    rows = table.rows[:MAX_BARS]
    readings = [read(row, one) for row in rows for one in series]
    top_value = max([*(r.high for r in readings if r.drawn), 0.0])
    group_height = LABEL_HEIGHT + len(series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    height = legend_height(series) + len(rows) * group_height
    svg = root(chart_id, height, table.caption, _bar_desc(table, series), "bar")
    y = legend(svg, series, 0)
    for row in rows:
        label = row_label(row.labels)
        group = ET.SubElement(svg, "g", {"class": "bar-group"})
        text = ET.SubElement(group, "text", {"class": "bar-label", "x": "0", "y": str(y + 15)})
        text.text = _shorten(label)
        if text.text != label:
            ET.SubElement(text, "title").text = label
        y += LABEL_HEIGHT
        for one in series:
            reading = read(row, one)
            name = f"{label}, {one.column.label}"
            if reading.drawn:
                _bar(group, one, reading, top_value, y, name)
            else:
                hidden_mark(group, "0", y + 13, reading.hidden, name)
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    return svg


def _bar(
    group: ET.Element, one: Series, reading: Reading, top_value: float, y: int, name: str
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
            "width": percent(width(value)),
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
                    "x": percent(width(low)),
                    "y": str(y + 1),
                    "width": percent(width(high) - width(low)),
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
        {"class": "bar-value", "x": percent(width(reading.high)), "dx": "6", "y": str(y + 13)},
    ).text = reading.text()


def _whisker_h(group: ET.Element, one: Series, start: float, end: float, y: float) -> None:
    """A horizontal error bar from ``start`` to ``end`` (percent) at ``y``, with end caps."""
    ET.SubElement(
        group,
        "line",
        {
            "x1": percent(start),
            "x2": percent(end),
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
                "x": percent(x),
                "y": f"{y - CAP_WIDTH / 2:.1f}",
                "width": "2",
                "height": str(CAP_WIDTH),
                "fill": INK,
                "transform": "translate(-1 0)",
            },
        )


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _bar_desc(table: Table, series: Sequence[Series]) -> str:
    parts = [f"Stapeldiagram med {len(table.rows)} rader."]
    if len(table.rows) > MAX_BARS:
        parts.append(f"De första {MAX_BARS} raderna ritas.")
    for one in series:
        best = extreme(table, one, highest=True)
        if best is not None:
            label, reading = best
            parts.append(f"{one.column.label}: högst för {label} ({reading.text()}).")
    return " ".join(parts) + summary_end(table, series, "rader")
