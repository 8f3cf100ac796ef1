"""The pure routing function: the first channel on the disposition's list that is open and
has room, with a Swedish reason for every channel passed over.

No I/O: the configuration, the time and the current queue lengths all come in as arguments,
so the same input always gives the same decision and the admin page can preview a change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from samvard.routing.schemas import WEEKDAY_LABELS, WEEKDAYS, Channel, RoutingConfig, Weekday
from samvard.triage.levels import Disposition

SWEDEN = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class RoutingDecision:
    """Where the citizen is sent (None when every care channel is closed or full), and why."""

    disposition: Disposition
    channel: Channel | None
    skipped: tuple[tuple[Channel, str], ...]
    explanation_sv: str
    next_opening: datetime | None
    """When the first choice opens, if it is closed now (aware, Swedish local time)."""
    escalated: bool = False


def route(
    config: RoutingConfig,
    *,
    disposition: Disposition | str,
    now: datetime,
    load: Mapping[str, int],
    escalate: bool = False,
) -> RoutingDecision:
    """Pick the channel for `disposition` at `now` given the waiting contacts per channel.

    With `escalate`, a citizen who got self-care advice asks to contact care anyway: they
    are routed as for a visit within days.
    """
    wanted = Disposition(disposition)
    local = to_local(now)
    escalated = escalate and wanted is Disposition.SELF_CARE
    chain = [config.channel(i) for i in config.routes[_list_for(wanted, escalated)]]
    skipped: list[tuple[Channel, str]] = []
    for channel in chain:
        reason = unavailable(channel, local, load)
        if reason is None:
            text = _explain(channel, skipped, escalated)
            first_opens = _first_opening(chain[0], skipped, local)
            return RoutingDecision(wanted, channel, tuple(skipped), text, first_opens, escalated)
        skipped.append((channel, reason))
    earliest = _earliest_opening(chain, local)
    return RoutingDecision(
        wanted,
        None,
        tuple(skipped),
        _explain_none(skipped, earliest, local, escalated=escalated),
        _first_opening(chain[0], skipped, local),
        escalated,
    )


def _list_for(disposition: Disposition, escalated: bool) -> Disposition:
    return Disposition.CARE_WITHIN_DAYS if escalated else disposition


def to_local(now: datetime) -> datetime:
    """`now` in Swedish local time; a naive time is refused (it is ambiguous)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(SWEDEN)


def is_open(channel: Channel, local: datetime) -> bool:
    """True if the channel is open at this local time."""
    if channel.kind.always_open:
        return True
    minute = local.hour * 60 + local.minute
    day = WEEKDAYS[local.weekday()]
    return any(start <= minute < end for start, end in channel.intervals(day))


def unavailable(channel: Channel, local: datetime, load: Mapping[str, int]) -> str | None:
    """Why the channel cannot take the citizen now (Swedish), or None if it can."""
    if not is_open(channel, local):
        return _closed_reason(channel, local)
    waiting = load.get(channel.id, 0)
    if channel.capacity is not None and waiting >= channel.capacity:
        return f"Kön till {channel.name} är full ({waiting} väntar, högst {channel.capacity})."
    return None


def hours_text(channel: Channel, day: Weekday) -> str:
    """The day's opening hours as "08:00–12:00, 13:00–17:00" (empty when closed all day)."""
    return ", ".join(f"{_clock(s)}–{_clock(e)}" for s, e in channel.intervals(day))


def week_text(channel: Channel) -> list[str]:
    """The week's hours with runs of equal days joined: ["måndag–fredag 08:00–17:00", …]."""
    if channel.kind.always_open:
        return ["Alltid öppen"]
    runs: list[tuple[str, str, str]] = []
    for day in WEEKDAYS:
        text = hours_text(channel, day) or "stängd"
        if runs and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], day, text)
        else:
            runs.append((day, day, text))
    return [f"{_days(first, last)} {text}" for first, last, text in runs]


def _days(first: str, last: str) -> str:
    if first == last:
        return WEEKDAY_LABELS[first]
    return f"{WEEKDAY_LABELS[first]}–{WEEKDAY_LABELS[last]}"


def next_opening(channel: Channel, local: datetime) -> datetime | None:
    """The first opening strictly after `local` within a week, None if it never opens."""
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        for start, _ in channel.intervals(WEEKDAYS[day.weekday()]):
            opens = _at(day, start)
            if opens > local:
                return opens
    return None


def opening_text(opens: datetime, local: datetime) -> str:
    """ "i dag 08:00", "i morgon 07:00" or "måndag 08:00", seen from `local`."""
    days = (opens.date() - local.date()).days
    word = {0: "i dag", 1: "i morgon"}.get(days, WEEKDAY_LABELS[WEEKDAYS[opens.weekday()]])
    return f"{word} {opens:%H:%M}"


def _closed_reason(channel: Channel, local: datetime) -> str:
    today = hours_text(channel, WEEKDAYS[local.weekday()])
    if today:
        return f"{channel.name} är stängd (öppen {today})."
    opens = next_opening(channel, local)
    if opens is None:
        return f"{channel.name} är stängd."
    return f"{channel.name} är stängd i dag (öppnar {opening_text(opens, local)})."


def _first_opening(
    first: Channel, skipped: list[tuple[Channel, str]], local: datetime
) -> datetime | None:
    if skipped and skipped[0][0] is first and not is_open(first, local):
        return next_opening(first, local)
    return None


def _earliest_opening(chain: list[Channel], local: datetime) -> datetime | None:
    times = [t for t in (next_opening(c, local) for c in chain if not is_open(c, local)) if t]
    return min(times, default=None)


def _explain(channel: Channel, skipped: list[tuple[Channel, str]], escalated: bool) -> str:
    parts = ["Du har valt att ändå kontakta vården."] if escalated else []
    parts += [reason for _, reason in skipped]
    word = "därför " if skipped else ""
    parts.append(f"Du hänvisas {word}till {channel.name}.")
    return " ".join(parts)


def _explain_none(
    skipped: list[tuple[Channel, str]],
    earliest: datetime | None,
    local: datetime,
    *,
    escalated: bool,
) -> str:
    parts = ["Du har valt att ändå kontakta vården."] if escalated else []
    parts += [reason for _, reason in skipped]
    parts.append("Ingen av vårdens kanaler kan ta emot dig just nu.")
    if earliest is not None:
        parts.append(f"Nästa kanal öppnar {opening_text(earliest, local)}.")
    parts.append("Om det blir värre: ring 1177, eller 112 vid livsfara.")
    return " ".join(parts)


def _at(day: date, minute: int) -> datetime:
    if minute >= 24 * 60:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SWEDEN)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=SWEDEN)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
