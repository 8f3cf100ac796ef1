"""Exhaustive exploration of every complaint's question graph.

For each representative person (ages and sexes taken from the thresholds the conditions
use) every answer to every question asked is tried: yes/no/unknown, each option, numbers
on both sides of each threshold, the limits and "unknown". States the future cannot tell
apart are explored once (memoised on the answers that still matter), which keeps the
search small. The lint proves that every path ends in an outcome and finds questions that
are never asked, rules that never fire and levels without an outcome.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from samvard.triage import conditions
from samvard.triage.conditions import AnswerValue
from samvard.triage.engine import AnswerError, Evaluation, Subject, evaluate
from samvard.triage.loader import Content
from samvard.triage.schema import ComplaintFile, Question, admits_sex

_MAX_AGE_DAYS = 110 * 365
_YEAR = 365.25
_SEXES = ("female", "male", "unknown")


@dataclass
class Summary:
    """What the paths below one state reach."""

    paths: int = 0
    asked: set[str] = field(default_factory=set)
    fired: set[str] = field(default_factory=set)
    levels: set[str] = field(default_factory=set)

    def add(self, other: Summary) -> None:
        """Merge a subtree's summary into this one."""
        self.paths += other.paths
        self.asked |= other.asked
        self.fired |= other.fired
        self.levels |= other.levels


@dataclass(frozen=True)
class ComplaintReport:
    """The lint result for one complaint."""

    complaint_id: str
    subjects: int
    paths: int
    seconds: float
    problems: tuple[str, ...]
    asked: frozenset[str]
    fired: frozenset[str]


def lint_content(content: Content) -> list[ComplaintReport]:
    """Explore every complaint; general questions and rules are checked across all."""
    return [lint_complaint(content, cid) for cid in sorted(content.complaints)]


def general_problems(content: Content, reports: list[ComplaintReport]) -> list[str]:
    """General questions never asked and general rules never fired, in any complaint."""
    asked = set().union(*(r.asked for r in reports)) if reports else set()
    fired = set().union(*(r.fired for r in reports)) if reports else set()
    problems = [
        f"general.yaml: frågan {q.id} ställs aldrig"
        for q in content.general.questions
        if q.id not in asked
    ]
    problems += [
        f"general.yaml: regeln {r.id} kan aldrig slå till"
        for r in content.general.rules
        if r.id not in fired
    ]
    return problems


def lint_complaint(content: Content, complaint_id: str) -> ComplaintReport:
    """Explore one complaint for every representative subject."""
    started = time.perf_counter()
    complaint = content.complaints[complaint_id]
    total = Summary()
    problems: list[str] = []
    subjects = list(representative_subjects(content, complaint))
    for subject in subjects:
        try:
            total.add(_explore(content, complaint_id, subject))
        except (AnswerError, KeyError, RecursionError) as exc:
            problems.append(f"{complaint_id}.yaml: en väg slutar utan utfall ({subject}): {exc}")
    problems += _complaint_problems(complaint, total)
    return ComplaintReport(
        complaint_id=complaint_id,
        subjects=len(subjects),
        paths=total.paths,
        seconds=time.perf_counter() - started,
        problems=tuple(problems),
        asked=frozenset(total.asked),
        fired=frozenset(total.fired),
    )


def _complaint_problems(complaint: ComplaintFile, total: Summary) -> Iterator[str]:
    file = f"{complaint.id}.yaml"
    referenced = {q for r in complaint.rules for q in conditions.questions_in(r.when)}
    for question in complaint.questions:
        if question.id not in referenced:
            yield f"{file}: frågan {question.id} används inte av någon regel (död fråga)"
        elif question.id not in total.asked:
            yield f"{file}: frågan {question.id} kan aldrig ställas (onåbar)"
    for rule in complaint.rules:
        if rule.id not in total.fired:
            yield f"{file}: regeln {rule.id} kan aldrig slå till"
    for level in complaint.outcomes:
        if level not in total.levels:
            yield f"{file}: utfallet {level} nås aldrig"


