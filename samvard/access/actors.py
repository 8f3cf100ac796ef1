"""Who is acting: the `Actor` a staff member becomes when working in an assignment."""

from __future__ import annotations

from samvard.access.schemas import Actor, ActorKind
from samvard.directory.models import Assignment, Staff


def staff_actor(staff: Staff, assignment: Assignment | None) -> Actor:
    """The staff member acting in `assignment` (role at a unit), or with none chosen yet."""
    if assignment is None:
        return Actor(kind=ActorKind.STAFF, id=staff.hsa_id, staff_pk=staff.id)
    unit = assignment.unit
    return Actor(
        kind=ActorKind.STAFF,
        id=staff.hsa_id,
        staff_pk=staff.id,
        role=assignment.role,
        unit_id=unit.id,
        unit_hsaid=unit.hsa_id,
        care_giver_id=unit.care_giver_id,
        care_giver_hsaid=unit.care_giver.hsa_id,
        care_giver_kind=unit.care_giver.kind,
    )
