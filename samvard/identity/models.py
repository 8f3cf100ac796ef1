"""ORM models for people known to the platform."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from samvard.core.db import Base


class Person(Base):
    """A citizen or patient, identified by personnummer, samordningsnummer or reservnummer."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(String(16), unique=True)
    id_kind: Mapped[str] = mapped_column(String(20))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(8))
    # Skyddad personuppgift: name and address are shown only to those who need them.
    protected_identity: Mapped[bool] = mapped_column(default=False)
    street_address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(6))
    city: Mapped[str | None] = mapped_column(String(100))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))

    def age_on(self, day: date) -> int | None:
        """Age in whole years on `day` (None when the birth date is unknown)."""
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def display_name(self) -> str:
        """Full name."""
        return f"{self.given_name} {self.family_name}"


class Guardianship(Base):
    """A guardian (vårdnadshavare) of a child, as the population register records it.

    A guardian acts for the child in first-line care (symptom assessment, contact with care)
    until the child turns 18; the policy checks the age, so no row needs ending then.
    """

    __tablename__ = "guardianship"

    id: Mapped[int] = mapped_column(primary_key=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (Index("ix_guardianship_guardian_child", "guardian_id", "child_id"),)

    def active_on(self, day: date) -> bool:
        """Whether the guardianship holds on `day`."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