def _explore(content: Content, complaint_id: str, subject: Subject) -> Summary:
    memo: dict[tuple[object, ...], Summary] = {}
    asked_if = {q.id: q for q in content.questions_for(complaint_id)}

    def visit(answers: dict[str, AnswerValue]) -> Summary:
        step = evaluate(content, complaint_id, subject, answers)
        key = _state_key(step, asked_if)
        if key in memo:
            return memo[key]
        summary = Summary()
        if step.outcome is not None:
            summary.paths = 1
            summary.asked = set(step.asked)
            summary.fired = {t.rule_id for t in step.trace if t.result == "true"}
            summary.levels = {step.outcome.level.value}
        else:
            assert step.question is not None
            for value in candidate_answers(content, complaint_id, step.question):
                summary.add(visit({**answers, step.question.id: value}))
        memo[key] = summary
        return summary

    return visit({})


def _state_key(step: Evaluation, questions: Mapping[str, Question]) -> tuple[object, ...]:
    # The future depends on: what was asked, the best rule so far, and the answers that
    # undecided rules or the ask_if of questions not yet asked still read.
    live = {qid for t in step.trace if t.result == "undecided" for qid in t.answers}
    for question in questions.values():
        if question.id not in step.answers and question.ask_if is not None:
            live |= set(conditions.questions_in(question.ask_if))
    fired = tuple(t.rule_id for t in step.trace if t.result == "true")
    kept = tuple(sorted((q, str(v)) for q, v in step.answers.items() if q in live))
    return (tuple(sorted(step.answers)), fired, kept, step.question.id if step.question else None)


def candidate_answers(content: Content, complaint_id: str, question: Question) -> list[AnswerValue]:
    """Every answer worth trying for `question`: each word, or numbers around thresholds."""
    if question.type in ("yes_no_unknown", "choice"):
        return list(question.answer_values)
    thresholds = {
        number
        for rule in content.rules_for(complaint_id)
        for qid, number in conditions.numbers_in(rule.when)
        if qid == question.id
    }
    for other in content.questions_for(complaint_id):
        if other.ask_if is not None:
            thresholds |= {
                n for qid, n in conditions.numbers_in(other.ask_if) if qid == question.id
            }
    low = question.min if question.min is not None else 0.0
    high = question.max if question.max is not None else max(thresholds | {low}) + 10
    values = {low, high} | {t + d for t in thresholds for d in (-0.5, 0.0, 0.5)}
    inside = sorted(v for v in values if low <= v <= high)
    return [*inside, "unknown"]


def representative_subjects(content: Content, complaint: ComplaintFile) -> Iterator[Subject]:
    """People on both sides of every age threshold, of each sex the content tells apart."""
    low = complaint.ages.min_days or 0
    high = complaint.ages.max_days if complaint.ages.max_days is not None else _MAX_AGE_DAYS
    conds = [r.when for r in complaint.rules + content.general.rules]
    conds += [q.ask_if for q in complaint.questions + content.general.questions if q.ask_if]
    ages = {low, high, (low + high) // 2}
    for cond in conds:
        for key, number in conditions.numbers_in(cond):
            if key.startswith("age_"):
                days = number if key == "age_days" else number * _YEAR
                ages |= {int(days) - 2, int(days), int(days) + 2}
    # An unknown sex is neither female nor male, so it takes its own paths; without any
    # sex in the conditions one person stands for all three.
    told_apart = complaint.sexes or any(conditions.mentions_sex(c) for c in conds)
    sexes = [s for s in _SEXES if admits_sex(complaint.sexes, s)] if told_apart else ["unknown"]
    for age in sorted(a for a in ages if low <= a <= high):
        for sex in sexes:
            yield Subject(age_days=age, sex=sex)
