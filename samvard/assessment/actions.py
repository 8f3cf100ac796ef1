"""Writes to assessments: start, choose the complaint, answer, change an answer.

Each action decides and logs the access through the policy hook (`patient.triage`, write)
and records its follow-up events in the caller's transaction; the caller commits. A
refusal raises `AssessmentError` (Swedish message) before anything is changed.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from samvard.access.guard import check_own
from samvard.access.schemas import Action, Actor, InfoSet
from samvard.assessment import engine_io
from samvard.assessment.content import content_of, keep_snapshot
from samvard.assessment.models import Assessment, AssessmentStatus
from samvard.assessment.schemas import AssessmentError
from samvard.core.db import utcnow
from samvard.directory.models import Municipality
from samvard.followup.actions import record_event
from samvard.followup.models import EventKind
from samvard.identity.models import Person
from samvard.triage.engine import AnswerError, Evaluation, check_applicable
from samvard.triage.loader import Content, load_content

LIFETIME = timedelta(hours=24)
DEFAULT_REGION = "01"


def authorize(session: Session, actor: Actor, person_id: int, action: Action) -> None:
    """The policy hook for the subject's assessments: self, or a guardian of the child."""
    check_own(session, actor=actor, info=InfoSet.TRIAGE, patient_pk=person_id, action=action)


def start(
    session: Session,
    *,
    actor: Actor,
    subject_person: Person,
    content: Content | None = None,
    now: datetime | None = None,
) -> Assessment:
    """Start an assessment of `subject_person` (the actor, or a child in their care)."""
    authorize(session, actor, subject_person.id, Action.WRITE)
    now = now or utcnow()
    if subject_person.birth_date is None:
        raise AssessmentError(
            "no_birth_date",
            "Födelsedatumet saknas, så bedömningen kan inte göras här. Ring 1177 för rådgivning.",
        )
    content = content or load_content()
    keep_snapshot(session, content, now=now)
    assessment = Assessment(
        ref=str(uuid.uuid4()),
        person_id=subject_person.id,
        started_by_id=actor.person_pk or subject_person.id,
        region_code=_region_of(session, subject_person),
        complaint_id=None,
        content_version=content.version,
        age_days=(now.date() - subject_person.birth_date).days,
        sex=subject_person.sex if subject_person.sex in ("female", "male") else "unknown",
        answers={},
        status=AssessmentStatus.IN_PROGRESS,
        started_at=now,
        updated_at=now,
        expires_at=now + LIFETIME,
        version=1,
    )
    session.add(assessment)
    session.flush()
    record_assessment_event(session, assessment, EventKind.STARTED, now)
    return assessment


def _region_of(session: Session, person: Person) -> str:
    if person.municipality_code is None:
        return DEFAULT_REGION
    municipality = session.get(Municipality, person.municipality_code)
    return municipality.region_code if municipality is not None else DEFAULT_REGION


