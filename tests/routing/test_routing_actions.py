"""Publishing routing versions: validation, idempotent retries, stale bases, access, audit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied
from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.directory.models import Unit
from samvard.routing import actions
from samvard.routing.actions import RoutingError, publish
from samvard.routing.defaults import default_region_codes
from samvard.routing.models import RoutingConfigVersion
from samvard.routing.problems import InvalidConfigError
from samvard.routing.queries import get_active_config, get_active_version, list_versions
from tests.support.actors import staff_actor

pytestmark = pytest.mark.db


def proposal(session: Session, **channel_changes: Any) -> dict[str, Any]:
    """The active Stockholm routing as the next version, its nurse chat changed."""
    row = get_active_version(session, "01")
    assert row is not None
    data = dict(row.config, version=row.version + 1)
    data["channels"] = [dict(c) for c in data["channels"]]
    data["channels"][0].update(channel_changes)
    return data


def writes(session: Session) -> int:
    query = select(func.count()).where(
        AuditEntry.resource == "routing.admin", AuditEntry.action == "write"
    )
    return int(session.scalar(query) or 0)


def test_the_demo_has_version_1_everywhere(world_session: Session) -> None:
    for code in default_region_codes():
        row = get_active_version(world_session, code)
        assert row is not None
        assert (row.version, row.created_by) == (1, "samvard-demo")


def test_demo_defaults_name_units_of_their_own_region(world_session: Session) -> None:
    for code in default_region_codes():
        config = get_active_config(world_session, code)
        assert config is not None
        for channel in config.channels:
            if channel.unit_hsaid is None:
                continue
            unit = world_session.scalar(select(Unit).where(Unit.hsa_id == channel.unit_hsaid))
            assert unit is not None, channel.unit_hsaid
            assert unit.care_giver.region_code == code


def test_stockholm_uses_the_demo_units(world_session: Session) -> None:
    config = get_active_config(world_session, "01")
    assert config is not None
    units = {c.kind.value: c.unit_hsaid for c in config.channels}
    assert units["nurse_chat"] == personas.VARDCENTRAL_UNIT
    assert units["physical"] == personas.VARDCENTRAL_UNIT
    assert units["emergency_department"] == personas.EMERGENCY_UNIT


def test_publish_writes_a_new_active_version_and_audits(world_session: Session) -> None:
    admin = staff_actor(world_session, personas.ADMINISTRATOR)
    before = writes(world_session)
    result = publish(
        world_session, actor=admin, region_code="01", config=proposal(world_session, capacity=5)
    )
    assert result.created
    assert result.version.version == 2
    assert result.version.created_by == personas.ADMINISTRATOR.hsa_id
    assert [(v.version, v.active) for v in list_versions(world_session, "01")] == [
        (2, True),
        (1, False),
    ]
    config = get_active_config(world_session, "01")
    assert config is not None
    assert config.channels[0].capacity == 5
    assert writes(world_session) == before + 1


def test_a_retry_with_the_same_content_writes_nothing(world_session: Session) -> None:
    admin = staff_actor(world_session, personas.ADMINISTRATOR)
    data = proposal(world_session, capacity=5)
    first = publish(world_session, actor=admin, region_code="01", config=data)
    again = publish(world_session, actor=admin, region_code="01", config=data)
    assert not again.created
    assert again.version.id == first.version.id
    unchanged = dict(get_active_version(world_session, "01").config, version=3)  # type: ignore[union-attr]
    assert not publish(world_session, actor=admin, region_code="01", config=unchanged).created
    assert len(list_versions(world_session, "01")) == 2


def test_a_stale_base_version_is_refused(world_session: Session) -> None:
    admin = staff_actor(world_session, personas.ADMINISTRATOR)
    mine, theirs = proposal(world_session, capacity=5), proposal(world_session, capacity=7)
    publish(world_session, actor=admin, region_code="01", config=theirs)
    with pytest.raises(RoutingError) as caught:
        publish(world_session, actor=admin, region_code="01", config=mine)
    assert caught.value.code == "stale_version"
    assert "nu version 2" in caught.value.message
    assert get_active_config(world_session, "01").channels[0].capacity == 7  # type: ignore[union-attr]


def test_invalid_input_keeps_the_old_version(world_session: Session) -> None:
    admin = staff_actor(world_session, personas.ADMINISTRATOR)
    data = proposal(world_session)
    data["routes"] = dict(data["routes"], care_today=["egenvard"])
    with pytest.raises(InvalidConfigError) as caught:
        publish(world_session, actor=admin, region_code="01", config=data)
    assert caught.value.problems[0].field == "routes.care_today"
    assert get_active_version(world_session, "01").version == 1  # type: ignore[union-attr]


def test_units_must_exist_in_the_region(world_session: Session) -> None:
    admin = staff_actor(world_session, personas.ADMINISTRATOR)
    uppsala_unit = get_active_config(world_session, "03").channels[0].unit_hsaid  # type: ignore[union-attr]
    data = proposal(world_session, unit_hsaid=uppsala_unit)
    data["channels"][1]["unit_hsaid"] = "SE2321000016-E9999"
    with pytest.raises(InvalidConfigError) as caught:
        publish(world_session, actor=admin, region_code="01", config=data)
    assert {p.field: p.message for p in caught.value.problems} == {
        "channels.0.unit_hsaid": "Enheten ligger inte i regionen.",
        "channels.1.unit_hsaid": "Det finns ingen enhet med det HSA-id:t.",
    }


def test_only_the_own_region(world_session: Session) -> None:
    admin = staff_actor(world_session, personas.ADMINISTRATOR)
    data = dict(get_active_version(world_session, "03").config, version=2)  # type: ignore[union-attr]
    with pytest.raises(RoutingError) as caught:
        publish(world_session, actor=admin, region_code="03", config=data)
    assert caught.value.code == "not_own_region"
    wrong_region = proposal(world_session)
    with pytest.raises(InvalidConfigError, match="annan region"):
        publish(
            world_session,
            actor=admin,
            region_code="01",
            config=dict(wrong_region, region_code="03"),
        )


def test_a_nurse_may_not_publish_and_the_attempt_is_logged(world_session: Session) -> None:
    nurse = staff_actor(world_session, personas.NURSE)
    before = world_session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(AccessDenied):
        publish(world_session, actor=nurse, region_code="01", config=proposal(world_session))
    denied = world_session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert denied is not None
    assert (denied.actor_id, denied.outcome) == (personas.NURSE.hsa_id, "denied")
    assert world_session.scalar(select(func.count()).select_from(AuditEntry)) == before + 1  # type: ignore[operator]


def test_install_defaults_fills_only_missing_regions(world_session: Session) -> None:
    world_session.execute(
        RoutingConfigVersion.__table__.delete().where(RoutingConfigVersion.region_code == "25")  # type: ignore[attr-defined]
    )
    assert actions.install_defaults(world_session, actor_id="test") == 1
    assert get_active_version(world_session, "25").created_by == "test"  # type: ignore[union-attr]
    assert actions.install_defaults(world_session, actor_id="test") == 0
