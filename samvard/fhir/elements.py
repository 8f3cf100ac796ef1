"""Small builders for the FHIR data types every mapping uses."""

from __future__ import annotations

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.reference import Reference

from samvard.fhir import systems


def coding(system: str, code: str, display: str | None = None) -> Coding:
    """One code from one system."""
    return Coding(system=system, code=code, display=display)


def concept(system: str, code: str, display: str | None = None) -> CodeableConcept:
    """A CodeableConcept holding one coding; its text is the display, if any."""
    return CodeableConcept(coding=[coding(system, code, display)], text=display)


def identifier(system: str, value: str) -> Identifier:
    """An official business identifier."""
    return Identifier(use="official", system=system, value=value)


def hsa_identifier(hsa_id: str) -> Identifier:
    """An HSA-id (staff, unit or care giver)."""
    return identifier(systems.HSA_ID, hsa_id)


def by_identifier(system: str, value: str, display: str | None = None) -> Reference:
    """A logical reference: points at whatever carries this identifier."""
    return Reference(identifier=identifier(system, value), display=display)


def official_name(given: str, family: str) -> HumanName:
    """A person's official name."""
    return HumanName(use="official", family=family, given=[given], text=f"{given} {family}")
