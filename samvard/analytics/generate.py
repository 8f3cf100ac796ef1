"""Synthetic monthly reports for demo and benchmark, in the contracts of contracts.py.

One `asylsokande` file per month and one `besok` file per region and month, for all 21
regions and 290 municipalities. Everything follows from the seed: the same arguments give
the same bytes.

How the data is made, and why:

- Asylum flow. Newly registered asylum seekers per month follow Migrationsverket's published
  monthly applications (2017–2018, by sex and unaccompanied minors; the two Decembers are not
  published and are interpolated), aligned by calendar month so that seasonality lands where
  it belongs: the last generated month takes the 2018 figure of its calendar month, and
  each month before it the month before that in the series, from 2017-01 round to 2018-12
  (a longer run repeats the two years). Newly registered persons are spread
  over municipalities by population (slightly less than proportional, as reception is
  spread to smaller places too) with a fixed random variation per municipality, and over
  age groups by sex. The stock at the start is calibrated to the one published regional
  figure: about 17 000 registered in Västra Götaland (February 2017).
- Persons. Every registered asylum seeker is a person with an arrival and a departure month
  (a constant monthly exit rate), a home municipality, sex and age; the asylum file counts
  them at each month end, so visits and asylum figures describe one population. Counts 1–4
  are written as `..`, as Migrationsverket does.
- Visits. A region's visits in a month are proportional to its registered asylum seekers,
  and the total is exactly `rows`. Newly registered persons get a health examination, most
  in their first month. Other visits go to registered persons in proportion to a personal
  visit frequency; about a quarter of persons have mental-health needs and visit psychiatry,
  psychologists and counsellors more. What a visit is (unit kind, contact, acute or planned,
  profession, ICD-10-SE diagnoses, KVÅ codes) is drawn from a model per age band and sex.
- Clinics. Every municipality has one or more health centres; the largest municipalities
  of a region have its hospital clinics, asylum health unit and psychiatry. Clinics depend
  only on the reference data, so they are the same for every seed and month.

Visit rows are produced one region and month at a time and written in blocks, so memory
does not grow with `rows`; several processes share the region-months when there are many.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path

import click

from samvard.analytics.contracts import (
    ALDERSGRUPP,
    SUPPRESSED,
    VERKSAMHET,
    ReportKind,
    column_names,
)
from samvard.reference.loaders import (
    list_municipalities,
    list_regions,
    population_by_municipality,
)

Progress = Callable[[int, int], None]

DEFAULT_ROWS = 1_000_000
DEFAULT_MONTHS = 24
DEFAULT_SEED = 2017
MAX_ROWS = 50_000_000
SUPPRESS_BELOW = 5  # Migrationsverket writes counts 1-4 as ".."
IN_PROCESS_BELOW = 300_000  # fewer rows than this: starting processes costs more than it saves
WRITE_BLOCK = 20_000  # lines joined and written at once

# Migrationsverket: asylum applications per month, as published by SCB (preliminary figures).
# (period, total, women, men, unaccompanied girls, unaccompanied boys). December is missing.
_PUBLISHED_MONTHS: tuple[tuple[str, int, int, int, int, int], ...] = (
    ("2017-01", 1991, 794, 1197, 31, 96),
    ("2017-02", 1770, 713, 1057, 16, 60),
    ("2017-03", 1952, 771, 1181, 29, 74),
    ("2017-04", 1582, 642, 940, 23, 54),
    ("2017-05", 1784, 721, 1063, 18, 76),
    ("2017-06", 2362, 902, 1460, 22, 78),
    ("2017-07", 2323, 898, 1425, 20, 107),
    ("2017-08", 2839, 1137, 1702, 24, 128),
    ("2017-09", 2642, 1029, 1613, 41, 87),
    ("2017-10", 2398, 910, 1488, 22, 96),
    ("2017-11", 2111, 780, 1331, 23, 111),
    ("2018-01", 2161, 834, 1327, 26, 67),
    ("2018-02", 1684, 656, 1028, 20, 60),
    ("2018-03", 1656, 655, 1001, 23, 77),
    ("2018-04", 1573, 640, 933, 17, 48),
    ("2018-05", 1660, 655, 1005, 17, 50),
    ("2018-06", 1642, 677, 965, 12, 38),
    ("2018-07", 1888, 786, 1102, 25, 61),
    ("2018-08", 1962, 809, 1153, 20, 59),
    ("2018-09", 1820, 734, 1086, 27, 80),
    ("2018-10", 2010, 825, 1185, 21, 67),
    ("2018-11", 1745, 664, 1081, 24, 59),
)
# The only published regional stock: about 17 000 registered in Västra Götaland, Feb 2017.
_ANCHOR_REGION, _ANCHOR_STOCK = "14", 17_000
EXIT_RATE = 0.035  # share of the registered who leave the reception system each month
POPULATION_EXPONENT = 0.85  # below 1: smaller municipalities get somewhat more per inhabitant
MUNICIPALITY_VARIATION = 0.45  # sd of the log of each municipality's fixed factor
# Shares of accompanied asylum seekers by age group (0-5, 6-17, 18-64, 65+), per sex;
# unaccompanied minors are added to 6-17.
_AGE_SHARES = {"K": (0.17, 0.16, 0.64, 0.03), "M": (0.12, 0.13, 0.73, 0.02)}
_AGE_RANGES = ((0, 5), (6, 17), (18, 64), (65, 90))
SEXES = ("K", "M")
EXAMINED_SHARE = 0.75  # of newly registered who get (and attend) a health examination
EXAM_MONTH = (0.55, 0.30, 0.15)  # months after arrival the examination is scheduled
EXAM_CAP = 0.3  # at most this share of a region-month's visits are examinations
UNKNOWN_SEX_SHARE = 0.004  # persons whose sex is left blank in the visit reports


# ---------------------------------------------------------------------------------------
# Periods and the reference series


def _rng(seed: int, *parts: str) -> random.Random:
    """A generator of its own for each part of the data, so parts do not depend on order."""
    return random.Random(":".join((str(seed), *parts)))  # noqa: S311 - synthetic data, no secrets


def previous_month(today: date | None = None) -> str:
    """The month before ``today`` as ÅÅÅÅ-MM: the default last period."""
    first = (today or date.today()).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def periods_ending(last: str, months: int) -> tuple[str, ...]:
    """``months`` consecutive periods ÅÅÅÅ-MM ending with ``last``."""
    year, month = _parse_period(last)
    index = year * 12 + month - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1))


def _parse_period(text: str) -> tuple[int, int]:
    try:
        year_text, month_text = text.split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        raise ValueError(f"not a period ÅÅÅÅ-MM: {text!r}") from None
    if len(year_text) != 4 or not 1 <= month <= 12:
        raise ValueError(f"not a period ÅÅÅÅ-MM: {text!r}")
    return year, month


def _published_series() -> list[tuple[int, int, int, int, int]]:
    """The 24 months 2017-01..2018-12; each December is interpolated from its neighbours."""
    by_period = {row[0]: list(row[1:]) for row in _PUBLISHED_MONTHS}
    nov17, jan18, nov18 = by_period["2017-11"], by_period["2018-01"], by_period["2018-11"]
    dec17 = [round((a + b) / 2) for a, b in zip(nov17, jan18, strict=True)]
    by_period["2017-12"] = dec17
    by_period["2018-12"] = [round(n * d / m) for n, d, m in zip(nov18, dec17, nov17, strict=True)]
    series = []
    for year in (2017, 2018):
        for month in range(1, 13):
            total, women, men, girls, boys = by_period[f"{year}-{month:02d}"]
            series.append((total, women, men, girls, boys))
    return series


def _reference_rows(periods: Sequence[str]) -> list[tuple[int, int, int, int, int]]:
    # The last period takes its calendar month in 2018; earlier ones step back through the
    # series (from 2017-01 round to 2018-12), so every month keeps its own season.
    series = _published_series()
    _, last_month = _parse_period(periods[-1])
    last_index = 12 + last_month - 1
    count = len(periods)
    return [series[(last_index - (count - 1 - i)) % len(series)] for i in range(count)]


def reference_series(periods: Sequence[str]) -> list[int]:
    """Migrationsverket's national applications aligned to ``periods`` (the target shape)."""
    return [row[0] for row in _reference_rows(periods)]


