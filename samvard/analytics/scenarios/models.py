"""Saved assumption scenarios, one set of rows per owner scope (a region, or the country)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base, UtcDateTime

NATIONAL = "national"
"""The owner scope of the national follow-up body's scenarios; a region's is its code."""


class PlanningScenario(Base):
    """A named set of assumptions that the planners of one scope share.

    `name_key` is the name compared case-insensitively, with spaces collapsed (casefolding
    can make it up to three times as long): the unique constraint on it makes "Hög
    inflyttning" and "hög  inflyttning" the same name, also when two planners save at the
    same moment. `version` grows by one with every change,
    so an edit based on an older version is refused instead of overwriting another's.
    """

    __tablename__ = "planning_scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(240))
    assumptions: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("scope", "name_key", name="uq_planning_scenario_scope_name"),
    )
