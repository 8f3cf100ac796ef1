"""ORM models of the organisation directory (like the national HSA catalogue)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samvard.core.db import Base, str_enum


class CareGiverKind(StrEnum):
    """Health-care givers fall under patientdatalagen; social-care givers under SoL."""

    REGION = "region"
    PRIVATE = "private"
    MUNICIPALITY = "municipality"
    # A national follow-up body: it plans and follows up care but gives none itself.
    NATIONAL = "national"

    @property
    def is_health_care(self) -> bool:
        """Regions and private providers give health care; municipal boards social care."""
        return self in (CareGiverKind.REGION, CareGiverKind.PRIVATE)


class Role(StrEnum):
    """What a staff member does at a unit; access decisions start here."""

    CLINICIAN = "clinician"
    CARE_STAFF = "care_staff"
    ADMINISTRATOR = "administrator"
    LOG_REVIEWER = "log_reviewer"
    PLANNER = "planner"


class Profession(StrEnum):
    """Professions (yrken) as the directory records them."""

    LAKARE = "lakare"
    SJUKSKOTERSKA = "sjukskoterska"
    BARNMORSKA = "barnmorska"
    PSYKOLOG = "psykolog"
    KURATOR = "kurator"
    FYSIOTERAPEUT = "fysioterapeut"
    UNDERSKOTERSKA = "underskoterska"
    BISTANDSHANDLAGGARE = "bistandshandlaggare"
    ADMINISTRATOR = "administrator"


class Region(Base):
    """One of Sweden's 21 regions, keyed by its county code (länskod)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    county_name: Mapped[str] = mapped_column(String(100))


class Municipality(Base):
    """One of Sweden's 290 municipalities, keyed by its SCB code (kommunkod)."""

    __tablename__ = "municipality"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    population: Mapped[int | None]

    region: Mapped[Region] = relationship()


class CareGiver(Base):
    """A care giver (vårdgivare) or social-care giver (omsorgsgivare)."""

    __tablename__ = "care_giver"

    id: Mapped[int] = mapped_column(primary_key=True)
    hsa_id: Mapped[str] = mapped_column(String(31), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CareGiverKind] = mapped_column(str_enum(CareGiverKind, 16))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))


class Unit(Base):
    """A care unit (vårdenhet) or social-care unit, placed in a municipality."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    hsa_id: Mapped[str] = mapped_column(String(31), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    care_giver_id: Mapped[int] = mapped_column(ForeignKey("care_giver.id"), index=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), index=True)
    kind: Mapped[str] = mapped_column(String(40))

    care_giver: Mapped[CareGiver] = relationship(lazy="joined")
    municipality: Mapped[Municipality] = relationship()


class Staff(Base):
    """A member of staff, identified by a personal HSA-id."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    hsa_id: Mapped[str] = mapped_column(String(31), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    profession: Mapped[Profession] = mapped_column(str_enum(Profession))
    # The staff member's own personnummer (from the e-service card), so log review can
    # find staff reading their own or a relative's record. Optional in the directory.
    person_number: Mapped[str | None] = mapped_column(String(16))

    @property
    def display_name(self) -> str:
        """Name as shown on pages."""
        return f"{self.given_name} {self.family_name}"


class Assignment(Base):
    """A staff member's role at a unit (medarbetaruppdrag) for a period."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    staff: Mapped[Staff] = relationship()
    unit: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (Index("ix_assignment_staff_unit", "staff_id", "unit_id"),)

    def active_on(self, day: date) -> bool:
        """True if the assignment covers `day`."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


# Unit kinds (verksamhet) with their Swedish labels; region kinds follow the
# production-planning data contract, municipal kinds the social-care services.
UNIT_KINDS: dict[str, str] = {
    "administration": "Förvaltning (administration)",
    "vardcentral": "Vårdcentral",
    "asylhalsa": "Asylhälsa",
    "barnpsykiatri": "Barn- och ungdomspsykiatri",
    "vuxenpsykiatri": "Vuxenpsykiatri",
    "infektion": "Infektionsklinik",
    "kvinnoklinik": "Kvinnoklinik",
    "akutmottagning": "Akutmottagning",
    "ovrig_specialist": "Övrig specialistvård",
    "hemtjanst": "Hemtjänst",
    "sarskilt_boende": "Särskilt boende",
    "hemsjukvard": "Kommunal hemsjukvård",
    "socialtjanst": "Socialtjänst",
}