# ---------------------------------------------------------------------------------------
# Geography: municipalities, their weights, and clinics


@dataclass(frozen=True)
class Clinic:
    """A care unit: HSA-id, name, kind of unit (verksamhet) and its municipality."""

    hsaid: str
    name: str
    verksamhet: str
    kommun: str

    def csv(self) -> str:
        """The unit's three contract columns (kommun, vardenhet_hsaid, vardenhet_namn)."""
        return ",".join(_csv_field(v) for v in (self.kommun, self.hsaid, self.name))


_CLINIC_KINDS = {
    "vardcentral": ("VC", "Vårdcentralen {}"),
    "asylhalsa": ("AH", "Asylhälsan {}"),
    "barnpsykiatri": ("BUP", "Barn- och ungdomspsykiatrin {}"),
    "vuxenpsykiatri": ("VPM", "Vuxenpsykiatriska mottagningen {}"),
    "infektion": ("INF", "Infektionskliniken {}"),
    "kvinnoklinik": ("KK", "Kvinnokliniken {}"),
    "akutmottagning": ("AKM", "Akutmottagningen {}"),
    "ovrig_specialist": ("MED", "Medicinmottagningen {}"),
}
_HEALTH_CENTRE_SUFFIXES = ("", " Centrum", " Norra", " Södra", " Östra", " Västra")
_HOSPITAL_KINDS = ("akutmottagning", "kvinnoklinik", "ovrig_specialist", "vuxenpsykiatri")


