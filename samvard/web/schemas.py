"""Pydantic shapes of the JSON API (documented in the OpenAPI description)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every API error: a stable code, a Swedish message and the request id."""

    code: str
    message: str
    request_id: str


class ErrorResponse(BaseModel):
    """The envelope of an API error."""

    error: ErrorBody


class MeOut(BaseModel):
    """Who is logged in."""

    kind: str
    id: str
    name: str
    role: str | None = None
    unit_hsa_id: str | None = None
    unit_name: str | None = None
    # Send it back in the X-CSRF-Token header on API writes.
    csrf_token: str | None = None


class AccessOut(BaseModel):
    """One entry of a citizen's access log."""

    time: datetime
    outcome: str
    who: str | None
    role: str | None
    unit: str | None
    care_giver: str | None
    information: str
    reason: str


class AccessLogOut(BaseModel):
    """A page of the access log."""

    total: int
    items: list[AccessOut]


class PatientOut(BaseModel):
    """A patient's demographics; name and address are null when protected."""

    person_id: str
    kind: str
    birth_date: date | None
    sex: str | None
    protected_identity: bool
    given_name: str | None
    family_name: str | None
    street_address: str | None
    postal_code: str | None
    city: str | None


class RegionOut(BaseModel):
    """A region with its directory counts."""

    code: str
    name: str
    county: str
    municipalities: int
    units: int


class MunicipalityOut(BaseModel):
    """A municipality."""

    code: str
    name: str
    region_code: str
    population: int | None


class UnitOut(BaseModel):
    """A unit in the directory."""

    id: int
    hsa_id: str
    name: str
    kind: str
    municipality_code: str
    care_giver_hsa_id: str
    care_giver_name: str


class ValidateIn(BaseModel):
    """Identifiers to validate (at most 1 000 at once)."""

    identifiers: list[str] = Field(max_length=1000)


class ValidateOut(BaseModel):
    """The result for one identifier."""

    input: str
    valid: bool
    kind: str | None = None
    normalized: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    error: str | None = None
