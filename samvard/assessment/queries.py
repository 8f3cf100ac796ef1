"""Reads of assessments, each through the policy hook, and the reproduction of an outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.schemas import Action, Actor
from samvard.assessment import engine_io
from samvard.assessment.actions import authorize
from samvard.assessment.content import content_of
from samvard.assessment.models import Assessment
from samvard.identity.models import Person
from samvard.identity.queries import list_children
from samvard.triage.engine import Evaluation, OutcomeResult
from samvard.triage.loader import Content


def find_assessment(session: Session, ref: str) -> Assessment | None:
    """The assessment with public id `ref`, unguarded: the caller must `authorize` next."""
    return session.scalar(select(Assessment).where(Assessment.ref == ref))


def get_assessment(
    session: Session, *, actor: Actor, ref: str, action: Action = Action.READ
) -> Assessment | None:
    """The assessment with `ref`, after the policy allowed (and logged) the access."""
    assessment = find_assessment(session, ref)
    if assessment is not None:
        authorize(session, actor, assessment.person_id, action)
    return assessment


@dataclass(frozen=True)
class Subjects:
    """Whom the actor may assess: themselves and the children in their care."""

    me: Person
    children: list[Person]

    @property
    def everyone(self) -> list[Person]:
        """The actor first, then the children, youngest first."""
        return [self.me, *self.children]


def list_subjects(session: Session, me: Person, *, today: date) -> Subjects:
    """The citizen and the children under 18 they are guardian of today."""
    return Subjects(me=me, children=list_children(session, me, today=today))


def list_assessments(
    session: Session, *, actor: Actor, subjects: Subjects, limit: int = 20
) -> list[Assessment]:
    """The assessments of the citizen and their children, newest first, each access logged."""
    rows = session.scalars(
        select(Assessment)
        .where(Assessment.person_id.in_([p.id for p in subjects.everyone]))
        .order_by(Assessment.started_at.desc(), Assessment.id.desc())
        .limit(limit)
    ).all()
    for person_id in dict.fromkeys(row.person_id for row in rows):
        authorize(session, actor, person_id, Action.READ)
    return list(rows)


def content_for(session: Session, assessment: Assessment) -> Content:
    """The content the assessment was made with, from its snapshot."""
    return content_of(session, assessment.content_version)


def current(session: Session, assessment: Assessment) -> Evaluation | None:
    """The next question or the outcome now; None until a complaint is chosen."""
    if assessment.complaint_id is None:
        return None
    return engine_io.evaluate_stored(content_for(session, assessment), assessment)


def reproduce(session: Session, assessment: Assessment) -> OutcomeResult | None:
    """The outcome recomputed from the stored answers and the stored content snapshot.

    For a completed assessment its level, urgency and disposition equal the stored ones.
    """
    result = current(session, assessment)
    return result.outcome if result is not None else None
