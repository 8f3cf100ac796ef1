"""A deliberately simple reference evaluator for the triage engine.

It asks every applicable question (in order, each ask_if read over the answers so far),
then takes the most urgent level among the rules that hold; the default when none does.
No early stopping, no relevance: nothing clever to get wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

from samvard.triage import conditions
from samvard.triage.conditions import AnswerValue
from samvard.triage.engine import Subject
from samvard.triage.levels import Level
from samvard.triage.loader import Content


def reference_level(
    content: Content, complaint_id: str, subject: Subject, full: Mapping[str, AnswerValue]
) -> Level:
    person = subject.as_person()
    answered: dict[str, AnswerValue] = {}
    for question in content.questions_for(complaint_id):
        if question.ask_if is None or conditions.evaluate(question.ask_if, person, answered):
            answered[question.id] = full[question.id]
    fired = [
        rule.level
        for rule in content.rules_for(complaint_id)
        if conditions.evaluate(rule.when, person, answered) is True
    ]
    if not fired:
        return content.complaints[complaint_id].default_level
    return min(fired, key=lambda level: level.rank)
