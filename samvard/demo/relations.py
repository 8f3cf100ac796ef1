"""Care relations (vårdrelationer and omsorgsrelationer) between citizens and units.

Most people have a vårdcentral near home; older people may also get municipal home care,
and some have a psychiatric or emergency contact in their region.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from samvard.access.models import CareRelation
from samvard.demo import personas
from samvard.demo.organisations import Directory
from samvard.demo.people import Progress, Resident, bulk_insert
from samvard.directory.models import CareGiverKind, Unit
from samvard.identity.models import Guardianship
from samvard.identity.numbers import parse_person_id

_RELATION_COUNTS, _RELATION_WEIGHTS = (0, 1, 2, 3), (15, 45, 30, 10)
_ENDED_RELATION_SHARE = 0.05
_RELATIONS_FROM = datetime(2019, 1, 1, tzinfo=UTC)
_RELATIONS_UNTIL = datetime(2026, 6, 30, tzinfo=UTC)
# People this old get municipal home care or a care home when their town has one.
_ELDERLY_FROM = 70


@dataclass(frozen=True)
class Relation:
    """A care relation as the access history needs it."""

    person_pk: int
    unit_id: int
    active: bool


def build_relations(
    session: Session,
    directory: Directory,
    residents: list[Resident],
    rng: random.Random,
    progress: Progress,
) -> list[Relation]:
    """Insert 0-3 care relations per citizen (fixed ones for personas) and return them."""
    by_number = {p.person_id: p for p in personas.CITIZENS}
    rows: list[dict[str, Any]] = []
    for resident in residents:
        persona = by_number.get(resident.person_id)
        if persona is not None:
            units = [directory.unit(hsa) for hsa in persona.relation_units]
            rows += [_persona_relation(resident, unit, i) for i, unit in enumerate(units)]
        else:
            rows += _relations_for(directory, rng, resident)
    bulk_insert(session, CareRelation, rows, progress)
    return [Relation(r["person_id"], r["unit_id"], r["ended_at"] is None) for r in rows]


def _relation_kind(unit: Unit) -> str:
    return "social_care" if unit.care_giver.kind == CareGiverKind.MUNICIPALITY else "care"


def _persona_relation(resident: Resident, unit: Unit, index: int) -> dict[str, Any]:
    started = datetime(2024, 3, 1, 9, 0, tzinfo=UTC) + timedelta(days=30 * index)
    return {
        "person_id": resident.pk,
        "unit_id": unit.id,
        "kind": _relation_kind(unit),
        "started_at": started,
        "ended_at": None,
    }


def _relations_for(
    directory: Directory, rng: random.Random, resident: Resident
) -> list[dict[str, Any]]:
    count = rng.choices(_RELATION_COUNTS, weights=_RELATION_WEIGHTS)[0]
    rows = []
    for unit in _candidate_units(directory, rng, resident)[:count]:
        started = _RELATIONS_FROM + timedelta(
            seconds=rng.randrange(int((_RELATIONS_UNTIL - _RELATIONS_FROM).total_seconds()))
        )
        ended = None
        if rng.random() < _ENDED_RELATION_SHARE:
            ended = min(started + timedelta(days=rng.randint(14, 365)), _RELATIONS_UNTIL)
        rows.append(
            {
                "person_id": resident.pk,
                "unit_id": unit.id,
                "kind": _relation_kind(unit),
                "started_at": started,
                "ended_at": ended,
            }
        )
    return rows


def _candidate_units(directory: Directory, rng: random.Random, resident: Resident) -> list[Unit]:
    """Units in the order a person is likely to need them: vårdcentral first."""
    home, region = resident.home, directory.municipalities[resident.home].region_code
    age = resident.age if resident.age is not None else 40
    local = directory.by_municipality(home, "vardcentral")
    units = [rng.choice(local or directory.by_region(region, "vardcentral"))]
    if age >= _ELDERLY_FROM:
        social = [
            *directory.by_municipality(home, "hemtjanst"),
            *directory.by_municipality(home, "sarskilt_boende"),
        ]
        units += [rng.choice(social)] if social else []
    emergency = directory.by_region(region, "akutmottagning")
    psychiatry = directory.by_region(region, "barnpsykiatri" if age < 18 else "vuxenpsykiatri")
    units += [rng.choice(psychiatry + emergency), *emergency]
    # A unit drawn twice counts once: at most one relation per person and unit.
    return list(dict.fromkeys(units))


def build_guardianships(session: Session, residents: list[Resident]) -> int:
    """Link the persona guardians to their children (from the child's birth)."""
    by_number = {r.person_id: r for r in residents}
    count = 0
    for guardian_id, child_id in personas.GUARDIANSHIPS:
        guardian, child = by_number.get(guardian_id), by_number.get(child_id)
        if guardian is None or child is None:
            continue
        birth = parse_person_id(child_id).birth_date or _RELATIONS_FROM.date()
        session.add(Guardianship(guardian_id=guardian.pk, child_id=child.pk, valid_from=birth))
        count += 1
    session.flush()
    return count
