"""The dashboard over stored events, on both databases: periods, regions and protection."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.followup.actions import record_event
from samvard.followup.demo import VOLUMES, seed_events
from samvard.followup.models import EventKind, FollowupEvent
from samvard.followup.queries import build_dashboard, get_dashboard
from samvard.followup.stats import Event
from tests.conftest import Database

K = EventKind
NAMES = {"01": "Region Stockholm", "05": "Region Östergötland"}
# 18:00 UTC on 30 April is already May in Sweden.
LATE_APRIL = datetime(2026, 4, 30, 22, 30, tzinfo=UTC)


def add(session: Session, ref: str, region: str, at: datetime, *kinds: EventKind) -> None:
    for step, kind in enumerate(kinds):
        fields = {}
        if kind is K.OUTCOME:
            fields = {"urgency": "self_care", "disposition": "self_care"}
        when = at + timedelta(minutes=step)
        record_event(session, assessment_ref=ref, kind=kind, region_code=region, at=when, **fields)


@pytest.mark.db
def test_events_are_counted_in_the_month_and_region_they_started(db: Database) -> None:
    with db.sessions.begin() as session:
        for i in range(6):
            add(session, f"may-{i}", "05", LATE_APRIL, K.STARTED, K.OUTCOME, K.COMPLETED)
        add(session, "april", "05", LATE_APRIL - timedelta(hours=2), K.STARTED)
        add(session, "other", "01", LATE_APRIL, K.STARTED)
        # Events without a start (a contact without an assessment) are not counted.
        add(session, "contact", "05", LATE_APRIL, K.CLOSED)
    with db.sessions() as session:
        may = get_dashboard(
            session,
            region_code="05",
            first=date(2026, 5, 1),
            last=date(2026, 5, 1),
            region_names=NAMES,
        )
        both = get_dashboard(
            session,
            region_code=None,
            first=date(2026, 4, 1),
            last=date(2026, 5, 1),
            region_names=NAMES,
        )
    assert may.total.started.text == "6" and may.per_region == []
    assert may.total.self_care.percent == "100 %" and may.total.digital.percent == "100 %"
    assert [(row.key, row.figures.started.text) for row in may.per_month] == [("2026-05", "6")]
    assert both.total.started.text == "8"
    months = {row.key: row.figures.started.text for row in both.per_month}
    assert months == {"2026-04": "<5", "2026-05": "•"}
    regions = {row.label: row.figures.started.text for row in both.per_region}
    assert regions == {"Region Stockholm": "<5", "Region Östergötland": "•"}


def test_one_small_month_hides_another_so_the_total_does_not_reveal_it() -> None:
    start = datetime(2026, 3, 10, tzinfo=UTC)
    events = [Event(f"m{i}", K.STARTED, "01", start) for i in range(20)]
    events += [Event(f"a{i}", K.STARTED, "01", start + timedelta(days=31)) for i in range(3)]
    events += [Event(f"b{i}", K.STARTED, "01", start + timedelta(days=62)) for i in range(9)]
    dashboard = build_dashboard(
        events, months=["2026-03", "2026-04", "2026-05"], region_code=None, region_names=NAMES
    )
    assert dashboard.total.started.text == "32"
    assert [row.figures.started.text for row in dashboard.per_month] == ["20", "<5", "•"]


def test_demo_events_fill_six_months_in_several_regions() -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    class Sink:
        def __init__(self) -> None:
            self.rows: list[dict[str, Any]] = []

        def execute(self, _statement: object, rows: list[dict[str, Any]]) -> None:
            self.rows.extend(rows)

    sink = Sink()
    count = seed_events(sink, random.Random(1), now=now)  # type: ignore[arg-type]
    events = [as_event(row) for row in sink.rows]
    assert count == len(events) > 5000
    assert {e.region_code for e in events} == set(VOLUMES)
    assert all(now - timedelta(days=184) < e.at < now for e in events)
    months = [f"2026-{m:02d}" for m in range(6, 12)]
    dashboard = build_dashboard(events, months=months, region_code=None, region_names=NAMES)
    assert all(not row.figures.started.hidden for row in dashboard.per_month)
    small = [row for row in dashboard.per_region if row.key == "23"]
    assert small and any(cell.hidden for cell in small[0].figures.urgency.values())


def as_event(row: dict[str, Any]) -> Event:
    fields = {k: row.get(k) for k in ("urgency", "disposition", "channel")}
    return Event(row["assessment_ref"], row["kind"], row["region_code"], row["at"], **fields)


@pytest.mark.db
def test_the_demo_world_has_follow_up_events(world_session: Session) -> None:
    count = world_session.scalar(select(func.count()).select_from(FollowupEvent)) or 0
    assert count > 5000
