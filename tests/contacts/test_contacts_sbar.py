"""The SBAR summary from a real assessment evaluation: reason, worded answers, trace, next step."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from samvard.contacts import sbar
from samvard.triage.engine import Subject, evaluate
from samvard.triage.loader import load_content

ADULT = 40 * 365 + 10


@dataclass(frozen=True)
class Done:
    complaint_id: str | None
    urgency: str | None
    level: str | None
    disposition: str | None
    age_days: int | None
    sex: str | None
    answers: dict[str, Any] | None
    trace: Any


def _assessed(complaint: str, answers: dict[str, Any]) -> Done:
    """An assessment as stored: the engine's outcome and its trace as JSON-ready dicts."""
    content = load_content()
    given = dict(answers)
    result = evaluate(content, complaint, Subject(ADULT, "male"), given)
    while result.question is not None:  # anything not given is answered "unknown"
        given[result.question.id] = "unknown"
        result = evaluate(content, complaint, Subject(ADULT, "male"), given)
    outcome = result.outcome
    assert outcome is not None, "the answers must lead to an outcome"
    trace = [{**asdict(step), "level": step.level.value} for step in result.trace]
    return Done(
        complaint,
        outcome.urgency.value,
        outcome.level.value,
        outcome.disposition.value,
        ADULT,
        "male",
        dict(result.answers),
        trace,
    )


def test_sbar_of_chest_pain_with_a_red_flag() -> None:
    content = load_content()
    answers: dict[str, Any] = {q.id: "no" for q in content.general.questions}
    answers |= {"cp_pressure": "yes", "cp_hours": 2.0}
    case = _assessed("chest_pain", answers)
    assert case.level == "emergency_112"
    summary = sbar.build(case, content)
    situation = summary["situation"]
    assert situation["complaint"] == content.complaint("chest_pain").title
    assert situation["urgency"] == "Akut" and situation["rank"] == 0
    assert situation["reason"], "the rule that fired is named"
    assert any("cp_pressure = Ja" in line for line in situation["reason"])
    worded = {a["question"]: a["answer"] for a in summary["background"]["answers"]}
    pressure = next(q for q in content.questions_for("chest_pain") if q.id == "cp_pressure")
    assert worded[pressure.text] == "Ja"
    assert "2 timmar" in worded.values()
    assert summary["background"]["age"] == "40 år" and summary["background"]["sex"] == "Man"
    assert summary["assessment"] and summary["recommendation"]["disposition"] == "Ring 112"
    assert summary["recommendation"]["timeframe"]


def test_sbar_names_the_default_when_no_rule_fired() -> None:
    trace = {"rule_id": "default", "rationale": "Inga varningstecken.", "steps": []}
    case = Done("cough", "self_care", "self_care", "self_care", ADULT, "female", {}, trace)
    assert sbar.build(case, load_content())["situation"]["reason"] == ["Inga varningstecken."]


def test_sbar_without_content_or_trace_still_reads() -> None:
    case = Done("okand", "self_care", None, None, 20, None, {"x": "yes"}, {"steps": []})
    summary = sbar.build(case)
    assert summary["situation"]["urgency"] == "Egenvård" and summary["situation"]["reason"] == []
    assert summary["background"]["age"] == "20 dagar" and summary["background"]["sex"] == "Okänt"
    assert summary["background"]["answers"] == [{"question": "x", "answer": "yes"}]
    assert summary["recommendation"] == {"disposition": "Okänd", "timeframe": None}
