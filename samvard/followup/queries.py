"""The managers' follow-up: figures per region and month, ready to publish.

`list_events` is the only database read. `build_dashboard` is pure: it groups the events
into assessments, counts them (stats) and protects small counts (protect), per month, per
region and for the whole period. Each row of a table is protected against the table's
total, so no hidden cell can be recovered from the totals shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.followup.models import EventKind, FollowupEvent
from samvard.followup.periods import bounds, month_of, months_between
from samvard.followup.protect import Cell, protect, ratio, total_cell
from samvard.followup.stats import STEPS, URGENCIES, Event, Tally, group, started_at, tally


@dataclass(frozen=True)
class Figures:
    """One set of assessments (a month, a region, or the whole period) as published."""

    started: Cell
    steps: dict[str, Cell]
    self_care: Cell
    digital: Cell
    urgency: dict[str, Cell]
    channels: dict[str, Cell]
    responses: Cell
    median_wait: float | None

    @property
    def wait_text(self) -> str:
        """The median wait in whole minutes, or an empty string when withheld."""
        return "" if self.median_wait is None else f"{round(self.median_wait)} min"


@dataclass(frozen=True)
class Row:
    """A row of a breakdown table: a month or a region, with its figures."""

    key: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class Dashboard:
    """Everything the follow-up page and its CSV export show for one filter."""

    region_code: str | None
    months: list[str]
    total: Figures
    per_month: list[Row]
    per_region: list[Row]


def publish(counts: Tally) -> Figures:
    """The figures of one tally with every small count protected."""
    urgency = {level: counts.urgency.get(level, 0) for level in URGENCIES}
    urgency |= {k: v for k, v in counts.urgency.items() if k not in urgency}
    responses = total_cell(len(counts.waits_minutes))
    return Figures(
        started=total_cell(counts.started),
        steps=protect({step: counts.stopped_at.get(step, 0) for step in STEPS}),
        self_care=ratio(counts.self_care, counts.with_outcome),
        digital=ratio(counts.digital, counts.completed),
        urgency=protect(urgency),
        channels=protect(dict(sorted(counts.channels.items()))),
        responses=responses,
        median_wait=None if responses.hidden else counts.median_wait,
    )


def build_dashboard(
    events: Iterable[Event],
    *,
    months: list[str],
    region_code: str | None,
    region_names: Mapping[str, str],
) -> Dashboard:
    """The follow-up of the assessments started in `months` (in `region_code`, or all)."""
    chosen = set(months)
    by_month: dict[str, list[list[Event]]] = defaultdict(list)
    by_region: dict[str, list[list[Event]]] = defaultdict(list)
    for items in group(events).values():
        start = started_at(items)
        if start is None or month_of(start.at) not in chosen:
            continue
        if region_code is not None and start.region_code != region_code:
            continue
        by_month[month_of(start.at)].append(items)
        by_region[start.region_code].append(items)
    everything = [items for month in months for items in by_month[month]]
    month_rows = _rows({m: by_month[m] for m in months}, {m: m for m in months})
    regions = sorted(by_region, key=lambda code: region_names.get(code, code))
    region_rows = _rows({c: by_region[c] for c in regions}, region_names)
    return Dashboard(
        region_code=region_code,
        months=months,
        total=publish(tally(everything)),
        per_month=month_rows,
        per_region=region_rows if region_code is None else [],
    )


def _rows(parts: Mapping[str, list[list[Event]]], labels: Mapping[str, str]) -> list[Row]:
    # The rows add up to the period's total, so their counts are protected as one table.
    started = protect({key: len(items) for key, items in parts.items()})
    rows = []
    for key, items in parts.items():
        figures = replace(publish(tally(items)), started=started[key])
        rows.append(Row(key, labels.get(key, key), figures))
    return rows


def list_events(
    session: Session, *, region_code: str | None, since: datetime, until: datetime
) -> list[Event]:
    """Every event of the assessments started in [since, until), in the region or all."""
    started = select(FollowupEvent.assessment_ref).where(
        FollowupEvent.kind == EventKind.STARTED,
        FollowupEvent.at >= since,
        FollowupEvent.at < until,
    )
    if region_code is not None:
        started = started.where(FollowupEvent.region_code == region_code)
    rows = session.execute(
        select(
            FollowupEvent.assessment_ref,
            FollowupEvent.kind,
            FollowupEvent.region_code,
            FollowupEvent.at,
            FollowupEvent.urgency,
            FollowupEvent.disposition,
            FollowupEvent.channel,
        ).where(FollowupEvent.assessment_ref.in_(started))
    )
    return [Event(*row) for row in rows]


def get_dashboard(
    session: Session,
    *,
    region_code: str | None,
    first: date,
    last: date,
    region_names: Mapping[str, str],
) -> Dashboard:
    """The follow-up for the months `first`..`last` (Swedish time)."""
    since, until = bounds(first, last)
    events = list_events(session, region_code=region_code, since=since, until=until)
    return build_dashboard(
        events,
        months=months_between(first, last),
        region_code=region_code,
        region_names=region_names,
    )
