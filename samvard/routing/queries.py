"""Reads of the routing: the active configuration, its history, and the routing decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.contacts.queries import queue_lengths
from samvard.routing.defaults import default_config
from samvard.routing.engine import RoutingDecision, route
from samvard.routing.models import RoutingConfigVersion
from samvard.routing.schemas import RoutingConfig
from samvard.triage.levels import Disposition


def get_active_version(session: Session, region_code: str) -> RoutingConfigVersion | None:
    """The region's active row, None if nothing has been published."""
    return session.scalar(
        select(RoutingConfigVersion).where(
            RoutingConfigVersion.region_code == region_code, RoutingConfigVersion.active
        )
    )


def get_active_config(session: Session, region_code: str) -> RoutingConfig | None:
    """The region's active routing; the packaged default until a version is published.

    None only for a region code that has neither (not one of the 21 regions).
    """
    row = get_active_version(session, region_code)
    if row is None:
        return default_config(region_code)
    return RoutingConfig.model_validate(row.config)


def list_versions(session: Session, region_code: str) -> list[RoutingConfigVersion]:
    """Every published version of the region's routing, newest first."""
    return list(
        session.scalars(
            select(RoutingConfigVersion)
            .where(RoutingConfigVersion.region_code == region_code)
            .order_by(RoutingConfigVersion.version.desc())
        )
    )


def decide_route(
    session: Session,
    *,
    region_code: str,
    disposition: Disposition | str,
    now: datetime,
    escalate: bool = False,
) -> RoutingDecision:
    """Route `disposition` in the region now, with the queues as they are at this moment."""
    config = get_active_config(session, region_code)
    if config is None:
        raise LookupError(f"no routing for region {region_code!r}")
    load = queue_lengths(session, region_code)
    return route(config, disposition=disposition, now=now, load=load, escalate=escalate)
