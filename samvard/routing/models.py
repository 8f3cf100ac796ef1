"""Versioned routing configurations, one active row per region."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base, UtcDateTime, utcnow


class RoutingConfigVersion(Base):
    """One published version of a region's routing; older versions stay for the history.

    Exactly one row per region is active: the partial unique index makes a second active
    row impossible, even when two administrators publish at the same moment.
    """

    __tablename__ = "routing_config_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    version: Mapped[int]
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        UniqueConstraint("region_code", "version", name="uq_routing_config_version"),
        Index(
            "uq_routing_config_active",
            "region_code",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )
