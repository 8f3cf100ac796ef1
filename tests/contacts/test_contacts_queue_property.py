"""Property: whatever contacts arrive, the queue is sorted by (urgency rank, arrival)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from samvard.contacts import queries
from samvard.contacts.schemas import URGENCY_RANK
from samvard.demo import personas
from tests.contacts.helpers import open_for
from tests.support.actors import person_by_id, staff_actor, unit_by_hsaid

pytestmark = pytest.mark.db

START = datetime(2026, 11, 24, 7, tzinfo=UTC)
arrivals = st.lists(
    st.tuples(st.sampled_from(sorted(URGENCY_RANK)), st.integers(min_value=0, max_value=600)),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(arrivals=arrivals)
def test_queue_order_is_rank_then_arrival(
    world_session: Session, arrivals: list[tuple[str, int]]
) -> None:
    sara = person_by_id(world_session, personas.CITIZEN.person_id)
    opened = [
        open_for(world_session, sara, urgency=urgency, now=START + timedelta(minutes=minute))
        for urgency, minute in arrivals
    ]
    unit = unit_by_hsaid(world_session, personas.VARDCENTRAL_UNIT)
    nurse = staff_actor(world_session, personas.NURSE)
    rows = queries.list_queue(world_session, actor=nurse, unit=unit, now=START + timedelta(days=1))
    keys = [(r.contact.urgency_rank, r.contact.created_at, r.contact.id) for r in rows]
    assert keys == sorted(keys)
    # A simple reference: this example's arrivals, ranked from the urgency given.
    rank = {c.id: URGENCY_RANK[urgency] for c, (urgency, _) in zip(opened, arrivals, strict=True)}
    expected = sorted(opened, key=lambda c: (rank[c.id], c.created_at, c.id))
    ours = {c.id for c in opened}
    assert [r.contact.id for r in rows if r.contact.id in ours] == [c.id for c in expected]
    for row in rows:
        assert row.waiting == START + timedelta(days=1) - row.contact.created_at