def choose_complaint(
    session: Session,
    *,
    actor: Actor,
    assessment: Assessment,
    complaint_id: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Assessment:
    """Choose (or change, before the outcome) the complaint; earlier answers are cleared."""
    authorize(session, actor, assessment.person_id, Action.WRITE)
    now = now or utcnow()
    _require_open(assessment, now)
    _require_version(assessment, expected_version)
    if assessment.complaint_id == complaint_id and not assessment.answers:
        return assessment  # the same choice again, for instance a retried form
    content = content_of(session, assessment.content_version)
    try:
        check_applicable(content, complaint_id, engine_io.subject_of(assessment))
    except AnswerError as error:
        raise AssessmentError(error.code, error.message) from error
    assessment.complaint_id = complaint_id
    assessment.answers = {}
    _touch(assessment, now)
    record_assessment_event(session, assessment, EventKind.COMPLAINT_CHOSEN, now)
    return assessment


def answer(
    session: Session,
    *,
    actor: Actor,
    assessment: Assessment,
    question_id: str,
    value: Any,
    expected_version: int,
    now: datetime | None = None,
) -> Evaluation:
    """Answer the question asked at `expected_version`; the outcome completes the assessment.

    The same answer posted twice (a double click, a retried request) returns the current
    state instead of a stale-version error.
    """
    authorize(session, actor, assessment.person_id, Action.WRITE)
    now = now or utcnow()
    if assessment.is_expired(now):
        raise expired_error()
    content = _content_with_complaint(session, assessment)
    if engine_io.is_replay(content, assessment, question_id, value, expected_version):
        return engine_io.evaluate_stored(content, assessment)
    _require_open(assessment, now)
    _require_version(assessment, expected_version)
    checked = engine_io.check_next(content, assessment, question_id, value)
    assessment.answers = {**assessment.answers, question_id: checked}
    _touch(assessment, now)
    result = engine_io.evaluate_stored(content, assessment)
    if result.outcome is not None:
        _complete(session, assessment, result, now)
    return result


def change_answer(
    session: Session,
    *,
    actor: Actor,
    assessment: Assessment,
    question_id: str,
    expected_version: int,
    now: datetime | None = None,
) -> Assessment:
    """Go back: remove the answer to `question_id` and every later one; reopen if completed."""
    authorize(session, actor, assessment.person_id, Action.WRITE)
    now = now or utcnow()
    if assessment.is_expired(now) or now >= assessment.expires_at:
        raise expired_error()
    _require_version(assessment, expected_version)
    order = list(assessment.answers)
    if question_id not in order:
        raise AssessmentError(
            "not_answered", "Den frågan har du inte svarat på.", question_id=question_id
        )
    kept = order[: order.index(question_id)]
    assessment.answers = {q: assessment.answers[q] for q in kept}
    _reopen(assessment)
    _touch(assessment, now)
    return assessment


def _content_with_complaint(session: Session, assessment: Assessment) -> Content:
    if assessment.complaint_id is None:
        raise AssessmentError("no_complaint", "Välj först vad besvären gäller.", status=409)
    return content_of(session, assessment.content_version)


def _require_open(assessment: Assessment, now: datetime) -> None:
    if assessment.is_expired(now):
        raise expired_error()
    if assessment.status is AssessmentStatus.COMPLETED:
        raise AssessmentError(
            "already_completed",
            "Bedömningen är redan klar. Gå tillbaka och ändra ett svar om något blev fel.",
            status=409,
        )


def _require_version(assessment: Assessment, expected: int | None) -> None:
    if expected is not None and expected != assessment.version:
        raise AssessmentError(
            "stale_version",
            "Bedömningen har ändrats sedan sidan visades, till exempel i en annan flik. "
            "Här är frågan som gäller nu.",
            status=409,
        )


def expired_error() -> AssessmentError:
    """The refusal of a step in an assessment older than 24 hours."""
    return AssessmentError(
        "expired", "Bedömningen har gått ut efter 24 timmar. Börja en ny bedömning.", status=410
    )


def _touch(assessment: Assessment, now: datetime) -> None:
    assessment.version += 1
    assessment.updated_at = now


def _reopen(assessment: Assessment) -> None:
    assessment.status = AssessmentStatus.IN_PROGRESS
    assessment.level = assessment.urgency = assessment.disposition = None
    assessment.trace = None
    assessment.completed_at = None


def _complete(session: Session, assessment: Assessment, result: Evaluation, now: datetime) -> None:
    outcome = result.outcome
    assert outcome is not None
    assessment.status = AssessmentStatus.COMPLETED
    assessment.level = outcome.level.value
    assessment.urgency = outcome.urgency.value
    assessment.disposition = outcome.disposition.value
    assessment.trace = engine_io.trace_json(result)
    assessment.completed_at = now
    record_assessment_event(session, assessment, EventKind.OUTCOME, now)
    record_assessment_event(session, assessment, EventKind.COMPLETED, now)


def record_assessment_event(
    session: Session,
    assessment: Assessment,
    kind: EventKind,
    now: datetime,
    *,
    channel: str | None = None,
) -> None:
    """Record a step of the assessment for follow-up, with its outcome so far."""
    record_event(
        session,
        assessment_ref=assessment.ref,
        kind=kind,
        region_code=assessment.region_code,
        at=now,
        complaint_id=assessment.complaint_id,
        urgency=assessment.urgency,
        disposition=assessment.disposition,
        channel=channel,
    )
