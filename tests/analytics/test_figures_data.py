"""Small warehouses with known rows, built in memory through the real fact refresh.

Shared by the figure tests; the one test here checks the builder itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb

from samvard.analytics import facts, store

CLINIC_A = ("0180", "SE2321000016-A001", "Asylhälsan City")
CLINIC_B = ("0180", "SE2321000016-A002", "Vårdcentral Söder")
CLINIC_C = ("0114", "SE2321000016-A003", "Vårdcentral Väsby")
CLINIC_G = ("1480", "SE2321000131-B001", "Asylhälsan Göteborg")


@dataclass(frozen=True)
class Visits:
    """`count` identical visits of one kind at a clinic in a month."""

    clinic: tuple[str, str, str]
    period: str
    count: int
    alder: int = 30
    kon: str | None = "K"
    verksamhet: str = "asylhalsa"
    yrkeskategori: str = "sjukskoterska"
    vardtyp: str = "planerad"
    halsoundersokning: bool = True
    diagnoser: str | None = "Z00.0"
    patient: str | None = None  # one person for all of them; default one person each


def warehouse(
    visits: Iterable[Visits],
    asylum: Iterable[Sequence[object]] = (),
    receipts: Iterable[Sequence[object]] = (),
    path: str = ":memory:",
) -> duckdb.DuckDBPyConnection:
    """A warehouse (in memory by default): raw rows inserted, facts refreshed as ingestion
    does."""
    connection = duckdb.connect(path)
    store.ensure_schema(connection)
    rows = []
    number = 0
    for group in visits:
        kommun, hsaid, name = group.clinic
        for _ in range(group.count):
            number += 1
            rows.append(
                (
                    kommun[:2],
                    group.period,
                    f"B{number:06d}",
                    group.patient or f"P{number:06d}",
                    f"{group.period}-{1 + number % 28:02d}",
                    group.alder,
                    group.kon,
                    kommun,
                    hsaid,
                    name,
                    group.verksamhet,
                    "besok",
                    group.vardtyp,
                    group.yrkeskategori,
                    group.halsoundersokning,
                    group.diagnoser,
                    None,
                )
            )
    if rows:
        connection.executemany("INSERT INTO besok VALUES (" + ", ".join("?" * 17) + ")", rows)
    asylum_rows = list(asylum)
    if asylum_rows:
        connection.executemany("INSERT INTO asylsokande VALUES (?, ?, ?, ?, ?, ?)", asylum_rows)
    for receipt in receipts:
        connection.execute(
            "INSERT INTO receipt VALUES (nextval('receipt_ids'), ?, ?, ?, 'f.csv', 'x', 1, 0, "
            "now()::TIMESTAMP, 1, '{}')",
            list(receipt),
        )
    facts.refresh_all(connection)
    return connection


def test_the_builder_fills_the_fact_tables() -> None:
    connection = warehouse(
        [Visits(CLINIC_A, "2025-01", 3), Visits(CLINIC_G, "2025-01", 2, halsoundersokning=False)],
        [("2025-01", "0180", "18-64", "K", 10, None)],
    )
    found = connection.execute(
        "SELECT region, sum(besok), sum(halsoundersokningar) FROM fact_besok GROUP BY region "
        "ORDER BY region"
    ).fetchall()
    assert found == [("01", 3, 3), ("14", 2, 0)]
    assert connection.execute("SELECT inskrivna, nyinskrivna FROM fact_asyl").fetchall() == [
        (10, None)
    ]
