"""Typed loaders for the reference data packaged in ``samvard/reference/data``.

Files are read with :mod:`importlib.resources`, so they work from a wheel or a zip as well as
from a source checkout. Each file is parsed once per process (``functools.cache``); the public
functions hand out fresh lists/dicts so that a caller mutating its result cannot corrupt the
cache for everyone else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_DATA_PACKAGE = "samvard.reference"
ASYLUM_MONTHS_FILE = "migrationsverket_asylsokande_manad_2017-2018.csv"


@dataclass(frozen=True, slots=True)
class Region:
    """One of Sweden's 21 regions, keyed by its county (län) code."""

    code: str
    """Two-digit county code with leading zero, e.g. ``"01"``."""
    county_name: str
    """Name of the county, e.g. ``"Stockholms län"``."""
    region_name: str
    """The name the region uses for itself, e.g. ``"Region Stockholm"``."""
    municipality_count: int
    """How many municipalities lie in the county."""


@dataclass(frozen=True, slots=True)
class Municipality:
    """One of Sweden's 290 municipalities (kommuner)."""

    code: str
    """Four-digit municipality code with leading zero, e.g. ``"0114"``."""
    name: str
    """Municipality name, e.g. ``"Upplands Väsby"``."""
    county_code: str
    """Two-digit code of the county the municipality lies in."""


@dataclass(frozen=True, slots=True)
class AsylumApplicationsMonth:
    """Asylum applications made in Sweden in one month, as Migrationsverket published them."""

    period: str
    """The month, ``"ÅÅÅÅ-MM"``."""
    total: int
    """Every application made in the month; women plus men."""
    women: int
    men: int
    unaccompanied: int
    """Applications by unaccompanied minors; girls plus boys (counted in women and men too)."""
    unaccompanied_girls: int
    unaccompanied_boys: int
    most_common_citizenship: str
    """The citizenship with the most applications that month, in Swedish (e.g. ``"Syrien"``)."""
    most_common_citizenship_count: int
    preliminary: bool
    """Monthly figures are preliminary: the yearly statistics revise them somewhat."""


def _rows(filename: str, header: tuple[str, ...]) -> Iterator[dict[str, str]]:
    # Checking the header makes a swapped or re-exported file fail loudly instead of silently
    # loading the wrong columns.
    text = files(_DATA_PACKAGE).joinpath("data", filename).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != header:
        raise ValueError(f"{filename}: unexpected header {reader.fieldnames!r}")
    yield from reader


def _digits(value: str, length: int, what: str) -> str:
    # Codes must stay strings: "0114" read as a number would lose its leading zero.
    if len(value) != length or not value.isascii() or not value.isdigit():
        raise ValueError(f"{what} must be {length} digits, got {value!r}")
    return value


@cache
def _regions() -> tuple[Region, ...]:
    header = ("lanskod", "lan", "region", "antal_kommuner")
    return tuple(
        Region(
            code=_digits(row["lanskod"], 2, "lanskod"),
            county_name=row["lan"],
            region_name=row["region"],
            municipality_count=int(row["antal_kommuner"]),
        )
        for row in _rows("regioner.csv", header)
    )


@cache
def _municipalities() -> tuple[Municipality, ...]:
    header = ("kommunkod", "kommun", "lanskod", "lan")
    return tuple(
        Municipality(
            code=_digits(row["kommunkod"], 4, "kommunkod"),
            name=row["kommun"],
            county_code=_digits(row["lanskod"], 2, "lanskod"),
        )
        for row in _rows("kommuner.csv", header)
    )


@cache
def _population() -> tuple[tuple[str, int], ...]:
    header = ("kommunkod", "kommun", "lanskod", "folkmangd_2025_12_31")
    rows = _rows("scb_folkmangd_kommun_2025.csv", header)
    return tuple(
        (_digits(row["kommunkod"], 4, "kommunkod"), int(row["folkmangd_2025_12_31"]))
        for row in rows
    )


@cache
def _asylum_months() -> tuple[AsylumApplicationsMonth, ...]:
    header = (
        "period",
        "totalt",
        "kvinnor",
        "man",
        "ensamkommande_totalt",
        "ensamkommande_flickor",
        "ensamkommande_pojkar",
        "vanligaste_medborgarskap",
        "vanligaste_medborgarskap_antal",
        "status",
    )
    statuses = {"preliminar": True, "slutlig": False}
    months = []
    for row in _rows(ASYLUM_MONTHS_FILE, header):
        if row["status"] not in statuses:
            raise ValueError(f"{row['period']}: unknown status {row['status']!r}")
        month = AsylumApplicationsMonth(
            period=_period(row["period"]),
            total=int(row["totalt"]),
            women=int(row["kvinnor"]),
            men=int(row["man"]),
            unaccompanied=int(row["ensamkommande_totalt"]),
            unaccompanied_girls=int(row["ensamkommande_flickor"]),
            unaccompanied_boys=int(row["ensamkommande_pojkar"]),
            most_common_citizenship=row["vanligaste_medborgarskap"],
            most_common_citizenship_count=int(row["vanligaste_medborgarskap_antal"]),
            preliminary=statuses[row["status"]],
        )
        # A part that does not add up to its whole is a mistyped cell: fail rather than load it.
        if month.total != month.women + month.men:
            raise ValueError(f"{month.period}: totalt is not kvinnor + man")
        if month.unaccompanied != month.unaccompanied_girls + month.unaccompanied_boys:
            raise ValueError(f"{month.period}: ensamkommande_totalt is not flickor + pojkar")
        months.append(month)
    return tuple(months)


def _period(value: str) -> str:
    year, _, month = value.partition("-")
    if len(year) != 4 or not year.isdigit() or month not in {f"{m:02d}" for m in range(1, 13)}:
        raise ValueError(f"period must be ÅÅÅÅ-MM, got {value!r}")
    return value


@cache
def _test_numbers(filename: str, column: str) -> tuple[str, ...]:
    rows = _rows(filename, (column, "kon"))
    return tuple(_digits(row[column], 12, column) for row in rows)


def list_regions() -> list[Region]:
    """Return the 21 regions in county-code order."""
    return list(_regions())


def list_municipalities() -> list[Municipality]:
    """Return the 290 municipalities in municipality-code order."""
    return list(_municipalities())


def population_by_municipality() -> dict[str, int]:
    """Return population on 31 December 2025 keyed by four-digit municipality code.

    SCB perturbs these figures, so they do not add up exactly to the national total.
    """
    return dict(_population())


def asylum_applications_by_month() -> list[AsylumApplicationsMonth]:
    """Return Migrationsverket's monthly asylum applications, January 2017 – November 2018.

    The two Decembers were not published with the monthly series, so 2017-12 and 2018-12 are
    absent, not zero: a caller that needs them must estimate them itself. The figures are the
    preliminary monthly ones, by sex and with unaccompanied minors by sex.
    """
    return list(_asylum_months())


def test_personnummer() -> list[str]:
    """Return Skatteverket's official test personnummer as 12-digit strings (YYYYMMDDNNNC)."""
    return list(_test_numbers("skatteverket_testpersonnummer.csv", "testpersonnummer"))


def test_samordningsnummer() -> list[str]:
    """Return Skatteverket's official test samordningsnummer as 12-digit strings.

    Some have birth month ``00`` or day ``60``: the birth date is (partly) unknown.
    """
    return list(_test_numbers("skatteverket_testsamordningsnummer.csv", "testsamordningsnummer"))
