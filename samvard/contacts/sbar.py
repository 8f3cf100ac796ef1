"""The anamnesis summary in SBAR form, built once from the assessment when a contact opens.

S (situation): the complaint and the urgency with the reason; B (background): age, sex and
the answers with their question texts; A (assessment): the engine's trace, readable;
R (recommendation): the disposition and its timeframe. Pure: the caller passes the
content; the result is stored with the contact, so the nurse sees exactly what the
citizen answered, worded as the citizen saw it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from samvard.contacts.schemas import RANK_LABELS, urgency_rank
from samvard.triage.levels import Level
from samvard.triage.loader import Content
from samvard.triage.schema import ComplaintFile, Question

SEX_LABELS = {"female": "Kvinna", "male": "Man"}
RESULT_LABELS = {"true": "uppfylld", "false": "inte uppfylld", "undecided": "obestämd"}
DISPOSITION_LABELS = {
    "call_112": "Ring 112",
    "emergency_department": "Akutmottagning nu",
    "care_now": "Vård inom några timmar",
    "care_today": "Vård i dag",
    "care_within_days": "Vård inom några dagar",
    "dental_care": "Tandvård",
    "self_care": "Egenvård",
}


class Assessed(Protocol):
    """What the summary reads from an assessment."""

    @property
    def complaint_id(self) -> str | None: ...
    @property
    def urgency(self) -> str | None: ...
    @property
    def level(self) -> str | None: ...
    @property
    def disposition(self) -> str | None: ...
    @property
    def age_days(self) -> int | None: ...
    @property
    def sex(self) -> str | None: ...
    @property
    def answers(self) -> Mapping[str, Any] | None: ...
    @property
    def trace(self) -> Any: ...


def build(assessment: Assessed, content: Content | None = None) -> dict[str, Any]:
    """The SBAR sections as plain JSON-ready data."""
    complaint = _complaint(content, assessment.complaint_id)
    questions = _questions(content, assessment.complaint_id)
    steps = _steps(assessment.trace)
    rank = urgency_rank(assessment.urgency)
    return {
        "situation": {
            "complaint": complaint.title if complaint else assessment.complaint_id or "Okänd",
            "urgency": RANK_LABELS[rank],
            "rank": rank,
            "level": _level_label(assessment.level),
            "reason": _reason(assessment.trace, steps, questions),
        },
        "background": {
            "age": _age(assessment.age_days),
            "sex": SEX_LABELS.get(assessment.sex or "", "Okänt"),
            "answers": [
                {"question": _text(questions, qid), "answer": _answer(questions.get(qid), value)}
                for qid, value in (assessment.answers or {}).items()
            ],
        },
        "assessment": [
            f"{_line(step, questions)} ({RESULT_LABELS[_result(step)]})"
            for step in steps
            if _result(step) != "undecided"
        ],
        "recommendation": {
            "disposition": DISPOSITION_LABELS.get(assessment.disposition or "", "Okänd"),
            "timeframe": _timeframe(content, complaint, assessment.level),
        },
    }


def _complaint(content: Content | None, complaint_id: str | None) -> ComplaintFile | None:
    if content is None or complaint_id is None:
        return None
    return content.complaints.get(complaint_id)


def _questions(content: Content | None, complaint_id: str | None) -> dict[str, Question]:
    if content is None or complaint_id is None or complaint_id not in content.complaints:
        return {}
    return {q.id: q for q in content.questions_for(complaint_id)}


def _text(questions: Mapping[str, Question], qid: str) -> str:
    question = questions.get(qid)
    return question.text if question else qid


def _answer(question: Question | None, value: Any) -> str:
    # JSON gives 72.0 for a number typed as 72; people read "72".
    word = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if question is None:
        return word
    if question.type in {"number", "duration"} and word != "unknown":
        unit = "timmar" if question.type == "duration" else question.unit or ""
        return f"{word} {unit}".strip()
    return question.option_text(word)


def _timeframe(
    content: Content | None, complaint: ComplaintFile | None, level: str | None
) -> str | None:
    if content is None or complaint is None or level not in set(Level):
        return None
    outcome = complaint.outcomes.get(Level(level)) or content.general.outcomes.get(Level(level))
    return outcome.timeframe if outcome else None


def _level_label(level: str | None) -> str | None:
    return Level(level).label if level in set(Level) else level


def _reason(
    trace: Any, steps: list[Mapping[str, Any]], questions: Mapping[str, Question]
) -> list[str]:
    fired = [_line(step, questions) for step in steps if _result(step) == "true"]
    if fired or not isinstance(trace, Mapping) or not trace.get("rationale"):
        return fired
    # No rule fired: the complaint's default level applies, for the reason the trace gives.
    return [str(trace["rationale"])]


def _steps(trace: Any) -> list[Mapping[str, Any]]:
    items = trace.get("steps", []) if isinstance(trace, Mapping) else trace
    if not isinstance(items, list | tuple):
        return []
    return [item for item in items if isinstance(item, Mapping)]


def _result(step: Mapping[str, Any]) -> str:
    result = step.get("result")
    if result in RESULT_LABELS:
        return str(result)
    return "true" if step.get("fired") else "false" if "fired" in step else "undecided"


def _line(step: Mapping[str, Any], questions: Mapping[str, Question]) -> str:
    """One trace step in words: the rule, its level, why, and the answers it read."""
    rule = step.get("rule_id") or step.get("rule") or "?"
    parts = [str(rule), str(_level_label(step.get("level")) or "")]
    if step.get("rationale"):
        parts.append(str(step["rationale"]))
    answers = step.get("answers")
    if isinstance(answers, Mapping) and answers:
        worded = (f"{k} = {_answer(questions.get(k), v)}" for k, v in answers.items())
        parts.append(", ".join(worded))
    return " – ".join(p for p in parts if p)


def _age(days: int | None) -> str:
    if days is None:
        return "Okänd"
    if days < 90:
        return f"{days} dagar"
    if days < 2 * 365:
        return f"{days // 30} månader"
    return f"{days // 365} år"
