"""The planner's scope: a region's figures down to clinics, or the country's to municipalities."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.actors import staff_actor
from samvard.access.schemas import Actor, ActorKind
from samvard.analytics.scope import NoPlanningScopeError, Scope
from samvard.demo.personas import CARE_STAFF, NATIONAL_PLANNER, PLANNER
from samvard.directory.models import Assignment, CareGiverKind, Staff
from tests.conftest import Database


def _actor(session: Session, hsa_id: str) -> Actor:
    staff = session.scalars(select(Staff).where(Staff.hsa_id == hsa_id)).one()
    assignment = session.scalars(select(Assignment).where(Assignment.staff_id == staff.id)).first()
    return staff_actor(staff, assignment)


def test_a_region_planner_sees_the_own_region_down_to_clinics(sqlite_world: Database) -> None:
    with Session(sqlite_world.engine) as session:
        scope = Scope.from_actor(session, _actor(session, PLANNER.hsa_id))
    assert scope == Scope(national=False, region="01")
    assert scope.clinics
    assert scope.allows_region("01") and not scope.allows_region("14")


def test_the_national_planner_sees_every_region_but_no_clinics(sqlite_world: Database) -> None:
    with Session(sqlite_world.engine) as session:
        scope = Scope.from_actor(session, _actor(session, NATIONAL_PLANNER.hsa_id))
    assert scope == Scope.nation()
    assert not scope.clinics
    assert scope.allows_region("01") and scope.allows_region("25")


def test_a_municipality_has_no_planning_scope(sqlite_world: Database) -> None:
    with Session(sqlite_world.engine) as session:
        actor = _actor(session, CARE_STAFF.hsa_id)
        assert actor.care_giver_kind is CareGiverKind.MUNICIPALITY
        with pytest.raises(NoPlanningScopeError):
            Scope.from_actor(session, actor)
        with pytest.raises(NoPlanningScopeError):
            Scope.from_actor(session, Actor(kind=ActorKind.CITIZEN, id="x"))


def test_a_scope_is_either_national_or_one_region() -> None:
    with pytest.raises(ValueError, match="either national or one region"):
        Scope(national=True, region="01")
    with pytest.raises(ValueError, match="either national or one region"):
        Scope(national=False, region=None)
    with pytest.raises(ValueError, match="länskod"):
        Scope.of_region("1")
