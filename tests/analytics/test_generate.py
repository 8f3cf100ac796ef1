"""The synthetic reports: contract, determinism, scale, suppression, shape and realism."""

from __future__ import annotations

import csv
import hashlib
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from samvard.analytics import generate as g
from samvard.analytics.contracts import (
    ALDERSGRUPP,
    CONTRACTS,
    KONTAKTTYP,
    SUPPRESSED,
    VARDTYP,
    VERKSAMHET,
    YRKESKATEGORI,
    ReportKind,
    column_names,
)
from samvard.analytics.generate_flow import build_persons, count_asylum, published_series
from samvard.analytics.generate_write import allocate, patient_id, patient_key
from samvard.analytics.ingest import ingest
from samvard.analytics.store import Receipt, Warehouse
from samvard.analytics.validation import (
    HSAID_RE,
    ICD10_RE,
    KVA_RE,
    looks_like_person_number,
)
from samvard.reference.loaders import (
    asylum_applications_by_month,
    list_municipalities,
    list_regions,
)

LAST = "2025-06"
MONTHS = 24
ROWS = 9_000
SEED = 11
PERIODS = g.periods_ending(LAST, MONTHS)
REGIONS = [region.code for region in list_regions()]
MUNICIPALITIES = {m.code: m.county_code for m in list_municipalities()}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("reports")
    g.generate(directory, rows=ROWS, months=MONTHS, last_period=LAST, seed=SEED)
    return directory


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def visits(out: Path) -> Iterator[dict[str, str]]:
    for region in REGIONS:
        for period in PERIODS:
            yield from read(out / g.besok_file_name(region, period))[1]


def digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir()}


# -- files and contract -------------------------------------------------------------------


def test_one_visit_file_per_region_and_month_and_one_asylum_file_per_month(out: Path) -> None:
    expected = {g.besok_file_name(r, p) for r in REGIONS for p in PERIODS}
    expected |= {g.asylum_file_name(p) for p in PERIODS}
    assert {p.name for p in out.iterdir()} == expected
    assert len(REGIONS) == 21
    assert PERIODS[-1] == LAST
    assert len(PERIODS) == MONTHS


def test_visit_files_follow_the_contract(out: Path) -> None:
    enums = {c.name: set(c.values) for c in CONTRACTS[ReportKind.BESOK] if c.values}
    ids_per_region: dict[str, set[str]] = defaultdict(set)
    for region in REGIONS:
        for period in PERIODS:
            header, rows = read(out / g.besok_file_name(region, period))
            assert tuple(header) == column_names(ReportKind.BESOK)
            assert rows, "every region reports every month"
            for row in rows:
                assert row["region"] == region
                assert row["period"] == period
                assert row["besoksdatum"].startswith(period + "-")
                assert 0 <= int(row["alder"]) <= 120
                assert row["kon"] in ("M", "K", "")
                assert MUNICIPALITIES[row["kommun"]] == region
                assert re.fullmatch(HSAID_RE, row["vardenhet_hsaid"])
                assert row["vardenhet_namn"]
                for name, allowed in enums.items():
                    assert row[name] in allowed, (name, row[name])
                assert row["halsoundersokning"] in ("0", "1")
                for code in filter(None, row["diagnoser"].split("|")):
                    assert re.fullmatch(ICD10_RE, code), code
                for code in filter(None, row["atgarder"].split("|")):
                    assert re.fullmatch(KVA_RE, code), code
                assert row["besoks_id"] not in ids_per_region[region]
                ids_per_region[region].add(row["besoks_id"])


def test_asylum_files_cover_every_municipality_age_group_and_sex(out: Path) -> None:
    for period in PERIODS:
        header, rows = read(out / g.asylum_file_name(period))
        assert tuple(header) == column_names(ReportKind.ASYLSOKANDE)
        keys = [(r["kommun"], r["aldersgrupp"], r["kon"]) for r in rows]
        assert len(keys) == len(set(keys)) == 290 * len(ALDERSGRUPP) * 2
        assert {k[0] for k in keys} == set(MUNICIPALITIES)
        for row in rows:
            assert row["period"] == period
            for name in ("inskrivna", "nyinskrivna"):
                assert row[name] == SUPPRESSED or row[name].isdigit()


