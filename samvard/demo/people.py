"""Citizens of the demo world.

Every person holds an official Skatteverket test number; names and addresses are drawn
from the seeded random generator. Rows go in with bulk inserts because there are
thousands of them.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from samvard.demo import personas
from samvard.demo.names import FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, STREET_NAMES
from samvard.demo.organisations import Directory
from samvard.identity.models import Person
from samvard.identity.numbers import PersonId, parse_person_id
from samvard.reference import loaders

# Ages decide which relations a person gets; a fixed day keeps the world the same every day.
AGE_REFERENCE_DAY = date(2026, 1, 1)
SAMORDNINGSNUMMER_COUNT = 50
# A fifth of the official test personnummer belong to people born before 1920; they are
# used only when a very large world needs them, so the demo population looks plausible.
_PLAUSIBLE_FROM_YEAR = "1920"
_PROTECTED_SHARE = 0.01
_CHUNK = 2000
# First two digits of postal codes by county, roughly as Postnord assigns them.
_POSTAL_RANGES = {
    "01": (10, 19),
    "03": (74, 75),
    "04": (61, 64),
    "05": (58, 61),
    "06": (55, 57),
    "07": (34, 36),
    "08": (38, 39),
    "09": (62, 62),
    "10": (37, 37),
    "12": (21, 29),
    "13": (30, 31),
    "14": (40, 54),
    "17": (65, 68),
    "18": (69, 71),
    "19": (72, 73),
    "20": (77, 79),
    "21": (80, 82),
    "22": (85, 89),
    "23": (83, 84),
    "24": (90, 93),
    "25": (94, 98),
}
_POSTAL_TOWN = {"Gotland": "Visby"}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Resident:
    """What later stages need about a person: key, age and where they get their care."""

    pk: int
    person_id: str
    age: int | None
    home: str
    """Municipality the person gets care in (kept even when no address is stored)."""


@dataclass(frozen=True)
class _Draft:
    """A person before insertion: number, where they live and what is stored of it."""

    parsed: PersonId
    home: str
    stored_home: str | None
    protected: bool
    names: tuple[str, str] | None = None


class CitizenCountError(ValueError):
    """More citizens were asked for than there are official test personnummer."""


def citizen_range() -> tuple[int, int]:
    """Smallest and largest `citizens` a world can have (the personas; the official list)."""
    official = set(loaders.test_personnummer())
    return sum(p.person_id in official for p in personas.CITIZENS), len(official)


def check_citizen_count(citizens: int) -> None:
    """Raise CitizenCountError unless `citizens` is within `citizen_range()`."""
    low, high = citizen_range()
    if not low <= citizens <= high:
        raise CitizenCountError(f"citizens must be between {low} and {high}, not {citizens}")


def choose_numbers(rng: random.Random, citizens: int) -> tuple[list[str], list[str]]:
    """The personnummer and samordningsnummer of the world, personas first."""
    check_citizen_count(citizens)
    official, coordination = loaders.test_personnummer(), loaders.test_samordningsnummer()
    official_set, coordination_set = set(official), set(coordination)
    persona_pnr = [p.person_id for p in personas.CITIZENS if p.person_id in official_set]
    persona_snr = [p.person_id for p in personas.CITIZENS if p.person_id in coordination_set]
    if len(persona_pnr) + len(persona_snr) != len(personas.CITIZENS):
        raise RuntimeError("a persona number is not in Skatteverket's official test lists")
    skip = {p.person_id for p in personas.CITIZENS}
    people = persona_pnr + _sample(rng, official, citizens - len(persona_pnr), skip)
    extra = SAMORDNINGSNUMMER_COUNT - len(persona_snr)
    return people, persona_snr + _sample(rng, coordination, extra, skip)


def _sample(rng: random.Random, pool: Iterable[str], count: int, skip: set[str]) -> list[str]:
    candidates = sorted(set(pool) - skip)
    plausible = [n for n in candidates if n[:4] >= _PLAUSIBLE_FROM_YEAR]
    unlikely = [n for n in candidates if n[:4] < _PLAUSIBLE_FROM_YEAR]
    rng.shuffle(plausible)
    rng.shuffle(unlikely)
    return (plausible + unlikely)[:count]


def build_people(
    session: Session,
    directory: Directory,
    rng: random.Random,
    citizens: int,
    progress: Progress,
) -> list[Resident]:
    """Insert the citizens (personas included) and return them with their primary keys."""
    people, coordination = choose_numbers(rng, citizens)
    homes = _Homes(directory)
    drafts = [_draft(rng, homes, number, folkbokford=True) for number in people]
    drafts += [_draft(rng, homes, number, folkbokford=False) for number in coordination]
    rows = [_person_row(directory, rng, draft) for draft in drafts]
    bulk_insert(session, Person, rows, progress)
    keys = dict(session.execute(select(Person.person_id, Person.id)).all())
    return [
        Resident(
            pk=keys[d.parsed.normalized],
            person_id=d.parsed.normalized,
            age=d.parsed.age(AGE_REFERENCE_DAY),
            home=d.home,
        )
        for d in drafts
    ]


class _Homes:
    """Draws home municipalities weighted by population (cumulative weights, bisect)."""

    def __init__(self, directory: Directory) -> None:
        self.codes = sorted(directory.municipalities)
        self.totals = list(itertools.accumulate(directory.population.get(c, 1) for c in self.codes))

    def draw(self, rng: random.Random) -> str:
        return self.codes[bisect.bisect_right(self.totals, rng.random() * self.totals[-1])]


def _draft(rng: random.Random, homes: _Homes, number: str, *, folkbokford: bool) -> _Draft:
    parsed = parse_person_id(number, today=AGE_REFERENCE_DAY)
    persona = next((p for p in personas.CITIZENS if p.person_id == number), None)
    if persona is not None:
        home = persona.municipality_code or "0180"
        stored = None if persona.protected_identity else persona.municipality_code
        names = (persona.given_name, persona.family_name)
        return _Draft(parsed, home, stored, persona.protected_identity, names)
    home = homes.draw(rng)
    protected = rng.random() < _PROTECTED_SHARE
    # Protected people's address is secret; samordningsnummer holders are not folkbokförda.
    stored = home if folkbokford and not protected else None
    return _Draft(parsed, home, stored, protected)


def _person_row(directory: Directory, rng: random.Random, draft: _Draft) -> dict[str, Any]:
    parsed = draft.parsed
    given_names = MALE_GIVEN_NAMES if parsed.sex == "male" else FEMALE_GIVEN_NAMES
    given, family = draft.names or (rng.choice(given_names), rng.choice(FAMILY_NAMES))
    row: dict[str, Any] = {
        "person_id": parsed.normalized,
        "id_kind": parsed.kind.value,
        "given_name": given,
        "family_name": family,
        "birth_date": parsed.birth_date,
        "sex": parsed.sex,
        "protected_identity": draft.protected,
        "municipality_code": draft.stored_home,
        "street_address": None,
        "postal_code": None,
        "city": None,
    }
    if draft.stored_home is not None:
        row.update(_address(directory, rng, draft.stored_home))
    return row


def _address(directory: Directory, rng: random.Random, code: str) -> dict[str, str]:
    muni = directory.municipalities[code]
    low, high = _POSTAL_RANGES[muni.region_code]
    # The first three digits are fixed per municipality so neighbours share a postal area.
    area = f"{low + int(code) % (high - low + 1)}{int(code) % 10}"
    number = rng.randint(1, 120)
    entrance = rng.choice(("", "", "", "A", "B"))
    return {
        "street_address": f"{rng.choice(STREET_NAMES)} {number}{entrance}",
        "postal_code": f"{area} {rng.randint(10, 99)}",
        "city": _POSTAL_TOWN.get(muni.name, muni.name),
    }


def bulk_insert(
    session: Session, model: type[Any], rows: Sequence[dict[str, Any]], progress: Progress
) -> None:
    """Insert `rows` with executemany in chunks, reporting progress after each chunk."""
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(model), list(rows[start : start + _CHUNK]))
        progress(min(start + _CHUNK, len(rows)), len(rows))
