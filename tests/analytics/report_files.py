"""Monthly report files for tests: valid rows to vary, written as CSV, XLSX or in bulk."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

from samvard.analytics.contracts import ReportKind, column_names

BESOK_COLUMNS = column_names(ReportKind.BESOK)
ASYL_COLUMNS = column_names(ReportKind.ASYLSOKANDE)


def visit(number: int = 1, **changes: str) -> dict[str, str]:
    """A valid visit in Region Stockholm, March 2025; ``changes`` override columns."""
    row = {
        "region": "01",
        "period": "2025-03",
        "besoks_id": f"B{number:07d}",
        "patient_id": f"P{number % 97:05d}",
        "besoksdatum": f"2025-03-{1 + number % 28:02d}",
        "alder": str(number % 90),
        "kon": "MK"[number % 2],
        "kommun": "0180",
        "vardenhet_hsaid": "SE2321000016-A1B2",
        "vardenhet_namn": "Asylhälsan Stockholm",
        "verksamhet": "asylhalsa",
        "kontakttyp": "besok",
        "vardtyp": "planerad",
        "yrkeskategori": "sjukskoterska",
        "halsoundersokning": "1",
        "diagnoser": "Z00.0",
        "atgarder": "AU118",
    }
    row.update(changes)
    return row


def asylum(kommun: str = "0180", **changes: str) -> dict[str, str]:
    """A valid asylum-flow row for March 2025; ``changes`` override columns."""
    row = {
        "period": "2025-03",
        "kommun": kommun,
        "aldersgrupp": "18-64",
        "kon": "K",
        "inskrivna": "120",
        "nyinskrivna": "14",
    }
    row.update(changes)
    return row


def asylum_month(
    period: str = "2025-03", kommuner: Iterable[str] = ("0180", "0114")
) -> list[dict[str, str]]:
    """A full asylum-flow month: every age group and sex in each municipality."""
    return [
        asylum(kommun, period=period, aldersgrupp=age, kon=sex, inskrivna=str(10 + i))
        for i, (kommun, age, sex) in enumerate(
            (k, a, s) for k in kommuner for a in ("0-5", "6-17", "18-64", "65+") for s in "MK"
        )
    ]


def write_csv(
    path: Path,
    rows: Iterable[Mapping[str, str]],
    columns: Iterable[str] | None = None,
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> Path:
    """Write rows as CSV, the header from ``columns`` or the first row's keys."""
    rows = list(rows)
    header = list(columns) if columns is not None else list(rows[0])
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows([row.get(name, "") for name in header] for row in rows)
    return path


def write_xlsx(path: Path, rows: Iterable[Mapping[str, object]]) -> Path:
    """Write rows as the first sheet of a workbook, values as given (numbers stay numbers)."""
    from openpyxl import Workbook

    rows = list(rows)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    header = list(rows[0])
    sheet.append(header)
    for row in rows:
        sheet.append([row[name] for name in header])
    book.save(path)
    return path


def bulk_visits(path: Path, count: int, *, region: str = "01", period: str = "2025-03") -> Path:
    """A valid visit report of ``count`` rows, written by DuckDB (fast enough for millions)."""
    kommun = {"01": "0180", "12": "1280"}[region]
    connection = duckdb.connect()
    connection.execute(
        f"""COPY (SELECT '{region}' AS region, '{period}' AS period,
            'B' || i AS besoks_id, 'P' || (i % 50000) AS patient_id,
            '{period}-' || lpad(CAST(1 + i % 28 AS VARCHAR), 2, '0') AS besoksdatum,
            CAST(i % 100 AS VARCHAR) AS alder, CASE WHEN i % 2 = 0 THEN 'M' ELSE 'K' END AS kon,
            '{kommun}' AS kommun, 'SE2321000016-U' || (i % 40) AS vardenhet_hsaid,
            'Enhet ' || (i % 40) AS vardenhet_namn,
            ['vardcentral', 'asylhalsa', 'vuxenpsykiatri', 'infektion'][1 + i % 4] AS verksamhet,
            'besok' AS kontakttyp, CASE WHEN i % 3 = 0 THEN 'akut' ELSE 'planerad' END AS vardtyp,
            ['lakare', 'psykolog', 'sjukskoterska'][1 + i % 3] AS yrkeskategori,
            CAST(i % 5 = 0 AS INTEGER) AS halsoundersokning,
            ['F32.1', 'J06.9|A09', 'O80', ''][1 + i % 4] AS diagnoser, 'AU118' AS atgarder
            FROM range({count}) t(i)) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    connection.close()
    return path
