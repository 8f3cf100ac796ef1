"""The SVG both kinds of chart are built on: the root element, the legend and hidden marks.

The SVG has no viewBox: its width is 100 % of the page column and horizontal positions are
percentages, while heights and text are in pixels. Text therefore keeps its size on a phone
instead of shrinking with the drawing.

The root is an image named by its title and description (role and aria-labelledby), so a
screen reader reads the chart's summary once instead of every mark; the figures themselves
are in the table beside it. Everything is built with ElementTree, which escapes every text
and attribute, so a label from the data cannot become markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from samvard.analytics.charts_series import Series
from samvard.analytics.charts_text import display_cell, hidden_title
from samvard.analytics.results import Cell

SVG_NS = "http://www.w3.org/2000/svg"
INK = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#c8ccd2"
FONT_SIZE = 14
SMALL_SIZE = 12
LEGEND_LINE = 22
BAND_OPACITY = "0.18"
CAP_WIDTH = 10


def root(chart_id: str, height: int, title: str, desc: str, kind: str) -> ET.Element:
    """The chart's <svg> with its title and description, which name it for screen readers."""
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


def _has_legend(series: Sequence[Series]) -> bool:
    # One plain series is named by the caption; a range always needs its explanation.
    return len(series) > 1 or any(one.bounds is not None for one in series)


def legend_height(series: Sequence[Series]) -> int:
    """The height the legend of these series takes (0 when there is none)."""
    return len(series) * LEGEND_LINE + 6 if _has_legend(series) else 0


def legend(svg: ET.Element, series: Sequence[Series], top: int) -> int:
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


def hidden_mark(
    parent: ET.Element, x: str, y: int, cell: Cell, label: str, *, anchor: str = "start"
) -> None:
    """The table's text for a figure that is not shown, with why as its title."""
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


def percent(value: float) -> str:
    """A horizontal position or width as a percentage of the chart's width."""
    return f"{value:.2f}%"
