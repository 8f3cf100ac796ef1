"""Running one case non-interactively: the contract of `samvard triage simulate`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from samvard.triage.answers import check_answer
from samvard.triage.conditions import AnswerValue
from samvard.triage.engine import AnswerError, Evaluation, Subject, evaluate
from samvard.triage.lexicon import match
from samvard.triage.loader import Content

DAYS_PER_YEAR = 365.25
_MAX_STEPS = 200


class CaseError(ValueError):
    """A case file that cannot be run; `code` is stable, the message says what is wrong."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def subject_of(case: Mapping[str, Any]) -> Subject:
    """The person of a case: `age_days`, or `age` / `age_years` in years, and `sex`."""
    sex = case.get("sex", "unknown")
    if sex not in ("female", "male", "unknown"):
        raise CaseError("bad_case", "sex ska vara female, male eller unknown")
    if "age_days" in case:
        days = case["age_days"]
    else:
        years = case.get("age_years", case.get("age"))
        if isinstance(years, bool) or not isinstance(years, int | float):
            raise CaseError("bad_case", "ange age (år) eller age_days")
        days = int(years * DAYS_PER_YEAR) + 1
    if isinstance(days, bool) or not isinstance(days, int | float) or not 0 <= days <= 130 * 366:
        raise CaseError("bad_case", "åldern är orimlig")
    return Subject(age_days=int(days), sex=sex)


def complaint_of(case: Mapping[str, Any], content: Content, subject: Subject) -> str:
    """The complaint named, or the best match of `complaint_text` for the subject's age."""
    if "complaint" in case:
        return str(case["complaint"])
    text = case.get("complaint_text")
    if not isinstance(text, str) or not text.strip():
        raise CaseError("bad_case", "ange complaint eller complaint_text")
    suggestions = match(text, content, age_days=subject.age_days, sex=subject.sex)
    if not suggestions:
        raise CaseError("no_match", f"ingen kontaktorsak passar texten {text!r}")
    return suggestions[0].complaint_id


def simulate(content: Content, case: Mapping[str, Any]) -> dict[str, Any]:
    """Run the case to its outcome; missing answers take `default_answer` ("unknown")."""
    subject = subject_of(case)
    complaint_id = complaint_of(case, content, subject)
    given = case.get("answers", {})
    if not isinstance(given, dict):
        raise CaseError("bad_case", "answers ska vara en mappning från fråge-id till svar")
    known = {q.id: q for q in _questions(content, complaint_id, subject)}
    for question_id in given:
        if question_id not in known:
            raise AnswerError(
                "unknown_question", f"Frågan {question_id!r} finns inte.", question_id
            )
    default = case.get("default_answer", "unknown")
    answers: dict[str, AnswerValue] = {}
    unanswered: list[str] = []
    step = evaluate(content, complaint_id, subject, answers)
    for _ in range(_MAX_STEPS):
        if step.question is None:
            break
        question = step.question
        if question.id in given:
            answers[question.id] = check_answer(question, given[question.id])
        else:
            answers[question.id] = _default_for(question, default)
            unanswered.append(question.id)
        step = evaluate(content, complaint_id, subject, answers)
    return _report(content, complaint_id, step, unanswered, sorted(set(given) - set(step.asked)))


def _questions(content: Content, complaint_id: str, subject: Subject) -> tuple[Any, ...]:
    evaluate(content, complaint_id, subject, {})  # raises for unknown or unsuitable complaints
    return content.questions_for(complaint_id)


def _default_for(question: Any, default: Any) -> AnswerValue:
    try:
        return check_answer(question, default)
    except AnswerError:
        return "unknown"  # a yes/no default for a number question: the safe choice


def _report(
    content: Content, complaint_id: str, step: Evaluation, unanswered: list[str], ignored: list[str]
) -> dict[str, Any]:
    outcome = step.outcome
    assert outcome is not None
    return {
        "complaint": complaint_id,
        "content_version": content.version,
        "urgency": outcome.urgency.value,
        "level": outcome.level.value,
        "disposition": outcome.disposition.value,
        "timeframe": outcome.timeframe,
        "decided_by": outcome.rule_id,
        "questions_asked": list(step.asked),
        "unanswered": unanswered,
        "not_asked": ignored,
        "trace": [
            {**asdict(t), "level": t.level.value, "answers": dict(t.answers)} for t in step.trace
        ],
    }
