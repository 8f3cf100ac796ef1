"""Starting, answering and going back in an assessment, through the policy hook."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied
from samvard.assessment import actions, queries
from samvard.assessment.models import AssessmentStatus, TriageContentVersion
from samvard.assessment.next_step import contact_care, next_step
from samvard.assessment.schemas import AssessmentError
from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.triage.loader import load_content
from tests.assessment.helpers import (
    COLD,
    NO_RED_FLAGS,
    OPEN_HOURS,
    answer_all,
    elias,
    events,
    sara,
    started,
)
from tests.support.actors import citizen_actor, person_by_id

pytestmark = pytest.mark.db


def test_start_fixes_subject_region_and_content(world_session: Session) -> None:
    assessment = started(world_session, complaint=None)
    person = sara(world_session)
    assert assessment.person_id == person.id and assessment.started_by_id == person.id
    assert assessment.region_code == "01"
    assert assessment.sex == "female"
    assert assessment.age_days == (OPEN_HOURS.date() - person.birth_date).days  # type: ignore[operator]
    assert assessment.status is AssessmentStatus.IN_PROGRESS and assessment.version == 1
    assert assessment.expires_at - assessment.started_at == timedelta(hours=24)
    snapshot = world_session.get(TriageContentVersion, assessment.content_version)
    assert snapshot is not None and assessment.content_version == load_content().version
    assert events(world_session, assessment) == ["started"]


def test_red_flag_ends_at_once_with_112(world_session: Session) -> None:
    assessment = started(world_session)
    result = answer_all(world_session, assessment, {"g_breathing": "yes"})
    assert result.outcome is not None and result.asked == ("g_breathing",)
    assert assessment.status is AssessmentStatus.COMPLETED
    assert (assessment.level, assessment.urgency, assessment.disposition) == (
        "emergency_112",
        "emergency",
        "call_112",
    )
    assert assessment.trace is not None and assessment.trace["rule_id"] == "g_airway_breathing"
    fired = [s["rule"] for s in assessment.trace["steps"] if s["fired"]]
    assert fired == ["g_airway_breathing"]
    assert events(world_session, assessment) == [
        "started",
        "complaint_chosen",
        "outcome",
        "completed",
    ]


def test_answers_are_kept_in_order(world_session: Session) -> None:
    assessment = started(world_session, "common_cold")
    answer_all(world_session, assessment, COLD)
    assert list(assessment.answers)[:6] == [*NO_RED_FLAGS, "cc_days"]
    assert assessment.answers["cc_days"] == 48
    assert assessment.level == "self_care"


def test_guardian_starts_for_the_child(world_session: Session) -> None:
    child = elias(world_session)
    assessment = started(world_session, "fever_child", subject=child)
    assert assessment.person_id == child.id
    assert assessment.started_by_id == sara(world_session).id


def test_non_guardian_is_refused_and_the_refusal_logged(world_session: Session) -> None:
    other = person_by_id(world_session, personas.ELDER.person_id)
    before = world_session.scalar(select(func.count(AuditEntry.seq)))
    with pytest.raises(AccessDenied):
        actions.start(
            world_session,
            actor=citizen_actor(other),
            subject_person=elias(world_session),
            now=OPEN_HOURS,
        )
    assert world_session.scalar(select(func.count(AuditEntry.seq))) == (before or 0) + 1


def test_non_guardian_cannot_read_or_answer(world_session: Session) -> None:
    assessment = started(world_session, "fever_child", subject=elias(world_session))
    stranger = citizen_actor(person_by_id(world_session, personas.ELDER.person_id))
    with pytest.raises(AccessDenied):
        queries.get_assessment(world_session, actor=stranger, ref=assessment.ref)
    with pytest.raises(AccessDenied):
        actions.answer(
            world_session,
            actor=stranger,
            assessment=assessment,
            question_id="g_breathing",
            value="no",
            expected_version=assessment.version,
            now=OPEN_HOURS,
        )
    assert assessment.answers == {}


def test_complaint_excluding_the_age_is_refused(world_session: Session) -> None:
    assessment = started(world_session, complaint=None)
    with pytest.raises(AssessmentError) as caught:
        actions.choose_complaint(
            world_session,
            actor=citizen_actor(sara(world_session)),
            assessment=assessment,
            complaint_id="fever_infant",
            now=OPEN_HOURS,
        )
    assert caught.value.code == "not_applicable" and "ålder" in caught.value.message
    assert assessment.complaint_id is None and assessment.version == 1
    assert events(world_session, assessment) == ["started"]


def test_change_answer_removes_later_answers_and_reopens(world_session: Session) -> None:
    assessment = started(world_session, "common_cold")
    answer_all(world_session, assessment, COLD)
    assert assessment.status is AssessmentStatus.COMPLETED
    actions.change_answer(
        world_session,
        actor=citizen_actor(sara(world_session)),
        assessment=assessment,
        question_id="g_sepsis",
        expected_version=assessment.version,
        now=OPEN_HOURS,
    )
    assert list(assessment.answers) == ["g_breathing", "g_consciousness", "g_stroke", "g_bleeding"]
    assert assessment.status is AssessmentStatus.IN_PROGRESS
    assert assessment.level is None and assessment.trace is None
    result = queries.current(world_session, assessment)
    assert result is not None and result.question is not None
    assert result.question.id == "g_sepsis"


def test_reproduce_equals_the_stored_outcome(world_session: Session) -> None:
    assessment = started(world_session, "chest_pain")
    answer_all(world_session, assessment, {**NO_RED_FLAGS, "cp_pressure": "yes", "cp_hours": 2})
    outcome = queries.reproduce(world_session, assessment)
    assert outcome is not None
    assert (outcome.level.value, outcome.urgency.value, outcome.disposition.value) == (
        assessment.level,
        assessment.urgency,
        assessment.disposition,
    )


def test_next_step_and_contacting_care_from_self_care(world_session: Session) -> None:
    assessment = started(world_session, "common_cold")
    answer_all(world_session, assessment, COLD)
    step = next_step(world_session, assessment, now=OPEN_HOURS)
    assert step.decision.channel is not None and step.decision.channel.kind == "self_care"
    assert not step.can_contact and step.can_escalate
    actor = citizen_actor(sara(world_session))
    contact = contact_care(
        world_session, actor=actor, assessment=assessment, escalate=True, now=OPEN_HOURS
    )
    again = contact_care(
        world_session, actor=actor, assessment=assessment, escalate=True, now=OPEN_HOURS
    )
    assert again.id == contact.id and contact.assessment_id == assessment.id
    assert contact.channel_kind == "nurse_chat"
    assert events(world_session, assessment)[-2:] == ["escalated", "channel"]
    assert events(world_session, assessment).count("channel") == 1


def test_contact_needs_a_care_channel(world_session: Session) -> None:
    assessment = started(world_session, "common_cold")
    answer_all(world_session, assessment, COLD)
    with pytest.raises(AssessmentError) as caught:
        contact_care(
            world_session,
            actor=citizen_actor(sara(world_session)),
            assessment=assessment,
            now=OPEN_HOURS,
        )
    assert caught.value.code == "no_care_channel"
    assert "channel" not in events(world_session, assessment)
