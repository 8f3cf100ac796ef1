"""Reads of people. Callers pass the access guard before showing what they read."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.identity.models import Guardianship, Person


def get_person(session: Session, pk: int) -> Person | None:
    """One person by internal id."""
    return session.get(Person, pk)


def get_person_by_person_id(session: Session, person_id: str) -> Person | None:
    """One person by normalised personnummer, samordningsnummer or reservnummer."""
    return session.scalar(select(Person).where(Person.person_id == person_id))


def count_persons(session: Session) -> int:
    """How many people the platform knows."""
    return int(session.scalar(select(func.count(Person.id))) or 0)


ADULT_AGE = 18


def list_children(session: Session, guardian: Person, *, today: date) -> list[Person]:
    """The children under 18 that `guardian` is guardian of on `today`, youngest first."""
    rows = session.scalars(
        select(Guardianship).where(Guardianship.guardian_id == guardian.id)
    ).all()
    children = [
        child
        for row in rows
        if row.active_on(today)
        and (child := session.get(Person, row.child_id)) is not None
        and is_minor(child, today=today)
    ]
    return sorted(children, key=lambda c: c.birth_date or today, reverse=True)


def is_guardian_of(session: Session, guardian_pk: int, child: Person, *, today: date) -> bool:
    """Whether the person `guardian_pk` may act for `child` on `today`."""
    if not is_minor(child, today=today):
        return False
    rows = session.scalars(
        select(Guardianship).where(
            Guardianship.guardian_id == guardian_pk, Guardianship.child_id == child.id
        )
    )
    return any(row.active_on(today) for row in rows)


def is_minor(person: Person, *, today: date) -> bool:
    """Under 18 on `today`; an unknown birth date is not a minor (no one acts for them)."""
    age = person.age_on(today)
    return age is not None and age < ADULT_AGE
