"""ORM models the access policy reads: relations between patients and units."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base, UtcDateTime


class CareRelation(Base):
    """An active care or social-care relation (vårdrelation) between a person and a unit."""

    __tablename__ = "care_relation"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_care_relation_person_unit", "person_id", "unit_id"),)
