"""Writes for login sessions: start, choose unit, touch, end. Each is audited."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.orm import Session

from samvard.access.schemas import ActorKind
from samvard.auth.models import WebSession
from samvard.core import audit
from samvard.core.db import utcnow
from samvard.directory.models import Assignment, Staff
from samvard.identity.models import Person


def hash_token(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_citizen_session(session: Session, *, person: Person, method: str) -> str:
    """Log a citizen in; returns the cookie token (shown once, stored only hashed)."""
    audit.append(session, _login_record("citizen", person.person_id, method, person.person_id))
    return _start(session, ActorKind.CITIZEN, method, person_id=person.id)


def start_staff_session(session: Session, *, staff: Staff, method: str) -> str:
    """Log a staff member in (no unit chosen yet); returns the cookie token."""
    audit.append(session, _login_record("staff", staff.hsa_id, method, None))
    return _start(session, ActorKind.STAFF, method, staff_id=staff.id)


def _start(
    session: Session,
    kind: ActorKind,
    method: str,
    *,
    person_id: int | None = None,
    staff_id: int | None = None,
) -> str:
    # A fresh random token at every login: a token seen before login is worthless after.
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = WebSession(
        token_hash=hash_token(token),
        actor_kind=kind.value,
        person_id=person_id,
        staff_id=staff_id,
        login_method=method,
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    return token


def choose_unit(session: Session, *, web_session: WebSession, assignment: Assignment) -> None:
    """Bind the staff session to one active assignment (role at unit)."""
    if assignment.staff_id != web_session.staff_id or not assignment.active_on(utcnow().date()):
        raise ValueError("assignment does not belong to this session or is not active")
    web_session.assignment_id = assignment.id
    audit.append(
        session,
        audit.AuditRecord(
            actor_kind="staff",
            actor_id=assignment.staff.hsa_id,
            actor_role=assignment.role,
            unit_hsaid=assignment.unit.hsa_id,
            care_giver_hsaid=assignment.unit.care_giver.hsa_id,
            action="choose_unit",
            resource="session",
            outcome="allowed",
            reason="assignment",
        ),
    )


def touch(web_session: WebSession) -> None:
    """Record activity, at most once a minute so page views don't all write."""
    now = utcnow()
    if (now - web_session.last_seen_at).total_seconds() >= 60:
        web_session.last_seen_at = now


def end_session(session: Session, *, web_session: WebSession, actor_id: str, why: str) -> None:
    """Log out (or expire): the token stops working at once."""
    web_session.ended_at = utcnow()
    audit.append(
        session,
        audit.AuditRecord(
            actor_kind=web_session.actor_kind,
            actor_id=actor_id,
            action="logout",
            resource="session",
            outcome="allowed",
            reason=why,
        ),
    )


def _login_record(kind: str, actor_id: str, method: str, patient: str | None) -> audit.AuditRecord:
    return audit.AuditRecord(
        actor_kind=kind,
        actor_id=actor_id,
        action="login",
        resource="session",
        outcome="allowed",
        reason=method,
        patient_id=patient,
    )
