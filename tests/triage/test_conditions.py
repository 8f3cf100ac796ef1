"""Conditions: parsing with clear errors, and three-valued evaluation."""

from __future__ import annotations

import pytest

from samvard.triage.conditions import ConditionError, Person, evaluate, mentions_sex, parse

ADULT = Person(age_days=40 * 365, sex="female")
INFANT = Person(age_days=30, sex="male")


@pytest.mark.parametrize(
    ("raw", "person", "answers", "expected"),
    [
        ({"answer": "q", "is": "yes"}, ADULT, {}, None),
        ({"answer": "q", "is": "yes"}, ADULT, {"q": "yes"}, True),
        ({"answer": "q", "is": True}, ADULT, {"q": "yes"}, True),  # YAML 1.1 bare yes
        ({"answer": "q", "in": ["yes", "unknown"]}, ADULT, {"q": "unknown"}, True),
        ({"answer": "q", "in": ["yes", "unknown"]}, ADULT, {"q": "no"}, False),
        ({"answer": "t", "gte": 38.5}, ADULT, {"t": 38.5}, True),
        ({"answer": "t", "gt": 38.5}, ADULT, {"t": 38.5}, False),
        ({"answer": "t", "lt": 36}, ADULT, {"t": "unknown"}, False),
        ({"answer": "t", "lte": 36}, ADULT, {"t": 36.0}, True),
        ({"age_days": {"lt": 90}}, INFANT, {}, True),
        ({"age_years": {"gte": 65}}, ADULT, {}, False),
        ({"sex": "female"}, ADULT, {}, True),
        (
            {"all": [{"answer": "a", "is": "yes"}, {"answer": "b", "is": "yes"}]},
            ADULT,
            {"a": "no"},
            False,
        ),
        (
            {"all": [{"answer": "a", "is": "yes"}, {"answer": "b", "is": "yes"}]},
            ADULT,
            {"a": "yes"},
            None,
        ),
        (
            {"any": [{"answer": "a", "is": "yes"}, {"answer": "b", "is": "yes"}]},
            ADULT,
            {"b": "yes"},
            True,
        ),
        (
            {"any": [{"answer": "a", "is": "yes"}, {"answer": "b", "is": "yes"}]},
            ADULT,
            {"b": "no"},
            None,
        ),
        ({"not": {"answer": "a", "is": "yes"}}, ADULT, {}, None),
        ({"not": {"answer": "a", "is": "yes"}}, ADULT, {"a": "no"}, True),
    ],
)
def test_three_valued_evaluation(
    raw: dict[str, object], person: Person, answers: dict[str, object], expected: bool | None
) -> None:
    assert evaluate(parse(raw), person, answers) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("yes", "mappning"),
        ({"all": []}, "icke-tom"),
        ({"answer": "q"}, "exakt en"),
        ({"answer": "q", "is": "yes", "in": ["no"]}, "exakt en"),
        ({"answer": "q", "about": 3}, "okänd jämförelse"),
        ({"answer": "q", "lt": "high"}, "tal"),
        ({"age_days": {"between": 3}}, "lt, lte"),
        ({"sex": "other"}, "female eller male"),
        ({"weather": "rain"}, "okänt villkor"),
        ({"not": {"sex": "male"}, "extra": 1}, "oväntade"),
    ],
)
def test_malformed_conditions_say_what_is_wrong(raw: object, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        parse(raw, "regel")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"sex": "female"}, True),
        ({"not": {"sex": "male"}}, True),
        ({"any": [{"answer": "q", "is": "yes"}, {"all": [{"sex": "male"}]}]}, True),
        ({"all": [{"answer": "q", "is": "yes"}, {"age_years": {"gte": 65}}]}, False),
    ],
)
def test_conditions_that_look_at_sex_are_recognised(raw: object, expected: bool) -> None:
    assert mentions_sex(parse(raw)) is expected


def test_an_unknown_sex_is_neither_female_nor_male() -> None:
    unknown = Person(age_days=40 * 365, sex="unknown")
    assert evaluate(parse({"sex": "female"}), unknown, {}) is False
    assert evaluate(parse({"not": {"sex": "male"}}), unknown, {}) is True
