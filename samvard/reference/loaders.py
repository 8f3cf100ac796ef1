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


def test_personnummer() -> list[str]:
    """Return Skatteverket's official test personnummer as 12-digit strings (YYYYMMDDNNNC)."""
    return list(_test_numbers("skatteverket_testpersonnummer.csv", "testpersonnummer"))


def test_samordningsnummer() -> list[str]:
    """Return Skatteverket's official test samordningsnummer as 12-digit strings.

    Some have birth month ``00`` or day ``60``: the birth date is (partly) unknown.
    """
    return list(_test_numbers("skatteverket_testsamordningsnummer.csv", "testsamordningsnummer"))
