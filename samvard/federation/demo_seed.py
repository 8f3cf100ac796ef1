"""The records the federation demo adds, at the node of the care giver that writes them.

Ingrid Holm (the ELDER persona) is cared for by four organisations on four nodes. The
demo world already has what her region's vårdcentral and her municipality's home care
documented (samvard.demo.records); here a private health centre and a care home in a
neighbouring municipality, where she had a short stay, add theirs. Every record is
written through `records.actions.write` by staff at the hosting node, so the policy
decides, the write is logged and the node's engagement index learns of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.models import CareRelation
from samvard.access.schemas import Actor, Purpose
from samvard.core.db import utcnow
from samvard.demo import personas
from samvard.demo.organisations import municipality_hsa_prefix, org_number, region_hsa_prefix
from samvard.demo.staff import actor_for
from samvard.directory.models import Assignment, CareGiver, Role, Unit
from samvard.identity.models import Person
from samvard.records.actions import write
from samvard.records.models import RecordKind
from samvard.records.schemas import NewRecord

REGION_CARE_GIVER = f"{region_hsa_prefix('01')}-VG"
"""Region Stockholm."""
HOME_MUNICIPALITY_CARE_GIVER = f"{municipality_hsa_prefix('0180')}-VG"
"""Socialnämnden i Stockholms kommun."""
NEIGHBOUR_MUNICIPALITY_CARE_GIVER = f"{municipality_hsa_prefix('0184')}-VG"
"""Socialnämnden i Solna kommun."""
HEALTH_CENTRE_CARE_GIVER = f"SE{org_number('559900101')}-VG"
"""Läkargruppen Mälardalen AB, the private health centre."""

SHARED_PATIENT = personas.ELDER


@dataclass(frozen=True)
class Author:
    """Who documents at a node: a unit kind of the care giver and the role writing there."""

    care_giver_hsaid: str
    unit_kind: str
    role: Role
    purpose: Purpose


AUTHORS = {
    HEALTH_CENTRE_CARE_GIVER: Author(
        HEALTH_CENTRE_CARE_GIVER, "vardcentral", Role.CLINICIAN, Purpose.CARE
    ),
    NEIGHBOUR_MUNICIPALITY_CARE_GIVER: Author(
        NEIGHBOUR_MUNICIPALITY_CARE_GIVER, "sarskilt_boende", Role.CARE_STAFF, Purpose.SOCIAL_CARE
    ),
}


def _days_ago(days: int) -> date:
    return utcnow().date() - timedelta(days=days)


def _records(care_giver: str) -> list[NewRecord]:
    """The demo records one care giver holds about the shared patient (Swedish content)."""
    return [NewRecord(kind=kind, title=title, occurred_on=_days_ago(days), details=details)
            for kind, title, days, details in _CONTENT[care_giver]]  # fmt: skip


_Row = tuple[RecordKind, str, int, dict[str, Any]]
_CONTENT: dict[str, list[_Row]] = {
    HEALTH_CENTRE_CARE_GIVER: [
        (RecordKind.MEDICATION, "Paracetamol", 60, {"name": "Alvedon 500 mg", "atc": "N02BE01",
         "dosage": "1–2 tabletter vid behov, högst 6 per dygn",
         "started_on": _days_ago(60).isoformat()}),
        (RecordKind.MEDICATION, "Omeprazol", 200, {"name": "Omeprazol 20 mg", "atc": "A02BC01",
         "dosage": "1 kapsel på morgonen", "started_on": _days_ago(200).isoformat()}),
        (RecordKind.CONTACT, "Besök för knäsmärta", 60,
         {"contact_type": "besok", "reason": "Smärta i höger knä efter fall"}),
        (RecordKind.DIAGNOSIS, "Knäartros", 60, {"code": "M17.1", "text": "Primär knäartros"}),
    ],
    NEIGHBOUR_MUNICIPALITY_CARE_GIVER: [
        (RecordKind.SOCIAL_CARE, "Korttidsvistelse", 45, {"intervention": "Korttidsvistelse "
         "efter sjukhusvård", "law": "SoL", "target_group": "aldre",
         "decided_on": _days_ago(45).isoformat(), "ended_on": _days_ago(25).isoformat()}),
        (RecordKind.FUNCTIONAL, "Förflyttning", 30, {"activity": "forflyttning",
         "level": "delvis_beroende", "comment": "Går med rollator, behöver stöd i trappor"}),
    ],
}  # fmt: skip


def author_at(session: Session, author: Author) -> tuple[Actor, Unit]:
    """The first active staff member in `author.role` at the care giver's first such unit."""
    today = utcnow().date()
    rows = session.scalars(
        select(Assignment)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(CareGiver, CareGiver.id == Unit.care_giver_id)
        .where(
            CareGiver.hsa_id == author.care_giver_hsaid,
            Unit.kind == author.unit_kind,
            Assignment.role == author.role,
        )
        .order_by(Unit.hsa_id, Assignment.id)
    )
    for assignment in rows:
        if assignment.active_on(today):
            return actor_for(assignment), assignment.unit
    raise LookupError(f"no active {author.role} at {author.care_giver_hsaid}")


def _ensure_relation(session: Session, patient: Person, unit: Unit, purpose: Purpose) -> None:
    # The personas' fixed relations cover the region and home care; the private health
    # centre and the care home get theirs here, at their own node only.
    kind = "care" if purpose is Purpose.CARE else "social_care"
    found = session.scalar(
        select(CareRelation.id).where(
            CareRelation.person_id == patient.id,
            CareRelation.unit_id == unit.id,
            CareRelation.ended_at.is_(None),
        )
    )
    if found is None:
        started = utcnow() - timedelta(days=365 * 3)
        session.add(CareRelation(person_id=patient.id, unit_id=unit.id, kind=kind,
                                 started_at=started, ended_at=None))  # fmt: skip
        session.flush()


def seed_node(session: Session, *, node_id: str, care_givers: tuple[str, ...]) -> list[str]:
    """Write the shared patient's records for each care giver hosted here.

    Returns the authors (HSA-id and unit), for the login hints the demo prints.
    """
    patient = session.scalars(
        select(Person).where(Person.person_id == SHARED_PATIENT.person_id)
    ).one()
    authors = []
    for care_giver in care_givers:
        if care_giver not in AUTHORS:
            continue  # documented by the demo world already
        actor, unit = author_at(session, AUTHORS[care_giver])
        _ensure_relation(session, patient, unit, AUTHORS[care_giver].purpose)
        for new in _records(care_giver):
            write(session, actor=actor, purpose=AUTHORS[care_giver].purpose, patient=patient,
                  unit=unit, new=new, node_id=node_id)  # fmt: skip
        authors.append(f"{actor.id} ({unit.name})")
    return authors
