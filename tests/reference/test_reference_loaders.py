"""Tests for samvard.reference.loaders and the packaged reference data."""

from __future__ import annotations

from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

import samvard
from samvard.reference import loaders
from samvard.reference.loaders import Municipality, Region

# Imported as a module: functions named test_* must not be collected by pytest.


def test_regions() -> None:
    regions = loaders.list_regions()
    assert len(regions) == 21
    assert regions[0] == Region(
        code="01",
        county_name="Stockholms län",
        region_name="Region Stockholm",
        municipality_count=26,
    )
    assert len({r.code for r in regions}) == 21
    assert all(len(r.code) == 2 and r.code.isdigit() for r in regions)
    vgr = next(r for r in regions if r.code == "14")
    assert vgr.region_name == "Västra Götalandsregionen"


def test_municipalities() -> None:
    municipalities = loaders.list_municipalities()
    assert len(municipalities) == 290
    assert municipalities[0] == Municipality(code="0114", name="Upplands Väsby", county_code="01")
    assert len({m.code for m in municipalities}) == 290
    assert all(len(m.code) == 4 and m.code.isdigit() for m in municipalities)
    assert all(m.code.startswith(m.county_code) for m in municipalities)


def test_every_municipality_lies_in_a_known_region() -> None:
    region_codes = {r.code for r in loaders.list_regions()}
    counts = Counter(m.county_code for m in loaders.list_municipalities())
    assert set(counts) == region_codes
    assert {r.code: r.municipality_count for r in loaders.list_regions()} == dict(counts)


def test_population() -> None:
    population = loaders.population_by_municipality()
    assert set(population) == {m.code for m in loaders.list_municipalities()}
    assert all(count > 0 for count in population.values())
    # SCB perturbs each cell, so the sum is close to, not equal to, the national total.
    assert abs(sum(population.values()) - 10_605_529) < 100


def test_official_test_numbers() -> None:
    personnummer = loaders.test_personnummer()
    samordningsnummer = loaders.test_samordningsnummer()
    assert len(personnummer) == 41_493
    assert len(samordningsnummer) == 2_240
    for number in personnummer + samordningsnummer:
        assert len(number) == 12
        assert number.isascii()
        assert number.isdigit()
    assert all(int(n[6:8]) >= 60 for n in samordningsnummer)
    assert "191212121212" not in personnummer


def test_results_are_copies_so_the_cache_cannot_be_corrupted() -> None:
    loaders.list_regions().clear()
    loaders.population_by_municipality().clear()
    loaders.test_personnummer().clear()
    assert len(loaders.list_regions()) == 21
    assert len(loaders.population_by_municipality()) == 290
    assert len(loaders.test_personnummer()) == 41_493


def test_data_is_packaged_with_sources() -> None:
    data = Path(str(files("samvard.reference").joinpath("data")))
    package_root = Path(samvard.__file__).parent
    assert data.is_relative_to(package_root)
    expected = {
        "SOURCES.md",
        "kommuner.csv",
        "regioner.csv",
        "scb_folkmangd_kommun_2025.csv",
        "skatteverket_testpersonnummer.csv",
        "skatteverket_testsamordningsnummer.csv",
    }
    assert expected <= {p.name for p in data.iterdir()}


def test_malformed_data_fails_loudly() -> None:
    with pytest.raises(ValueError, match="unexpected header"):
        list(loaders._rows("kommuner.csv", ("kommunkod", "namn")))
    with pytest.raises(ValueError, match="must be 4 digits"):
        loaders._digits("114", 4, "kommunkod")
    with pytest.raises(ValueError, match="must be 4 digits"):
        loaders._digits("０１１４", 4, "kommunkod")
