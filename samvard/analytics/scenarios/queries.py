"""Reads of the scenarios: the actor's scope's list, one scenario, and its assumptions.

Each read passes the access policy first (InfoSet.ANALYTICS), so only planners and
administrators of a region or of the national body read scenarios, and only their own
scope's.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.guard import check
from samvard.access.schemas import AccessRequest, Actor, InfoSet, Purpose
from samvard.analytics.assumptions import Assumptions
from samvard.analytics.scenarios.models import PlanningScenario
from samvard.analytics.scenarios.policy import owner_scope


def list_scenarios(session: Session, *, actor: Actor) -> list[PlanningScenario]:
    """Every scenario of the actor's scope, by name."""
    scope = _readable_scope(session, actor)
    if scope is None:
        return []
    return list(
        session.scalars(
            select(PlanningScenario)
            .where(PlanningScenario.scope == scope)
            .order_by(PlanningScenario.name_key, PlanningScenario.id)
        )
    )


def get_scenario(session: Session, *, actor: Actor, scenario_id: int) -> PlanningScenario | None:
    """The scenario with that id in the actor's scope; None if there is none."""
    scope = _readable_scope(session, actor)
    if scope is None:
        return None
    return session.scalar(
        select(PlanningScenario).where(
            PlanningScenario.id == scenario_id, PlanningScenario.scope == scope
        )
    )


def get_scenarios(
    session: Session, *, actor: Actor, scenario_ids: list[int]
) -> list[PlanningScenario]:
    """The scenarios with those ids in the actor's scope, in the order asked for.

    An id that is not in the scope is left out; the caller compares what it gets.
    """
    scope = _readable_scope(session, actor)
    if scope is None or not scenario_ids:
        return []
    rows = session.scalars(
        select(PlanningScenario).where(
            PlanningScenario.id.in_(scenario_ids), PlanningScenario.scope == scope
        )
    )
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in dict.fromkeys(scenario_ids) if i in by_id]


def assumptions_of(scenario: PlanningScenario) -> Assumptions:
    """The scenario's stored assumptions (validated when they were saved)."""
    return Assumptions.model_validate(scenario.assumptions)


def _readable_scope(session: Session, actor: Actor) -> str | None:
    check(
        session, AccessRequest(actor=actor, info=InfoSet.ANALYTICS, purpose=Purpose.ADMINISTRATION)
    )
    return owner_scope(session, actor)
