"""Reads for login sessions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.auth.actions import hash_token
from samvard.auth.models import WebSession
from samvard.core.db import utcnow


def get_session_by_token(
    session: Session, token: str, *, idle: timedelta, max_age: timedelta
) -> tuple[WebSession | None, str | None]:
    """The session for `token` and, when it is not live, why ("unknown", "ended", "idle",
    "max_age"); an idle or too old session is returned so that it can be ended."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if row is None:
        return None, "unknown"
    if row.ended_at is not None:
        return None, "ended"
    now = utcnow()
    if now - row.created_at > max_age:
        return row, "max_age"
    if now - row.last_seen_at > idle:
        return row, "idle"
    return row, None
