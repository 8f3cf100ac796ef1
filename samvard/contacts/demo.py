"""Demo data for contacts: free appointment slots at every vårdcentral."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from samvard.contacts.models import Slot, SlotKind
from samvard.contacts.schemas import SWEDEN
from samvard.core.db import utcnow
from samvard.directory.models import Unit

DAYS = 14
# Weekday times in local time: visits through the day and a video hour at the end.
_TIMES = (
    (time(8, 30), 30, SlotKind.PHYSICAL),
    (time(9, 30), 30, SlotKind.PHYSICAL),
    (time(10, 30), 30, SlotKind.PHYSICAL),
    (time(13, 0), 30, SlotKind.PHYSICAL),
    (time(14, 0), 30, SlotKind.PHYSICAL),
    (time(15, 0), 30, SlotKind.PHYSICAL),
    (time(16, 0), 20, SlotKind.VIDEO),
)


def seed_slots(session: Session, *, today: date | None = None) -> int:
    """Give every vårdcentral free slots on the weekdays of the coming 14 days.

    Runs in the caller's transaction; returns the number of slots added.
    """
    first = today or utcnow().astimezone(SWEDEN).date()
    units = session.scalars(select(Unit.id).where(Unit.kind == "vardcentral").order_by(Unit.id))
    starts = list(_starts(first))
    rows = [
        {"unit_id": unit_id, "starts_at": at, "minutes": minutes, "kind": kind}
        for unit_id in units
        for at, minutes, kind in starts
    ]
    if rows:
        session.execute(insert(Slot), rows)
    return len(rows)


def _starts(first: date) -> list[tuple[datetime, int, SlotKind]]:
    result = []
    for offset in range(1, DAYS + 1):
        day = first + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for at, minutes, kind in _TIMES:
            result.append((datetime.combine(day, at, tzinfo=SWEDEN), minutes, kind))
    return result
