"""Actors for tests that call actions directly, built from the demo personas."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.actors import staff_actor as _acting
from samvard.access.schemas import Actor, ActorKind
from samvard.demo.personas import StaffPersona
from samvard.directory.models import Assignment, Staff, Unit
from samvard.identity.models import Person


def staff_actor(session: Session, persona: StaffPersona, unit_hsaid: str | None = None) -> Actor:
    """The persona acting in their (first, or named) assignment, as after login."""
    staff = session.scalars(select(Staff).where(Staff.hsa_id == persona.hsa_id)).one()
    unit_hsa = unit_hsaid or persona.units[0]
    assignment = session.scalars(
        select(Assignment)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.staff_id == staff.id, Unit.hsa_id == unit_hsa)
    ).first()
    assert assignment is not None, f"{persona.key} has no assignment at {unit_hsa}"
    return _acting(staff, assignment)


def citizen_actor(person: Person) -> Actor:
    """The person acting for themselves, as after e-ID login."""
    return Actor(kind=ActorKind.CITIZEN, id=person.person_id, person_pk=person.id)


def unit_by_hsaid(session: Session, hsa_id: str) -> Unit:
    """The unit with that HSA-id (the demo world has it)."""
    return session.scalars(select(Unit).where(Unit.hsa_id == hsa_id)).one()


def person_by_id(session: Session, person_id: str) -> Person:
    """The person with that personnummer (the demo world has them)."""
    return session.scalars(select(Person).where(Person.person_id == person_id)).one()
