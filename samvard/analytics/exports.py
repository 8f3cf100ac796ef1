"""A planning view as a file to download: CSV for any spreadsheet, XLSX with a sheet per table.

Both files carry the view's provenance (sources, periods, rule version, assumptions and the
disclosure note), so a figure that leaves the platform still says where it came from.

CSV is written for Swedish spreadsheet programs: UTF-8 with a byte-order mark, semicolons
between fields, CRLF line ends, and decimal commas, which is what Excel with Swedish settings
reads as numbers. Thousands are not grouped, so every figure stays one parseable token.
Figures that are not shown (suppressed by disclosure control, or unknown at the source) are
written as "..", the sign Swedish official statistics use, and a legend explains it.

Only `ViewResult` objects are rendered: they are already disclosure-controlled, so an export
cannot show a figure that the page hides.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from samvard.access.extract import formula_safe
from samvard.analytics.results import Cell, CellStatus, Row, Table, ViewResult

MISSING = ".."
LEGEND = (
    ".. = uppgiften visas inte: ett antal mellan 1 och 4, en cell som döljs för att ett "
    "sådant antal inte ska kunna räknas fram, eller en uppgift som är okänd i källan."
)
SOURCES_SHEET = "Källor"
Value = str | float | int

# The Swedish words for the filter keys a view reports; any other key is shown as it is.
FILTER_LABELS = {
    "period": "Period",
    "fran": "Från månad",
    "till": "Till och med månad",
    "region": "Region",
    "kommun": "Kommun",
    "vardenhet": "Vårdenhet",
    "aldersgrupp": "Åldersgrupp",
    "kon": "Kön",
    "scenario": "Scenario",
}

# Excel refuses these in sheet names, and names are at most 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
_NUMBER_FORMAT_INT = "#,##0"
_NUMBER_FORMAT_DECIMAL = "#,##0.0##"


def number_text(value: float | int) -> str:
    """A figure as CSV text: no grouping, a decimal comma, no exponent, no trailing zeros."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return MISSING
        if value.is_integer():
            return str(int(value))
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


def cell_text(cell: Cell) -> str:
    """A cell as CSV text: the figure, or ".." when it is not shown."""
    if cell.status is not CellStatus.SHOWN or cell.value is None:
        return MISSING
    return number_text(cell.value)


def filter_lines(result: ViewResult) -> list[tuple[str, str]]:
    """The filters that were chosen, as (Swedish label, value) pairs."""
    return [(FILTER_LABELS.get(key, key), value) for key, value in result.filters.items() if value]


def provenance_lines(result: ViewResult) -> list[tuple[str, Value]]:
    """What the "Källor" part of an export says, one (label, value) pair per line."""
    provenance = result.provenance
    lines: list[tuple[str, Value]] = [("Vy", result.title)]
    lines += [(f"Urval: {label}", value) for label, value in filter_lines(result)]
    lines += [("Källa", source) for source in provenance.sources]
    if provenance.periods:
        lines.append(("Perioder", ", ".join(provenance.periods)))
    lines.append(("Regelversion", provenance.rule_version))
    lines += [(f"Antagande: {key}", value) for key, value in _flatten(provenance.assumptions)]
    lines.append(("Röjandeskydd", provenance.disclosure))
    lines.append(("Teckenförklaring", LEGEND))
    return lines


def _flatten(
    values: Mapping[str, Any], prefix: str = ""
) -> Iterator[tuple[str, str | float | int]]:
    """Nested assumptions as dotted keys, in the order they were given."""
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{name}.")
        elif isinstance(value, bool) or value is None:
            yield name, {True: "ja", False: "nej", None: MISSING}[value]
        elif isinstance(value, int | float):
            yield name, value
        elif isinstance(value, Sequence) and not isinstance(value, str):
            yield name, ", ".join(str(item) for item in value)
        else:
            yield name, str(value)


def _has_missing(table: Table) -> bool:
    return any(cell.status is not CellStatus.SHOWN for row in table.rows for cell in row.cells)


# -- CSV ---------------------------------------------------------------------------------------