def test_generated_files_pass_the_real_ingestion(out: Path, tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "analytics.duckdb")
    for path in (
        out / g.asylum_file_name(PERIODS[-1]),
        out / g.besok_file_name("01", PERIODS[-1]),
        out / g.besok_file_name("09", PERIODS[0]),
        out / g.besok_file_name("25", PERIODS[5]),  # odd region: codes without the dot
    ):
        result = ingest(warehouse, g.report_kind(path), path)
        assert isinstance(result, Receipt), result
        assert result.row_count == len(read(path)[1])


# -- determinism and scale ----------------------------------------------------------------


def test_same_seed_same_bytes_whatever_the_number_of_processes(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    g.generate(again, rows=ROWS, months=MONTHS, last_period=LAST, seed=SEED, workers=2)
    assert digests(again) == digests(out)


def test_another_seed_gives_other_data(out: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    g.generate(other, rows=ROWS, months=MONTHS, last_period=LAST, seed=SEED + 1)
    mine, theirs = digests(out), digests(other)
    assert mine.keys() == theirs.keys()
    assert sum(mine[name] != theirs[name] for name in mine) == len(mine)


@pytest.mark.parametrize("rows", [600, 5_000, 40_000])
def test_rows_are_exactly_the_number_asked_for(tmp_path: Path, rows: int) -> None:
    calls: list[tuple[int, int]] = []
    summary = g.generate(
        tmp_path,
        rows=rows,
        months=3,
        last_period="2024-02",
        seed=1,
        progress=lambda done, total: calls.append((done, total)),
    )
    written = sum(len(read(path)[1]) for path in summary.besok_files)
    assert written == summary.besok_rows == rows
    assert calls[0] == (0, rows)
    assert calls[-1] == (rows, rows)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_visits_follow_the_registered_asylum_seekers_of_each_region(out: Path) -> None:
    registered: Counter[tuple[str, str]] = Counter()
    persons = build_persons(PERIODS, SEED)
    counts = count_asylum(persons, MONTHS)
    for (month, kommun, _, _), count in counts.inskrivna.items():
        registered[MUNICIPALITIES[kommun], PERIODS[month]] += count
    produced = Counter((row["region"], row["period"]) for row in visits(out))
    keys = sorted(registered)
    assert statistics.correlation([registered[k] for k in keys], [produced[k] for k in keys]) > 0.99


def test_allocation_is_exact_proportional_and_gives_everyone_a_row() -> None:
    weights = {("01", 0): 10.0, ("01", 1): 30.0, ("09", 0): 0.0, ("09", 1): 60.0}
    split = allocate(1_004, weights)
    assert sum(split.values()) == 1_004
    assert split["09", 0] == 1
    assert split == {("01", 0): 101, ("01", 1): 301, ("09", 0): 1, ("09", 1): 601}
    with pytest.raises(ValueError, match="at least 4 rows"):
        allocate(3, weights)


# -- the asylum flow ----------------------------------------------------------------------


def test_dots_stand_exactly_for_counts_one_to_four(out: Path) -> None:
    counts = count_asylum(build_persons(PERIODS, SEED), MONTHS)
    seen = Counter()
    for month, period in enumerate(PERIODS):
        for row in read(out / g.asylum_file_name(period))[1]:
            key = (month, row["kommun"], row["aldersgrupp"], row["kon"])
            for name, truth in (
                ("inskrivna", counts.inskrivna),
                ("nyinskrivna", counts.nyinskrivna),
            ):
                count = truth.get(key, 0)
                if row[name] == SUPPRESSED:
                    assert 1 <= count <= 4
                    seen["suppressed"] += 1
                else:
                    assert int(row[name]) == count
                    assert not 1 <= count <= 4
                    seen["zero" if count == 0 else "shown"] += 1
    assert seen["suppressed"] and seen["zero"] and seen["shown"] > 10_000


def test_new_registrations_follow_migrationsverkets_monthly_series(out: Path) -> None:
    shape = g.reference_series(PERIODS)
    known, estimated = [], []
    for period in PERIODS:
        values = [row["nyinskrivna"] for row in read(out / g.asylum_file_name(period))[1]]
        known.append(sum(int(v) for v in values if v != SUPPRESSED))
        estimated.append(sum(2.5 if v == SUPPRESSED else int(v) for v in values))
    assert statistics.correlation(estimated, shape) > 0.9
    assert statistics.correlation(known, shape) > 0.9
    # The scale is the national one: the published total lies within what the file allows
    # (each ".." is 1 to 4).
    suppressed = [e - k for e, k in zip(estimated, known, strict=True)]  # 2.5 per ".."
    least = sum(known) + sum(suppressed) / 2.5
    most = sum(known) + sum(suppressed) / 2.5 * 4
    assert least * 0.95 < sum(shape) < most * 1.05


def test_the_reference_series_keeps_calendar_months() -> None:
    # Migrationsverket: August 2017 was the peak (2 839), April 2018 the low (1 573).
    assert g.reference_series(g.periods_ending("2030-08", 1)) == [1962]  # August 2018
    assert g.reference_series(g.periods_ending("2030-08", 13))[0] == 2839  # August 2017
    assert g.reference_series(g.periods_ending("2030-04", 1)) == [1573]
    assert len(g.reference_series(g.periods_ending("2030-04", 30))) == 30


def test_the_series_is_migrationsverkets_with_the_decembers_interpolated() -> None:
    series = published_series()
    assert len(series) == 24
    published = {
        m.period: (m.total, m.women, m.men, m.unaccompanied_girls, m.unaccompanied_boys)
        for m in asylum_applications_by_month()
    }
    periods = [f"{year}-{month:02d}" for year in (2017, 2018) for month in range(1, 13)]
    assert set(published) == set(periods) - {"2017-12", "2018-12"}
    for period, row in zip(periods, series, strict=True):
        if period in published:
            assert row == published[period]
    assert series[periods.index("2018-10")][3:] == (21, 46)  # girls and boys, as published
    dec17, dec18 = series[11], series[23]
    nov17, jan18, nov18 = published["2017-11"], published["2018-01"], published["2018-11"]
    assert dec17 == tuple(round((a + b) / 2) for a, b in zip(nov17, jan18, strict=True))
    assert dec17[0] == 2136  # (2 111 + 2 161) / 2
    assert dec18 == tuple(round(n * d / m) for n, d, m in zip(nov18, dec17, nov17, strict=True))


def test_the_stock_is_calibrated_to_vastra_gotaland_and_spread_by_population() -> None:
    counts = count_asylum(build_persons(PERIODS, SEED), MONTHS)
    by_municipality: Counter[str] = Counter()
    for (month, kommun, _, _), count in counts.inskrivna.items():
        if month == 0:
            by_municipality[kommun] += count
    vastra_gotaland = sum(c for k, c in by_municipality.items() if MUNICIPALITIES[k] == "14")
    assert vastra_gotaland == pytest.approx(17_000, rel=0.1)
    assert by_municipality["0180"] > by_municipality["2560"] * 20  # Stockholm, Älvsbyn
    assert len(by_municipality) == 290  # asylum seekers everywhere


def test_age_groups_and_sexes_are_plausible(out: Path) -> None:
    by_group: Counter[str] = Counter()
    by_sex: Counter[str] = Counter()
    for row in read(out / g.asylum_file_name(PERIODS[-1]))[1]:
        if row["inskrivna"] != SUPPRESSED:
            by_group[row["aldersgrupp"]] += int(row["inskrivna"])
            by_sex[row["kon"]] += int(row["inskrivna"])
    total = sum(by_group.values())
    assert 0.55 < by_group["18-64"] / total < 0.8
    assert by_group["65+"] < by_group["0-5"] < by_group["18-64"]
    assert 0.55 < by_sex["M"] / total < 0.7  # Migrationsverket: about 60 % men


# -- visits -------------------------------------------------------------------------------


def test_no_patient_id_can_be_a_personnummer_and_ids_are_stable(out: Path) -> None:
    months_per_id: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in visits(out):
        pid = row["patient_id"]
        assert re.fullmatch(r"P[a-z]{12}", pid)
        assert not looks_like_person_number(pid)
        assert not re.search("[0-9]", pid)  # nor can any part of it be one
        months_per_id[row["region"], pid].add(row["period"])
    returning = sum(len(months) > 1 for months in months_per_id.values())
    assert returning > 100  # the same person, the same pseudonym, in another month


def test_patient_ids_are_unique_per_person() -> None:
    key = patient_key("01", SEED)
    ids = {patient_id(index, key) for index in range(200_000)}
    assert len(ids) == 200_000


def test_clinics_are_stable_and_every_region_has_every_kind(out: Path) -> None:
    clinics = g.clinics_by_region()
    known = {c.hsaid: c for units in clinics.values() for c in units}
    assert len(known) == sum(len(units) for units in clinics.values())  # ids unique
    for region, units in clinics.items():
        assert {u.verksamhet for u in units} == set(VERKSAMHET), region
    with_centre = {
        u.kommun for units in clinics.values() for u in units if u.verksamhet == "vardcentral"
    }
    assert with_centre == set(MUNICIPALITIES)
    used = set()
    for row in visits(out):
        clinic = known[row["vardenhet_hsaid"]]
        assert (row["vardenhet_namn"], row["verksamhet"], row["kommun"]) == (
            clinic.name,
            clinic.verksamhet,
            clinic.kommun,
        )
        used.add(clinic.hsaid)
    assert len(used) > len(known) * 0.5


def test_the_mix_of_care_is_plausible(out: Path) -> None:
    rows = list(visits(out))
    count = len(rows)
    share = Counter(r["verksamhet"] for r in rows)
    assert set(share) == set(VERKSAMHET)
    assert share["vardcentral"] == max(share.values())
    assert {r["kontakttyp"] for r in rows} == set(KONTAKTTYP)
    assert {r["vardtyp"] for r in rows} == set(VARDTYP)
    assert {r["yrkeskategori"] for r in rows} == set(YRKESKATEGORI)
    assert all(r["vardtyp"] == "akut" for r in rows if r["verksamhet"] == "akutmottagning")
    codes = [c for r in rows for c in r["diagnoser"].split("|") if c]
    assert sum(c.startswith("F") for c in codes) > count * 0.05
    assert sum(c[0] in "AB" for c in codes) > count * 0.01
    assert sum(bool(r["atgarder"]) for r in rows) > count * 0.1
    births = [r for r in rows if re.search(r"(^|\|)O8[0-4]", r["diagnoser"])]
    assert births
    for birth in births:
        assert birth["kon"] in ("K", "")
        assert 18 <= int(birth["alder"]) <= 45
        assert birth["verksamhet"] == "kvinnoklinik"
        assert birth["kontakttyp"] == "inlaggning"
    # Regions differ in how they write codes: with the dot (F43.1) and without (F431).
    dotted = {r["region"] for r in rows if "." in r["diagnoser"]}
    assert "01" not in dotted and "14" in dotted
    for r in rows:
        if r["halsoundersokning"] == "1":
            assert r["verksamhet"] in ("asylhalsa", "vardcentral")
            assert r["diagnoser"].startswith("Z00")


def test_health_examinations_are_mostly_for_the_newly_registered(out: Path) -> None:
    persons = build_persons(PERIODS, SEED)
    index_of: dict[tuple[str, str], int] = {}
    for region in REGIONS:
        key = patient_key(region, SEED)
        for i in range(len(persons)):
            if persons.region[i] == region:
                index_of[region, patient_id(i, key)] = i
    months_since_arrival = []
    for row in visits(out):
        if row["halsoundersokning"] == "1":
            person = index_of[row["region"], row["patient_id"]]
            months_since_arrival.append(PERIODS.index(row["period"]) - persons.arrival[person])
    assert len(months_since_arrival) > ROWS * 0.02
    recent = sum(0 <= m <= 2 for m in months_since_arrival)
    assert recent > 0.9 * len(months_since_arrival)
    by_person = Counter(
        (r["region"], r["patient_id"]) for r in visits(out) if r["halsoundersokning"] == "1"
    )
    assert max(by_person.values()) == 1  # one examination per person


# -- periods and the command --------------------------------------------------------------


def test_periods() -> None:
    from datetime import date

    assert g.previous_month(date(2026, 1, 15)) == "2025-12"
    assert g.periods_ending("2025-02", 3) == ("2024-12", "2025-01", "2025-02")
    with pytest.raises(ValueError, match="ÅÅÅÅ-MM"):
        g.periods_ending("2025-13", 2)


def test_the_command_writes_the_reports_with_progress_on_stderr(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "ut"
    args = [str(target), "--rows", "2000", "--months", "2", "--last-period", "2025-03"]
    result = runner.invoke(g.generate_command, [*args, "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "besöksrader" in result.stderr
    assert "42 besöksfiler (2000 rader)" in result.stdout
    assert len(list(target.glob("besok_*_2025-0[23].csv"))) == 42
    assert len(list(target.glob("asylsokande_2025-0[23].csv"))) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--last-period", "2025-3x"], "ÅÅÅÅ-MM"),
        (["--rows", "20", "--months", "2"], "minst 42 rader"),
        (["--rows", "0"], "--rows"),
    ],
)
def test_the_command_refuses_bad_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(g.generate_command, [str(tmp_path / "ut"), *args])
    assert result.exit_code == 2
    assert message in result.output
