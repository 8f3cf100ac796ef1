"""What a routing change would do: each disposition routed at representative moments under
the current and the proposed configuration, side by side. Pure, like the engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from samvard.routing.engine import SWEDEN, RoutingDecision, route, to_local
from samvard.routing.schemas import DISPOSITION_LABELS, Channel, RoutingConfig
from samvard.triage.levels import Disposition


@dataclass(frozen=True)
class Scenario:
    """A representative moment: a weekday, a local time, and whether every queue is full."""

    label: str
    weekday: int
    at: time
    queues_full: bool = False


SCENARIOS = (
    Scenario("Vardag 10:00", 2, time(10)),
    Scenario("Vardag 21:00", 2, time(21)),
    Scenario("Lördag 12:00", 5, time(12)),
    Scenario("Natt 03:00", 2, time(3)),
    Scenario("Vardag 10:00, alla köer fulla", 2, time(10), queues_full=True),
)


@dataclass(frozen=True)
class Cell:
    """Where one disposition goes at one moment, now and after the change."""

    current: str
    proposed: str

    @property
    def changed(self) -> bool:
        """True when the change sends the citizen somewhere else."""
        return self.current != self.proposed


@dataclass(frozen=True)
class Row:
    """One disposition across all scenarios."""

    disposition: Disposition
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Preview:
    """The whole comparison, with the channel-level changes listed in Swedish."""

    scenarios: tuple[Scenario, ...]
    rows: tuple[Row, ...]
    channel_changes: tuple[str, ...]

    @property
    def changed_cells(self) -> int:
        """How many (disposition, moment) pairs route differently."""
        return sum(cell.changed for row in self.rows for cell in row.cells)


NO_CHANNEL = "Ingen kanal kan ta emot"


def preview(current: RoutingConfig, proposed: RoutingConfig, *, now: datetime) -> Preview:
    """Compare the two configurations in the week of `now` (queues empty unless full)."""
    moments = [_moment(now, scenario) for scenario in SCENARIOS]
    rows = tuple(
        Row(
            disposition,
            DISPOSITION_LABELS[disposition],
            tuple(
                Cell(_where(current, disposition, at, s), _where(proposed, disposition, at, s))
                for s, at in zip(SCENARIOS, moments, strict=True)
            ),
        )
        for disposition in Disposition
    )
    return Preview(SCENARIOS, rows, tuple(channel_changes(current, proposed)))


def channel_changes(current: RoutingConfig, proposed: RoutingConfig) -> list[str]:
    """Channels added, removed or changed, one Swedish line each."""
    before = {c.id: c for c in current.channels}
    after = {c.id: c for c in proposed.channels}
    lines = [f"Ny kanal: {after[i].name} ({i})." for i in after if i not in before]
    lines += [f"Borttagen kanal: {before[i].name} ({i})." for i in before if i not in after]
    for channel_id in after.keys() & before.keys():
        what = _differences(before[channel_id], after[channel_id])
        if what:
            lines.append(f"Ändrad kanal: {after[channel_id].name} ({channel_id}): {what}.")
    return sorted(lines)


_FIELD_WORDS = {
    "kind": "typ",
    "name": "namn",
    "unit_hsaid": "enhet",
    "hours": "öppettider",
    "capacity": "kapacitet",
}


def _differences(old: Channel, new: Channel) -> str:
    return ", ".join(w for f, w in _FIELD_WORDS.items() if getattr(old, f) != getattr(new, f))


def _moment(now: datetime, scenario: Scenario) -> datetime:
    local = to_local(now)
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=scenario.weekday)
    return datetime.combine(day, scenario.at, tzinfo=SWEDEN)


def _where(config: RoutingConfig, disposition: Disposition, at: datetime, s: Scenario) -> str:
    load = {c.id: c.capacity for c in config.channels if c.capacity} if s.queues_full else {}
    return describe(route(config, disposition=disposition, now=at, load=load))


def describe(decision: RoutingDecision) -> str:
    """The channel's name, or that none can take the citizen."""
    return decision.channel.name if decision.channel is not None else NO_CHANNEL