def to_csv(result: ViewResult) -> str:
    """The view as one CSV text: each table under its caption, then the sources.

    Text that a spreadsheet would run as a formula (= + - @ at the start) is written with a
    leading apostrophe; figures are formatted here, so they are never text.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([formula_safe(result.title)])
    for label, value in filter_lines(result):
        writer.writerow([formula_safe(label), formula_safe(value)])
    for table in result.tables:
        writer.writerow([])
        writer.writerow([formula_safe(table.caption)])
        header = [c.label for c in (*table.label_columns, *table.columns)]
        writer.writerow([formula_safe(text) for text in header])
        for row in table.rows:
            labels = [formula_safe(text) for text in row.labels]
            writer.writerow([*labels, *(cell_text(cell) for cell in row.cells)])
        if table.note:
            writer.writerow([formula_safe(f"Not: {table.note}")])
        if _has_missing(table):
            writer.writerow([LEGEND])
    writer.writerow([])
    writer.writerow([SOURCES_SHEET])
    for label, line in provenance_lines(result):
        text = number_text(line) if isinstance(line, int | float) else formula_safe(line)
        writer.writerow([formula_safe(label), text])
    return "\ufeff" + out.getvalue()


# -- XLSX --------------------------------------------------------------------------------------


def to_xlsx(result: ViewResult) -> bytes:
    """The view as a workbook: one sheet per table, and a "Källor" sheet last.

    Figures are number cells (with grouping shown by the reader's own settings); hidden
    figures are the text "..". Every text is stored as text, never as a formula.
    """
    workbook = Workbook()
    first = workbook.active
    assert first is not None  # a new workbook always has one sheet
    workbook.remove(first)
    used: set[str] = {SOURCES_SHEET.casefold()}
    for index, table in enumerate(result.tables, start=1):
        sheet = workbook.create_sheet(sheet_title(table.caption, index, used))
        _write_table(sheet, result, table)
    _write_sources(workbook.create_sheet(SOURCES_SHEET), result)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_title(caption: str, index: int, used: set[str]) -> str:
    """A valid, unique sheet name from a table caption (Excel: at most 31 characters)."""
    base = _SHEET_FORBIDDEN.sub(" ", caption).strip(" '") or f"Tabell {index}"
    title = base[:_SHEET_MAX].rstrip()
    number = 2
    while title.casefold() in used:
        suffix = f" ({number})"
        title = base[: _SHEET_MAX - len(suffix)].rstrip() + suffix
        number += 1
    used.add(title.casefold())
    return title


def _text(sheet: Worksheet, row: int, column: int, value: str) -> None:
    """A text cell that stays text: openpyxl would store "=..." as a formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"


def _figure(sheet: Worksheet, row: int, column: int, figure: Cell) -> None:
    if figure.status is not CellStatus.SHOWN or figure.value is None:
        _text(sheet, row, column, MISSING)
        sheet.cell(row=row, column=column).alignment = Alignment(horizontal="right")
        return
    cell = sheet.cell(row=row, column=column, value=figure.value)
    is_int = isinstance(figure.value, int) or float(figure.value).is_integer()
    cell.number_format = _NUMBER_FORMAT_INT if is_int else _NUMBER_FORMAT_DECIMAL


def _write_table(sheet: Worksheet, result: ViewResult, table: Table) -> None:
    bold = Font(bold=True)
    _text(sheet, 1, 1, table.caption)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    line = 2
    for label, value in filter_lines(result):
        _text(sheet, line, 1, label)
        _text(sheet, line, 2, value)
        line += 1
    header_row = line + 1
    columns = (*table.label_columns, *table.columns)
    for number, column in enumerate(columns, start=1):
        _text(sheet, header_row, number, column.label)
        sheet.cell(row=header_row, column=number).font = bold
    labels = len(table.label_columns)
    for offset, row in enumerate(table.rows, start=1):
        for number, label in enumerate(row.labels, start=1):
            _text(sheet, header_row + offset, number, label)
        for number, figure in enumerate(row.cells, start=labels + 1):
            _figure(sheet, header_row + offset, number, figure)
    line = header_row + len(table.rows) + 2
    if table.note:
        _text(sheet, line, 1, f"Not: {table.note}")
        line += 1
    if _has_missing(table):
        _text(sheet, line, 1, LEGEND)
        line += 1
    _text(sheet, line, 1, f"Källor och antaganden: se bladet {SOURCES_SHEET}.")
    sheet.freeze_panes = f"{get_column_letter(labels + 1)}{header_row + 1}"
    for number, column in enumerate(columns, start=1):
        widest = max([len(column.label), *(_label_width(row, number) for row in table.rows)])
        sheet.column_dimensions[get_column_letter(number)].width = min(max(widest + 2, 10), 50)


def _label_width(row: Row, number: int) -> int:
    return len(row.labels[number - 1]) if number <= len(row.labels) else 10


def _write_sources(sheet: Worksheet, result: ViewResult) -> None:
    _text(sheet, 1, 1, SOURCES_SHEET)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    for line, (label, value) in enumerate(provenance_lines(result), start=3):
        _text(sheet, line, 1, label)
        sheet.cell(row=line, column=1).font = Font(bold=True)
        if isinstance(value, int | float):
            sheet.cell(row=line, column=2, value=value)
        else:
            _text(sheet, line, 2, value)
            sheet.cell(row=line, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 90