def _csv_field(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def clinics_by_region() -> dict[str, tuple[Clinic, ...]]:
    """Every region's care units; the same for every seed and month.

    Each municipality has 1–6 health centres by population. The region's largest
    municipality has every kind of unit; the second and third largest (in larger regions)
    have a hospital with emergency, women's, medical and adult psychiatric clinics, and the
    second largest of a big region also child psychiatry and an asylum health unit.
    """
    population = population_by_municipality()
    municipalities = list_municipalities()
    names = {m.code: m.name for m in municipalities}
    result: dict[str, tuple[Clinic, ...]] = {}
    for region in list_regions():
        codes = [m.code for m in municipalities if m.county_code == region.code]
        by_size = sorted(codes, key=lambda c: (-population[c], c))
        region_population = sum(population[c] for c in codes)
        kinds: dict[str, list[str]] = {code: [] for code in codes}
        kinds[by_size[0]] += [k for k in VERKSAMHET if k != "vardcentral"]
        if len(by_size) >= 5:
            kinds[by_size[1]] += list(_HOSPITAL_KINDS)
        if len(by_size) >= 12:
            kinds[by_size[2]] += list(_HOSPITAL_KINDS)
        if region_population >= 1_000_000:
            kinds[by_size[1]] += ["barnpsykiatri", "asylhalsa"]
        serial: dict[str, int] = {}
        clinics = []
        for code in codes:
            centres = min(len(_HEALTH_CENTRE_SUFFIXES), 1 + population[code] // 60_000)
            units = [("vardcentral", suffix) for suffix in _HEALTH_CENTRE_SUFFIXES[:centres]]
            units += [(kind, "") for kind in VERKSAMHET if kind in kinds[code]]
            for kind, suffix in units:
                abbreviation, pattern = _CLINIC_KINDS[kind]
                serial[kind] = serial.get(kind, 0) + 1
                hsaid = f"SE23210000{region.code}-{abbreviation}{serial[kind]:03d}"
                clinics.append(Clinic(hsaid, pattern.format(names[code]) + suffix, kind, code))
        result[region.code] = tuple(clinics)
    return result


def municipality_weights(seed: int) -> dict[str, float]:
    """Each municipality's share of the asylum seekers: population^0.85 times a fixed factor."""
    rng = _rng(seed, "kommuner")
    population = population_by_municipality()
    raw = {
        m.code: population[m.code] ** POPULATION_EXPONENT
        * math.exp(rng.gauss(0.0, MUNICIPALITY_VARIATION))
        for m in list_municipalities()
    }
    total = sum(raw.values())
    return {code: value / total for code, value in raw.items()}


# ---------------------------------------------------------------------------------------
# Persons and the asylum-flow counts


@dataclass
class Persons:
    """Every registered asylum seeker of the generated period, as parallel lists.

    Months are indices into the periods; an arrival before the first period is negative.
    A person is registered at the end of months ``arrival`` .. ``departure - 1``.
    """

    region: list[str] = field(default_factory=list)
    kommun: list[str] = field(default_factory=list)
    sex: list[str] = field(default_factory=list)
    reported_sex: list[str] = field(default_factory=list)  # blank for a few, as in real reports
    base_age: list[int] = field(default_factory=list)  # age in years at month 0 ...
    birth_offset: list[int] = field(default_factory=list)  # ... plus (month + offset) // 12
    arrival: list[int] = field(default_factory=list)
    departure: list[int] = field(default_factory=list)
    exam_month: list[int] = field(default_factory=list)  # -1: no examination scheduled
    mental: list[bool] = field(default_factory=list)
    frequency: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        """How many persons there are."""
        return len(self.arrival)

    def age(self, index: int, month: int) -> int:
        """The person's age in whole years during ``month``."""
        return self.base_age[index] + (month + self.birth_offset[index]) // 12


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 40:  # the normal approximation is close enough and far faster
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _months_until_exit(rng: random.Random) -> int:
    return int(math.log(1.0 - rng.random()) / math.log(1.0 - EXIT_RATE))


def _age_group(age: int) -> int:
    return 0 if age < 6 else 1 if age < 18 else 2 if age < 65 else 3


def _expected_arrivals(row: tuple[int, int, int, int, int]) -> list[tuple[int, str, float]]:
    """National newly registered in one month by (age group, sex)."""
    _, women, men, girls, boys = row
    result = []
    for sex, everyone, unaccompanied in (("K", women, girls), ("M", men, boys)):
        accompanied = everyone - unaccompanied
        for group, share in enumerate(_AGE_SHARES[sex]):
            extra = unaccompanied if group == 1 else 0
            result.append((group, sex, accompanied * share + extra))
    return result


def _add_person(
    persons: Persons,
    rng: random.Random,
    where: tuple[str, str, int, str],
    arrival: int,
    departure: int,
    months: int,
) -> None:
    """Add one person: age within the group, examination month, needs and visit frequency."""
    region, kommun, group, sex = where
    low, high = _AGE_RANGES[group]
    if group == 2:  # adults: most are young
        age = low + int((high - low + 1) * rng.random() ** 1.6)
    elif group == 3:
        age = low + int((high - low + 1) * rng.random() ** 1.5)
    else:
        age = rng.randint(low, high)
    offset = rng.randrange(12)
    persons.region.append(region)
    persons.kommun.append(kommun)
    persons.sex.append(sex)
    persons.reported_sex.append("" if rng.random() < UNKNOWN_SEX_SHARE else sex)
    persons.birth_offset.append(offset)
    persons.base_age.append(age - (max(arrival, 0) + offset) // 12)
    persons.arrival.append(arrival)
    persons.departure.append(departure)
    exam = -1
    if arrival >= 0 and rng.random() < EXAMINED_SHARE:
        exam = arrival + rng.choices((0, 1, 2), EXAM_MONTH)[0]
    elif arrival < 0 and rng.random() < 0.05:  # a few long-registered are examined late
        exam = rng.randrange(3)
    persons.exam_month.append(exam if exam < min(departure, months) else -1)
    # Mental-health needs are common, most of all among 6-17 boys (mostly unaccompanied).
    mental_share = (0.05, 0.3 if sex == "M" else 0.2, 0.25, 0.15)[group]
    mental = rng.random() < mental_share
    persons.mental.append(mental)
    frequency = rng.gammavariate(0.7, 1 / 0.7) * (1.8 if mental else 1.0)
    frequency *= (1.3, 1.0, 1.3 if sex == "K" and age < 45 else 1.0, 1.5)[group]
    persons.frequency.append(frequency)


def build_persons(periods: Sequence[str], seed: int) -> Persons:
    """The asylum seekers registered at some month end of ``periods``, from the seed."""
    rng = _rng(seed, "personer")
    weights = municipality_weights(seed)
    county = {m.code: m.county_code for m in list_municipalities()}
    anchor_share = sum(w for code, w in weights.items() if county[code] == _ANCHOR_REGION)
    start_stock = _ANCHOR_STOCK / anchor_share
    rows = _reference_rows(periods)
    arrivals_by_month = [_expected_arrivals(row) for row in rows]
    # The stock at the start has the average make-up of the arrivals.
    mix: dict[tuple[int, str], float] = {}
    for expected_this_month in arrivals_by_month:
        for group, sex, expected in expected_this_month:
            mix[group, sex] = mix.get((group, sex), 0.0) + expected
    mix_total = sum(mix.values())
    persons = Persons()
    months = len(periods)
    for code, weight in weights.items():
        for (group, sex), amount in sorted(mix.items()):
            where = (county[code], code, group, sex)
            for _ in range(_poisson(rng, start_stock * amount / mix_total * weight)):
                arrival = -1 - _months_until_exit(rng)
                departure = _months_until_exit(rng)
                if departure > 0:
                    _add_person(persons, rng, where, arrival, departure, months)
        for month, expected_by_cell in enumerate(arrivals_by_month):
            for group, sex, expected in expected_by_cell:
                where = (county[code], code, group, sex)
                for _ in range(_poisson(rng, expected * weight)):
                    departure = month + 1 + _months_until_exit(rng)
                    _add_person(persons, rng, where, month, departure, months)
    return persons


@dataclass(frozen=True)
class AsylumCounts:
    """True counts per (month index, kommun, age group, sex): registered and newly registered."""

    inskrivna: dict[tuple[int, str, str, str], int]
    nyinskrivna: dict[tuple[int, str, str, str], int]


_GROUP_STARTS = (6, 18, 65)


def count_asylum(persons: Persons, months: int) -> AsylumCounts:
    """Count the persons at each month end, by their age group that month."""
    # A person's age group changes at most a few times: add +1/-1 at the ends of each
    # stretch in one group, then sum along the months.
    changes: dict[tuple[str, str, str], list[int]] = {}
    new: dict[tuple[int, str, str, str], int] = {}
    for i in range(len(persons)):
        kommun, sex = persons.kommun[i], persons.sex[i]
        base, offset = persons.base_age[i], persons.birth_offset[i]
        month, end = max(persons.arrival[i], 0), min(persons.departure[i], months)
        if 0 <= persons.arrival[i] < months:
            group = ALDERSGRUPP[_age_group(persons.age(i, month))]
            new[month, kommun, group, sex] = new.get((month, kommun, group, sex), 0) + 1
        while month < end:
            age = base + (month + offset) // 12
            next_start = next((a for a in _GROUP_STARTS if a > age), None)
            # The first month in which the person is next_start years old.
            stop = end if next_start is None else min(end, 12 * (next_start - base) - offset)
            key = (kommun, ALDERSGRUPP[_age_group(age)], sex)
            line = changes.get(key)
            if line is None:
                line = changes[key] = [0] * (months + 1)
            line[month] += 1
            line[stop] -= 1
            month = stop
    registered: dict[tuple[int, str, str, str], int] = {}
    for (kommun, group, sex), line in changes.items():
        for month, count in enumerate(accumulate(line[:months])):
            if count:
                registered[month, kommun, group, sex] = count
    return AsylumCounts(registered, new)


def registered_by_region(counts: AsylumCounts) -> dict[tuple[str, int], int]:
    """Registered asylum seekers per (region, month index): the weight of the visits."""
    result: dict[tuple[str, int], int] = {}
    for (month, kommun, _, _), count in counts.inskrivna.items():
        key = (kommun[:2], month)
        result[key] = result.get(key, 0) + count
    return result


def shown(count: int) -> str:
    """A count as Migrationsverket writes it: 1–4 suppressed as ``..``."""
    return SUPPRESSED if 0 < count < SUPPRESS_BELOW else str(count)


def write_asylum_file(path: Path, month: int, period: str, counts: AsylumCounts) -> int:
    """Write one month's asylum-flow report: every municipality, age group and sex."""
    lines = [",".join(column_names(ReportKind.ASYLSOKANDE)) + "\n"]
    for municipality in list_municipalities():
        for group in ALDERSGRUPP:
            for sex in SEXES:
                key = (month, municipality.code, group, sex)
                registered = shown(counts.inskrivna.get(key, 0))
                new = shown(counts.nyinskrivna.get(key, 0))
                lines.append(f"{period},{municipality.code},{group},{sex},{registered},{new}\n")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.writelines(lines)
    return len(lines) - 1


# ---------------------------------------------------------------------------------------
# What a visit is: templates drawn from a model per age band, sex and mental-health need

_BANDS = ((0, 5), (6, 17), (18, 44), (45, 64), (65, 200))
BAND_OF_AGE = tuple(
    next(b for b, (lo, hi) in enumerate(_BANDS) if lo <= a <= hi) for a in range(121)
)
POOL_SIZE = 1024

_F_ADULT = (("F43.1", 30), ("F32.1", 15), ("F43.2", 12), ("F41.1", 10), ("F51.0", 8),
            ("F32.9", 5), ("F41.9", 5), ("F43.0", 5), ("F33.1", 4), ("F10.2", 2),
            ("F20.9", 1), ("F60.3", 1))  # fmt: skip
_F_CHILD = (("F43.1", 30), ("F43.2", 15), ("F90.0", 12), ("F93.0", 10), ("F32.1", 8),
            ("F51.5", 8), ("F91.3", 5), ("F98.0", 5), ("F84.0", 5), ("F41.1", 2))  # fmt: skip
_INFECTIONS = (("A15.0", 6), ("A16.2", 4), ("B18.1", 14), ("B18.2", 6), ("B20.9", 2),
               ("B86", 16), ("B35.4", 8), ("B80", 5), ("B65.9", 3), ("B54", 2), ("A06.0", 2),
               ("A08.4", 8), ("A09.9", 8), ("B01.9", 4), ("A46", 4), ("A38.9", 2),
               ("B34.9", 6))  # fmt: skip
_GENERAL_ADULT = (("J06.9", 14), ("M54.5", 10), ("R51.9", 8), ("K29.7", 6), ("N39.0", 6),
                  ("R10.4", 6), ("L30.9", 5), ("M79.1", 6), ("D50.9", 5), ("E55.9", 4),
                  ("E11.9", 5), ("I10.9", 5), ("K02.9", 4), ("J02.9", 4), ("H10.9", 2),
                  ("Z76.0", 4), ("Z02.7", 4))  # fmt: skip
_GENERAL_CHILD = (("J06.9", 22), ("H66.9", 12), ("J02.9", 6), ("A08.4", 6), ("B80", 4),
                  ("L20.9", 6), ("R50.9", 10), ("K59.0", 5), ("J45.9", 4), ("D50.9", 4),
                  ("K02.9", 6), ("Z23.8", 5))  # fmt: skip
_GENERAL_OLD = (("I10.9", 14), ("E11.9", 12), ("M54.5", 8), ("J44.9", 6), ("I25.9", 5),
                ("M17.9", 6), ("J06.9", 6), ("N39.0", 6), ("H52.1", 3), ("R42.9", 4))  # fmt: skip
_EMERGENCY = (("S61.0", 6), ("S93.4", 8), ("S00.8", 5), ("T14.1", 5), ("R10.4", 12),
              ("R07.4", 8), ("R55.9", 4), ("J06.9", 6), ("N39.0", 5), ("T78.4", 3),
              ("F43.0", 4), ("A09.9", 4), ("R50.9", 6), ("J18.9", 4))  # fmt: skip
_SPECIALIST = (("E11.9", 12), ("I10.9", 10), ("K29.7", 8), ("M54.5", 8), ("D50.9", 8),
               ("L30.9", 6), ("H66.9", 5), ("J45.9", 8), ("G43.9", 6), ("K21.9", 6),
               ("N18.3", 3), ("I48.9", 3))  # fmt: skip
_WOMEN = (("Z34.9", 30), ("Z34.0", 10), ("O21.0", 6), ("O26.8", 5), ("N92.0", 6),
          ("N76.0", 6), ("N94.6", 5), ("Z30.0", 10), ("Z32.1", 6), ("O99.8", 4))  # fmt: skip
_BIRTHS = (("O80.0", 62), ("O80.9", 6), ("O81.4", 8), ("O82.0", 8), ("O82.1", 10),
           ("O83.8", 2), ("O84.0", 4))  # fmt: skip
_EXAM_FINDINGS = (("Z11.1", 30), ("F43.1", 8), ("D50.9", 5), ("K02.9", 6), ("E55.9", 5),
                  ("B18.1", 2), ("B86", 2), ("Z22.7", 4), ("A15.0", 0.3))  # fmt: skip
# KVÅ: assessment (AU), treatment (DU) and clinical examination (AA, AN) codes.
_KVA_PSYCHOLOGIST = (("AU002", 20), ("AU006", 10), ("AU011", 15), ("AA085", 5), ("DU011", 35),
                     ("DU007", 15))  # fmt: skip
_KVA_COUNSELLOR = (("DU007", 60), ("DU118", 20), ("AU002", 10), ("DU030", 10))
_KVA_PSYCHIATRIST = (("AU118", 30), ("AU006", 20), ("AU011", 20), ("DU007", 10))
_KVA_NURSE = (("DU030", 40), ("DU200", 20), ("DU007", 15))
_KVA_PHYSIO = (("AN031", 50), ("AN032", 50))
_KVA_DOCTOR = (("AA039", 30), ("AN032", 40), ("AN031", 30))

_PROFESSIONS = {
    "vardcentral": (("lakare", 50), ("sjukskoterska", 30), ("fysioterapeut", 6),
                    ("kurator", 5), ("psykolog", 4), ("ovrig", 5)),
    "asylhalsa": (("sjukskoterska", 50), ("lakare", 22), ("psykolog", 10), ("kurator", 12),
                  ("ovrig", 6)),
    "barnpsykiatri": (("psykolog", 32), ("lakare", 20), ("kurator", 20), ("psykoterapeut", 10),
                      ("sjukskoterska", 13), ("ovrig", 5)),
    "vuxenpsykiatri": (("lakare", 26), ("psykolog", 24), ("sjukskoterska", 20), ("kurator", 16),
                       ("psykoterapeut", 8), ("ovrig", 6)),
    "infektion": (("lakare", 60), ("sjukskoterska", 40)),
    "kvinnoklinik": (("barnmorska", 55), ("lakare", 40), ("sjukskoterska", 5)),
    "akutmottagning": (("lakare", 72), ("sjukskoterska", 28)),
    "ovrig_specialist": (("lakare", 75), ("sjukskoterska", 15), ("fysioterapeut", 10)),
}  # fmt: skip
_CONTACTS = {
    "vardcentral": (("besok", 80), ("distans", 20)),
    "asylhalsa": (("besok", 85), ("distans", 15)),
    "barnpsykiatri": (("besok", 76), ("distans", 18), ("inlaggning", 6)),
    "vuxenpsykiatri": (("besok", 72), ("distans", 18), ("inlaggning", 10)),
    "infektion": (("besok", 75), ("inlaggning", 20), ("distans", 5)),
    "kvinnoklinik": (("besok", 72), ("inlaggning", 22), ("distans", 6)),
    "akutmottagning": (("besok", 85), ("inlaggning", 15)),
    "ovrig_specialist": (("besok", 85), ("inlaggning", 8), ("distans", 7)),
}


@dataclass(frozen=True)
class Template:
    """The clinical columns of a visit, pre-joined: verksamhet .. atgarder."""

    unit: int  # index into VERKSAMHET
    text: str  # with diagnosis codes as F43.1
    text_plain: str  # with diagnosis codes as F431 (some regions report without the dot)
    acute: bool


def _pick(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    names, cumulative = _prepared(tuple(options))
    return rng.choices(names, cum_weights=cumulative)[0]


@cache
def _prepared(options: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [name for name, _ in options], list(accumulate(weight for _, weight in options))


def _unit_weights(band: int, sex: str, mental: bool) -> list[tuple[str, float]]:
    child = band <= 1
    fertile = sex == "K" and band == 2
    weights = {
        "vardcentral": 40.0,
        "asylhalsa": 8.0,
        "barnpsykiatri": (6.0 if child else 0.0) * (6 if mental else 1),
        "vuxenpsykiatri": (0.0 if child else 5.0) * (6 if mental else 1),
        "infektion": 4.0,
        "kvinnoklinik": 14.0 if fertile else 3.0 if sex == "K" and band == 3 else 0.0,
        "akutmottagning": 12.0 if band != 4 else 16.0,
        "ovrig_specialist": 9.0 if band < 3 else 16.0,
    }
    return [(unit, weight) for unit, weight in weights.items() if weight > 0]


def _diagnoses(
    rng: random.Random, unit: str, profession: str, band: int, sex: str, mental: bool
) -> tuple[list[str], bool]:
    """(ICD-10-SE codes, main first; whether the visit is a birth)."""
    child = band <= 1
    f_codes = _F_CHILD if child else _F_ADULT
    general = _GENERAL_CHILD if child else _GENERAL_OLD if band == 4 else _GENERAL_ADULT
    if unit == "kvinnoklinik" and sex == "K" and band == 2 and rng.random() < 0.3:
        return [_pick(rng, _BIRTHS), "Z37.1" if rng.random() < 0.03 else "Z37.0"], True
    options, none_recorded = _main_options(unit, profession, band, mental, f_codes, general)
    codes = [] if rng.random() < none_recorded else [_pick(rng, options)]
    if codes and rng.random() < 0.2:
        extra = _pick(rng, f_codes) if mental and rng.random() < 0.5 else _pick(rng, general)
        if extra not in codes:
            codes.append(extra)
    return codes, False


_MENOPAUSE = (("N95.1", 5), ("N92.0", 3))
_MUSCLES = (("M54.5", 40), ("M79.1", 30), ("M25.5", 30))
Weighted = Sequence[tuple[str, float]]


@cache
def _main_options(
    unit: str, profession: str, band: int, mental: bool, f_codes: Weighted, general: Weighted
) -> tuple[Weighted, float]:
    """Where a visit's main diagnosis is drawn from, and the chance that none is recorded."""
    if unit in ("barnpsykiatri", "vuxenpsykiatri") or profession in (
        "psykolog",
        "psykoterapeut",
        "kurator",
    ):
        return f_codes, 0.5 if profession == "kurator" else 0.0
    by_unit = {
        "infektion": _INFECTIONS,
        "akutmottagning": _EMERGENCY,
        "ovrig_specialist": _SPECIALIST,
        "kvinnoklinik": _WOMEN if band == 2 else _MENOPAUSE,
    }
    fixed = by_unit.get(unit, _MUSCLES if profession == "fysioterapeut" else None)
    if fixed is not None:
        return fixed, 0.0
    # Primary care: mental health (much more for persons with such needs), infections, the rest.
    f_share, infection_share = (0.45 if mental else 0.06), 0.07
    mixture = [(code, w * f_share / _total(f_codes)) for code, w in f_codes]
    mixture += [(code, w * infection_share / _total(_INFECTIONS)) for code, w in _INFECTIONS]
    rest = 1.0 - f_share - infection_share
    mixture += [(code, w * rest / _total(general)) for code, w in general]
    return tuple(mixture), 0.4 if profession == "sjukskoterska" else 0.0  # nurses: often none


def _total(options: Weighted) -> float:
    return sum(weight for _, weight in options)


def _procedures(rng: random.Random, unit: str, profession: str, birth: bool) -> list[str]:
    if birth:
        return []
    psychiatric = unit in ("barnpsykiatri", "vuxenpsykiatri")
    chance, options = {
        "psykolog": (0.9, _KVA_PSYCHOLOGIST),
        "psykoterapeut": (0.9, (("DU011", 80), ("AU002", 20))),
        "kurator": (0.8, _KVA_COUNSELLOR),
        "fysioterapeut": (0.7, _KVA_PHYSIO),
        "sjukskoterska": (0.3, _KVA_NURSE),
        "lakare": (0.6, _KVA_PSYCHIATRIST) if psychiatric else (0.25, _KVA_DOCTOR),
    }.get(profession, (0.0, ()))
    if rng.random() >= chance:
        return []
    codes = [_pick(rng, options)]
    if rng.random() < 0.15:
        extra = _pick(rng, options)
        if extra not in codes:
            codes.append(extra)
    return codes


def _template(
    unit: str,
    contact: str,
    acute: bool,
    profession: str,
    examination: bool,
    diagnoses: list[str],
    procedures: list[str],
) -> Template:
    head = f"{unit},{contact},{'akut' if acute else 'planerad'},{profession},{int(examination)}"
    dotted = "|".join(diagnoses)
    kva = "|".join(procedures)
    return Template(
        VERKSAMHET.index(unit),
        f"{head},{dotted},{kva}",
        f"{head},{dotted.replace('.', '')},{kva}",
        acute,
    )


def _visit_template(rng: random.Random, band: int, sex: str, mental: bool) -> Template:
    unit = _pick(rng, _unit_weights(band, sex, mental))
    professions = list(_PROFESSIONS[unit])
    if mental and unit in ("vardcentral", "asylhalsa"):
        professions = [(p, w * 4 if p in ("psykolog", "kurator") else w) for p, w in professions]
    if band <= 1:  # children do not see midwives or physiotherapists here
        professions = [(p, w) for p, w in professions if p not in ("barnmorska", "fysioterapeut")]
    profession = _pick(rng, professions)
    contact = _pick(rng, _CONTACTS[unit])
    diagnoses, birth = _diagnoses(rng, unit, profession, band, sex, mental)
    if birth:
        contact = "inlaggning"
        profession = "barnmorska" if rng.random() < 0.7 else "lakare"
        acute = diagnoses[0] != "O82.0"  # a planned caesarean is planned care
    elif unit == "akutmottagning":
        acute = True
    elif contact == "inlaggning":
        acute = rng.random() < 0.7
    else:
        acute = rng.random() < (0.2 if unit == "vardcentral" else 0.1)
    procedures = _procedures(rng, unit, profession, birth)
    return _template(unit, contact, acute, profession, False, diagnoses, procedures)


def _exam_template(rng: random.Random, band: int) -> Template:
    unit = "asylhalsa" if rng.random() < 0.55 else "vardcentral"
    profession = "sjukskoterska" if rng.random() < 0.7 else "lakare"
    diagnoses = ["Z00.1" if band <= 1 else "Z00.0"]
    for code, weight in _EXAM_FINDINGS:
        if rng.random() * 100 < weight:
            diagnoses.append(code)
    procedures = ["DU030"] if rng.random() < 0.5 else []
    return _template(unit, "besok", False, profession, True, diagnoses, procedures)


Entry = tuple[int, str, bool]  # (index into VERKSAMHET, clinical columns, acute)
Pool = tuple[Entry, ...]


@dataclass(frozen=True)
class Templates:
    """Pools of visit templates: ``visits[plain][band][male][mental]``, ``exams[plain][band]``.

    ``plain`` pools write diagnosis codes without the dot (F431), as some regions report.
    """

    visits: tuple[tuple[tuple[tuple[Pool, ...], ...], ...], ...]
    exams: tuple[tuple[Pool, ...], ...]


def build_templates(seed: int) -> Templates:
    """Draw the template pools; visits pick from them uniformly, which is fast."""
    rng = _rng(seed, "mallar")
    bands = range(len(_BANDS))
    drawn = [
        [
            [
                [_visit_template(rng, band, sex, mental) for _ in range(POOL_SIZE)]
                for mental in (False, True)
            ]
            for sex in SEXES
        ]
        for band in bands
    ]
    exams = [[_exam_template(rng, band) for _ in range(POOL_SIZE // 4)] for band in bands]

    def pool(templates: list[Template], plain: bool) -> Pool:
        return tuple((t.unit, t.text_plain if plain else t.text, t.acute) for t in templates)

    return Templates(
        visits=tuple(
            tuple(
                tuple(tuple(pool(m, plain) for m in by_sex) for by_sex in by_band)
                for by_band in drawn
            )
            for plain in (False, True)
        ),
        exams=tuple(tuple(pool(e, plain) for e in exams) for plain in (False, True)),
    )


# ---------------------------------------------------------------------------------------
# Visits: one region and month at a time


@dataclass(frozen=True)
class Plan:
    """Everything the visit writers need, shared by all region-months (and processes)."""

    periods: tuple[str, ...]
    seed: int
    persons: Persons
    visits: dict[tuple[str, int], int]  # (region, month index) -> rows
    out_dir: Path


def besok_file_name(region: str, period: str) -> str:
    """The file name of a region's visit report for a month."""
    return f"besok_{region}_{period}.csv"


def asylum_file_name(period: str) -> str:
    """The file name of Migrationsverket's report for a month."""
    return f"asylsokande_{period}.csv"


def allocate(total: int, weights: dict[tuple[str, int], float]) -> dict[tuple[str, int], int]:
    """Split ``total`` over the keys in proportion to the weights, at least 1 each, exactly.

    Largest remainders, ties broken by key, so the split is deterministic.
    """
    keys = sorted(weights)
    if total < len(keys):
        raise ValueError(f"at least {len(keys)} rows are needed (one per region and month)")
    spare = total - len(keys)
    weight_sum = sum(weights.values()) or 1.0
    exact = {key: spare * weights[key] / weight_sum for key in keys}
    result = {key: 1 + int(exact[key]) for key in keys}
    left = total - sum(result.values())
    by_remainder = sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), k))
    for key in by_remainder[:left]:
        result[key] += 1
    return result


def _dates(period: str) -> tuple[list[str], list[str]]:
    """(planned-care dates weighted to weekdays, acute dates uniform) for the month."""
    year, month = _parse_period(period)
    day = date(year, month, 1)
    planned, acute = [], []
    while day.month == month:
        text = day.isoformat()
        acute.append(text)
        planned += [text] * (20 if day.weekday() < 5 else 1)
        day += timedelta(days=1)
    return planned, acute


def patient_key(region: str, seed: int) -> int:
    """The region's secret-looking offset of its patient pseudonyms."""
    return int.from_bytes(_rng(seed, region, "pid").randbytes(6), "big")


# Sixteen consonants stand for the hex digits: a pseudonym has no digit at all, so neither it
# nor any part of it can be read as a personnummer (and no vowels, so no words).
_PSEUDONYM_DIGITS = str.maketrans("0123456789abcdef", "bcdfghjklmnpqrst")


def patient_id(index: int, key: int) -> str:
    """A person's pseudonym: "P" and 12 letters, unique within the region.

    An odd multiplier makes the map a bijection modulo 2^48, so ids never collide and look
    random.
    """
    value = (index * 0x9E3779B97F4B + key) % (1 << 48)
    return "P" + f"{value:012x}".translate(_PSEUDONYM_DIGITS)


class _RegionMonth:
    """Writes one region's visit report for one month."""

    def __init__(self, plan: Plan, templates: Templates, clinics: dict[str, tuple[Clinic, ...]]):
        self.plan = plan
        self.templates = templates
        population = population_by_municipality()
        self.choices = {
            region: _clinic_choices(units, population) for region, units in clinics.items()
        }
        self.pid_keys = {region: patient_key(region, plan.seed) for region in clinics}
        self._members: dict[str, list[int]] = {region: [] for region in clinics}
        for i, region in enumerate(plan.persons.region):
            self._members[region].append(i)

    def write(self, region: str, month: int) -> int:
        """Write the region's report for month index ``month``; the number of rows."""
        plan, persons = self.plan, self.plan.persons
        period = plan.periods[month]
        rng = _rng(plan.seed, region, period)
        count = plan.visits[region, month]
        members = self._members[region]
        registered = [i for i in members if persons.arrival[i] <= month < persons.departure[i]]
        if not registered:  # not seen at realistic scales; visits still need a person
            registered = members
        scheduled = [i for i in registered if persons.exam_month[i] == month]
        rng.shuffle(scheduled)
        exams = scheduled[: min(len(scheduled), int(count * EXAM_CAP))]
        # Examinations at random places among the other visits, which go to the registered
        # in proportion to their visit frequency.
        exam_at = dict(zip(sorted(rng.sample(range(count), len(exams))), exams, strict=True))
        weights = list(accumulate(persons.frequency[i] for i in registered))
        others = iter(rng.choices(registered, cum_weights=weights, k=count - len(exams)))
        planned_dates, acute_dates = _dates(period)
        describe = _Describer(self, region, month)
        head = f"{region},{period},{period.replace('-', '')}-"
        rand = rng.random
        path = plan.out_dir / besok_file_name(region, period)
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write(",".join(column_names(ReportKind.BESOK)) + "\n")
            lines: list[str] = []
            for number in range(count):
                exam = exam_at.get(number)
                visitor = ~exam if exam is not None else next(others)  # ~: an examination
                found = describe.cache.get(visitor)
                person, pool, units_by_kind = found or describe(visitor)
                unit_kind, clinical, acute = pool[int(rand() * len(pool))]
                units = units_by_kind[unit_kind]
                unit = units[int(rand() * len(units))]
                dates = acute_dates if acute else planned_dates
                day = dates[int(rand() * len(dates))]
                lines.append(
                    f"{head}{number + 1:06d},{person[0]},{day},{person[1]},{unit},{clinical}\n"
                )
                if len(lines) >= WRITE_BLOCK:
                    out.write("".join(lines))
                    lines.clear()
            out.write("".join(lines))
        return count


class _Describer:
    """What stays the same for a person's visits in one month, worked out once."""

    def __init__(self, writer: _RegionMonth, region: str, month: int) -> None:
        self.persons = writer.plan.persons
        self.month = month
        self.key = writer.pid_keys[region]
        self.choices = writer.choices[region]
        plain = int(region) % 2 == 1  # odd regions report diagnosis codes without the dot
        self.visits = writer.templates.visits[plain]
        self.exams = writer.templates.exams[plain]
        self.cache: dict[int, tuple[tuple[str, str], Pool, list[tuple[str, ...]]]] = {}

    def __call__(self, visitor: int) -> tuple[tuple[str, str], Pool, list[tuple[str, ...]]]:
        persons = self.persons
        index = ~visitor if visitor < 0 else visitor
        age = persons.age(index, self.month)
        band = BAND_OF_AGE[min(age, len(BAND_OF_AGE) - 1)]
        if visitor < 0:
            pool = self.exams[band]
        else:
            pool = self.visits[band][persons.sex[index] == "M"][persons.mental[index]]
        person = (patient_id(index, self.key), f"{age},{persons.reported_sex[index]}")
        found = self.cache[visitor] = (person, pool, self.choices[persons.kommun[index]])
        return found


def _clinic_choices(
    units: Sequence[Clinic], population: dict[str, int]
) -> dict[str, list[tuple[str, ...]]]:
    """Per home municipality and unit kind: the units a visit may go to (uniform pick).

    Health centres are the home municipality's own. Other kinds: the home municipality's
    unit when there is one (four times in five), else the region's, by population.
    """
    kommuner = sorted({unit.kommun for unit in units})
    by_kind = {kind: [u for u in units if u.verksamhet == kind] for kind in VERKSAMHET}
    result: dict[str, list[tuple[str, ...]]] = {}
    for kommun in kommuner:
        per_kind: list[tuple[str, ...]] = []
        for kind in VERKSAMHET:
            local = [u.csv() for u in by_kind[kind] if u.kommun == kommun]
            regional = _weighted_pool(by_kind[kind], population, 20)
            if kind == "vardcentral":
                per_kind.append(tuple(local))
            elif local:
                per_kind.append(tuple(local * max(1, 80 // len(local)) + regional))
            else:
                per_kind.append(tuple(regional))
        result[kommun] = per_kind
    return result


def _weighted_pool(units: Sequence[Clinic], population: dict[str, int], size: int) -> list[str]:
    if not units:
        return []
    total = sum(population[u.kommun] for u in units)
    pool = []
    for unit in units:
        pool += [unit.csv()] * max(1, round(size * population[unit.kommun] / total))
    return pool


_WORKER: _RegionMonth | None = None


def _start_worker(plan: Plan) -> None:
    global _WORKER  # noqa: PLW0603 - one writer per worker process, built once
    _WORKER = _RegionMonth(plan, build_templates(plan.seed), clinics_by_region())


def _write_region_month(region: str, month: int) -> int:
    assert _WORKER is not None
    return _WORKER.write(region, month)


# ---------------------------------------------------------------------------------------
# The whole run


@dataclass(frozen=True)
class Summary:
    """What a run wrote: the files of each kind and the number of rows."""

    periods: tuple[str, ...]
    besok_files: tuple[Path, ...]
    asylum_files: tuple[Path, ...]
    besok_rows: int
    asylum_rows: int

    @property
    def files(self) -> tuple[Path, ...]:
        """Asylum-flow files first (they are small), then the visit files."""
        return self.asylum_files + self.besok_files


def generate(
    out_dir: Path,
    *,
    rows: int = DEFAULT_ROWS,
    months: int = DEFAULT_MONTHS,
    last_period: str | None = None,
    seed: int = DEFAULT_SEED,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Write the synthetic reports into ``out_dir``; ``rows`` visit rows in all.

    ``progress(done, total)`` is called in visit rows as region-months finish. ``workers``
    processes share the visit files (default: one per CPU, or none for small runs); the
    output does not depend on it.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    if rows > MAX_ROWS:
        raise ValueError(f"at most {MAX_ROWS} rows")
    periods = periods_ending(last_period or previous_month(), months)
    out_dir.mkdir(parents=True, exist_ok=True)
    persons = build_persons(periods, seed)
    counts = count_asylum(persons, months)
    asylum_files, asylum_rows = [], 0
    for month, period in enumerate(periods):
        path = out_dir / asylum_file_name(period)
        asylum_rows += write_asylum_file(path, month, period, counts)
        asylum_files.append(path)
    regions = [region.code for region in list_regions()]
    registered = registered_by_region(counts)
    weights = {(r, m): float(registered.get((r, m), 0)) for r in regions for m in range(months)}
    visits = allocate(rows, weights)
    plan = Plan(periods, seed, persons, visits, out_dir)
    tasks = sorted(visits, key=lambda key: (-visits[key], key))  # largest first: even load
    done = 0
    if progress is not None:
        progress(0, rows)
    workers = (
        workers if workers is not None else (1 if rows < IN_PROCESS_BELOW else os.cpu_count() or 1)
    )
    if workers <= 1:
        writer = _RegionMonth(plan, build_templates(seed), clinics_by_region())
        for region, month in tasks:
            done += writer.write(region, month)
            if progress is not None:
                progress(done, rows)
    else:
        with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(plan,)) as pool:
            futures = [pool.submit(_write_region_month, r, m) for r, m in tasks]
            for future in as_completed(futures):
                done += future.result()
                if progress is not None:
                    progress(done, rows)
    besok_files = tuple(
        out_dir / besok_file_name(region, period) for region in regions for period in periods
    )
    return Summary(periods, besok_files, tuple(asylum_files), done, asylum_rows)


def report_kind(path: Path) -> ReportKind:
    """The kind of a generated file, from its name."""
    if path.name.startswith("asylsokande_"):
        return ReportKind.ASYLSOKANDE
    return ReportKind.BESOK


def _echo_progress() -> Progress:
    """A progress callback that rewrites one line on stderr, once per whole per cent."""
    shown = -1

    def echo(done: int, total: int) -> None:
        nonlocal shown
        percent = 100 * done // total if total else 100
        if percent != shown:
            shown = percent
            click.echo(f"\r{done} av {total} besöksrader ({percent} %)", err=True, nl=False)

    return echo


@click.command("generate")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--rows",
    type=click.IntRange(1, MAX_ROWS),
    default=DEFAULT_ROWS,
    show_default=True,
    help="Visit rows in all, over every region and month.",
)
@click.option("--months", type=click.IntRange(1, 120), default=DEFAULT_MONTHS, show_default=True)
@click.option(
    "--last-period",
    default=None,
    help="The last month, ÅÅÅÅ-MM (default: the month before today).",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes writing visit files (default: one per CPU for large runs).",
)
def generate_command(
    out_dir: Path,
    rows: int,
    months: int,
    last_period: str | None,
    seed: int,
    workers: int | None,
) -> None:
    """Write synthetic monthly reports (visits per region, asylum flow) into OUT_DIR."""
    if last_period is not None:
        try:
            _parse_period(last_period)
        except ValueError:
            raise click.BadParameter("skriv perioden ÅÅÅÅ-MM", param_hint="--last-period") from None
    regions = len(list_regions())
    if rows < regions * months:
        raise click.BadParameter(
            f"minst {regions * months} rader behövs (en per region och månad)",
            param_hint="--rows",
        )
    summary = generate(
        out_dir,
        rows=rows,
        months=months,
        last_period=last_period,
        seed=seed,
        workers=workers,
        progress=_echo_progress(),
    )
    click.echo("", err=True)
    click.echo(
        f"{len(summary.besok_files)} besöksfiler ({summary.besok_rows} rader) och "
        f"{len(summary.asylum_files)} asylfiler ({summary.asylum_rows} rader) i {out_dir}, "
        f"{summary.periods[0]}–{summary.periods[-1]}."
    )
