"""Whose routing an administrator may change: their own region's, as one of its staff.

The access policy decides that the actor administers at all (InfoSet.ROUTING_ADMIN);
this rule narrows it to the region whose care giver the actor's unit belongs to.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from samvard.access.schemas import Actor
from samvard.directory.models import CareGiver, CareGiverKind


def administered_region(session: Session, actor: Actor) -> str | None:
    """The region code the actor works for as region staff, None for anyone else.

    Private providers and municipalities route nobody: the region decides its routing.
    """
    if actor.care_giver_id is None:
        return None
    giver = session.get(CareGiver, actor.care_giver_id)
    if giver is None or giver.kind is not CareGiverKind.REGION:
        return None
    return giver.region_code
