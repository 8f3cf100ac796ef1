"""Charts of a planning table: SVG built from the same cells as the table, hidden cells marked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from samvard.analytics.charts import (
    MAX_BARS,
    chart_svg,
    display_cell,
    display_number,
    label_positions,
    nice_ceiling,
)
from samvard.analytics.results import Cell, Column, Row, Table

NS = {"svg": "http://www.w3.org/2000/svg"}


def _table(rows: list[Row], *, chart: str | None = "bar", columns: int = 1) -> Table:
    return Table(
        key="t",
        caption="Besök per kommun",
        label_columns=(Column("kommun", "Kommun", numeric=False),),
        columns=tuple(Column(f"c{n}", f"Mått {n}") for n in range(columns)),
        rows=tuple(rows),
        chart=chart,
    )


def _svg(table: Table) -> ET.Element:
    markup = chart_svg(table, chart_id="c1")
    assert markup is not None
    return ET.fromstring(str(markup))


def test_a_bar_per_shown_cell_and_a_mark_per_hidden_one() -> None:
    table = _table(
        [
            Row(("Uppsala",), (Cell.shown(120),)),
            Row(("Enköping",), (Cell.suppressed(),)),
            Row(("Tierp",), (Cell.unknown(),)),
            Row(("Östhammar",), (Cell.shown(60),)),
        ]
    )
    svg = _svg(table)
    bars = svg.findall(".//svg:rect[@class='bar']", NS)
    assert [bar.get("data-value") for bar in bars] == ["120.0", "60.0"]
    # The largest bar takes the agreed share of the width; the others are in proportion.
    assert [bar.get("width") for bar in bars] == ["78.00%", "39.00%"]
    marks = svg.findall(".//svg:text[@class='hidden-mark']", NS)
    assert [m.get("data-status") for m in marks] == ["suppressed", "unknown"]
    assert [m.text for m in marks] == ["–", "okänt"]  # as in the table under the chart
    desc = svg.find("svg:desc", NS)
    assert desc is not None and desc.text is not None
    assert "högst för Uppsala (120)" in desc.text
    assert "2 värden visas inte" in desc.text


def test_a_suppressed_value_never_reaches_the_markup() -> None:
    # The cell hides a 3; even a careless caller that kept the value must not leak it.
    leaky = Cell(3, Cell.suppressed().status)
    svg = str(
        chart_svg(_table([Row(("A",), (leaky,)), Row(("B",), (Cell.shown(9),))]), chart_id="x")
    )
    assert 'data-value="3' not in svg and ">3<" not in svg


def test_labels_are_escaped_and_long_ones_shortened_with_the_full_text_as_title() -> None:
    name = "<script>alert(1)</script> " + "Väldigt långt vårdenhetsnamn " * 3
    svg = str(chart_svg(_table([Row((name,), (Cell.shown(5),))]), chart_id="x"))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "…" in svg


def test_only_the_first_bars_are_drawn_and_the_description_says_so() -> None:
    rows = [Row((f"Enhet {n}",), (Cell.shown(n + 5),)) for n in range(MAX_BARS + 5)]
    svg = _svg(_table(rows))
    assert len(svg.findall(".//svg:rect[@class='bar']", NS)) == MAX_BARS
    desc = svg.find("svg:desc", NS)
    assert desc is not None and f"De första {MAX_BARS} raderna" in (desc.text or "")


def test_a_line_chart_draws_one_line_per_series_with_a_legend() -> None:
    months = [f"2026-{m:02d}" for m in range(1, 7)]
    rows = [
        Row((month,), (Cell.shown(10 * n + 5), Cell.unknown() if n == 3 else Cell.shown(n + 5)))
        for n, month in enumerate(months)
    ]
    svg = _svg(_table(rows, chart="line", columns=2))
    legend = svg.findall(".//svg:g[@class='legend-item']", NS)
    assert len(legend) == 2
    assert svg.get("class") == "chart chart-line"
    assert svg.findall(".//svg:text[@class='hidden-mark']", NS)


def test_no_chart_for_a_table_without_one_or_without_rows() -> None:
    assert chart_svg(_table([Row(("A",), (Cell.shown(5),))], chart=None), chart_id="x") is None
    assert chart_svg(_table([]), chart_id="x") is None


@pytest.mark.parametrize(
    ("value", "text"), [(1234567, "1\xa0234\xa0567"), (12.25, "12,2"), (float("nan"), "..")]
)
def test_numbers_are_written_the_swedish_way(value: float, text: str) -> None:
    assert display_number(value) == text


def test_a_hidden_cell_reads_as_on_the_page_and_an_unknown_one_as_unknown() -> None:
    assert display_cell(Cell.suppressed()) == "–"
    assert display_cell(Cell.unknown()) == "okänt"
    assert display_cell(Cell.shown(7)) == "7"


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1.0), (7, 10.0), (1.3, 2.0), (2.1, 2.5), (420, 500.0)]
)
def test_axis_tops_are_round_numbers(value: float, ceiling: float) -> None:
    assert nice_ceiling(value) == ceiling


def test_axis_labels_include_both_ends() -> None:
    positions = label_positions(24)
    assert positions[0] == 0 and positions[-1] == 23
    assert len(positions) <= 6
