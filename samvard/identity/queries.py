"""Reads of people. Callers pass the access guard before showing what they read."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.identity.models import Person


def get_person(session: Session, pk: int) -> Person | None:
    """One person by internal id."""
    return session.get(Person, pk)


def get_person_by_person_id(session: Session, person_id: str) -> Person | None:
    """One person by normalised personnummer, samordningsnummer or reservnummer."""
    return session.scalar(select(Person).where(Person.person_id == person_id))


def count_persons(session: Session) -> int:
    """How many people the platform knows."""
    return int(session.scalar(select(func.count(Person.id))) or 0)
