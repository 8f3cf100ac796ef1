"""ORM model for server-side login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base, UtcDateTime


class WebSession(Base):
    """A logged-in browser session; the cookie holds a token whose hash is stored here.

    Storing only the hash means a copy of the database cannot be used to take over
    sessions; keeping sessions server-side makes logout and idle timeout real.
    """

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id"))
    login_method: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
