"""Charts of planning tables as inline SVG, drawn on the server: no script, no chart library.

Each chart is a picture of a table that is always shown beside it, so the chart adds an
overview and the table carries the figures for screen readers, copying and exact reading.

A figure that is not shown (suppressed, or unknown at the source) is drawn as a gap marked
as the table marks it ("–", or "okänt"): a bar is left out, a line is broken. Every colour
has at least 4.5:1 contrast against white, and lines also differ in dash pattern, so colour
is never the only cue.

A series whose table also has its lowest and highest ("<key>_min", "<key>_max") is drawn
with that range: an asylum count holding Migrationsverket's ".." (1–4 each) has no exact
value, only its bounds, and a figure computed from such counts (the need, the number
waiting) is only as exact as they are. The legend, the title of each mark and the chart's
description say that it is a range and why; the table beside the chart has the same range.

Pages take charts and their texts from this module; the drawing is split into small parts
that each can be read on its own:

- charts_text: figures and hidden figures in the same words as the page's table;
- charts_series: which columns are drawn, and what each reads in a row (figure, range, gap);
- charts_svg: the root element, legend and hidden marks both kinds of chart share;
- charts_bar and charts_line: the two kinds of chart, each with its way of drawing a range.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from markupsafe import Markup

from samvard.analytics.charts_bar import MAX_BARS, bar_chart
from samvard.analytics.charts_line import label_positions, line_chart, nice_ceiling
from samvard.analytics.charts_series import table_series
from samvard.analytics.charts_text import (
    HIDDEN_TEXT,
    HIDDEN_TITLE,
    display_cell,
    display_number,
    hidden_title,
    row_label,
)
from samvard.analytics.results import Table

__all__ = [
    "HIDDEN_TEXT",
    "HIDDEN_TITLE",
    "MAX_BARS",
    "chart_svg",
    "display_cell",
    "display_number",
    "hidden_title",
    "label_positions",
    "nice_ceiling",
    "row_label",
]


def chart_svg(
    table: Table, *, chart_id: str, columns: Sequence[str] | None = None
) -> Markup | None:
    """The table's chart as SVG markup, or None when the table has no chart or no figures.

    ``columns`` are the keys of the columns to draw (default: every numeric column), so a
    share is not drawn on the same axis as a count. ``chart_id`` makes the ids unique.
    """
    if table.chart not in ("bar", "line") or not table.rows:
        return None
    series = table_series(table, columns)
    if not series:
        return None
    if table.chart == "bar":
        svg = bar_chart(table, series, chart_id)
    else:
        svg = line_chart(table, series, chart_id)
    return Markup(ET.tostring(svg, encoding="unicode", short_empty_elements=True))  # noqa: S704 - built with ElementTree, which escapes every text and attribute
