"""Saving scenarios: validation, idempotent retries, stale versions, scopes, access and audit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied
from samvard.analytics.scenarios import actions
from samvard.analytics.scenarios.actions import create, delete, update
from samvard.analytics.scenarios.models import NATIONAL, PlanningScenario
from samvard.analytics.scenarios.problems import ScenarioError
from samvard.core.audit import AuditEntry
from samvard.demo import personas
from tests.support.actors import staff_actor

pytestmark = pytest.mark.db

LOW = {"health_examination": 0.8, "mental_health": 0.2}
HIGH = {
    "health_examination": 1.0,
    "mental_health": 0.35,
    "by_age_group": {"6-17": {"mental_health": 0.4}},
}


def rows(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(PlanningScenario)) or 0)


def writes(session: Session, outcome: str = "allowed") -> int:
    query = select(func.count()).where(
        AuditEntry.resource == "analytics.statistics",
        AuditEntry.action == "write",
        AuditEntry.outcome == outcome,
    )
    return int(session.scalar(query) or 0)


def error_of(call: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        call()
    return caught.value


def test_create_saves_version_1_in_the_planners_region_and_audits(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    before = writes(world_session)
    saved = create(world_session, actor=planner, name="  Låg   inflyttning ", assumptions=LOW)
    assert saved.changed
    row = saved.scenario
    assert (row.scope, row.name, row.version) == ("01", "Låg inflyttning", 1)
    assert row.created_by == row.updated_by == personas.PLANNER.hsa_id
    assert row.created_at == row.updated_at
    assert row.assumptions["mental_health"] == 0.2
    assert row.assumptions["waiting_outflow"] == 0.05  # defaults are stored, not implied
    assert writes(world_session) == before + 1


def test_the_national_planner_saves_in_the_national_scope(world_session: Session) -> None:
    national = staff_actor(world_session, personas.NATIONAL_PLANNER)
    planner = staff_actor(world_session, personas.PLANNER)
    ours = create(world_session, actor=national, name="Bas", assumptions=LOW).scenario
    theirs = create(world_session, actor=planner, name="Bas", assumptions=HIGH).scenario
    assert ours.scope == NATIONAL
    assert theirs.scope == "01"
    assert ours.id != theirs.id  # the same name in two scopes is two scenarios


def test_a_repeated_create_returns_the_stored_scenario(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    first = create(world_session, actor=planner, name="Hög", assumptions=HIGH)
    again = create(world_session, actor=planner, name="hög", assumptions=dict(HIGH))
    assert not again.changed
    assert again.scenario.id == first.scenario.id
    assert rows(world_session) == 1


def test_the_same_name_with_other_assumptions_is_refused(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    create(world_session, actor=planner, name="Hög", assumptions=HIGH)
    error = error_of(lambda: create(world_session, actor=planner, name="HÖG", assumptions=LOW))
    assert (error.code, error.field) == ("name_taken", "name")
    assert "”Hög”" in error.message
    assert rows(world_session) == 1


def test_a_create_that_loses_a_race_returns_the_winner(
    world_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    winner = create(world_session, actor=planner, name="Hög", assumptions=HIGH).scenario
    looked_up = actions._by_name
    calls: list[str] = []

    def not_yet_seen(session: Session, scope: str, name: str) -> PlanningScenario | None:
        # The first look-up happens before the other save commits: it finds nothing.
        calls.append(name)
        return None if len(calls) == 1 else looked_up(session, scope, name)

    monkeypatch.setattr(actions, "_by_name", not_yet_seen)
    retry = create(world_session, actor=planner, name="Hög", assumptions=HIGH)
    assert (retry.changed, retry.scenario.id) == (False, winner.id)
    calls.clear()
    error = error_of(lambda: create(world_session, actor=planner, name="Hög", assumptions=LOW))
    assert error.code == "name_taken"
    # The unique constraint fired inside a savepoint: the transaction goes on, one row.
    assert rows(world_session) == 1


@pytest.mark.parametrize(
    ("name", "message"), [("   ", "Ge scenariot ett namn."), ("x" * 81, "högst 80 tecken")]
)
def test_a_name_must_have_1_to_80_characters(
    world_session: Session, name: str, message: str
) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    error = error_of(lambda: create(world_session, actor=planner, name=name, assumptions=LOW))
    assert (error.code, error.field) == ("invalid_name", "name")
    assert message in error.message
    assert create(world_session, actor=planner, name="x" * 80, assumptions=LOW).changed


def test_invalid_assumptions_list_every_problem_in_swedish(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    bad = {"mental_health": 1.5, "by_age_group": {"7-9": {}}, "colour": "red"}
    error = error_of(lambda: create(world_session, actor=planner, name="Fel", assumptions=bad))
    assert error.code == "invalid_assumptions"
    problems = {p.field: p.message for p in error.problems}
    assert problems["mental_health"] == "Andelen får inte vara större än 1 (100 procent)."
    assert problems["colour"] == "Okänt fält."
    assert any(field.startswith("by_age_group.7-9") for field in problems)
    assert error.as_dict()["problems"]
    assert rows(world_session) == 0


def test_a_region_may_only_set_its_own_municipalities(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    national = staff_actor(world_session, personas.NATIONAL_PLANNER)
    local = {"municipalities": {"0180": {"mental_health": 0.3}, "0380": {"mental_health": 0.1}}}
    error = error_of(lambda: create(world_session, actor=planner, name="K", assumptions=local))
    assert [(p.field, p.message) for p in error.problems] == [
        ("municipalities.0380", "Kommunen ligger inte i din region.")
    ]
    assert create(world_session, actor=national, name="K", assumptions=local).changed
    own = {"municipalities": {"0180": {"mental_health": 0.3}}}
    assert create(world_session, actor=planner, name="K", assumptions=own).changed


def test_update_writes_the_next_version(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    admin = staff_actor(world_session, personas.ADMINISTRATOR)
    row = create(world_session, actor=planner, name="Bas", assumptions=LOW).scenario
    saved = update(
        world_session, actor=admin, scenario_id=row.id, version=1, name="Bas 2", assumptions=HIGH
    )
    assert saved.changed
    assert (saved.scenario.version, saved.scenario.name) == (2, "Bas 2")
    assert saved.scenario.updated_by == personas.ADMINISTRATOR.hsa_id
    assert saved.scenario.created_by == personas.PLANNER.hsa_id
    assert saved.scenario.assumptions["mental_health"] == 0.35


def test_a_repeated_update_writes_nothing(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    row = create(world_session, actor=planner, name="Bas", assumptions=LOW).scenario
    first = update(
        world_session, actor=planner, scenario_id=row.id, version=1, name="Bas", assumptions=HIGH
    )
    again = update(
        world_session, actor=planner, scenario_id=row.id, version=1, name="Bas", assumptions=HIGH
    )
    assert first.changed and not again.changed
    assert again.scenario.version == 2


def test_an_update_from_an_old_version_is_refused(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    row = create(world_session, actor=planner, name="Bas", assumptions=LOW).scenario
    update(
        world_session, actor=planner, scenario_id=row.id, version=1, name="Bas", assumptions=HIGH
    )
    error = error_of(
        lambda: update(
            world_session,
            actor=planner,
            scenario_id=row.id,
            version=1,
            name="Bas",
            assumptions={"mental_health": 0.5},
        )
    )
    assert error.code == "stale_version"
    assert "nu version 2" in error.message
    assert row.assumptions["mental_health"] == 0.35


def test_renaming_onto_another_scenario_is_refused(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    create(world_session, actor=planner, name="Hög", assumptions=HIGH)
    row = create(world_session, actor=planner, name="Låg", assumptions=LOW).scenario
    error = error_of(
        lambda: update(
            world_session, actor=planner, scenario_id=row.id, version=1, name="hög", assumptions=LOW
        )
    )
    assert error.code == "name_taken"
    assert (row.name, row.version) == ("Låg", 1)


def test_delete_is_safe_to_repeat_and_refuses_an_old_version(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    row = create(world_session, actor=planner, name="Bas", assumptions=LOW).scenario
    update(
        world_session, actor=planner, scenario_id=row.id, version=1, name="Bas", assumptions=HIGH
    )
    error = error_of(lambda: delete(world_session, actor=planner, scenario_id=row.id, version=1))
    assert error.code == "stale_version"
    assert delete(world_session, actor=planner, scenario_id=row.id, version=2)
    assert not delete(world_session, actor=planner, scenario_id=row.id, version=2)
    assert rows(world_session) == 0


def test_another_scopes_scenario_cannot_be_changed(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    national = staff_actor(world_session, personas.NATIONAL_PLANNER)
    row = create(world_session, actor=planner, name="Bas", assumptions=LOW).scenario
    error = error_of(
        lambda: update(
            world_session, actor=national, scenario_id=row.id, version=1, name="X", assumptions=LOW
        )
    )
    assert error.code == "not_found"
    assert not delete(world_session, actor=national, scenario_id=row.id, version=1)
    assert rows(world_session) == 1


def test_staff_who_do_not_plan_are_denied_and_the_attempt_is_logged(
    world_session: Session,
) -> None:
    nurse = staff_actor(world_session, personas.NURSE)
    denied = writes(world_session, "denied")
    with pytest.raises(AccessDenied) as caught:
        create(world_session, actor=nurse, name="Bas", assumptions=LOW)
    assert caught.value.decision.reason == "not_planner"
    assert writes(world_session, "denied") == denied + 1
    assert rows(world_session) == 0
