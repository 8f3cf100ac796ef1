"""Care givers and units -> FHIR Organization (ids `cg-{id}` and `unit-{id}`)."""

from __future__ import annotations

from typing import Any, Final

from fhir.resources.R4B.address import Address
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.reference import Reference
from sqlalchemy import inspect

from samvard.directory.models import CareGiver, CareGiverKind, Unit
from samvard.fhir import systems
from samvard.fhir.elements import concept, hsa_identifier

_CARE_GIVER_KIND_SV: Final = {
    CareGiverKind.REGION: "Region",
    CareGiverKind.PRIVATE: "Privat vårdgivare",
    CareGiverKind.MUNICIPALITY: "Kommun",
    CareGiverKind.NATIONAL: "Nationell uppföljning",
}


def care_giver_id(pk: int) -> str:
    """The Organization id of a care giver."""
    return f"cg-{pk}"


def unit_id(pk: int) -> str:
    """The Organization id of a unit."""
    return f"unit-{pk}"


def organization_resource(care_giver: CareGiver) -> Organization:
    """Map a care giver (vårdgivare or omsorgsgivare) to an Organization."""
    kind = CareGiverKind(care_giver.kind)
    return Organization(
        id=care_giver_id(care_giver.id),
        active=True,
        identifier=[hsa_identifier(care_giver.hsa_id)],
        type=[concept(systems.CARE_GIVER_KIND, kind.value, _CARE_GIVER_KIND_SV[kind])],
        name=care_giver.name,
    )


def unit_organization_resource(unit: Unit) -> Organization:
    """Map a unit (vårdenhet) to an Organization that is part of its care giver."""
    care_giver = _loaded(unit, "care_giver")
    municipality = _loaded(unit, "municipality")
    return Organization(
        id=unit_id(unit.id),
        active=True,
        identifier=[hsa_identifier(unit.hsa_id)],
        type=[concept(systems.UNIT_KIND, unit.kind, unit.kind)],
        name=unit.name,
        partOf=Reference(
            reference=f"Organization/{care_giver_id(unit.care_giver_id)}",
            display=care_giver.name if care_giver else None,
        ),
        address=[Address(district=municipality.name, country="SE")] if municipality else None,
    )


def _loaded(obj: Any, relationship: str) -> Any:
    # Only what is already loaded: mapping must never trigger a lazy database read.
    if relationship in inspect(obj).unloaded:
        return None
    return getattr(obj, relationship)
