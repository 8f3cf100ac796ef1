"""How a planning view is laid out on a page: cells as text, drill-down links, breadcrumbs.

A figure that is not shown is never written as a number: a cell hidden by disclosure
control is "–" and a value the source did not give is "okänt", each with its reason for
screen readers and a legend under the table. The chart beside each table is drawn from the
same Table, so it hides the same cells.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from samvard.analytics.charts import HIDDEN_TEXT, HIDDEN_TITLE, chart_svg, display_number
from samvard.analytics.figures_cube import STOCKS
from samvard.analytics.figures_filters import municipality_names, region_names
from samvard.analytics.figures_parts import BOUND_SUFFIXES, RANGED
from samvard.analytics.results import Cell, CellStatus, Row, Table, ViewResult
from samvard.reference.loaders import list_municipalities
from samvard.web.routes.planning_common import query_string

# The drill-down levels, top first; choosing one level clears the levels below it.
LEVELS = ("region", "kommun", "vardenhet")
_REGION = re.compile(r"[0-9]{2}")
_MUNICIPALITY = re.compile(r"[0-9]{4}")
_HSA_ID = re.compile(r"[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*")

NAME_COLUMN = "namn"
# A chart draws few series on one axis: bars at most four counts, lines at most six (one
# colour and dash each); shares never share an axis with counts, and a stock (asylum seekers
# registered at month end, a hundred times a month's visits) never shares one with monthly
# counts, which it would flatten. A range's bounds are drawn with their series (a band,
# error bars), never as series of their own. The table beside the chart has every column.
MAX_SERIES = {"bar": 4, "line": 6}
_BOUNDS = ("_min", "_max")
_SHARES = ("andel", "procent")
SUPPRESSED_TEXT = HIDDEN_TEXT[CellStatus.SUPPRESSED]
UNKNOWN_TEXT = HIDDEN_TEXT[CellStatus.UNKNOWN]
SUPPRESSED_WHY = HIDDEN_TITLE[CellStatus.SUPPRESSED]
UNKNOWN_WHY = HIDDEN_TITLE[CellStatus.UNKNOWN]


@dataclass(frozen=True)
class ShownCell:
    """A cell as the page writes it: its text, its status, and why it is hidden (if it is)."""

    text: str
    status: str
    why: str = ""


@dataclass(frozen=True)
class ShownRow:
    """A table row as the page writes it, with the link one level down (if there is one)."""

    labels: tuple[str, ...]
    cells: tuple[ShownCell, ...]
    drill_href: str | None


@dataclass(frozen=True)
class ShownTable:
    """A table with its chart and what its legend must explain."""

    table: Table
    chart: Markup | None
    rows: tuple[ShownRow, ...]
    drawn: tuple[str, ...]
    """The labels of the columns the chart draws, when it leaves some to the table."""
    suppressed: bool
    unknown: bool
    header_index: int
    """The label column that names the row: its header cell, and the drill-down link."""


@dataclass(frozen=True)
class Crumb:
    """One step of the breadcrumbs; the last one is the level shown, without a link."""

    label: str
    href: str | None


def shown_cell(cell: Cell) -> ShownCell:
    """A cell as page text: the figure, "–" when suppressed, "okänt" when unknown."""
    if cell.status is CellStatus.SHOWN and cell.value is not None:
        return ShownCell(display_number(cell.value), cell.status.value)
    if cell.status is CellStatus.UNKNOWN:
        return ShownCell(UNKNOWN_TEXT, cell.status.value, UNKNOWN_WHY)
    return ShownCell(SUPPRESSED_TEXT, CellStatus.SUPPRESSED.value, SUPPRESSED_WHY)


def drill_level(value: str) -> str | None:
    """Which filter a row's drill value sets, from its shape: länskod, kommunkod or HSA-id."""
    if _REGION.fullmatch(value):
        return "region"
    if _MUNICIPALITY.fullmatch(value):
        return "kommun"
    if _HSA_ID.fullmatch(value):
        return "vardenhet"
    return None


def with_level(
    query: Mapping[str, str | None], level: str, value: str | None
) -> dict[str, str | None]:
    """The query with ``level`` set to ``value`` and every level below it cleared."""
    chosen = dict(query)
    below = LEVELS[LEVELS.index(level) + 1 :]
    for key in below:
        chosen.pop(key, None)
    chosen[level] = value
    return chosen


def href(path: str, query: Mapping[str, str | int | None]) -> str:
    """A link to ``path`` with the query (only the values that are set)."""
    text = query_string(query)
    return f"{path}?{text}" if text else path


def shown_tables(
    result: ViewResult, path: str, query: Mapping[str, str | None]
) -> list[ShownTable]:
    """Every table of the view with its chart, text cells and drill-down links."""
    return [_shown_table(table, path, query) for table in result.tables]


RANGE_WHY = "Exakt antal okänt: Migrationsverket redovisar inte antal 1–4 (..). Visas som spann."


