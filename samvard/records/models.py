"""ORM models of documented records: one row per entry, its details as validated JSON."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base, UtcDateTime, str_enum


class RecordKind(StrEnum):
    """The information sets (informationsmängder) a record belongs to."""

    NOTE = "note"
    DIAGNOSIS = "diagnosis"
    CONTACT = "contact"
    MEDICATION = "medication"
    ALERT = "alert"
    LAB = "lab"
    FUNCTIONAL = "functional"
    SOCIAL_CARE = "social_care"

    @property
    def is_social_care(self) -> bool:
        """Social-care interventions are documented under SoL/LSS, the rest under HSL."""
        return self is RecordKind.SOCIAL_CARE


class Record(Base):
    """One documented entry about a person at a unit (journalanteckning, diagnos, insats…).

    Records are never deleted or edited in place: a correction is a new record that
    replaces the old one (`replaces_id`), as patient records law requires.
    """

    __tablename__ = "record"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    care_giver_id: Mapped[int] = mapped_column(ForeignKey("care_giver.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[RecordKind] = mapped_column(str_enum(RecordKind, 16))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # When the documented fact happened (visit, decision, sample); may precede recording.
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # In scope for coordinated care and social-care documentation (lag 2022:913).
    shareable: Mapped[bool]
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("record.id"))

    __table_args__ = (
        Index("ix_record_person_kind", "person_id", "kind"),
        Index("ix_record_person_care_giver", "person_id", "care_giver_id"),
    )
