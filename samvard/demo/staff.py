"""Staff members and their assignments (medarbetaruppdrag) in the demo world."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from samvard.access.schemas import Actor, ActorKind
from samvard.core.db import utcnow
from samvard.demo import personas
from samvard.demo.names import FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES
from samvard.demo.organisations import Directory
from samvard.directory.models import Assignment, CareGiverKind, Profession, Role, Staff, Unit

ACTIVE_FROM = date(2024, 1, 1)
ENDED_ON = date.fromisoformat(personas.ENDED_ON_ISO)
# Share of generic staff whose only assignment has ended, and of vårdcentral doctors who
# also work shifts at the region's akutmottagning (a second assignment).
_ENDED_SHARE = 0.01
_SECOND_UNIT_SHARE = 0.1

_P, _R = Profession, Role
STAFFING: dict[str, tuple[tuple[Profession, Role, int], ...]] = {
    "vardcentral": (
        (_P.LAKARE, _R.CLINICIAN, 2),
        (_P.SJUKSKOTERSKA, _R.CLINICIAN, 2),
        (_P.BARNMORSKA, _R.CLINICIAN, 1),
    ),
    "akutmottagning": ((_P.LAKARE, _R.CLINICIAN, 4), (_P.SJUKSKOTERSKA, _R.CLINICIAN, 5)),
    "barnpsykiatri": (
        (_P.LAKARE, _R.CLINICIAN, 1),
        (_P.PSYKOLOG, _R.CLINICIAN, 2),
        (_P.SJUKSKOTERSKA, _R.CLINICIAN, 1),
        (_P.KURATOR, _R.CLINICIAN, 1),
    ),
    "vuxenpsykiatri": (
        (_P.LAKARE, _R.CLINICIAN, 2),
        (_P.PSYKOLOG, _R.CLINICIAN, 2),
        (_P.SJUKSKOTERSKA, _R.CLINICIAN, 2),
    ),
    "administration": (
        (_P.ADMINISTRATOR, _R.ADMINISTRATOR, 1),
        (_P.ADMINISTRATOR, _R.LOG_REVIEWER, 1),
    ),
    "hemtjanst": (
        (_P.UNDERSKOTERSKA, _R.CARE_STAFF, 3),
        (_P.BISTANDSHANDLAGGARE, _R.CARE_STAFF, 1),
    ),
    "sarskilt_boende": ((_P.UNDERSKOTERSKA, _R.CARE_STAFF, 3),),
}
_CARE_ROLES = {_R.CLINICIAN, _R.CARE_STAFF}
# Professions where most Swedish staff are women; used only to make names plausible.
_MOSTLY_WOMEN = {_P.SJUKSKOTERSKA, _P.BARNMORSKA, _P.UNDERSKOTERSKA, _P.BISTANDSHANDLAGGARE}


@dataclass(frozen=True)
class Post:
    """One assignment as the access history uses it: the actor it logs in as."""

    actor: Actor
    active: bool

    @property
    def unit_id(self) -> int:
        """Primary key of the unit of the assignment."""
        assert self.actor.unit_id is not None
        return self.actor.unit_id


def actor_for(assignment: Assignment) -> Actor:
    """The staff actor that logs in with `assignment` (unit and care giver from the directory)."""
    unit, giver = assignment.unit, assignment.unit.care_giver
    return Actor(
        kind=ActorKind.STAFF,
        id=assignment.staff.hsa_id,
        staff_pk=assignment.staff.id,
        role=Role(assignment.role),
        unit_id=unit.id,
        unit_hsaid=unit.hsa_id,
        care_giver_id=giver.id,
        care_giver_hsaid=giver.hsa_id,
        care_giver_kind=CareGiverKind(giver.kind),
    )


class _Roster:
    """Collects staff and assignments; hands out unique personal HSA-ids per care giver."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.staff: list[Staff] = []
        self.assignments: list[Assignment] = []
        self._taken = {p.hsa_id for p in personas.STAFF}
        self._next: dict[str, int] = defaultdict(lambda: 1)

    def hsa_id(self, unit: Unit) -> str:
        """The next free personal HSA-id under the unit's care giver: P0001, P0002, ..."""
        prefix = unit.care_giver.hsa_id.split("-", 1)[0]
        while True:
            number = self._next[prefix]
            self._next[prefix] = number + 1
            candidate = f"{prefix}-P{number:04d}"
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate

    def person(self, unit: Unit, profession: Profession) -> Staff:
        """A new staff member with a random Swedish name, to be assigned at `unit`."""
        woman = self.rng.random() < (0.8 if profession in _MOSTLY_WOMEN else 0.5)
        given = self.rng.choice(FEMALE_GIVEN_NAMES if woman else MALE_GIVEN_NAMES)
        member = Staff(
            hsa_id=self.hsa_id(unit),
            given_name=given,
            family_name=self.rng.choice(FAMILY_NAMES),
            profession=profession,
        )
        self.staff.append(member)
        return member

    def assign(self, member: Staff, unit: Unit, role: Role, *, ended: bool = False) -> None:
        """An assignment from ACTIVE_FROM, open-ended or ended on ENDED_ON."""
        self.assignments.append(
            Assignment(
                staff=member,
                unit=unit,
                role=role,
                valid_from=ACTIVE_FROM,
                valid_to=ENDED_ON if ended else None,
            )
        )


