"""Between a stored assessment and the pure triage engine: subject, checks, trace as JSON."""

from __future__ import annotations

from typing import Any

from samvard.assessment.models import Assessment
from samvard.assessment.schemas import AssessmentError
from samvard.triage.answers import check_answer
from samvard.triage.engine import AnswerError, Evaluation, Subject, evaluate
from samvard.triage.loader import Content
from samvard.triage.schema import Question


def subject_of(assessment: Assessment) -> Subject:
    """The subject as fixed when the assessment started."""
    return Subject(age_days=assessment.age_days, sex=assessment.sex)


def evaluate_stored(content: Content, assessment: Assessment) -> Evaluation:
    """The engine's answer for the stored answers: the next question or the outcome."""
    assert assessment.complaint_id is not None
    return evaluate(content, assessment.complaint_id, subject_of(assessment), assessment.answers)


def question_by_id(content: Content, complaint_id: str, question_id: str) -> Question | None:
    """One of the complaint's questions (general ones included), None if it has no such."""
    return next((q for q in content.questions_for(complaint_id) if q.id == question_id), None)


def check_next(content: Content, assessment: Assessment, question_id: str, raw: Any) -> Any:
    """The answer in the engine's form, if `question_id` is the question asked now."""
    assert assessment.complaint_id is not None
    question = question_by_id(content, assessment.complaint_id, question_id)
    if question is None:
        raise AssessmentError(
            "unknown_question",
            "Frågan finns inte i den här bedömningen.",
            question_id=question_id,
        )
    asked = evaluate_stored(content, assessment).question
    if asked is None or asked.id != question_id:
        raise _not_now(assessment, question_id)
    try:
        return check_answer(question, raw)
    except AnswerError as error:
        raise AssessmentError(error.code, error.message, question_id=question_id) from error


def _not_now(assessment: Assessment, question_id: str) -> AssessmentError:
    if question_id in assessment.answers:
        return AssessmentError(
            "already_answered",
            "Du har redan svarat på den frågan. Välj ”Ändra” om du vill byta svar.",
            status=409,
            question_id=question_id,
        )
    return AssessmentError(
        "not_asked",
        "Den frågan ställs inte nu, med de svar du redan har gett.",
        question_id=question_id,
    )


def is_replay(
    content: Content, assessment: Assessment, question_id: str, raw: Any, expected_version: int
) -> bool:
    """The last answer given, posted again with the version it was first posted with."""
    order = list(assessment.answers)
    if expected_version != assessment.version - 1 or not order or order[-1] != question_id:
        return False
    assert assessment.complaint_id is not None
    question = question_by_id(content, assessment.complaint_id, question_id)
    if question is None:
        return False
    try:
        return bool(check_answer(question, raw) == assessment.answers[question_id])
    except AnswerError:
        return False


def trace_json(result: Evaluation) -> dict[str, Any]:
    """The trace as stored with the assessment: the deciding rule and every rule's state.

    `steps` holds the rules the answers touched (the nurse's summary reads those);
    `rules` holds every rule, so the whole evaluation can be inspected later.
    """
    outcome = result.outcome
    rules = [
        {
            "rule": step.rule_id,
            "level": step.level.value,
            "result": step.result,
            "fired": step.result == "true",
            "rationale": step.rationale,
            "source": step.source,
            "answers": dict(step.answers),
        }
        for step in result.trace
    ]
    return {
        "rule_id": outcome.rule_id if outcome else None,
        "level": outcome.level.value if outcome else None,
        "rationale": outcome.rationale if outcome else None,
        "asked": list(result.asked),
        "steps": [r for r in rules if r["fired"] or r["answers"]],
        "rules": rules,
    }
