"""Contacts with care (vårdkontakter), their chat messages and bookable slots."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base, UtcDateTime, str_enum


class ContactStatus(StrEnum):
    """Waiting in the unit's queue, claimed by one clinician, or closed with advice."""

    WAITING = "waiting"
    CLAIMED = "claimed"
    CLOSED = "closed"


class SenderKind(StrEnum):
    """Who wrote a chat message; system messages record what happened in the contact."""

    CITIZEN = "citizen"
    STAFF = "staff"
    SYSTEM = "system"


class SlotKind(StrEnum):
    """A visit at the unit or a video meeting."""

    PHYSICAL = "physical"
    VIDEO = "video"


class Contact(Base):
    """A citizen's contact with care at one unit, usually opened from an assessment.

    `ref` is the random public id used in URLs. `urgency_rank` orders the queue: 0 is an
    emergency, 3 self-care. `staff_read_seq` is the last chat message the claiming
    clinician has seen, for the unread count of their parallel chats.
    """

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(36), unique=True)
    # One contact per assessment: a retried "Kontakta vården" finds the one it opened.
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"), unique=True)
    # The follow-up names the contact by its assessment's public ref (events carry no person).
    followup_ref: Mapped[str] = mapped_column(String(36))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(2))
    channel_id: Mapped[str] = mapped_column(String(64))
    channel_kind: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    urgency_rank: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(32))
    status: Mapped[ContactStatus] = mapped_column(str_enum(ContactStatus, 16))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closing_advice: Mapped[str | None] = mapped_column(Text)
    staff_read_seq: Mapped[int] = mapped_column(Integer, default=0)
    # The anamnesis in SBAR form, as built from the assessment when the contact opened.
    sbar: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_contact_unit_queue", "unit_id", "status", "urgency_rank", "created_at"),
        Index("ix_contact_region_channel", "region_code", "channel_id", "status"),
        Index("ix_contact_claimed_by", "claimed_by_id", "status"),
    )


class ChatMessage(Base):
    """One message in a contact's chat, numbered per contact (`seq`, from 1).

    `client_id` is chosen by the sender's browser, so a retried post is stored once.
    """

    __tablename__ = "chat_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    seq: Mapped[int] = mapped_column(Integer)
    sender_kind: Mapped[SenderKind] = mapped_column(str_enum(SenderKind, 16))
    # person.id for a citizen (or their guardian), staff.id for staff, None for the system.
    sender_id: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    client_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("contact_id", "seq", name="uq_chat_message_contact_seq"),
        UniqueConstraint("contact_id", "client_id", name="uq_chat_message_contact_client"),
    )


class Slot(Base):
    """A free appointment time at a unit; booked by setting `booked_contact_id` once."""

    __tablename__ = "slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    minutes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[SlotKind] = mapped_column(str_enum(SlotKind, 16))
    booked_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), unique=True)

    __table_args__ = (Index("ix_slot_unit_starts", "unit_id", "starts_at"),)