def build_staff(session: Session, directory: Directory, rng: random.Random) -> list[Post]:
    """Create personas, generic staff for every unit, planners and second assignments."""
    roster = _Roster(rng)
    already = _add_personas(roster, directory)
    for unit in directory.units:
        _staff_unit(roster, directory, unit, already)
    _add_planners(roster, directory)
    session.add_all(roster.staff)
    session.add_all(roster.assignments)
    session.flush()
    today = utcnow().date()
    return [Post(actor_for(a), a.active_on(today)) for a in roster.assignments]


def _add_personas(roster: _Roster, directory: Directory) -> Counter[tuple[int, Profession, Role]]:
    """Create the staff personas; returns what they cover so units are not overstaffed."""
    covered: Counter[tuple[int, Profession, Role]] = Counter()
    for persona in personas.STAFF:
        member = Staff(
            hsa_id=persona.hsa_id,
            given_name=persona.given_name,
            family_name=persona.family_name,
            profession=persona.profession,
        )
        roster.staff.append(member)
        for unit_hsa in persona.units:
            unit = directory.unit(unit_hsa)
            roster.assign(member, unit, persona.role, ended=persona.ended)
            if not persona.ended:
                covered[(unit.id, persona.profession, persona.role)] += 1
    return covered


def _staff_unit(
    roster: _Roster,
    directory: Directory,
    unit: Unit,
    covered: Counter[tuple[int, Profession, Role]],
) -> None:
    for profession, role, count in STAFFING[unit.kind]:
        for _ in range(count - covered[(unit.id, profession, role)]):
            member = roster.person(unit, profession)
            # Only care roles end: every region keeps its administrator and log reviewer.
            ended = role in _CARE_ROLES and roster.rng.random() < _ENDED_SHARE
            roster.assign(member, unit, role, ended=ended)
            if _works_emergency_shifts(roster, unit, profession, ended):
                emergency = directory.by_region(directory.region_of(unit), "akutmottagning")
                roster.assign(member, emergency[0], role)


def _works_emergency_shifts(
    roster: _Roster, unit: Unit, profession: Profession, ended: bool
) -> bool:
    region_owned = unit.care_giver.kind == CareGiverKind.REGION
    if ended or not region_owned or unit.kind != "vardcentral" or profession != _P.LAKARE:
        return False
    return roster.rng.random() < _SECOND_UNIT_SHARE


def _add_planners(roster: _Roster, directory: Directory) -> None:
    """A samordnande sjuksköterska (planner) in every third region; Stockholm has a persona."""
    for index, code in enumerate(sorted(directory.regions)):
        if index % 3 or code == "01":
            continue
        unit = directory.by_region(code, "vardcentral")[0]
        roster.assign(roster.person(unit, _P.SJUKSKOTERSKA), unit, _R.PLANNER)
