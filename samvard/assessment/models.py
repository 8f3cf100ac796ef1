"""Symptom assessments and the content snapshots that keep their outcomes reproducible."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base, UtcDateTime, str_enum


class AssessmentStatus(StrEnum):
    """In progress while questions remain; completed with an outcome; expired after 24 h."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    EXPIRED = "expired"


class Assessment(Base):
    """One symptom assessment of one person (the subject), started by them or a guardian.

    `ref` is the random public id used in URLs and in the follow-up events. Age and sex are
    fixed at the start, and the content version is stored with a snapshot of that content,
    so the outcome can be recomputed from the answers years later. `version` grows with
    every change and guards against a stale form overwriting a newer answer.
    """

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(36), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    region_code: Mapped[str] = mapped_column(String(2))
    complaint_id: Mapped[str | None] = mapped_column(String(64))
    content_version: Mapped[str] = mapped_column(
        String(32), ForeignKey("triage_content_version.version")
    )
    age_days: Mapped[int] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(8))
    # Question id -> answer, in the order given (JSON keeps key order).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    status: Mapped[AssessmentStatus] = mapped_column(str_enum(AssessmentStatus, 16))
    level: Mapped[str | None] = mapped_column(String(32))
    urgency: Mapped[str | None] = mapped_column(String(16))
    disposition: Mapped[str | None] = mapped_column(String(32))
    trace: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_assessment_person", "person_id", "started_at"),
        Index("ix_assessment_started_by", "started_by_id", "started_at"),
    )

    def is_expired(self, now: datetime) -> bool:
        """Past its 24 hours without an outcome (a completed one stays readable)."""
        if self.status is AssessmentStatus.EXPIRED:
            return True
        return self.status is AssessmentStatus.IN_PROGRESS and now >= self.expires_at


class TriageContentVersion(Base):
    """The triage content exactly as an assessment first used it; written once per version."""

    __tablename__ = "triage_content_version"

    version: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Content.to_json(), parsed: Content.from_json() rebuilds the very same version.
    content: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    first_used_at: Mapped[datetime] = mapped_column(UtcDateTime())
