"""Answers are checked before the engine takes them: every error code, in Swedish."""

from __future__ import annotations

import pytest

from samvard.triage.answers import check_answer, check_answers
from samvard.triage.engine import AnswerError, Subject
from samvard.triage.loader import load_content

CONTENT = load_content()
ADULT = Subject(age_days=45 * 365, sex="male")
GENERAL_NO = {q.id: "no" for q in CONTENT.general.questions}


def _question(question_id: str):  # type: ignore[no-untyped-def]
    return next(q for q in CONTENT.questions_for("chest_pain") if q.id == question_id)


@pytest.mark.parametrize(
    ("question_id", "raw", "expected"),
    [
        ("cp_pressure", "yes", "yes"),
        ("cp_pressure", True, "yes"),
        ("cp_pressure", "unknown", "unknown"),
        ("cp_hours", "2,5", 2.5),
        ("cp_hours", 12, 12.0),
        ("cp_hours", "unknown", "unknown"),
    ],
)
def test_good_answers_take_the_engine_form(question_id: str, raw: object, expected: object) -> None:
    assert check_answer(_question(question_id), raw) == expected


@pytest.mark.parametrize(
    ("question_id", "raw", "code"),
    [
        ("cp_pressure", "kanske", "wrong_type"),
        ("cp_pressure", 3, "wrong_type"),
        ("cp_hours", "tre", "wrong_type"),
        ("cp_hours", "nan", "wrong_type"),
        ("cp_hours", True, "wrong_type"),
        ("cp_hours", -1, "out_of_range"),
        ("cp_hours", 10**6, "out_of_range"),
    ],
)
def test_bad_answers_are_refused_with_a_code(question_id: str, raw: object, code: str) -> None:
    with pytest.raises(AnswerError) as error:
        check_answer(_question(question_id), raw)
    assert error.value.code == code
    assert error.value.question_id == question_id
    assert error.value.message[0].isupper()  # a Swedish sentence, not a traceback


def test_unknown_question_ids_are_refused() -> None:
    with pytest.raises(AnswerError) as error:
        check_answers(CONTENT, "chest_pain", ADULT, {"nonsense": "yes"})
    assert error.value.code == "unknown_question"


def test_an_answer_to_a_question_not_asked_is_refused() -> None:
    # After a yes to breathing difficulty the engine stops: nothing else was asked.
    with pytest.raises(AnswerError) as error:
        check_answers(CONTENT, "chest_pain", ADULT, {"g_breathing": "yes", "cp_pressure": "no"})
    assert error.value.code == "not_asked"
    # Skipping ahead past unanswered questions is refused the same way.
    with pytest.raises(AnswerError):
        check_answers(CONTENT, "chest_pain", ADULT, {"cp_pressure": "no"})


def test_a_consistent_set_of_answers_passes() -> None:
    checked = check_answers(CONTENT, "chest_pain", ADULT, {**GENERAL_NO, "cp_pressure": "yes"})
    assert checked["cp_pressure"] == "yes"
