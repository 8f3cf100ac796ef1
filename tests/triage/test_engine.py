"""The engine: table cases, its contract, and properties against the reference evaluator."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samvard.triage.conditions import AnswerValue
from samvard.triage.engine import AnswerError, Evaluation, Subject, evaluate
from samvard.triage.levels import Level, Urgency
from samvard.triage.lint import candidate_answers
from samvard.triage.loader import Content, load_content
from tests.triage.reference import reference_level

CONTENT = load_content()
ADULT = Subject(age_days=45 * 365, sex="female")
GENERAL_NO = {q.id: "no" for q in CONTENT.general.questions}


def run(
    content: Content, complaint_id: str, subject: Subject, full: Mapping[str, AnswerValue]
) -> Evaluation:
    """Answer each question the engine asks from `full` until the outcome."""
    answers: dict[str, AnswerValue] = {}
    step = evaluate(content, complaint_id, subject, answers)
    while step.question is not None:
        answers[step.question.id] = full[step.question.id]
        step = evaluate(content, complaint_id, subject, answers)
    return step


def test_general_red_flags_come_first_and_an_emergency_stops_at_once() -> None:
    first = evaluate(CONTENT, "common_cold", ADULT, {})
    assert first.question is not None and first.question.id == "g_breathing"
    step = evaluate(CONTENT, "common_cold", ADULT, {"g_breathing": "yes"})
    assert step.outcome is not None and step.question is None
    assert step.outcome.urgency is Urgency.EMERGENCY
    assert step.outcome.rule_id == "g_airway_breathing"
    assert step.asked == ("g_breathing",)


def test_chest_pain_with_pressure_and_radiation_is_112_within_a_few_questions() -> None:
    full = {**GENERAL_NO, "cp_pressure": "yes", "cp_radiating": "yes"}
    step = run(CONTENT, "chest_pain", ADULT, full)
    assert step.outcome is not None
    assert step.outcome.level is Level.EMERGENCY_112
    assert step.outcome.disposition.value == "call_112"
    assert len(step.asked) <= len(GENERAL_NO) + 2


def test_a_cold_without_warning_signs_is_self_care_with_advice() -> None:
    full = {**GENERAL_NO, "cc_days": 48.0, "cc_high_fever": "no", "cc_chest": "no"}
    full |= {"cc_worse_again": "no", "cc_risk": "no"}
    step = run(CONTENT, "common_cold", ADULT, full)
    assert step.outcome is not None
    assert step.outcome.urgency is Urgency.SELF_CARE
    assert step.outcome.rule_id == "default"
    assert step.outcome.advice


def test_unsure_about_a_general_red_flag_is_at_least_urgent() -> None:
    full = {**GENERAL_NO, "g_consciousness": "unknown", "cc_days": 24.0}
    full |= {"cc_high_fever": "no", "cc_chest": "no", "cc_worse_again": "no", "cc_risk": "no"}
    step = run(CONTENT, "common_cold", ADULT, full)
    assert step.outcome is not None and step.outcome.urgency.rank <= Urgency.URGENT.rank


def test_the_trace_names_the_rule_that_fired_and_the_answers_it_read() -> None:
    full = {**GENERAL_NO, "cp_pressure": "yes", "cp_radiating": "yes"}
    step = run(CONTENT, "chest_pain", ADULT, full)
    fired = [t for t in step.trace if t.result == "true"]
    assert fired[0].rule_id == "cp_acute_coronary"
    assert fired[0].answers == {"cp_pressure": "yes", "cp_radiating": "yes"}
    assert fired[0].rationale and fired[0].source == "retts"


def test_unknown_and_unsuitable_complaints_are_refused() -> None:
    with pytest.raises(AnswerError) as unknown:
        evaluate(CONTENT, "no_such_thing", ADULT, {})
    assert unknown.value.code == "unknown_complaint"
    with pytest.raises(AnswerError) as infant:
        evaluate(CONTENT, "fever_infant", ADULT, {})
    assert infant.value.code == "not_applicable"
    assert "ålder" in infant.value.message


def _subjects(content: Content, complaint_id: str) -> st.SearchStrategy[Subject]:
    complaint = content.complaints[complaint_id]
    ages = complaint.ages
    low, high = ages.min_days or 0, ages.max_days if ages.max_days is not None else 100 * 365
    sexes = list(complaint.sexes) or ["female", "male"]
    return st.builds(Subject, age_days=st.integers(low, high), sex=st.sampled_from(sexes))


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, Subject, dict[str, AnswerValue]]:
    complaint_id = draw(st.sampled_from(sorted(CONTENT.complaints)))
    subject = draw(_subjects(CONTENT, complaint_id))
    # Mostly "no" to the general questions, so the complaint's own questions get explored.
    full: dict[str, AnswerValue] = {}
    for question in CONTENT.questions_for(complaint_id):
        values = candidate_answers(CONTENT, complaint_id, question)
        if question.id in GENERAL_NO and draw(st.integers(0, 9)) > 0:
            full[question.id] = "no"
        else:
            full[question.id] = draw(st.sampled_from(values))
    return complaint_id, subject, full


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_engine_agrees_with_the_reference(
    case: tuple[str, Subject, dict[str, AnswerValue]],
) -> None:
    complaint_id, subject, full = case
    step = run(CONTENT, complaint_id, subject, full)
    assert step.outcome is not None
    assert step.outcome.level == reference_level(CONTENT, complaint_id, subject, full)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_no_question_after_an_emergency_red_flag_holds(
    case: tuple[str, Subject, dict[str, AnswerValue]],
) -> None:
    complaint_id, subject, full = case
    answers: dict[str, AnswerValue] = {}
    step = evaluate(CONTENT, complaint_id, subject, answers)
    while step.question is not None:
        emergency_true = any(
            t.result == "true" and t.level.urgency is Urgency.EMERGENCY for t in step.trace
        )
        most_urgent_decided = all(
            t.result == "false" for t in step.trace if t.level is Level.EMERGENCY_112
        )
        assert not (emergency_true and most_urgent_decided), step.question.id
        answers[step.question.id] = full[step.question.id]
        step = evaluate(CONTENT, complaint_id, subject, answers)
    again = run(CONTENT, complaint_id, subject, full)
    assert again == step  # deterministic


def test_a_complaint_for_one_sex_refuses_the_other_but_not_the_unknown() -> None:
    with pytest.raises(AnswerError) as error:
        evaluate(CONTENT, "testicular_pain", Subject(age_days=30 * 365, sex="female"), {})
    assert error.value.code == "not_applicable"
    step = evaluate(CONTENT, "testicular_pain", Subject(age_days=30 * 365, sex="unknown"), {})
    assert step.question is not None
