"""Recording follow-up events, inside the caller's transaction (the caller commits)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from samvard.core.db import utcnow
from samvard.followup.models import EventKind, FollowupEvent


def record_event(
    session: Session,
    *,
    assessment_ref: str,
    kind: EventKind,
    region_code: str,
    at: datetime | None = None,
    complaint_id: str | None = None,
    urgency: str | None = None,
    disposition: str | None = None,
    channel: str | None = None,
) -> FollowupEvent:
    """Add one event. Written in the same transaction as the step it records."""
    event = FollowupEvent(
        assessment_ref=assessment_ref,
        kind=kind,
        region_code=region_code,
        at=at or utcnow(),
        complaint_id=complaint_id,
        urgency=urgency,
        disposition=disposition,
        channel=channel,
    )
    session.add(event)
    return event
