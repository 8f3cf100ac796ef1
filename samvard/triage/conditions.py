"""Conditions of the content (`when`, `ask_if`) and their three-valued evaluation.

An answer not yet given is *undecided* (None), so the engine can tell a red flag that is
already true from one that might still become true. Kleene logic: `all` is false as soon
as one part is false, `any` is true as soon as one part is true.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

COMPARISONS = ("lt", "lte", "gt", "gte")
UNKNOWN = "unknown"

AnswerValue = str | float
Tri = bool | None


@dataclass(frozen=True)
class Person:
    """Who the assessment is about, as the conditions see them."""

    age_days: int
    sex: str


@dataclass(frozen=True)
class AnswerIs:
    """The answer to `question` is one of `values`."""

    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class AnswerCompare:
    """The numeric answer to `question` compares to `number` (unknown makes it false)."""

    question: str
    op: str
    number: float


@dataclass(frozen=True)
class AgeCompare:
    """The person's age in `unit` ("days" or "years") compares to `number`."""

    unit: str
    op: str
    number: float


@dataclass(frozen=True)
class SexIs:
    """The person's sex is `sex` (an unknown sex is neither)."""

    sex: str


@dataclass(frozen=True)
class AllOf:
    """Every part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Condition


Condition = AnswerIs | AnswerCompare | AgeCompare | SexIs | AllOf | AnyOf | Not


class ConditionError(ValueError):
    """A condition in a content file is malformed."""


def parse(raw: Any, where: str = "") -> Condition:
    """Build a condition from its YAML form; raises ConditionError saying what is wrong."""
    if not isinstance(raw, dict) or not raw:
        raise ConditionError(f"{where}: ett villkor ska vara en mappning, fick {raw!r}")
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        _only(raw, {key}, where)
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ConditionError(f"{where}.{key}: ska vara en icke-tom lista")
        parts = tuple(parse(item, f"{where}.{key}[{i}]") for i, item in enumerate(items))
        return AllOf(parts) if key == "all" else AnyOf(parts)
    if "not" in raw:
        _only(raw, {"not"}, where)
        return Not(parse(raw["not"], f"{where}.not"))
    if "answer" in raw:
        return _parse_answer(raw, where)
    if "age_days" in raw or "age_years" in raw:
        unit = "days" if "age_days" in raw else "years"
        _only(raw, {f"age_{unit}"}, where)
        op, number = _comparison(raw[f"age_{unit}"], f"{where}.age_{unit}")
        return AgeCompare(unit, op, number)
    if "sex" in raw:
        _only(raw, {"sex"}, where)
        if raw["sex"] not in ("female", "male"):
            raise ConditionError(f"{where}.sex: ska vara female eller male")
        return SexIs(raw["sex"])
    raise ConditionError(f"{where}: okänt villkor {sorted(raw)}")


def _parse_answer(raw: dict[str, Any], where: str) -> Condition:
    question = raw["answer"]
    rest = set(raw) - {"answer"}
    if len(rest) != 1:
        raise ConditionError(f"{where}: ange exakt en av is, in, lt, lte, gt, gte")
    (key,) = rest
    if key == "is":
        return AnswerIs(question, (normalise_value(raw["is"]),))
    if key == "in":
        values = raw["in"]
        if not isinstance(values, list) or not values:
            raise ConditionError(f"{where}.in: ska vara en icke-tom lista")
        return AnswerIs(question, tuple(normalise_value(v) for v in values))
    if key in COMPARISONS:
        return AnswerCompare(question, key, _number(raw[key], f"{where}.{key}"))
    raise ConditionError(f"{where}: okänd jämförelse {key!r}")


def _comparison(raw: Any, where: str) -> tuple[str, float]:
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in COMPARISONS:
        raise ConditionError(f"{where}: ange exakt en av lt, lte, gt, gte")
    ((op, value),) = raw.items()
    return op, _number(value, f"{where}.{op}")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConditionError(f"{where}: ska vara ett tal, fick {value!r}")
    return float(value)


def _only(raw: dict[str, Any], keys: set[str], where: str) -> None:
    extra = set(raw) - keys
    if extra:
        raise ConditionError(f"{where}: oväntade nycklar {sorted(extra)}")


def normalise_value(value: Any) -> str:
    """YAML 1.1 reads a bare yes/no as a boolean; the content means the answer words."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return UNKNOWN
    return str(value)


def questions_in(condition: Condition) -> Iterator[str]:
    """Every question id the condition refers to."""
    if isinstance(condition, AnswerIs | AnswerCompare):
        yield condition.question
    elif isinstance(condition, AllOf | AnyOf):
        for part in condition.parts:
            yield from questions_in(part)
    elif isinstance(condition, Not):
        yield from questions_in(condition.part)


def numbers_in(condition: Condition) -> Iterator[tuple[str, float]]:
    """(question id or "age_days"/"age_years", threshold) pairs, for exploring paths."""
    if isinstance(condition, AnswerCompare):
        yield condition.question, condition.number
    elif isinstance(condition, AgeCompare):
        yield f"age_{condition.unit}", condition.number
    elif isinstance(condition, AllOf | AnyOf):
        for part in condition.parts:
            yield from numbers_in(part)
    elif isinstance(condition, Not):
        yield from numbers_in(condition.part)


def mentions_sex(condition: Condition) -> bool:
    """Whether the condition looks at the person's sex anywhere."""
    if isinstance(condition, SexIs):
        return True
    if isinstance(condition, AllOf | AnyOf):
        return any(mentions_sex(part) for part in condition.parts)
    if isinstance(condition, Not):
        return mentions_sex(condition.part)
    return False


def evaluate(condition: Condition, person: Person, answers: Mapping[str, AnswerValue]) -> Tri:
    """True, False, or None while an answer it needs is missing."""
    if isinstance(condition, AnswerIs | AnswerCompare):
        return _evaluate_answer(condition, answers)
    if isinstance(condition, AgeCompare):
        age = person.age_days if condition.unit == "days" else person.age_days / 365.25
        return compare(age, condition.op, condition.number)
    if isinstance(condition, SexIs):
        return person.sex == condition.sex
    if isinstance(condition, Not):
        inner = evaluate(condition.part, person, answers)
        return None if inner is None else not inner
    results = [evaluate(part, person, answers) for part in condition.parts]
    if isinstance(condition, AllOf):
        return False if False in results else (None if None in results else True)
    return True if True in results else (None if None in results else False)


def _evaluate_answer(
    condition: AnswerIs | AnswerCompare, answers: Mapping[str, AnswerValue]
) -> Tri:
    if condition.question not in answers:
        return None
    value = answers[condition.question]
    if isinstance(condition, AnswerIs):
        return _as_text(value) in condition.values
    if isinstance(value, str):
        return False  # "unknown": the content says so explicitly where it matters
    return compare(value, condition.op, condition.number)


def compare(value: float, op: str, number: float) -> bool:
    """`value op number` for the four comparison operators."""
    if op == "lt":
        return value < number
    if op == "lte":
        return value <= number
    if op == "gt":
        return value > number
    return value >= number


def _as_text(value: AnswerValue) -> str:
    if isinstance(value, str):
        return value
    return f"{value:g}"
