"""Writes to the organisation directory, each with its audit entry."""

from __future__ import annotations

from sqlalchemy.orm import Session

from samvard.core import audit
from samvard.directory.hsaid import parse_hsa_id
from samvard.directory.models import CareGiver, Municipality, Unit
from samvard.directory.queries import get_unit_by_hsa_id


class DirectoryError(ValueError):
    """A directory change that cannot be made; `message` is Swedish."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def create_unit(
    session: Session,
    *,
    actor_id: str,
    care_giver: CareGiver,
    municipality: Municipality,
    hsa_id: str,
    name: str,
    kind: str,
) -> Unit:
    """Register a new unit under a care giver, in a municipality of the care giver's region."""
    normalized = parse_hsa_id(hsa_id)
    if get_unit_by_hsa_id(session, normalized) is not None:
        raise DirectoryError("hsa_id", "Det finns redan en enhet med det HSA-id:t.")
    if municipality.region_code != care_giver.region_code:
        raise DirectoryError("kommun", "Kommunen ligger inte i vårdgivarens region.")
    if not name.strip():
        raise DirectoryError("namn", "Enheten måste ha ett namn.")
    unit = Unit(
        hsa_id=normalized,
        name=name.strip(),
        care_giver_id=care_giver.id,
        municipality_code=municipality.code,
        kind=kind,
    )
    session.add(unit)
    session.flush()
    audit.append(
        session,
        audit.AuditRecord(
            actor_kind="staff",
            actor_id=actor_id,
            actor_role="administrator",
            action="write",
            resource=f"directory.unit/{normalized}",
            outcome="allowed",
            reason="directory_admin",
            care_giver_hsaid=care_giver.hsa_id,
        ),
    )
    return unit
