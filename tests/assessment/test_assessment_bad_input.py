"""Bad answers are refused with a Swedish message, and nothing is recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from samvard.assessment import actions
from samvard.assessment.models import Assessment
from samvard.assessment.schemas import AssessmentError
from tests.assessment.helpers import COLD, OPEN_HOURS, answer_all, events, sara, started
from tests.support.actors import citizen_actor

pytestmark = pytest.mark.db


def _state(session: Session, assessment: Assessment) -> tuple[Any, ...]:
    return (
        dict(assessment.answers),
        assessment.version,
        assessment.status,
        assessment.level,
        events(session, assessment),
    )


def _answer(session: Session, assessment: Assessment, qid: str, value: Any, **kw: Any) -> Any:
    return actions.answer(
        session,
        actor=citizen_actor(sara(session)),
        assessment=assessment,
        question_id=qid,
        value=value,
        expected_version=kw.get("version", assessment.version),
        now=kw.get("now", OPEN_HOURS),
    )


@pytest.mark.parametrize(
    ("qid", "value", "code"),
    [
        ("no_such_question", "yes", "unknown_question"),
        ("g_breathing", "kanske", "wrong_type"),
        ("g_breathing", 3, "wrong_type"),
        ("g_consciousness", "no", "not_asked"),
        ("cp_hours", 2, "not_asked"),
        ("cc_days", 2, "unknown_question"),  # a question of another complaint
    ],
)
def test_refused_answers_store_nothing(
    world_session: Session, qid: str, value: Any, code: str
) -> None:
    assessment = started(world_session, "chest_pain")
    before = _state(world_session, assessment)
    with pytest.raises(AssessmentError) as caught:
        _answer(world_session, assessment, qid, value)
    assert caught.value.code == code
    assert caught.value.message and caught.value.message[0].isupper()
    assert _state(world_session, assessment) == before


def test_number_out_of_range_is_refused(world_session: Session) -> None:
    assessment = started(world_session, "common_cold")
    for qid in ("g_breathing", "g_consciousness", "g_stroke", "g_bleeding", "g_sepsis"):
        _answer(world_session, assessment, qid, "no")
    before = _state(world_session, assessment)
    for bad, code in ((-1, "out_of_range"), ("tre", "wrong_type"), (10**9, "out_of_range")):
        with pytest.raises(AssessmentError) as caught:
            _answer(world_session, assessment, "cc_days", bad)
        assert caught.value.code == code
    assert _state(world_session, assessment) == before


def test_replay_is_idempotent(world_session: Session) -> None:
    assessment = started(world_session, "chest_pain")
    first = _answer(world_session, assessment, "g_breathing", "no")
    after_first = _state(world_session, assessment)
    replay = _answer(world_session, assessment, "g_breathing", "no", version=1 + 1)
    assert replay.question is not None and first.question is not None
    assert replay.question.id == first.question.id == "g_consciousness"
    assert _state(world_session, assessment) == after_first


def test_replay_of_the_final_answer_returns_the_outcome(world_session: Session) -> None:
    assessment = started(world_session, "chest_pain")
    _answer(world_session, assessment, "g_breathing", "yes")
    after = _state(world_session, assessment)
    replay = _answer(
        world_session, assessment, "g_breathing", "yes", version=assessment.version - 1
    )
    assert replay.outcome is not None and replay.outcome.level.value == "emergency_112"
    assert _state(world_session, assessment) == after
    assert events(world_session, assessment).count("completed") == 1


def test_stale_version_is_refused(world_session: Session) -> None:
    assessment = started(world_session, "chest_pain")
    _answer(world_session, assessment, "g_breathing", "no")
    before = _state(world_session, assessment)
    with pytest.raises(AssessmentError) as caught:
        # A different answer at the old version: another tab answered in between.
        _answer(world_session, assessment, "g_consciousness", "no", version=assessment.version - 1)
    assert caught.value.code == "stale_version" and caught.value.status == 409
    assert _state(world_session, assessment) == before


def test_expired_assessment_is_refused(world_session: Session) -> None:
    assessment = started(world_session, "chest_pain")
    before = _state(world_session, assessment)
    late = OPEN_HOURS + timedelta(hours=24, seconds=1)
    with pytest.raises(AssessmentError) as caught:
        _answer(world_session, assessment, "g_breathing", "no", now=late)
    assert caught.value.code == "expired" and "24 timmar" in caught.value.message
    with pytest.raises(AssessmentError):
        actions.change_answer(
            world_session,
            actor=citizen_actor(sara(world_session)),
            assessment=assessment,
            question_id="g_breathing",
            expected_version=assessment.version,
            now=late,
        )
    assert _state(world_session, assessment) == before


def test_completed_assessment_takes_no_more_answers(world_session: Session) -> None:
    assessment = started(world_session, "common_cold")
    answer_all(world_session, assessment, COLD)
    before = _state(world_session, assessment)
    with pytest.raises(AssessmentError) as caught:
        _answer(world_session, assessment, "cc_risk", "yes")
    assert caught.value.code == "already_completed"
    assert _state(world_session, assessment) == before


def test_an_answered_question_is_changed_only_by_going_back(world_session: Session) -> None:
    assessment = started(world_session, "chest_pain")
    _answer(world_session, assessment, "g_breathing", "no")
    before = _state(world_session, assessment)
    with pytest.raises(AssessmentError) as caught:
        _answer(world_session, assessment, "g_breathing", "yes")
    assert caught.value.code == "already_answered"
    assert _state(world_session, assessment) == before


def test_answer_before_a_complaint_is_refused(world_session: Session) -> None:
    assessment = started(world_session, complaint=None)
    before = _state(world_session, assessment)
    with pytest.raises(AssessmentError) as caught:
        _answer(world_session, assessment, "g_breathing", "no")
    assert caught.value.code == "no_complaint"
    assert _state(world_session, assessment) == before
