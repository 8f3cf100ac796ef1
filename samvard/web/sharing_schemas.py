"""Pydantic shapes of the citizen's consents and blocks in the JSON API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class ConsentIn(BaseModel):
    """A new consent: to one care giver (HSA-id) or to everyone (null)."""

    model_config = ConfigDict(extra="forbid")

    accessor_hsa_id: str | None = Field(default=None, max_length=31)
    # Record kinds (note, diagnosis, contact, medication, alert, lab, functional,
    # social_care); null means all, now and later.
    info_sets: list[str] | None = Field(default=None, max_length=20)
    # The last day the consent holds (Swedish time); null means until revoked.
    valid_until: date | None = None


class ConsentOut(BaseModel):
    """One consent and where it stands: active, future, expired or revoked."""

    id: int
    accessor_hsa_id: str | None
    accessor_name: str | None
    info_sets: list[str] | None
    basis: str
    valid_from: datetime
    valid_until: datetime | None
    revoked_at: datetime | None
    status: str


class BlockIn(BaseModel):
    """A new block: a whole care giver, or one of its units."""

    model_config = ConfigDict(extra="forbid")

    care_giver_hsa_id: str = Field(min_length=1, max_length=31)
    unit_hsa_id: str | None = Field(default=None, max_length=31)


class BlockOut(BaseModel):
    """One block; `lifted_at` is set once it no longer holds."""

    id: int
    care_giver_hsa_id: str
    care_giver_name: str | None
    unit_hsa_id: str | None
    unit_name: str | None
    created_at: datetime
    lifted_at: datetime | None
    in_force: bool
