"""Assessments in tests: the demo citizen and child, and answering until the outcome."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.assessment import actions
from samvard.assessment.models import Assessment
from samvard.demo import personas
from samvard.followup.models import FollowupEvent
from samvard.identity.models import Person
from samvard.triage.engine import Evaluation
from samvard.triage.loader import Content
from tests.support.actors import citizen_actor, person_by_id

# A Tuesday afternoon in Stockholm: the nurse chat of the default routing is open.
OPEN_HOURS = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
NO_RED_FLAGS = {
    "g_breathing": "no",
    "g_consciousness": "no",
    "g_stroke": "no",
    "g_bleeding": "no",
    "g_sepsis": "no",
}
COLD = {**NO_RED_FLAGS, "cc_days": 48, "cc_high_fever": "no", "cc_chest": "no"}


def sara(session: Session) -> Person:
    return person_by_id(session, personas.CITIZEN.person_id)


def elias(session: Session) -> Person:
    return person_by_id(session, personas.CHILD.person_id)


def started(
    session: Session,
    complaint: str | None = "chest_pain",
    *,
    subject: Person | None = None,
    content: Content | None = None,
    now: datetime = OPEN_HOURS,
) -> Assessment:
    """An assessment Sara started (for herself unless `subject`), complaint chosen."""
    actor = citizen_actor(sara(session))
    assessment = actions.start(
        session, actor=actor, subject_person=subject or sara(session), content=content, now=now
    )
    if complaint is not None:
        actions.choose_complaint(
            session, actor=actor, assessment=assessment, complaint_id=complaint, now=now
        )
    return assessment


def answer_all(
    session: Session,
    assessment: Assessment,
    answers: Mapping[str, Any],
    *,
    default: str = "no",
    now: datetime = OPEN_HOURS,
) -> Evaluation:
    """Answer every question asked, from `answers` or `default`, until the outcome."""
    from samvard.assessment import queries

    actor = citizen_actor(sara(session))
    while True:
        result = queries.current(session, assessment)
        assert result is not None
        if result.question is None:
            return result
        qid = result.question.id
        value = answers.get(qid, default if result.question.type != "duration" else 24)
        actions.answer(
            session,
            actor=actor,
            assessment=assessment,
            question_id=qid,
            value=value,
            expected_version=assessment.version,
            now=now,
        )


def events(session: Session, assessment: Assessment) -> list[str]:
    """The follow-up event kinds recorded for the assessment, in order."""
    session.flush()
    rows = session.scalars(
        select(FollowupEvent.kind)
        .where(FollowupEvent.assessment_ref == assessment.ref)
        .order_by(FollowupEvent.id)
    )
    return [kind.value for kind in rows]
