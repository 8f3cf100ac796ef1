"""Tests for samvard.reference.loaders and the packaged reference data."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

import samvard
from samvard.reference import loaders
from samvard.reference.loaders import AsylumApplicationsMonth, Municipality, Region

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


def test_asylum_applications_by_month() -> None:
    months = loaders.asylum_applications_by_month()
    periods = [m.period for m in months]
    # Published Jan–Nov of 2017 and 2018: the Decembers are absent, not zero.
    expected = [f"{y}-{m:02d}" for y in (2017, 2018) for m in range(1, 12)]
    assert periods == expected
    assert "2017-12" not in periods and "2018-12" not in periods
    assert months[0] == AsylumApplicationsMonth(
        period="2017-01",
        total=1991,
        women=794,
        men=1197,
        unaccompanied=127,
        unaccompanied_girls=31,
        unaccompanied_boys=96,
        most_common_citizenship="Syrien",
        most_common_citizenship_count=252,
        preliminary=True,
    )
    by_period = {m.period: m for m in months}
    assert by_period["2017-08"].total == max(m.total for m in months) == 2839  # the peak
    assert by_period["2018-04"].total == min(m.total for m in months) == 1573
    october = by_period["2018-10"]
    assert (october.unaccompanied_girls, october.unaccompanied_boys) == (21, 46)
    for month in months:
        assert month.total == month.women + month.men
        assert month.unaccompanied == month.unaccompanied_girls + month.unaccompanied_boys
        assert month.unaccompanied_boys <= month.men
        assert month.unaccompanied_girls <= month.women
        assert month.preliminary
    # Migrationsverket's final figure for 2017 is 25 666: the preliminary months without
    # December fall short of it by about one month's applications.
    in_2017 = sum(m.total for m in months if m.period.startswith("2017"))
    assert in_2017 == 23_754
    assert 1_500 < 25_666 - in_2017 < 2_500  # about one month: the missing December


def test_asylum_months_that_do_not_add_up_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    text = files("samvard.reference").joinpath("data", loaders.ASYLUM_MONTHS_FILE).read_text()
    broken = text.replace("2017-01,1991,794,", "2017-01,1991,795,")
    assert broken != text

    def rows(filename: str, header: tuple[str, ...]) -> Iterator[dict[str, str]]:
        reader = csv.DictReader(io.StringIO(broken))
        assert tuple(reader.fieldnames or ()) == header
        yield from reader

    loaders._asylum_months.cache_clear()
    monkeypatch.setattr(loaders, "_rows", rows)
    try:
        with pytest.raises(ValueError, match="2017-01: totalt is not kvinnor"):
            loaders.asylum_applications_by_month()
    finally:
        loaders._asylum_months.cache_clear()
    with pytest.raises(ValueError, match="ÅÅÅÅ-MM"):
        loaders._period("2017-13")


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
        "migrationsverket_asylsokande_manad_2017-2018.csv",
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
