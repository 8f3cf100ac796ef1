"""Reading scenarios: the own scope only, in name order, through the access policy."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied
from samvard.analytics.assumptions import Assumptions
from samvard.analytics.scenarios.actions import create
from samvard.analytics.scenarios.queries import (
    assumptions_of,
    get_scenario,
    get_scenarios,
    list_scenarios,
)
from samvard.demo import personas
from tests.support.actors import staff_actor

pytestmark = pytest.mark.db


def test_each_scope_lists_its_own_scenarios_by_name(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    admin = staff_actor(world_session, personas.ADMINISTRATOR)
    national = staff_actor(world_session, personas.NATIONAL_PLANNER)
    for name in ("Ökad inflyttning", "bas", "Avvecklat boende"):
        create(world_session, actor=planner, name=name, assumptions={})
    create(world_session, actor=national, name="Riket", assumptions={})

    # The region's administrator shares the region's scenarios with its planners.
    assert [s.name for s in list_scenarios(world_session, actor=admin)] == [
        "Avvecklat boende",
        "bas",
        "Ökad inflyttning",
    ]
    assert [s.name for s in list_scenarios(world_session, actor=national)] == ["Riket"]


def test_get_finds_only_the_own_scopes_scenario(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    national = staff_actor(world_session, personas.NATIONAL_PLANNER)
    row = create(world_session, actor=planner, name="Bas", assumptions={}).scenario
    assert get_scenario(world_session, actor=planner, scenario_id=row.id) is row
    assert get_scenario(world_session, actor=national, scenario_id=row.id) is None
    assert get_scenario(world_session, actor=planner, scenario_id=row.id + 1000) is None


def test_get_scenarios_keeps_the_asked_order_and_drops_others(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    national = staff_actor(world_session, personas.NATIONAL_PLANNER)
    a = create(world_session, actor=planner, name="A", assumptions={}).scenario
    b = create(world_session, actor=planner, name="B", assumptions={}).scenario
    other = create(world_session, actor=national, name="C", assumptions={}).scenario
    found = get_scenarios(world_session, actor=planner, scenario_ids=[b.id, other.id, a.id, b.id])
    assert [s.name for s in found] == ["B", "A"]
    assert get_scenarios(world_session, actor=planner, scenario_ids=[]) == []


def test_assumptions_come_back_as_saved(world_session: Session) -> None:
    planner = staff_actor(world_session, personas.PLANNER)
    data = {
        "mental_health": 0.3,
        "municipalities": {"0180": {"by_age_group": {"0-5": {"mental_health": 0.1}}}},
    }
    row = create(world_session, actor=planner, name="Bas", assumptions=data).scenario
    assumptions = assumptions_of(row)
    assert assumptions == Assumptions.model_validate(data)
    assert assumptions.shares("0180", "0-5").mental_health == 0.1


def test_reading_is_denied_to_staff_who_do_not_plan(world_session: Session) -> None:
    nurse = staff_actor(world_session, personas.NURSE)
    with pytest.raises(AccessDenied):
        list_scenarios(world_session, actor=nurse)
    with pytest.raises(AccessDenied):
        get_scenario(world_session, actor=nurse, scenario_id=1)
