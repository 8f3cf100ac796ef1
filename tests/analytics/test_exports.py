"""Exports of a planning view: read the CSV and XLSX back and check what a user would see."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from samvard.analytics import exports
from samvard.analytics.results import Cell, Column, Provenance, Row, Table, ViewResult


def _view() -> ViewResult:
    per_municipality = Table(
        key="kommuner",
        caption="Hälsoundersökningar per kommun",
        label_columns=(
            Column("region", "Region", numeric=False),
            Column("kommun", "Kommun", False),
        ),
        columns=(Column("antal", "Antal"), Column("andel", "Andel (%)")),
        rows=(
            Row(("Stockholm", "Solna"), (Cell.shown(1234), Cell.shown(12.5)), drill="0184"),
            Row(("Stockholm", '=HYPERLINK("x")'), (Cell.suppressed(), Cell.shown(0.25))),
            Row(("Stockholm", "-Nacka"), (Cell.unknown(), Cell.shown(0))),
        ),
        chart="bar",
        note="Kommun där vårdenheten ligger.",
    )
    per_month = Table(
        key="manader",
        caption="Per månad: hälsoundersökningar/besök [antal]",
        label_columns=(Column("period", "Månad", numeric=False),),
        columns=(Column("antal", "Antal"),),
        rows=(Row(("2025-01",), (Cell.shown(7),)), Row(("2025-02",), (Cell.shown(9),))),
        chart="line",
    )
    return ViewResult(
        view="halsoundersokningar",
        title="Hälsoundersökningar",
        filters={"region": "01", "fran": "2025-01", "till": "2025-02", "kon": None},
        tables=(per_municipality, per_month),
        provenance=Provenance(
            sources=("Besöksstatistik från regionerna", "Migrationsverket, asylsökande"),
            periods=("2025-01", "2025-02"),
            rule_version="2026.1",
            assumptions={"scenario": "Grund", "andel_halsoundersokning": {"01": 0.85}},
        ),
    )


def _csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_has_tables_with_figures_in_swedish_form() -> None:
    text = exports.to_csv(_view())
    assert "\r\n" in text
    rows = _csv_rows(text)
    assert rows[0] == ["Hälsoundersökningar"]
    assert ["Region", "01"] in rows
    assert not any(row and row[0] == "Kön" for row in rows), "an unset filter is left out"
    header = rows.index(["Region", "Kommun", "Antal", "Andel (%)"])
    assert rows[header - 1] == ["Hälsoundersökningar per kommun"]
    assert rows[header + 1] == ["Stockholm", "Solna", "1234", "12,5"]
    assert rows[header + 3] == ["Stockholm", "'-Nacka", "..", "0"]


def test_csv_text_that_looks_like_a_formula_is_defused() -> None:
    rows = _csv_rows(exports.to_csv(_view()))
    assert ["Stockholm", '\'=HYPERLINK("x")', "..", "0,25"] in rows


def test_csv_hidden_figures_are_dots_with_a_legend() -> None:
    rows = _csv_rows(exports.to_csv(_view()))
    flat = [field for row in rows for field in row]
    assert flat.count(exports.LEGEND) == 2, "once under the table with '..', once in the sources"
    assert "0" in flat, "zero is a figure, not a hidden one"


def test_csv_ends_with_the_provenance() -> None:
    rows = _csv_rows(exports.to_csv(_view()))
    start = rows.index([exports.SOURCES_SHEET])
    sources = {tuple(row) for row in rows[start + 1 :]}
    assert ("Källa", "Besöksstatistik från regionerna") in sources
    assert ("Källa", "Migrationsverket, asylsökande") in sources
    assert ("Perioder", "2025-01, 2025-02") in sources
    assert ("Regelversion", "2026.1") in sources
    assert ("Antagande: scenario", "Grund") in sources
    assert ("Antagande: andel_halsoundersokning.01", "0,85") in sources
    assert any(row[0] == "Röjandeskydd" and "1–4" in row[1] for row in sources)


@pytest.mark.parametrize(
    ("value", "text"),
    [(3, "3"), (3.0, "3"), (0.1, "0,1"), (-2.5, "-2,5"), (1e-7, "0"), (float("nan"), "..")],
)
def test_number_text(value: float, text: str) -> None:
    assert exports.number_text(value) == text


def test_xlsx_has_a_sheet_per_table_and_the_sources() -> None:
    book = load_workbook(io.BytesIO(exports.to_xlsx(_view())))
    assert book.sheetnames == [
        "Hälsoundersökningar per kommun",
        "Per månad  hälsoundersökningar",
        exports.SOURCES_SHEET,
    ]
    sheet = book["Hälsoundersökningar per kommun"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values.index(["Region", "Kommun", "Antal", "Andel (%)"])
    assert values[0][0] == "Hälsoundersökningar per kommun"
    assert ["Region", "01", None, None] in values[1:header]
    assert values[header + 1] == ["Stockholm", "Solna", 1234, 12.5]
    assert values[header + 2] == ["Stockholm", '=HYPERLINK("x")', "..", 0.25]
    assert values[header + 3] == ["Stockholm", "-Nacka", "..", 0]
    texts = [row[0] for row in values]
    assert exports.LEGEND in texts
    assert "Not: Kommun där vårdenheten ligger." in texts


def test_xlsx_text_is_never_a_formula() -> None:
    book = load_workbook(io.BytesIO(exports.to_xlsx(_view())))
    sheet = book["Hälsoundersökningar per kommun"]
    found = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("x")']
    assert found and all(c.data_type == "s" for c in found)
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)


def test_xlsx_figures_are_numbers_and_hidden_ones_text() -> None:
    book = load_workbook(io.BytesIO(exports.to_xlsx(_view())))
    sheet = book["Per månad  hälsoundersökningar"]
    figures = [row[1] for row in sheet.iter_rows() if row[0].value in ("2025-01", "2025-02")]
    assert [c.value for c in figures] == [7, 9]
    assert all(c.data_type == "n" for c in figures)
    assert exports.LEGEND not in [row[0].value for row in sheet.iter_rows()]


def test_xlsx_sources_sheet() -> None:
    book = load_workbook(io.BytesIO(exports.to_xlsx(_view())))
    lines = [(row[0].value, row[1].value) for row in book[exports.SOURCES_SHEET].iter_rows(3)]
    assert ("Vy", "Hälsoundersökningar") in lines
    assert ("Urval: Från månad", "2025-01") in lines
    assert ("Regelversion", "2026.1") in lines
    assert ("Antagande: andel_halsoundersokning.01", 0.85) in lines
    assert ("Teckenförklaring", exports.LEGEND) in lines


def test_sheet_titles_are_valid_and_unique() -> None:
    used: set[str] = set()
    long = "Ett mycket långt namn på en tabell som inte får plats"
    first = exports.sheet_title(long, 1, used)
    second = exports.sheet_title(long, 2, used)
    assert len(first) <= 31 and len(second) <= 31
    assert first != second and second.endswith("(2)")
    assert exports.sheet_title("a/b:c?", 3, used) == "a b c"
    assert exports.sheet_title("[]", 4, used) == "Tabell 4"