def ranged_table(table: Table) -> tuple[Table, tuple[tuple[ShownCell | None, ...], ...]]:
    """The table without the bounds of its ranged counts, and per row the text of each count
    cell that holds a "..": "lägst–högst" in place of "okänt" (None where the cell is as is).

    The bounds stay in the JSON and the exports as columns of their own ("…_min", "…_max").
    """
    keys = [column.key for column in table.columns]
    ranged = [k for k in keys if k in RANGED and all(k + end in keys for end in BOUND_SUFFIXES)]
    dropped = {k + end for k in ranged for end in BOUND_SUFFIXES}
    kept = [i for i, key in enumerate(keys) if key not in dropped]
    texts: list[tuple[ShownCell | None, ...]] = []
    rows = []
    for row in table.rows:
        cells = dict(zip(keys, row.cells, strict=True))
        text: list[ShownCell | None] = []
        for i in kept:
            key, cell = keys[i], row.cells[i]
            low, high = (cells.get(key + end) for end in BOUND_SUFFIXES)
            if key in ranged and cell.status is CellStatus.UNKNOWN and low and high:
                text.append(_range_cell(low, high))
            else:
                text.append(None)
        texts.append(tuple(text))
        rows.append(Row(row.labels, tuple(row.cells[i] for i in kept), row.drill))
    columns = tuple(table.columns[i] for i in kept)
    reduced = Table(
        table.key, table.caption, table.label_columns, columns, tuple(rows), table.chart, table.note
    )
    return reduced, tuple(texts)


def _range_cell(low: Cell, high: Cell) -> ShownCell | None:
    if low.value is not None and high.value is not None:  # both shown
        text = f"{display_number(low.value)}–{display_number(high.value)}"
        return ShownCell(text, "range", RANGE_WHY)
    if CellStatus.SUPPRESSED in (low.status, high.status):
        return shown_cell(Cell.suppressed())
    return None


def _shown_table(whole: Table, path: str, query: Mapping[str, str | None]) -> ShownTable:
    table, ranges = ranged_table(whole)
    rows = tuple(
        _with_ranges(_shown_row(row, path, query), texts)
        for row, texts in zip(table.rows, ranges, strict=True)
    )
    statuses = {cell.status for row in table.rows for cell in row.cells}
    drawn = chart_columns(table)
    # The bounds of a drawn series are in its chart (a band): they are not left to the table.
    with_bounds = {key + end for key in drawn for end in _BOUNDS}
    numeric = [c for c in table.columns if c.numeric and c.key not in with_bounds]
    labels = {column.key: column.label for column in table.columns}
    return ShownTable(
        table=table,
        # The chart reads the bounds the page's table shows as "lägst–högst".
        chart=chart_svg(whole, chart_id=f"diagram-{table.key}", columns=drawn),
        rows=rows,
        drawn=tuple(labels[key] for key in drawn) if len(drawn) < len(numeric) else (),
        suppressed=CellStatus.SUPPRESSED in statuses,
        unknown=CellStatus.UNKNOWN in statuses,
        header_index=_header_index(table),
    )


def _with_ranges(row: ShownRow, texts: Sequence[ShownCell | None]) -> ShownRow:
    cells = tuple(text or cell for cell, text in zip(row.cells, texts, strict=True))
    return ShownRow(row.labels, cells, row.drill_href)


def chart_columns(table: Table) -> list[str]:
    """The keys of the columns a table's chart draws (see MAX_SERIES)."""
    keys = [
        column.key
        for column in table.columns
        if column.numeric and not any(part in column.key for part in _SHARES)
    ]
    keys = [key for key in keys if not key.endswith(_BOUNDS)]
    if any(key not in STOCKS for key in keys):
        keys = [key for key in keys if key not in STOCKS]
    return keys[: MAX_SERIES.get(table.chart or "", 0)]


def _header_index(table: Table) -> int:
    # A row is named by its name column (beside its code) where there is one.
    keys = [column.key for column in table.label_columns]
    return keys.index(NAME_COLUMN) if NAME_COLUMN in keys else 0


def _shown_row(row: Row, path: str, query: Mapping[str, str | None]) -> ShownRow:
    link = None
    level = drill_level(row.drill) if row.drill else None
    # A row of the place already chosen would link to the page itself.
    if level is not None and query.get(level) != row.drill:
        link = href(path, with_level(query, level, row.drill))
    return ShownRow(row.labels, tuple(shown_cell(cell) for cell in row.cells), link)


def municipalities_in(region: str | None) -> list[tuple[str, str]]:
    """(code, name) of the municipalities in a region (all of them for None), by name."""
    found = [(m.code, m.name) for m in list_municipalities() if region in (None, m.county_code)]
    return sorted(found, key=lambda pair: pair[1])


def breadcrumbs(
    *,
    national: bool,
    path: str,
    query: Mapping[str, str | None],
    clinic_names: Mapping[str, str],
) -> list[Crumb]:
    """Riket (national users) → region → kommun → vårdenhet, as far as the filters go."""
    names = {"region": region_names(), "kommun": municipality_names(), "vardenhet": clinic_names}
    crumbs: list[Crumb] = []
    if national:
        crumbs.append(Crumb("Hela riket", href(path, with_level(query, "region", None))))
    for level in LEVELS:
        value = query.get(level)
        if value:
            label = names[level].get(value, value)
            crumbs.append(Crumb(label, href(path, with_level(query, level, value))))
    if crumbs:
        last = crumbs[-1]
        crumbs[-1] = Crumb(last.label, None)
    return crumbs


def clinic_names(tables: Sequence[Table]) -> dict[str, str]:
    """HSA-id to clinic name, from the rows that drill down to a clinic."""
    found: dict[str, str] = {}
    for table in tables:
        for row in table.rows:
            if row.drill and drill_level(row.drill) == "vardenhet" and row.labels:
                found.setdefault(row.drill, row.labels[-1])
    return found
