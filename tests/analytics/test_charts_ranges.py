"""Charts draw a count known only as a range (Migrationsverket's "..") as that range."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from samvard.analytics.charts import chart_svg
from samvard.analytics.results import Cell, Column, Row, Table

NS = {"svg": "http://www.w3.org/2000/svg"}
COUNT_WHY = "spann: Migrationsverket redovisar inte antal 1–4 (..), exakt antal okänt"
DERIVED_WHY = "spann: beräknat från antal som Migrationsverket redovisar som .. (1–4)"
UNKNOWN, SUPPRESSED = Cell.unknown(), Cell.suppressed()


def _table(key: str, label: str, rows: list[Row], chart: str) -> Table:
    return Table(
        key="t",
        caption="Månad för månad",
        label_columns=(Column("manad", "Månad", numeric=False),),
        columns=(
            Column(key, label),
            Column(f"{key}_min", f"{label}, lägst"),
            Column(f"{key}_max", f"{label}, högst"),
        ),
        rows=tuple(rows),
        chart=chart,
    )


def _svg(table: Table, columns: list[str] | None = None) -> ET.Element:
    markup = chart_svg(table, chart_id="c1", columns=columns)
    assert markup is not None
    return ET.fromstring(str(markup))


def _titles(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.findall("svg:title", NS)]


def _cells(point: Cell, low: Cell, high: Cell) -> tuple[Cell, Cell, Cell]:
    return (point, low, high)


NEW = [
    # exact: the count and both bounds are the same number
    Row(("2026-01",), _cells(Cell.shown(40), Cell.shown(40), Cell.shown(40))),
    # a ".." in it: only the bounds are known
    Row(("2026-02",), _cells(UNKNOWN, Cell.shown(120), Cell.shown(136))),
    Row(("2026-03",), _cells(UNKNOWN, Cell.shown(130), Cell.shown(142))),
    # no report: nothing bounds it
    Row(("2026-04",), _cells(UNKNOWN, UNKNOWN, UNKNOWN)),
    # hidden by disclosure control, the count and its bounds together
    Row(("2026-05",), _cells(SUPPRESSED, SUPPRESSED, SUPPRESSED)),
    Row(("2026-06",), _cells(UNKNOWN, SUPPRESSED, SUPPRESSED)),
]


def test_a_ranged_count_is_a_band_with_an_error_bar_per_month() -> None:
    table = _table("nyinskrivna", "Nyinskrivna asylsökande", NEW, "line")
    # The page asks for the count alone; its bounds come with it.
    svg = _svg(table, columns=["nyinskrivna"])
    series = svg.findall(".//svg:g[@class='series']", NS)
    assert [g.get("data-series") for g in series] == ["nyinskrivna"]
    ranges = svg.findall(".//svg:g[@class='range']", NS)
    assert [(r.get("data-low"), r.get("data-high")) for r in ranges] == [
        ("120.0", "136.0"),
        ("130.0", "142.0"),
    ]
    assert _titles(ranges[0]) == [f"2026-02, Nyinskrivna asylsökande: 120–136 ({COUNT_WHY})"]
    # The axis runs to 200 over 200 px from y 248 (below the legend): 120 at 128, 136 at 112.
    line = ranges[0].find("svg:line", NS)
    assert line is not None
    assert (line.get("y1"), line.get("y2")) == ("128.0", "112.0")
    # Only the exact month is a point: a range has no middle to draw.
    points = svg.findall(".//svg:circle[@class='point']", NS)
    assert [p.get("data-value") for p in points] == ["40.0"]
    # One band over the three known months: along the highest, back along the lowest.
    bands = svg.findall(".//svg:svg[@class='band']/svg:polygon", NS)
    assert len(bands) == 1
    assert len((bands[0].get("points") or "").split()) == 6
    # Hidden months read as in the table: unknown, "–" when hidden or a bound is hidden.
    marks = svg.findall(".//svg:text[@class='hidden-mark']", NS)
    assert [(m.text, m.get("data-status")) for m in marks] == [
        ("okänt", "unknown"),
        ("–", "suppressed"),
        ("–", "suppressed"),
    ]
    assert "120" not in "".join(_titles(marks[2]))


def test_the_legend_and_description_say_it_is_a_range_and_why() -> None:
    svg = _svg(_table("nyinskrivna", "Nyinskrivna asylsökande", NEW, "line"))
    legend = svg.findall(".//svg:g[@class='legend-item']", NS)
    assert len(legend) == 1  # the bounds are no series of their own
    assert legend[0].find("svg:rect[@class='legend-band']", NS) is not None
    text = legend[0].find("svg:text", NS)
    assert text is not None
    assert text.text == "Nyinskrivna asylsökande; fältet visar spannet lägst–högst"
    desc = svg.find("svg:desc", NS)
    assert desc is not None and desc.text is not None
    assert "Nyinskrivna asylsökande: lägst 40 (2026-01), högst 142 (2026-03)." in desc.text
    assert (
        "Nyinskrivna asylsökande visas som spann lägst–högst i 2 av 6 månader "
        f"({COUNT_WHY})." in desc.text
    )
    assert "3 värden visas inte" in desc.text


def test_a_figure_computed_from_ranged_counts_is_drawn_with_its_range() -> None:
    rows = [
        Row(("2026-01",), _cells(Cell.shown(15), Cell.shown(12), Cell.shown(19))),
        Row(("2026-02",), _cells(Cell.shown(18), Cell.shown(18), Cell.shown(18))),
        Row(("2026-03",), _cells(Cell.shown(20), Cell.shown(16), Cell.shown(25))),
    ]
    svg = _svg(_table("vantande", "Väntande", rows, "line"))
    points = svg.findall(".//svg:circle[@class='point']", NS)
    assert [p.get("data-value") for p in points] == ["15.0", "18.0", "20.0"]
    assert len(svg.findall(".//svg:line[@class='segment']", NS)) == 2
    ranges = svg.findall(".//svg:g[@class='range']", NS)
    assert [(r.get("data-low"), r.get("data-high")) for r in ranges] == [
        ("12.0", "19.0"),
        ("16.0", "25.0"),
    ]
    assert _titles(ranges[1]) == [f"2026-03, Väntande: 16–25 ({DERIVED_WHY})"]


def test_a_bar_of_a_ranged_count_is_solid_to_its_lowest_and_outlined_to_its_highest() -> None:
    rows = [
        Row(("Region Uppsala",), _cells(Cell.shown(50), Cell.shown(50), Cell.shown(50))),
        Row(("Region Stockholm",), _cells(UNKNOWN, Cell.shown(20), Cell.shown(28))),
        Row(("Region Gotland",), _cells(UNKNOWN, SUPPRESSED, SUPPRESSED)),
    ]
    svg = _svg(_table("nyinskrivna", "Nyinskrivna asylsökande", rows, "bar"))
    bars = svg.findall(".//svg:rect[@class='bar']", NS)
    assert [(b.get("data-value"), b.get("width")) for b in bars] == [
        ("50.0", "78.00%"),
        ("20.0", "31.20%"),
    ]
    assert _titles(bars[1]) == [f"Region Stockholm, Nyinskrivna asylsökande: 20–28 ({COUNT_WHY})"]
    span = svg.find(".//svg:g[@class='bar-range']", NS)
    assert span is not None
    assert (span.get("data-low"), span.get("data-high")) == ("20.0", "28.0")
    outline = span.find("svg:rect", NS)
    assert outline is not None
    assert (outline.get("x"), outline.get("width")) == ("31.20%", "12.48%")
    values = [t.text for t in svg.findall(".//svg:text[@class='bar-value']", NS)]
    assert values == ["50", "20–28"]  # as the table writes it
    marks = svg.findall(".//svg:text[@class='hidden-mark']", NS)
    assert [m.text for m in marks] == ["–"]
    desc = svg.find("svg:desc", NS)
    assert desc is not None and "högst för Region Uppsala (50)" in (desc.text or "")


def test_a_table_without_bounds_is_drawn_as_before() -> None:
    table = Table(
        key="t",
        caption="Besök",
        label_columns=(Column("manad", "Månad", numeric=False),),
        columns=(Column("besok", "Besök"),),
        rows=(Row(("2026-01",), (Cell.shown(3_000),)), Row(("2026-02",), (Cell.shown(3_100),))),
        chart="line",
    )
    svg = _svg(table)
    assert not svg.findall(".//svg:g[@class='legend-item']", NS)
    assert not svg.findall(".//svg:g[@class='range']", NS)
    assert not svg.findall(".//svg:svg", NS)
    assert "spann" not in ET.tostring(svg, encoding="unicode")
