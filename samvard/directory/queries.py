"""Reads of the organisation directory (not personal data about patients)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from samvard.directory.models import (
    Assignment,
    CareGiver,
    Municipality,
    Region,
    Staff,
    Unit,
)


@dataclass(frozen=True)
class RegionSummary:
    """A region with the size of its part of the directory."""

    region: Region
    municipalities: int
    units: int


def list_region_summaries(session: Session) -> list[RegionSummary]:
    """All regions with municipality and unit counts, in code order."""
    muni_counts = select(Municipality.region_code, func.count()).group_by(Municipality.region_code)
    unit_counts = (
        select(Municipality.region_code, func.count(Unit.id))
        .join(Unit, Unit.municipality_code == Municipality.code)
        .group_by(Municipality.region_code)
    )
    muni = dict(session.execute(muni_counts).all())
    units = dict(session.execute(unit_counts).all())
    regions = session.scalars(select(Region).order_by(Region.code))
    return [RegionSummary(r, muni.get(r.code, 0), units.get(r.code, 0)) for r in regions]


def get_region(session: Session, code: str) -> Region | None:
    """One region by county code."""
    return session.get(Region, code)


def list_municipalities(session: Session, *, region_code: str | None = None) -> list[Municipality]:
    """Municipalities, optionally of one region, by name."""
    query = select(Municipality).order_by(Municipality.name)
    if region_code is not None:
        query = query.where(Municipality.region_code == region_code)
    return list(session.scalars(query))


def list_care_givers(session: Session, *, region_code: str | None = None) -> list[CareGiver]:
    """Care givers and social-care givers, optionally of one region."""
    # Regions first, then private providers, then the municipal boards.
    query = select(CareGiver).order_by(CareGiver.kind.desc(), CareGiver.name)
    if region_code is not None:
        query = query.where(CareGiver.region_code == region_code)
    return list(session.scalars(query))


def list_units(
    session: Session,
    *,
    region_code: str | None = None,
    municipality_code: str | None = None,
    text: str | None = None,
    limit: int = 500,
) -> list[Unit]:
    """Units filtered by region, municipality and a name or HSA-id fragment."""
    query = select(Unit).join(Municipality, Municipality.code == Unit.municipality_code)
    if region_code:
        query = query.where(Municipality.region_code == region_code)
    if municipality_code:
        query = query.where(Unit.municipality_code == municipality_code)
    if text:
        pattern = f"%{text.strip()}%"
        query = query.where(or_(Unit.name.ilike(pattern), Unit.hsa_id.ilike(pattern)))
    return list(session.scalars(query.order_by(Unit.name).limit(limit)))


def get_unit(session: Session, unit_id: int) -> Unit | None:
    """One unit by id."""
    return session.get(Unit, unit_id)


def get_unit_by_hsa_id(session: Session, hsa_id: str) -> Unit | None:
    """One unit by HSA-id."""
    return session.scalar(select(Unit).where(Unit.hsa_id == hsa_id))


def get_care_giver(session: Session, care_giver_id: int) -> CareGiver | None:
    """One care giver by id."""
    return session.get(CareGiver, care_giver_id)


def get_care_giver_by_hsa_id(session: Session, hsa_id: str) -> CareGiver | None:
    """One care giver by HSA-id."""
    return session.scalar(select(CareGiver).where(CareGiver.hsa_id == hsa_id))


def search_care_givers(session: Session, text: str, *, limit: int = 20) -> list[CareGiver]:
    """Care givers whose name or HSA-id contains `text`, by name."""
    pattern = f"%{text.strip()}%"
    query = select(CareGiver).where(
        or_(CareGiver.name.ilike(pattern), CareGiver.hsa_id.ilike(pattern))
    )
    return list(session.scalars(query.order_by(CareGiver.name).limit(limit)))


def names_by_hsa_id(session: Session, hsa_ids: Iterable[str]) -> dict[str, str]:
    """Names of the care givers and units with these HSA-ids (unknown ones left out)."""
    wanted = set(hsa_ids)
    if not wanted:
        return {}
    givers = select(CareGiver.hsa_id, CareGiver.name).where(CareGiver.hsa_id.in_(wanted))
    units = select(Unit.hsa_id, Unit.name).where(Unit.hsa_id.in_(wanted))
    rows = [*session.execute(givers), *session.execute(units)]
    return {hsa: name for hsa, name in rows}  # noqa: C416 - rows are Row objects, not pairs


def get_staff(session: Session, staff_id: int) -> Staff | None:
    """One staff member by id."""
    return session.get(Staff, staff_id)


def get_staff_by_hsa_id(session: Session, hsa_id: str) -> Staff | None:
    """One staff member by personal HSA-id."""
    return session.scalar(select(Staff).where(Staff.hsa_id == hsa_id))


def list_assignments(
    session: Session, *, staff_id: int, active_on: date | None = None
) -> list[Assignment]:
    """A staff member's assignments; only those active on `active_on` when given."""
    rows = session.scalars(
        select(Assignment).where(Assignment.staff_id == staff_id).order_by(Assignment.id)
    )
    return [a for a in rows if active_on is None or a.active_on(active_on)]


def list_unit_assignments(session: Session, *, unit_id: int) -> list[Assignment]:
    """Everyone assigned to a unit, current and past."""
    query = select(Assignment).where(Assignment.unit_id == unit_id).join(Staff)
    return list(session.scalars(query.order_by(Staff.family_name, Staff.given_name)))


def list_staff(session: Session, *, limit: int = 100) -> list[Staff]:
    """Staff members by name (for the local test login)."""
    return list(session.scalars(select(Staff).order_by(Staff.family_name).limit(limit)))
