"""ORM models of the patient's sharing choices and of who holds what about whom.

Organisations are named by HSA-id rather than by foreign key: consents, blocks and the
engagement index speak about care givers on other nodes as well as this one.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base, UtcDateTime, str_enum
from samvard.records.models import RecordKind


class ConsentBasis(StrEnum):
    """Why a consent counts."""

    # The patient said yes: on their own pages or to staff who registered it.
    PATIENT = "patient"
    # The patient cannot express a will (unconscious, severe dementia) and there is no
    # reason to believe they would object; staff record the assessment and the reason.
    PRESUMED = "presumed"


class Consent(Base):
    """The patient's consent (samtycke) that one care giver, or all, may read others' records."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # The organisation allowed to read; None means every care and social-care giver.
    accessor_hsaid: Mapped[str | None] = mapped_column(String(31))
    # Information sets covered; None means all of them.
    info_sets: Mapped[list[str] | None] = mapped_column(JSON)
    basis: Mapped[ConsentBasis] = mapped_column(str_enum(ConsentBasis, 16))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    registered_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(400))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Block(Base):
    """A block (spärr): one care giver's, or one unit's, records stay with their source."""

    __tablename__ = "block"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    care_giver_hsaid: Mapped[str] = mapped_column(String(31))
    # Set for a unit-level block; None blocks everything the care giver holds.
    unit_hsaid: Mapped[str | None] = mapped_column(String(31))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class EmergencyAccess(Base):
    """Emergency access (nödåtkomst) opened by health-care staff, time-limited and reviewed."""

    __tablename__ = "emergency_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    staff_hsaid: Mapped[str] = mapped_column(String(31))
    unit_hsaid: Mapped[str] = mapped_column(String(31))
    care_giver_hsaid: Mapped[str] = mapped_column(String(31))
    reason: Mapped[str] = mapped_column(String(400))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Engagement(Base):
    """One line of the engagement index: this producer holds this information set about
    this person. Says nothing about the content; refreshed whenever a record is written."""

    __tablename__ = "engagement"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(String(16))
    care_giver_hsaid: Mapped[str] = mapped_column(String(31))
    unit_hsaid: Mapped[str] = mapped_column(String(31))
    info_set: Mapped[RecordKind] = mapped_column(str_enum(RecordKind, 16))
    node_id: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("person_id", "unit_hsaid", "info_set"),
        Index("ix_engagement_person", "person_id"),
    )
