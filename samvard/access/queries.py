"""Reads that belong to access control: relations and the patient's own access log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from samvard.access.models import CareRelation
from samvard.core.audit import AuditEntry
from samvard.directory.models import CareGiver, Staff, Unit
from samvard.identity.models import Person


def list_unit_patients(
    session: Session, *, unit_id: int, limit: int = 50, offset: int = 0
) -> tuple[list[Person], int]:
    """A page of the people with an active relation to a unit, by name, and their number."""
    active = (CareRelation.unit_id == unit_id, CareRelation.ended_at.is_(None))
    total = session.scalar(select(func.count(func.distinct(CareRelation.person_id))).where(*active))
    query = (
        select(Person)
        .where(Person.id.in_(select(CareRelation.person_id).where(*active)))
        .order_by(Person.family_name, Person.given_name, Person.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query)), int(total or 0)


@dataclass(frozen=True)
class AccessLogRow:
    """One access to a patient's information, with names resolved from the directory."""

    entry: AuditEntry
    staff_name: str | None
    unit_name: str | None
    care_giver_name: str | None
    # The organisation whose records were read, when it is not the reader's own.
    source_name: str | None = None


def list_access_log(
    session: Session, *, patient_id: str, limit: int = 50, offset: int = 0
) -> tuple[list[AccessLogRow], int]:
    """Accesses by others to one patient's information, newest first, and the total."""
    # Compare the columns (not the bound value) so the partial index ix_audit_entry_by_others
    # applies: the two are equal under patient_id == :patient_id.
    where = (AuditEntry.patient_id == patient_id, AuditEntry.actor_id != AuditEntry.patient_id)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    cg, source = aliased(CareGiver), aliased(CareGiver)
    query = (
        select(AuditEntry, Staff, Unit.name, cg.name, source.name)
        .outerjoin(Staff, Staff.hsa_id == AuditEntry.actor_id)
        .outerjoin(Unit, Unit.hsa_id == AuditEntry.unit_hsaid)
        .outerjoin(cg, cg.hsa_id == AuditEntry.care_giver_hsaid)
        .outerjoin(source, source.hsa_id == AuditEntry.source_hsaid)
        .where(*where)
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
        .offset(offset)
    )
    rows = [
        AccessLogRow(entry, staff.display_name if staff else None, unit, giver, source_name)
        for entry, staff, unit, giver, source_name in session.execute(query)
    ]
    return rows, int(total)


def list_care_giver_log(
    session: Session, *, care_giver_hsaid: str, outcome: str | None = None, limit: int = 100
) -> list[AuditEntry]:
    """The newest audit entries at one care giver, for systematic log review."""
    query = select(AuditEntry).where(AuditEntry.care_giver_hsaid == care_giver_hsaid)
    if outcome:
        query = query.where(AuditEntry.outcome == outcome)
    return list(session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit)))
