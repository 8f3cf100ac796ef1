"""Writes of people."""

from __future__ import annotations

from sqlalchemy.orm import Session

from samvard.core import audit
from samvard.identity.models import Person
from samvard.identity.numbers import PersonId
from samvard.identity.queries import get_person_by_person_id


def ensure_person(
    session: Session, *, actor_id: str, pid: PersonId, given_name: str, family_name: str
) -> Person:
    """The person with this identifier, registered on first login if unknown.

    The identity provider has proven who logged in; we record the person so that their
    own records and access log have somewhere to live.
    """
    existing = get_person_by_person_id(session, pid.normalized)
    if existing is not None:
        return existing
    person = Person(
        person_id=pid.normalized,
        id_kind=pid.kind.value,
        given_name=given_name or "-",
        family_name=family_name or "-",
        birth_date=pid.birth_date,
        sex=pid.sex,
    )
    session.add(person)
    session.flush()
    audit.append(
        session,
        audit.AuditRecord(
            actor_kind="system",
            actor_id=actor_id,
            action="write",
            resource="person",
            outcome="allowed",
            reason="first_login",
            patient_id=pid.normalized,
        ),
    )
    return person
