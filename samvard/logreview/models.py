"""ORM model of a log reviewer's finding about one logged access."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base, UtcDateTime, str_enum


class ReviewOutcome(StrEnum):
    """What the reviewer concluded."""

    JUSTIFIED = "justified"
    FOLLOW_UP = "follow_up"
    UNJUSTIFIED = "unjustified"


class Review(Base):
    """The outcome of reviewing one audit entry; written once, never changed."""

    __tablename__ = "log_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_seq: Mapped[int] = mapped_column(BigInteger, ForeignKey("audit_entry.seq"), unique=True)
    triggers: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[ReviewOutcome] = mapped_column(str_enum(ReviewOutcome, 16))
    note: Mapped[str] = mapped_column(String(2000))
    reviewer_hsaid: Mapped[str] = mapped_column(String(31))
    care_giver_hsaid: Mapped[str] = mapped_column(String(31))
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime())
