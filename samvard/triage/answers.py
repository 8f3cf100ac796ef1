"""Checking answers before the engine takes them: type, range, and whether it was asked."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from samvard.triage.conditions import UNKNOWN, AnswerValue, normalise_value
from samvard.triage.engine import AnswerError, Subject, check_applicable, evaluate
from samvard.triage.loader import Content
from samvard.triage.schema import Question


def check_answer(question: Question, raw: Any) -> AnswerValue:
    """The answer in the engine's form, or AnswerError (wrong_type, out_of_range)."""
    if question.type in ("yes_no_unknown", "choice"):
        return _check_word(question, raw)
    return _check_number(question, raw)


def _check_word(question: Question, raw: Any) -> str:
    if not isinstance(raw, str | bool):
        raise AnswerError("wrong_type", "Välj ett av svarsalternativen.", question.id)
    value = normalise_value(raw)
    if value not in question.answer_values:
        choices = ", ".join(question.option_text(v) for v in question.answer_values)
        raise AnswerError("wrong_type", f"Välj ett av svaren: {choices}.", question.id)
    return value


def _check_number(question: Question, raw: Any) -> AnswerValue:
    if raw == UNKNOWN:
        return UNKNOWN
    number = _as_number(raw)
    if number is None:
        raise AnswerError("wrong_type", "Skriv ett tal, till exempel 38,5.", question.id)
    low = (
        question.min if question.min is not None else (0.0 if question.type == "duration" else None)
    )
    if (low is not None and number < low) or (question.max is not None and number > question.max):
        raise AnswerError("out_of_range", _range_text(question, low), question.id)
    return number


def _as_number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        try:
            number = float(raw.strip().replace(",", ".").replace("\u2212", "-"))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _range_text(question: Question, low: float | None) -> str:
    unit = (
        f" {question.unit}" if question.unit else (" timmar" if question.type == "duration" else "")
    )
    return f"Svaret ska vara mellan {_fmt(low)} och {_fmt(question.max)}{unit}."


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:g}".replace(".", ",")


def check_answers(
    content: Content, complaint_id: str, subject: Subject, answers: Mapping[str, Any]
) -> dict[str, AnswerValue]:
    """Every answer checked, and each one to a question the engine asks given the others."""
    check_applicable(content, complaint_id, subject)
    by_id = {q.id: q for q in content.questions_for(complaint_id)}
    checked: dict[str, AnswerValue] = {}
    for question_id, raw in answers.items():
        question = by_id.get(question_id)
        if question is None:
            raise AnswerError(
                "unknown_question",
                f"Frågan {question_id!r} finns inte i den här bedömningen.",
                question_id,
            )
        checked[question_id] = check_answer(question, raw)
    asked = set(evaluate(content, complaint_id, subject, checked).asked)
    for question_id in checked:
        if question_id not in asked:
            raise AnswerError(
                "not_asked", "Den frågan ställdes inte, med de svar som redan finns.", question_id
            )
    return checked
