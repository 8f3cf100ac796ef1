"""The triage engine: a pure function from content, person and answers to the next step.

Rules are evaluated with three-valued logic (see `conditions`), most urgent level first.
A level is decided as soon as one of its rules is true and no more urgent rule can still
become true: a 112 red flag ends the questions at once, and an emergency-department flag
asks only what could still make it 112. Otherwise the next question is the first one in
file order (general questions first) that applies and that an undecided, more urgent rule
still depends on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from samvard.triage import conditions
from samvard.triage.conditions import AnswerValue, Person
from samvard.triage.levels import Disposition, Level, Urgency
from samvard.triage.loader import Content
from samvard.triage.schema import Question, Rule, admits_sex


@dataclass(frozen=True)
class Subject:
    """The person assessed: age in days and sex ("female", "male" or "unknown")."""

    age_days: int
    sex: str

    def as_person(self) -> Person:
        """The view the conditions take of the subject."""
        return Person(age_days=self.age_days, sex=self.sex)


@dataclass(frozen=True)
class TraceStep:
    """One rule as it stood when the engine stopped, with the answers it used."""

    rule_id: str
    level: Level
    result: str  # "true", "false" or "undecided"
    answers: Mapping[str, AnswerValue]
    rationale: str
    source: str


@dataclass(frozen=True)
class OutcomeResult:
    """The outcome: level, urgency, next step, advice, and which rule decided it."""

    level: Level
    urgency: Urgency
    disposition: Disposition
    timeframe: str
    advice: tuple[str, ...]
    rule_id: str  # "default" when no rule fired
    rationale: str
    source: str


@dataclass(frozen=True)
class Evaluation:
    """Either the next question or the outcome, with the trace so far."""

    question: Question | None
    outcome: OutcomeResult | None
    trace: tuple[TraceStep, ...]
    asked: tuple[str, ...]
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)


class AnswerError(ValueError):
    """An answer the engine cannot take; `code` is stable, `message` is Swedish."""

    def __init__(self, code: str, message: str, question_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.question_id = question_id


DEFAULT_RATIONALE = "Inga varningstecken kom fram i svaren; nivån är kontaktorsakens grundnivå."


def evaluate(
    content: Content, complaint_id: str, subject: Subject, answers: Mapping[str, AnswerValue]
) -> Evaluation:
    """The next question, or the outcome once it is decided. Pure and deterministic."""
    check_applicable(content, complaint_id, subject)
    person = subject.as_person()
    questions = content.questions_for(complaint_id)
    rules = content.rules_for(complaint_id)
    known: dict[str, AnswerValue] = {}
    while True:
        results = {r.id: conditions.evaluate(r.when, person, known) for r in rules}
        best = next((r for r in rules if results[r.id] is True), None)
        # Even an emergency waits for a still-open, more urgent rule: "go to the emergency
        # department" must not stand while "call 112" can still become true.
        decided = best is not None and all(
            results[r.id] is False for r in rules if r.level.rank < best.level.rank
        )
        question = (
            None if decided else _next_question(questions, rules, results, best, person, known)
        )
        if question is None:
            trace = _trace(rules, results, known)
            outcome = _outcome(content, complaint_id, best)
            return Evaluation(None, outcome, trace, tuple(known), dict(known))
        if question.id not in answers:
            trace = _trace(rules, results, known)
            return Evaluation(question, None, trace, tuple(known), dict(known))
        known[question.id] = answers[question.id]


def check_applicable(content: Content, complaint_id: str, subject: Subject) -> None:
    """Raise AnswerError unless the complaint exists and admits the subject's age."""
    complaint = content.complaints.get(complaint_id)
    if complaint is None:
        raise AnswerError("unknown_complaint", f"Kontaktorsaken {complaint_id!r} finns inte.")
    if not complaint.ages.admits(subject.age_days) or not admits_sex(complaint.sexes, subject.sex):
        raise AnswerError(
            "not_applicable",
            f"”{complaint.title}” gäller inte för den här personen (ålder eller kön). "
            "Välj en annan kontaktorsak.",
        )


def _next_question(
    questions: tuple[Question, ...],
    rules: tuple[Rule, ...],
    results: Mapping[str, bool | None],
    best: Rule | None,
    person: Person,
    known: Mapping[str, AnswerValue],
) -> Question | None:
    ceiling = best.level.rank if best is not None else len(Level)
    relevant = {
        qid
        for r in rules
        if results[r.id] is None and r.level.rank < ceiling
        for qid in conditions.questions_in(r.when)
    }
    # A question an ask_if depends on matters as much as the question it unlocks.
    for question in reversed(questions):
        if question.id in relevant and question.ask_if is not None:
            relevant |= set(conditions.questions_in(question.ask_if))
    for question in questions:
        if question.id in known or question.id not in relevant:
            continue
        if question.ask_if is None or conditions.evaluate(question.ask_if, person, known):
            return question
    return None


def _trace(
    rules: tuple[Rule, ...], results: Mapping[str, bool | None], known: Mapping[str, AnswerValue]
) -> tuple[TraceStep, ...]:
    words = {True: "true", False: "false", None: "undecided"}
    return tuple(
        TraceStep(
            rule_id=r.id,
            level=r.level,
            result=words[results[r.id]],
            answers={
                q: known[q] for q in dict.fromkeys(conditions.questions_in(r.when)) if q in known
            },
            rationale=r.rationale,
            source=r.source,
        )
        for r in rules
    )


def _outcome(content: Content, complaint_id: str, rule: Rule | None) -> OutcomeResult:
    outcome = content.outcome_for(complaint_id, rule)
    level = rule.level if rule is not None else content.complaints[complaint_id].default_level
    return OutcomeResult(
        level=level,
        urgency=level.urgency,
        disposition=outcome.disposition,
        timeframe=outcome.timeframe,
        advice=outcome.advice,
        rule_id=rule.id if rule is not None else "default",
        rationale=rule.rationale if rule is not None else DEFAULT_RATIONALE,
        source=rule.source if rule is not None else "",
    )
