"""The assessment's vocabulary: its refusals, and the JSON API's input and output."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from samvard.triage.conditions import AnswerValue


class AssessmentError(ValueError):
    """A refused step: `code` is stable, `message` Swedish, `status` the HTTP status."""

    def __init__(
        self, code: str, message: str, *, status: int = 422, question_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.question_id = question_id


class StartIn(BaseModel):
    """Start an assessment; `person_pk` names a child of mine, left out for myself."""

    model_config = ConfigDict(extra="forbid")

    person_pk: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None


class ComplaintIn(BaseModel):
    """The presenting complaint (kontaktorsak) chosen."""

    model_config = ConfigDict(extra="forbid")

    complaint_id: Annotated[str, Field(min_length=1, max_length=64)]
    version: Annotated[int, Field(ge=1)] | None = None


class AnswerIn(BaseModel):
    """One answer to the question asked at `version`."""

    model_config = ConfigDict(extra="forbid")

    question_id: Annotated[str, Field(min_length=1, max_length=64)]
    value: Annotated[str, Field(max_length=64)] | float | bool
    version: Annotated[int, Field(ge=1)]


class OptionOut(BaseModel):
    """One answer a question accepts, with its Swedish text."""

    value: str
    text: str


class QuestionOut(BaseModel):
    """The next question."""

    id: str
    text: str
    type: str
    options: list[OptionOut]
    unit: str | None
    min: float | None
    max: float | None


class OutcomeOut(BaseModel):
    """The outcome, with the rule that decided it."""

    level: str
    urgency: str
    disposition: str
    timeframe: str
    advice: list[str]
    rule_id: str
    rationale: str


class AssessmentOut(BaseModel):
    """An assessment as it stands: the next question or the outcome."""

    ref: str
    status: str
    person_pk: int
    complaint_id: str | None
    content_version: str
    version: int
    answers: dict[str, AnswerValue]
    question: QuestionOut | None
    outcome: OutcomeOut | None
    started_at: datetime
    expires_at: datetime
