"""Gathering what the trigger rules need about logged accesses, in a few set-based reads.

One query reads the accesses of a period with the names, addresses and protected-identity
flags the rules compare (plain columns, not ORM objects: a month can hold many thousands
of entries); one more reads the care relations of the few accesses whose ground needed
none. Everything else is computed in Python by the pure rules in `triggers`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, or_, select
from sqlalchemy.orm import Session, aliased

from samvard.access.models import CareRelation
from samvard.core.audit import AuditEntry
from samvard.directory.models import CareGiver, Staff, Unit
from samvard.identity.models import Person
from samvard.logreview.models import Review
from samvard.logreview.triggers import (
    DEFAULT_RULES,
    Address,
    EntryFacts,
    EntryView,
    Rules,
    Trigger,
    daily_volumes,
    local_day,
    needs_relation_fact,
    triggers_for,
    usual_volumes,
)

# How far back an actor's own usual day is measured, before the reviewed period.
VOLUME_BASELINE = timedelta(days=28)
# A list of names shows only patients related to the unit, and each page view logs up to
# fifty of them; the access that matters is opening one of them, which is reviewed.
LISTING_RESOURCES = ("unit.patient_list",)
# Reviewers' own reads are excluded: reviewing them would feed the queue with itself.
REVIEW_PURPOSE = "log_review"
_CHUNK = 500
# One row of the review read: many labelled columns, typed by name where they are used.
_Row = Row[*tuple[Any, ...]]


@dataclass(frozen=True)
class Candidate:
    """One access in scope for review, with its triggers and whether it is reviewed."""

    view: EntryView
    triggers: tuple[Trigger, ...]
    reviewed: bool


def in_scope(care_giver_hsaid: str) -> ColumnElement[bool]:
    """Accesses at the care giver, and disclosures of its records to others."""
    return or_(
        AuditEntry.care_giver_hsaid == care_giver_hsaid,
        AuditEntry.source_hsaid == care_giver_hsaid,
    )


def gather(
    session: Session,
    *,
    care_giver_hsaid: str,
    since: datetime,
    until: datetime,
    sample_key: bytes,
    rules: Rules = DEFAULT_RULES,
    actor_id: str | None = None,
) -> list[Candidate]:
    """Every reviewable access in [since, until) with its triggers, oldest first.

    `since` should be a day boundary (see queries.day_bounds), so no day is cut in two.
    `actor_id` narrows the read to one actor (enough for the triggers of a single entry).
    """
    scope = _reviewable(care_giver_hsaid, since, until, actor_id)
    rows = _read(session, scope)
    current = [((r.actor_id, local_day(r.recorded_at)), r, _view(r)) for r in rows]
    volumes = daily_volumes((*day, r.patient_id) for day, r, _ in current)
    usual = usual_volumes(_with_baseline(session, care_giver_hsaid, since, volumes, rules))
    relations = _relations(session, [r for _, r, view in current if needs_relation_fact(view)])
    candidates = []
    for day, row, view in current:
        facts = _facts(row, view, volumes[day], usual.get(day), relations)
        fired = triggers_for(view, facts, sample_key=sample_key, rules=rules)
        candidates.append(Candidate(view, fired, row.review_id is not None))
    return candidates


def _reviewable(
    care_giver_hsaid: str, start: datetime, until: datetime, actor_id: str | None
) -> list[ColumnElement[bool]]:
    """The accesses a reviewer looks at, in [start, until)."""
    conditions = [
        in_scope(care_giver_hsaid),
        AuditEntry.recorded_at >= start,
        AuditEntry.recorded_at < until,
        AuditEntry.actor_kind == "staff",
        AuditEntry.patient_id.is_not(None),
        AuditEntry.resource.not_in(LISTING_RESOURCES),
        or_(AuditEntry.purpose.is_(None), AuditEntry.purpose != REVIEW_PURPOSE),
    ]
    if actor_id is not None:
        conditions.append(AuditEntry.actor_id == actor_id)
    return conditions


def _with_baseline(
    session: Session,
    care_giver_hsaid: str,
    since: datetime,
    volumes: dict[tuple[str, date], int],
    rules: Rules,
) -> dict[tuple[str, date], int]:
    """The period's daily volumes plus the baseline days of the actors it may concern.

    Only a day between the floor and the ceiling depends on the actor's usual day, so only
    those actors' earlier days are read, and only three columns of them.
    """
    undecided = sorted(
        {
            actor
            for (actor, _), n in volumes.items()
            if rules.volume_floor <= n <= rules.volume_ceiling
        }
    )
    earlier: list[tuple[str, date, str]] = []
    for start in range(0, len(undecided), _CHUNK):
        conditions = _reviewable(care_giver_hsaid, since - VOLUME_BASELINE, since, None)
        query = select(AuditEntry.actor_id, AuditEntry.recorded_at, AuditEntry.patient_id).where(
            *conditions, AuditEntry.actor_id.in_(undecided[start : start + _CHUNK])
        )
        # patient_id is never None here (the conditions say so); the type does not know.
        earlier += [(a, local_day(at), p or "") for a, at, p in session.execute(query)]
    return {**daily_volumes(earlier), **volumes}


def _read(session: Session, conditions: list[ColumnElement[bool]]) -> Sequence[_Row]:
    staff, patient, staff_person = aliased(Staff), aliased(Person), aliased(Person)
    query = (
        select(
            AuditEntry.seq,
            AuditEntry.entry_id,
            AuditEntry.recorded_at,
            AuditEntry.actor_id,
            AuditEntry.patient_id,
            AuditEntry.resource,
            AuditEntry.purpose,
            AuditEntry.outcome,
            AuditEntry.reason,
            AuditEntry.care_giver_hsaid,
            staff.family_name.label("staff_surname"),
            staff.person_number.label("staff_person_number"),
            staff_person.street_address.label("staff_street"),
            staff_person.postal_code.label("staff_postal"),
            patient.family_name.label("patient_surname"),
            patient.street_address.label("patient_street"),
            patient.postal_code.label("patient_postal"),
            patient.protected_identity.label("patient_protected"),
            Review.id.label("review_id"),
        )
        .outerjoin(staff, staff.hsa_id == AuditEntry.actor_id)
        .outerjoin(staff_person, staff_person.person_id == staff.person_number)
        .outerjoin(patient, patient.person_id == AuditEntry.patient_id)
        .outerjoin(Review, Review.audit_seq == AuditEntry.seq)
        .where(*conditions)
        .order_by(AuditEntry.seq)
    )
    return session.execute(query).all()


def _view(row: _Row) -> EntryView:
    return EntryView(
        seq=row.seq,
        entry_id=row.entry_id,
        recorded_at=row.recorded_at,
        actor_id=row.actor_id,
        patient_id=row.patient_id,
        resource=row.resource,
        outcome=row.outcome,
        reason=row.reason,
    )


_Relations = dict[str, list[tuple[str, str, datetime, datetime | None]]]


def _facts(
    row: _Row, view: EntryView, day_patients: int, usual: float | None, relations: _Relations
) -> EntryFacts:
    had_relation = None
    if needs_relation_fact(view):
        had_relation = _relation_at(relations, row)
    return EntryFacts(
        staff_surname=row.staff_surname,
        staff_person_number=row.staff_person_number,
        staff_address=Address.of(row.staff_street, row.staff_postal),
        patient_surname=row.patient_surname,
        patient_address=Address.of(row.patient_street, row.patient_postal),
        patient_protected=bool(row.patient_protected),
        had_relation=had_relation,
        day_patients=day_patients,
        usual_day_patients=usual,
    )


def _relation_at(relations: _Relations, row: _Row) -> bool:
    """A relation of the access's kind at the actor's care giver, when the access happened."""
    kind = "social_care" if row.purpose == "social_care" else "care"
    at = row.recorded_at
    return any(
        giver == row.care_giver_hsaid
        and rel_kind == kind
        and started <= at
        and (ended is None or ended > at)
        for giver, rel_kind, started, ended in relations.get(row.patient_id, ())
    )


def _relations(session: Session, rows: list[_Row]) -> _Relations:
    ids = sorted({row.patient_id for row in rows})
    found: _Relations = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(
                Person.person_id,
                CareGiver.hsa_id,
                CareRelation.kind,
                CareRelation.started_at,
                CareRelation.ended_at,
            )
            .join(Person, Person.id == CareRelation.person_id)
            .join(Unit, Unit.id == CareRelation.unit_id)
            .join(CareGiver, CareGiver.id == Unit.care_giver_id)
            .where(Person.person_id.in_(ids[start : start + _CHUNK]))
        )
        for person_id, giver, kind, started, ended in session.execute(query):
            found[person_id].append((giver, kind, started, ended))
    return found
