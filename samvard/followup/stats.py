"""Pure counting of follow-up events: what happened to each assessment, summed up.

An assessment is counted in the period of its `started` event; events without one (a
contact opened without an assessment) are not part of the follow-up of assessments. When
an answer is changed after the outcome, the last outcome counts.

The event fields are used like this:
- `outcome` carries the urgency and the disposition the engine decided;
- `channel` carries the kind of channel the citizen was routed to (nurse_chat, video,
  physical, call_112, emergency_department, self_care);
- `escalated` marks a citizen who asked to contact care anyway after self-care advice;
- `closed` carries in `channel` the kind of a booked slot (physical or video), and no
  channel when the contact was closed without a booking.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from samvard.followup.models import EventKind

SELF_CARE = "self_care"
PHYSICAL = "physical"
URGENCIES = ("emergency", "urgent", "non_urgent", "self_care")
# The steps an assessment passes; each assessment stops at exactly one of them.
STEPS = ("started", "complaint_chosen", "outcome")


@dataclass(frozen=True)
class Event:
    """One follow-up event as the statistics read it (no row id, no person)."""

    ref: str
    kind: EventKind
    region_code: str
    at: datetime
    urgency: str | None = None
    disposition: str | None = None
    channel: str | None = None


@dataclass
class Tally:
    """Exact counts for one set of assessments, before any small-count protection."""

    started: int = 0
    stopped_at: Counter[str] = field(default_factory=Counter)
    with_outcome: int = 0
    self_care: int = 0
    completed: int = 0
    digital: int = 0
    urgency: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    waits_minutes: list[float] = field(default_factory=list)

    @property
    def median_wait(self) -> float | None:
        """Median minutes from the channel to the first staff response, if any."""
        return statistics.median(self.waits_minutes) if self.waits_minutes else None


def group(events: Iterable[Event]) -> dict[str, list[Event]]:
    """Events per assessment, each list in time order."""
    grouped: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        grouped[event.ref].append(event)
    for items in grouped.values():
        items.sort(key=lambda e: (e.at, list(EventKind).index(e.kind)))
    return dict(grouped)


def started_at(events: list[Event]) -> Event | None:
    """The assessment's started event, which decides its period and region."""
    return next((e for e in events if e.kind is EventKind.STARTED), None)


def tally(assessments: Iterable[list[Event]]) -> Tally:
    """Count the assessments (each a time-ordered event list that includes `started`)."""
    result = Tally()
    for events in assessments:
        _count_one(result, events)
    return result


def _count_one(result: Tally, events: list[Event]) -> None:
    kinds = {e.kind for e in events}
    result.started += 1
    result.stopped_at[_last_step(kinds)] += 1
    outcome = _last(events, EventKind.OUTCOME)
    if outcome is not None:
        result.with_outcome += 1
        result.self_care += outcome.disposition == SELF_CARE
        result.urgency[outcome.urgency or "unknown"] += 1
    channel = _first(events, EventKind.CHANNEL)
    if channel is not None:
        result.channels[channel.channel or "unknown"] += 1
    if EventKind.COMPLETED in kinds:
        result.completed += 1
        result.digital += resolved_digitally(events)
    wait = _wait_minutes(events)
    if wait is not None:
        result.waits_minutes.append(wait)


def _last_step(kinds: set[EventKind]) -> str:
    if EventKind.OUTCOME in kinds:
        return "outcome"
    return "complaint_chosen" if EventKind.COMPLAINT_CHOSEN in kinds else "started"


def resolved_digitally(events: list[Event]) -> bool:
    """Self-care without escalation, or a contact closed without a physical booking."""
    outcome = _last(events, EventKind.OUTCOME)
    escalated = any(e.kind is EventKind.ESCALATED for e in events)
    to_care = any(e.kind is EventKind.CHANNEL and e.channel != SELF_CARE for e in events)
    if outcome is not None and outcome.disposition == SELF_CARE and not escalated | to_care:
        return True
    closed = _last(events, EventKind.CLOSED)
    return closed is not None and closed.channel != PHYSICAL


def _wait_minutes(events: list[Event]) -> float | None:
    channel = _first(events, EventKind.CHANNEL)
    response = _first(events, EventKind.FIRST_STAFF_RESPONSE)
    if channel is None or response is None or response.at < channel.at:
        return None
    return (response.at - channel.at).total_seconds() / 60


def _first(events: list[Event], kind: EventKind) -> Event | None:
    return next((e for e in events if e.kind is kind), None)


def _last(events: list[Event], kind: EventKind) -> Event | None:
    return next((e for e in reversed(events) if e.kind is kind), None)
