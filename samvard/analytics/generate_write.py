"""Writing the files: Migrationsverket's monthly asylum report and each region's visits.

The asylum file counts the registered persons at each month end, by municipality, age group
and sex; counts 1–4 are written as ``..``, as Migrationsverket does, so that ingestion and
the planning views meet the suppression they will meet in real files.

A region's visits in a month are proportional to its registered asylum seekers, and the
total over every region and month is exactly the number of rows asked for (largest
remainders, at least one row each, as every region reports every month). Persons whose
health examination is scheduled that month get it, up to a cap, at random places among the
other visits, which go to the registered persons in proportion to their visit frequency.
Planned care falls mostly on weekdays, acute care on any day. Patients appear under a
pseudonym that is stable within the region, so the same person can be followed from month
to month, and that contains no digit, so no part of it can be read as a personnummer.

Visit rows are produced one region and month at a time and written in blocks, so memory does
not grow with the number of rows; each region-month draws from a random generator of its own,
so the files do not depend on the order they are written in or on how many processes write
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from samvard.analytics.contracts import (
    ALDERSGRUPP,
    SUPPRESSED,
    ReportKind,
    column_names,
)
from samvard.analytics.generate_clinics import Clinic, clinic_choices
from samvard.analytics.generate_common import SEXES, parse_period, seeded_random
from samvard.analytics.generate_flow import AsylumCounts, Persons
from samvard.analytics.generate_visits import BAND_OF_AGE, Pool, Templates
from samvard.reference.loaders import list_municipalities, population_by_municipality

SUPPRESS_BELOW = 5  # Migrationsverket writes counts 1-4 as ".."
EXAM_CAP = 0.3  # at most this share of a region-month's visits are examinations
WRITE_BLOCK = 20_000  # lines joined and written at once


def besok_file_name(region: str, period: str) -> str:
    """The file name of a region's visit report for a month."""
    return f"besok_{region}_{period}.csv"


def asylum_file_name(period: str) -> str:
    """The file name of Migrationsverket's report for a month."""
    return f"asylsokande_{period}.csv"


# ---------------------------------------------------------------------------------------
# Migrationsverket's monthly report


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
# Visits: one region and month at a time


@dataclass(frozen=True)
class Plan:
    """Everything the visit writers need, shared by all region-months (and processes)."""

    periods: tuple[str, ...]
    seed: int
    persons: Persons
    visits: dict[tuple[str, int], int]  # (region, month index) -> rows
    out_dir: Path


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
    year, month = parse_period(period)
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
    return int.from_bytes(seeded_random(seed, region, "pid").randbytes(6), "big")


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


class RegionMonth:
    """Writes one region's visit report for one month."""

    def __init__(self, plan: Plan, templates: Templates, clinics: dict[str, tuple[Clinic, ...]]):
        self.plan = plan
        self.templates = templates
        population = population_by_municipality()
        self.choices = {
            region: clinic_choices(units, population) for region, units in clinics.items()
        }
        self.pid_keys = {region: patient_key(region, plan.seed) for region in clinics}
        self._members: dict[str, list[int]] = {region: [] for region in clinics}
        for i, region in enumerate(plan.persons.region):
            self._members[region].append(i)

    def write(self, region: str, month: int) -> int:
        """Write the region's report for month index ``month``; the number of rows."""
        plan, persons = self.plan, self.plan.persons
        period = plan.periods[month]
        rng = seeded_random(plan.seed, region, period)
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

    def __init__(self, writer: RegionMonth, region: str, month: int) -> None:
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
