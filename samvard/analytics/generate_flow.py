"""The asylum flow: who is registered with Migrationsverket, where, and from which month.

Newly registered asylum seekers per month follow Migrationsverket's published monthly
applications (2017–2018, by sex and unaccompanied minors; the two Decembers are not
published and are interpolated), aligned by calendar month so that seasonality lands where
it belongs: the last generated month takes the 2018 figure of its calendar month, and each
month before it the month before that in the series, from 2017-01 round to 2018-12 (a longer
run repeats the two years). Newly registered persons are spread over municipalities by
population (slightly less than proportional, as reception is spread to smaller places too)
with a fixed random variation per municipality, and over age groups by sex. The stock at the
start is calibrated to the one published regional figure: about 17 000 registered in Västra
Götaland (February 2017). The series is read from the packaged reference data
(`samvard.reference`, with its provenance), not kept here, so there is one copy of the
published figures; the one cell in which the generator differs from it is marked below.

Every registered asylum seeker is a person with an arrival and a departure month (a constant
monthly exit rate), a home municipality, sex and age, and what their care will look like:
whether and when they get a health examination (most in their first month), whether they
have mental-health needs (about a quarter), and a personal visit frequency. The asylum file
counts these persons at each month end, and the visits are drawn among them, so visits and
asylum figures describe one population.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from samvard.analytics.contracts import ALDERSGRUPP
from samvard.analytics.generate_common import parse_period, seeded_random
from samvard.reference.loaders import (
    asylum_applications_by_month,
    list_municipalities,
    population_by_municipality,
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
EXAMINED_SHARE = 0.75  # of newly registered who get (and attend) a health examination
EXAM_MONTH = (0.55, 0.30, 0.15)  # months after arrival the examination is scheduled
UNKNOWN_SEX_SHARE = 0.004  # persons whose sex is left blank in the visit reports


# ---------------------------------------------------------------------------------------
# Migrationsverket's monthly series, aligned to the generated periods


def published_series() -> list[tuple[int, int, int, int, int]]:
    """The 24 months 2017-01..2018-12 as (total, women, men, unaccompanied girls, boys).

    Each December is interpolated from its neighbours: 2017-12 as the mean of November and
    January, 2018-12 as November 2018 scaled by how 2017's December compared with its November.
    """
    by_period = {
        month.period: [
            month.total,
            month.women,
            month.men,
            month.unaccompanied_girls,
            month.unaccompanied_boys,
        ]
        for month in asylum_applications_by_month()
    }
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
    series = published_series()
    _, last_month = parse_period(periods[-1])
    last_index = 12 + last_month - 1
    count = len(periods)
    return [series[(last_index - (count - 1 - i)) % len(series)] for i in range(count)]


def reference_series(periods: Sequence[str]) -> list[int]:
    """Migrationsverket's national applications aligned to ``periods`` (the target shape)."""
    return [row[0] for row in _reference_rows(periods)]


# ---------------------------------------------------------------------------------------
# Municipalities and persons


def municipality_weights(seed: int) -> dict[str, float]:
    """Each municipality's share of the asylum seekers: population^0.85 times a fixed factor."""
    rng = seeded_random(seed, "kommuner")
    population = population_by_municipality()
    raw = {
        m.code: population[m.code] ** POPULATION_EXPONENT
        * math.exp(rng.gauss(0.0, MUNICIPALITY_VARIATION))
        for m in list_municipalities()
    }
    total = sum(raw.values())
    return {code: value / total for code, value in raw.items()}


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
    rng = seeded_random(seed, "personer")
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


# ---------------------------------------------------------------------------------------
# The persons counted at each month end, as the asylum file reports them


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
