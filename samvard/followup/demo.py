"""Synthetic follow-up events for the demo: six months of assessments in a few regions.

Events name no person, so they can be made up without any citizen behind them. The
volumes differ per region; one small region stays under five assessments a month, so the
page shows how small counts are withheld.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from samvard.core.db import utcnow
from samvard.followup.models import EventKind, FollowupEvent

DAYS = 183
# Assessments per month by region code (Stockholm, Uppsala, Skåne, Västra Götaland, Jämtland).
VOLUMES = {"01": 160, "03": 40, "12": 110, "14": 130, "23": 3}
# (urgency, disposition, weight, channel kinds to route to)
OUTCOMES: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    ("emergency", "call_112", 2, ("call_112",)),
    ("emergency", "emergency_department", 4, ("emergency_department",)),
    ("urgent", "care_now", 8, ("nurse_chat", "video")),
    ("urgent", "care_today", 14, ("nurse_chat", "nurse_chat", "video")),
    ("non_urgent", "care_within_days", 30, ("physical", "video", "nurse_chat")),
    ("self_care", "self_care", 42, ()),
)
CARE_CHANNELS = ("nurse_chat", "video", "physical")
Emit = Callable[..., dict[str, Any]]


def seed_events(session: Session, rng: random.Random, *, now: datetime | None = None) -> int:
    """Add the demo's follow-up events in the caller's transaction; returns how many."""
    end = now or utcnow()
    rows: list[dict[str, Any]] = []
    for region, monthly in VOLUMES.items():
        for _ in range(round(monthly * DAYS / 30.4)):
            start = end - timedelta(seconds=rng.uniform(6 * 3600, DAYS * 86400))
            rows.extend(_assessment(rng, region, start))
    if rows:
        session.execute(insert(FollowupEvent), rows)
    return len(rows)


def _assessment(rng: random.Random, region: str, start: datetime) -> list[dict[str, Any]]:
    ref = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    clock = _Clock(start)

    def event(kind: EventKind, minutes: float = 0.0, **fields: str | None) -> dict[str, Any]:
        at = clock.after(minutes)
        return {"assessment_ref": ref, "kind": kind, "region_code": region, "at": at, **fields}

    rows = [event(EventKind.STARTED)]
    if rng.random() < 0.07:
        return rows
    rows.append(event(EventKind.COMPLAINT_CHOSEN, rng.uniform(0.2, 2)))
    if rng.random() < 0.10:
        return rows
    urgency, disposition, _, channels = rng.choices(OUTCOMES, [o[2] for o in OUTCOMES])[0]
    outcome = {"urgency": urgency, "disposition": disposition}
    rows.append(event(EventKind.OUTCOME, rng.uniform(1, 6), **outcome))
    rows.append(event(EventKind.COMPLETED, 0.0, **outcome))
    if not channels:
        if rng.random() > 0.12:
            return rows
        rows.append(event(EventKind.ESCALATED, rng.uniform(0.5, 5)))
        channels = ("nurse_chat",)
    channel = rng.choice(channels)
    rows.append(event(EventKind.CHANNEL, rng.uniform(0.2, 2), channel=channel))
    if channel in CARE_CHANNELS:
        rows.extend(_contact(rng, event, channel, urgency))
    return rows


def _contact(rng: random.Random, event: Emit, channel: str, urgency: str) -> list[dict[str, Any]]:
    # The most urgent are answered first, so their waits are shorter.
    wait = rng.lognormvariate(2.3 if urgency == "urgent" else 3.4, 0.6)
    rows = [event(EventKind.FIRST_STAFF_RESPONSE, wait)]
    booked = "physical" if channel == "physical" or rng.random() < 0.2 else None
    rows.append(event(EventKind.CLOSED, rng.uniform(5, 40), channel=booked))
    return rows


class _Clock:
    """The time of the next event: each one some minutes after the one before."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def after(self, minutes: float) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now
