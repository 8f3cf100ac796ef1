"""The follow-up event log of first-line care.

Events carry no person: the assessment is named by its random public reference, so the
statistics built on them are never personal data, and managers read them without a care
relation.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base, UtcDateTime, str_enum


class EventKind(StrEnum):
    """The steps of one assessment that the follow-up counts."""

    STARTED = "started"
    COMPLAINT_CHOSEN = "complaint_chosen"
    OUTCOME = "outcome"
    CHANNEL = "channel"
    COMPLETED = "completed"
    ESCALATED = "escalated"
    FIRST_STAFF_RESPONSE = "first_staff_response"
    CLOSED = "closed"


class FollowupEvent(Base):
    """One step of one assessment, with the region it happened in."""

    __tablename__ = "followup_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_ref: Mapped[str] = mapped_column(String(36))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, 24))
    region_code: Mapped[str] = mapped_column(String(2))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    complaint_id: Mapped[str | None] = mapped_column(String(64))
    urgency: Mapped[str | None] = mapped_column(String(16))
    disposition: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_followup_event_region_at", "region_code", "at"),
        Index("ix_followup_event_ref", "assessment_ref", "kind"),
    )
