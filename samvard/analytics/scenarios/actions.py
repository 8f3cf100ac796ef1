"""Writes to the scenarios: create, update and delete, each one transaction with its audit entry.

Every action first asks the access policy (which records the write attempt in the audit
log, in the caller's transaction), then checks its input, then writes. An error raises
before anything is flushed, or inside a savepoint that is rolled back, so the caller's
rollback leaves nothing half-written. Retries are safe: repeating a create or an update
that already took effect returns the stored scenario and writes nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from samvard.access.guard import check
from samvard.access.schemas import AccessRequest, Action, Actor, InfoSet, Purpose
from samvard.analytics.assumptions import Assumptions
from samvard.analytics.scenarios.models import PlanningScenario
from samvard.analytics.scenarios.policy import owner_scope
from samvard.analytics.scenarios.problems import (
    ScenarioError,
    checked_assumptions,
    clean_name,
    name_key,
)
from samvard.core.db import utcnow


@dataclass(frozen=True)
class Saved:
    """The scenario after an action; `changed` is False when a retry found it already done."""

    scenario: PlanningScenario
    changed: bool


def create(
    session: Session,
    *,
    actor: Actor,
    name: str,
    assumptions: Assumptions | Mapping[str, Any],
) -> Saved:
    """Save new assumptions under `name` in the actor's scope (version 1).

    The same name with the same assumptions is a retry and returns the stored scenario;
    the same name with other assumptions is refused (`name_taken`).
    """
    scope = _authorised(session, actor)
    cleaned = clean_name(name)
    parsed = checked_assumptions(assumptions, scope)
    existing = _by_name(session, scope, cleaned)
    if existing is not None:
        return _same_or_taken(existing, parsed)
    now = utcnow()
    row = PlanningScenario(
        scope=scope,
        name=cleaned,
        name_key=name_key(cleaned),
        assumptions=parsed.model_dump(mode="json"),
        version=1,
        created_by=actor.id,
        created_at=now,
        updated_by=actor.id,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another planner (or a parallel retry) saved the name first: decide as above.
        found = _by_name(session, scope, cleaned)
        if found is None:
            raise
        return _same_or_taken(found, parsed)
    return Saved(row, changed=True)


def update(
    session: Session,
    *,
    actor: Actor,
    scenario_id: int,
    version: int,
    name: str,
    assumptions: Assumptions | Mapping[str, Any],
) -> Saved:
    """Replace the name and assumptions of the scenario the actor edited at `version`.

    The stored scenario gets version + 1. If it has moved past `version` meanwhile the
    update is refused (`stale_version`), unless it already holds exactly this content
    (a retry of this same update): then nothing is written.
    """
    scope = _authorised(session, actor)
    cleaned = clean_name(name)
    parsed = checked_assumptions(assumptions, scope)
    row = _locked(session, scope, scenario_id)
    if row is None:
        raise _not_found()
    if row.name == cleaned and _content(row) == parsed:
        return Saved(row, changed=False)
    if row.version != version:
        raise _stale(row)
    clash = _by_name(session, scope, cleaned)
    if clash is not None and clash.id != row.id:
        raise _taken(cleaned)
    try:
        with session.begin_nested():
            row.name = cleaned
            row.name_key = name_key(cleaned)
            row.assumptions = parsed.model_dump(mode="json")
            row.version = version + 1
            row.updated_by = actor.id
            row.updated_at = utcnow()
            session.flush()
    except IntegrityError as error:
        session.refresh(row)
        raise _taken(cleaned) from error
    return Saved(row, changed=True)


def delete(session: Session, *, actor: Actor, scenario_id: int, version: int) -> bool:
    """Delete the scenario the actor saw at `version`; False if it was already gone.

    A scenario changed since `version` is not deleted (`stale_version`): the planner
    should see what they are removing.
    """
    scope = _authorised(session, actor)
    row = _locked(session, scope, scenario_id)
    if row is None:
        return False
    if row.version != version:
        raise _stale(row)
    session.delete(row)
    session.flush()
    return True


def _authorised(session: Session, actor: Actor) -> str:
    request = AccessRequest(
        actor=actor, info=InfoSet.ANALYTICS, purpose=Purpose.ADMINISTRATION, action=Action.WRITE
    )
    check(session, request)
    scope = owner_scope(session, actor)
    if scope is None:
        raise ScenarioError(
            "no_planning_scope", "Du planerar inte för någon region eller för hela riket."
        )
    return scope


def _by_name(session: Session, scope: str, name: str) -> PlanningScenario | None:
    return session.scalar(
        select(PlanningScenario).where(
            PlanningScenario.scope == scope, PlanningScenario.name_key == name_key(name)
        )
    )


def _locked(session: Session, scope: str, scenario_id: int) -> PlanningScenario | None:
    # FOR UPDATE serialises two edits of one scenario on PostgreSQL; SQLite serialises
    # every writing transaction already (BEGIN IMMEDIATE). Another scope's scenario is
    # not found, so its existence is not revealed either.
    return session.scalar(
        select(PlanningScenario)
        .where(PlanningScenario.id == scenario_id, PlanningScenario.scope == scope)
        .with_for_update()
    )


def _content(row: PlanningScenario) -> Assumptions:
    return Assumptions.model_validate(row.assumptions)


def _same_or_taken(row: PlanningScenario, parsed: Assumptions) -> Saved:
    if _content(row) == parsed:
        return Saved(row, changed=False)
    raise _taken(row.name)


def _taken(name: str) -> ScenarioError:
    return ScenarioError(
        "name_taken",
        f"Det finns redan ett scenario som heter ”{name}”. Välj ett annat namn.",
        field="name",
    )


def _not_found() -> ScenarioError:
    return ScenarioError("not_found", "Scenariot finns inte. Det kan ha tagits bort.")


def _stale(row: PlanningScenario) -> ScenarioError:
    return ScenarioError(
        "stale_version",
        f"Scenariot har ändrats sedan du öppnade det (nu version {row.version}). "
        "Ladda om sidan och gör ändringen på den senaste versionen.",
    )
