"""Writes to the routing: publishing a new version, installing the packaged defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.access.guard import check
from samvard.access.schemas import AccessRequest, Action, Actor, InfoSet, Purpose
from samvard.core import audit
from samvard.core.db import utcnow
from samvard.directory.models import Region, Unit
from samvard.routing.defaults import default_config
from samvard.routing.models import RoutingConfigVersion
from samvard.routing.policy import administered_region
from samvard.routing.problems import ConfigProblem, InvalidConfigError, parse_config
from samvard.routing.schemas import RoutingConfig


class RoutingError(Exception):
    """A publish that cannot be done; `message` is Swedish."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Published:
    """The active version after a publish; `created` is False for a repeated publish."""

    version: RoutingConfigVersion
    created: bool


def publish(
    session: Session,
    *,
    actor: Actor,
    region_code: str,
    config: RoutingConfig | Mapping[str, Any],
) -> Published:
    """Validate and publish `config` as the region's active routing, in one transaction.

    `config.version` is the number the new version gets: the active version plus one. A
    different number means someone else published meanwhile (refused as stale), unless
    the content equals the active version's (a retry: nothing new is written).
    """
    request = AccessRequest(
        actor=actor, info=InfoSet.ROUTING_ADMIN, purpose=Purpose.ADMINISTRATION, action=Action.WRITE
    )
    check(session, request)
    if administered_region(session, actor) != region_code:
        raise RoutingError("not_own_region", "Du kan bara ändra styrningen för din egen region.")
    parsed = config if isinstance(config, RoutingConfig) else parse_config(config)
    check_belongs(session, parsed, region_code)
    active = _lock_active(session, region_code)
    if active is not None and _content(active) == parsed.content():
        return Published(active, created=False)
    latest = _latest_version(session, region_code)
    if parsed.version != latest + 1:
        raise RoutingError(
            "stale_version",
            f"Styrningen har ändrats sedan du började (nu version {latest}). "
            "Ladda om sidan och gör ändringen på den senaste versionen.",
        )
    return Published(_write(session, parsed, active, created_by=actor.id), created=True)


def install_defaults(session: Session, *, actor_id: str) -> int:
    """Give every region without routing the packaged default as version 1; how many."""
    have = set(session.scalars(select(RoutingConfigVersion.region_code).distinct()))
    codes = [c for c in session.scalars(select(Region.code).order_by(Region.code)) if c not in have]
    installed = 0
    for code in codes:
        config = default_config(code)
        if config is None:
            continue
        _write(session, config, None, created_by=actor_id)
        audit.append(
            session,
            audit.AuditRecord(
                actor_kind="system",
                actor_id=actor_id,
                action=Action.WRITE.value,
                resource=f"{InfoSet.ROUTING_ADMIN.value}/{code}",
                outcome="allowed",
                reason="default_routing",
            ),
        )
        installed += 1
    return installed


def check_belongs(session: Session, config: RoutingConfig, region_code: str) -> None:
    """Refuse a configuration for another region, or naming units outside the region."""
    problems = []
    if config.region_code != region_code:
        problems.append(ConfigProblem("region_code", "Konfigurationen gäller en annan region."))
    for index, channel in enumerate(config.channels):
        if channel.unit_hsaid is None:
            continue
        unit = session.scalar(select(Unit).where(Unit.hsa_id == channel.unit_hsaid))
        field = f"channels.{index}.unit_hsaid"
        if unit is None:
            problems.append(ConfigProblem(field, "Det finns ingen enhet med det HSA-id:t."))
        elif unit.care_giver.region_code != region_code:
            problems.append(ConfigProblem(field, "Enheten ligger inte i regionen."))
    if problems:
        raise InvalidConfigError(problems)


def _content(row: RoutingConfigVersion) -> dict[str, Any]:
    return {key: value for key, value in row.config.items() if key != "version"}


def _lock_active(session: Session, region_code: str) -> RoutingConfigVersion | None:
    # FOR UPDATE serialises two publishes of the same region on PostgreSQL; the unique
    # (region, version) constraint catches whatever slips past on SQLite.
    return session.scalar(
        select(RoutingConfigVersion)
        .where(RoutingConfigVersion.region_code == region_code, RoutingConfigVersion.active)
        .with_for_update()
    )


def _latest_version(session: Session, region_code: str) -> int:
    latest = session.scalar(
        select(func.max(RoutingConfigVersion.version)).where(
            RoutingConfigVersion.region_code == region_code
        )
    )
    return int(latest or 0)


def _write(
    session: Session,
    config: RoutingConfig,
    previous: RoutingConfigVersion | None,
    *,
    created_by: str,
) -> RoutingConfigVersion:
    if previous is not None:
        previous.active = False
        # The partial unique index allows one active row: retire the old one first.
        session.flush()
    row = RoutingConfigVersion(
        region_code=config.region_code,
        version=config.version,
        config=config.model_dump(mode="json"),
        created_by=created_by,
        created_at=utcnow(),
        active=True,
    )
    session.add(row)
    session.flush()
    return row
