"""Routing decisions from the database: the active version and the live queue lengths."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from samvard.contacts.models import Contact, ContactStatus
from samvard.core.db import utcnow
from samvard.demo import personas
from samvard.routing.actions import publish
from samvard.routing.engine import SWEDEN
from samvard.routing.queries import decide_route, get_active_config, get_active_version
from tests.support.actors import person_by_id, staff_actor, unit_by_hsaid

pytestmark = pytest.mark.db
WEDNESDAY_10 = datetime(2026, 12, 2, 10, tzinfo=SWEDEN)


def wait_in_queue(session: Session, channel_id: str, count: int) -> None:
    person = person_by_id(session, personas.CITIZEN.person_id)
    unit = unit_by_hsaid(session, personas.VARDCENTRAL_UNIT)
    for _ in range(count):
        ref = str(uuid.uuid4())
        session.add(
            Contact(
                ref=ref,
                followup_ref=ref,
                person_id=person.id,
                region_code="01",
                channel_id=channel_id,
                channel_kind="nurse_chat",
                unit_id=unit.id,
                urgency_rank=1,
                level="urgent_today",
                status=ContactStatus.WAITING,
                created_at=utcnow(),
            )
        )
    session.flush()


def test_decide_route_uses_the_active_version(world_session: Session) -> None:
    decision = decide_route(
        world_session, region_code="01", disposition="care_today", now=WEDNESDAY_10
    )
    assert decision.channel is not None
    assert decision.channel.unit_hsaid == personas.VARDCENTRAL_UNIT
    assert decision.channel.kind.value == "nurse_chat"


def test_a_full_nurse_chat_sends_the_citizen_on(world_session: Session) -> None:
    admin = staff_actor(world_session, personas.ADMINISTRATOR)
    row = get_active_version(world_session, "01")
    assert row is not None
    data = dict(row.config, version=2)
    data["channels"] = [dict(c) for c in data["channels"]]
    data["channels"][0]["capacity"] = 2
    publish(world_session, actor=admin, region_code="01", config=data)
    wait_in_queue(world_session, "sjukskoterskechatt", 2)
    decision = decide_route(
        world_session, region_code="01", disposition="care_today", now=WEDNESDAY_10
    )
    assert decision.channel is not None
    assert decision.channel.id == "video"
    assert decision.skipped[0][1].startswith("Kön till Sjuksköterskechatten är full (2 väntar")


def test_escalation_reaches_care(world_session: Session) -> None:
    decision = decide_route(
        world_session, region_code="01", disposition="self_care", now=WEDNESDAY_10, escalate=True
    )
    assert decision.escalated
    assert decision.channel is not None
    assert decision.channel.kind.is_care


def test_a_region_without_a_version_uses_the_packaged_default(world_session: Session) -> None:
    row = get_active_version(world_session, "25")
    assert row is not None
    world_session.delete(row)
    world_session.flush()
    config = get_active_config(world_session, "25")
    assert config is not None
    assert config.region_code == "25"


def test_an_unknown_region_has_no_routing(world_session: Session) -> None:
    assert get_active_config(world_session, "99") is None
    with pytest.raises(LookupError):
        decide_route(world_session, region_code="99", disposition="care_today", now=WEDNESDAY_10)
