"""The schema of a content file (docs/triage-content.md), checked strictly on load."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from samvard.triage import conditions
from samvard.triage.levels import Disposition, Level

AnswerType = Literal["yes_no_unknown", "choice", "number", "duration"]
BodySystem = Literal[
    "cardiovascular",
    "respiratory",
    "gastrointestinal",
    "neurological",
    "musculoskeletal",
    "skin",
    "ent",
    "eye",
    "urogenital",
    "obstetric",
    "mental",
    "infection",
    "injury",
    "dental",
    "general",
]
YES_NO_UNKNOWN = ("yes", "no", "unknown")
_ID = r"^[a-z][a-z0-9_]*$"


def _condition(raw: Any) -> conditions.Condition:
    if isinstance(raw, conditions.AllOf | conditions.AnyOf | conditions.Not):
        return raw
    if isinstance(raw, conditions.AnswerIs | conditions.AnswerCompare):
        return raw
    if isinstance(raw, conditions.AgeCompare | conditions.SexIs):
        return raw
    try:
        return conditions.parse(raw)
    except conditions.ConditionError as exc:
        raise ValueError(str(exc).lstrip(": ")) from exc


ConditionField = Annotated[Any, BeforeValidator(_condition)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Source(_Strict):
    """A public source the content rests on."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str = Field(min_length=3)
    url: str | None = None


class Option(_Strict):
    """One answer of a choice question."""

    value: Annotated[str, BeforeValidator(conditions.normalise_value)]
    text: str = Field(min_length=1)


class Question(_Strict):
    """One question, asked on a page of its own."""

    id: str = Field(pattern=_ID)
    text: str = Field(min_length=3)
    type: AnswerType
    options: tuple[Option, ...] = ()
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    ask_if: ConditionField = None
    snomed: str | None = Field(default=None, pattern=r"^\d{6,18}$")

    @model_validator(mode="after")
    def _shape(self) -> Question:
        values = [o.value for o in self.options]
        if self.type == "choice" and len(values) < 2:
            raise ValueError(f"{self.id}: en flervalsfråga behöver minst två svar")
        if self.type != "choice" and values:
            raise ValueError(f"{self.id}: bara flervalsfrågor har svarsalternativ")
        if len(set(values)) != len(values):
            raise ValueError(f"{self.id}: svarsalternativen har dubbletter")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"{self.id}: min är större än max")
        return self

    @property
    def answer_values(self) -> tuple[str, ...]:
        """The words a yes/no/unknown or choice question accepts."""
        if self.type == "yes_no_unknown":
            return YES_NO_UNKNOWN
        return tuple(o.value for o in self.options)

    def option_text(self, value: str) -> str:
        """The Swedish text of an answer word (the word itself when not an option)."""
        texts = {"yes": "Ja", "no": "Nej", "unknown": "Vet inte"}
        texts.update({o.value: o.text for o in self.options})
        return texts.get(value, value)


class Rule(_Strict):
    """A discriminator (red flag): when it holds, the outcome is at least `level`."""

    id: str = Field(pattern=_ID)
    level: Level
    when: ConditionField
    rationale: str = Field(min_length=10)
    source: str
    snomed: str | None = Field(default=None, pattern=r"^\d{6,18}$")


class Outcome(_Strict):
    """What the citizen is told at a level: the next step, when, and advice."""

    disposition: Disposition
    timeframe: str = Field(min_length=2)
    advice: tuple[str, ...] = Field(min_length=1)


class Ages(_Strict):
    """Who a complaint is for, in days of age (both ends inclusive)."""

    min_days: int | None = Field(default=None, ge=0)
    max_days: int | None = Field(default=None, ge=0)

    def admits(self, age_days: int) -> bool:
        """Whether a person of `age_days` may use the complaint."""
        low = self.min_days if self.min_days is not None else 0
        return low <= age_days and (self.max_days is None or age_days <= self.max_days)


def admits_sex(sexes: tuple[str, ...], sex: str) -> bool:
    """Whether a complaint restricted to `sexes` (empty: all) admits a person of `sex`."""
    return not sexes or sex not in ("female", "male") or sex in sexes


class _File(_Strict):
    id: str = Field(pattern=_ID)
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    valid_from: date
    author: str = Field(min_length=3)
    reviewer: str = Field(min_length=3)
    sources: tuple[Source, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = ()
    rules: tuple[Rule, ...] = ()
    outcomes: dict[Level, Outcome] = Field(default_factory=dict)


class GeneralFile(_File):
    """The general red flags, asked first in every complaint."""

    body_system: BodySystem = "general"


class ComplaintFile(_File):
    """One presenting complaint (kontaktorsak)."""

    title: str = Field(min_length=3)
    body_system: BodySystem
    ages: Ages = Ages()
    # Empty: everyone. A person whose sex is unknown is never excluded (the safe choice).
    sexes: tuple[Literal["female", "male"], ...] = ()
    snomed: str | None = Field(default=None, pattern=r"^\d{6,18}$")
    synonyms: tuple[str, ...] = ()
    default_level: Level
