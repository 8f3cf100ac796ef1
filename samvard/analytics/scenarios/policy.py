"""Whose scenarios a planner works with: their region's, or the national body's.

The access policy decides that the actor plans at all (InfoSet.ANALYTICS); this rule names
the scope they plan for, from the care giver of the unit they logged in at. It is the
same rule as the planning pages' scope: a region's staff plan for their own region, the
national follow-up body for the whole country.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from samvard.access.schemas import Actor
from samvard.analytics.scenarios.models import NATIONAL
from samvard.directory.models import CareGiver, CareGiverKind


def owner_scope(session: Session, actor: Actor) -> str | None:
    """The actor's scope: a region code, `NATIONAL`, or None for anyone who plans nothing."""
    if actor.care_giver_id is None:
        return None
    giver = session.get(CareGiver, actor.care_giver_id)
    if giver is None:
        return None
    if giver.kind is CareGiverKind.NATIONAL:
        return NATIONAL
    if giver.kind is CareGiverKind.REGION:
        return giver.region_code
    return None
