"""What the citizen's pages and the JSON API show of an assessment (pure, no web framework)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from samvard.assessment.models import Assessment
from samvard.assessment.schemas import (
    AssessmentError,
    AssessmentOut,
    OptionOut,
    OutcomeOut,
    QuestionOut,
)
from samvard.triage.engine import Evaluation
from samvard.triage.loader import Content
from samvard.triage.schema import ComplaintFile, Question

BODY_SYSTEM_LABELS = {
    "cardiovascular": "Hjärta och blodkärl",
    "respiratory": "Andning och lungor",
    "gastrointestinal": "Mage och tarm",
    "neurological": "Hjärna och nerver",
    "musculoskeletal": "Muskler och leder",
    "skin": "Hud",
    "ent": "Öron, näsa och hals",
    "eye": "Ögon",
    "urogenital": "Urinvägar och underliv",
    "obstetric": "Graviditet",
    "mental": "Psykisk hälsa",
    "infection": "Feber och infektion",
    "injury": "Skador och olyckor",
    "dental": "Tänder och mun",
    "general": "Övrigt",
}
# A duration is stored in hours; the form lets the citizen count in larger units.
DURATION_UNITS = {"timmar": 1, "dagar": 24, "veckor": 168}


@dataclass(frozen=True)
class AnswerRow:
    """One answer given, as the summary shows it."""

    question_id: str
    question: str
    answer: str


def answer_text(question: Question | None, value: Any) -> str:
    """An answer in the citizen's words: "Ja", "Mitt i bröstet", "38,5 °C", "72 timmar"."""
    word = str(value)
    if question is None:
        return word
    if question.type in ("number", "duration") and word != "unknown":
        number = f"{float(value):g}".replace(".", ",")
        unit = "timmar" if question.type == "duration" else question.unit or ""
        return f"{number} {unit}".strip()
    return question.option_text(word)


def summary(content: Content, assessment: Assessment) -> list[AnswerRow]:
    """Every answer given so far, in order, with the question as it was asked."""
    if assessment.complaint_id is None:
        return []
    by_id = {q.id: q for q in content.questions_for(assessment.complaint_id)}
    rows = []
    for qid, value in assessment.answers.items():
        question = by_id.get(qid)
        rows.append(
            AnswerRow(qid, question.text if question else qid, answer_text(question, value))
        )
    return rows


def complaint_groups(content: Content, age_days: int) -> list[tuple[str, list[ComplaintFile]]]:
    """The complaints open to a person of `age_days`, by body system, titles sorted."""
    groups: dict[str, list[ComplaintFile]] = {}
    for complaint in content.complaints.values():
        if complaint.ages.admits(age_days):
            groups.setdefault(complaint.body_system, []).append(complaint)
    order = list(BODY_SYSTEM_LABELS)
    return [
        (BODY_SYSTEM_LABELS[system], sorted(items, key=lambda c: c.title))
        for system, items in sorted(groups.items(), key=lambda kv: order.index(kv[0]))
    ]


def question_for(content: Content, assessment: Assessment, question_id: str) -> Question | None:
    """The question `question_id` of the assessment's complaint, None if it has none."""
    if assessment.complaint_id is None:
        return None
    return next(
        (q for q in content.questions_for(assessment.complaint_id) if q.id == question_id), None
    )


def form_value(question: Question, form: Mapping[str, str]) -> str:
    """The answer a question form posted: a word, or a number (a duration in hours)."""
    if form.get("vet_inte"):
        return "unknown"
    raw = (form.get("svar") or "").strip()
    if not raw:
        raise AssessmentError("missing_answer", "Svara på frågan.", question_id=question.id)
    if question.type != "duration":
        return raw
    factor = DURATION_UNITS.get(form.get("enhet") or "timmar")
    if factor is None:
        raise AssessmentError(
            "wrong_type", "Välj timmar, dagar eller veckor.", question_id=question.id
        )
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        raise AssessmentError(
            "wrong_type", "Skriv ett tal, till exempel 3.", question_id=question.id
        ) from None
    return f"{number * factor:g}"


def question_out(question: Question) -> QuestionOut:
    """The question for the JSON API."""
    options = [OptionOut(value=v, text=question.option_text(v)) for v in question.answer_values]
    return QuestionOut(
        id=question.id,
        text=question.text,
        type=question.type,
        options=options if question.type in ("yes_no_unknown", "choice") else [],
        unit=question.unit or ("timmar" if question.type == "duration" else None),
        min=question.min,
        max=question.max,
    )


def assessment_out(assessment: Assessment, result: Evaluation | None) -> AssessmentOut:
    """The assessment for the JSON API, with the next question or the outcome."""
    outcome = result.outcome if result is not None else None
    return AssessmentOut(
        ref=assessment.ref,
        status=assessment.status.value,
        person_pk=assessment.person_id,
        complaint_id=assessment.complaint_id,
        content_version=assessment.content_version,
        version=assessment.version,
        answers=dict(assessment.answers),
        question=question_out(result.question) if result and result.question else None,
        outcome=None
        if outcome is None
        else OutcomeOut(
            level=outcome.level.value,
            urgency=outcome.urgency.value,
            disposition=outcome.disposition.value,
            timeframe=outcome.timeframe,
            advice=list(outcome.advice),
            rule_id=outcome.rule_id,
            rationale=outcome.rationale,
        ),
        started_at=assessment.started_at,
        expires_at=assessment.expires_at,
    )
