"""Person -> FHIR Patient, hiding name and address of people with protected identity."""

from __future__ import annotations

from typing import Final

from fhir.resources.R4B.address import Address
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.patient import Patient

from samvard.fhir import systems
from samvard.fhir.elements import coding, identifier, official_name
from samvard.identity.models import Person

_GENDERS: Final = {
    "male": "male",
    "m": "male",
    "man": "male",
    "female": "female",
    "f": "female",
    "k": "female",
    "kvinna": "female",
    "other": "other",
}


def patient_resource(
    person: Person, *, show_protected: bool, reservnummer_system: str = systems.RESERVNUMMER
) -> Patient:
    """Map `person` to a Patient.

    A person with protected identity (skyddad personuppgift) is always labelled
    confidentiality R (restricted) in `meta.security`; their name and address are left
    out unless `show_protected` (the caller has decided the reader may see them).
    """
    hidden = person.protected_identity and not show_protected
    return Patient(
        id=str(person.id),
        meta=_restricted_meta() if person.protected_identity else None,
        identifier=[
            identifier(
                systems.person_identifier_system(
                    person.id_kind, reservnummer_system=reservnummer_system
                ),
                person.person_id,
            )
        ],
        gender=fhir_gender(person.sex),
        birthDate=person.birth_date,
        name=None if hidden else [official_name(person.given_name, person.family_name)],
        address=None if hidden else _address(person),
    )


def fhir_gender(sex: str | None) -> str:
    """FHIR administrative gender from our `sex` (English or Swedish M/K); else unknown."""
    return _GENDERS.get((sex or "").strip().lower(), "unknown")


def _restricted_meta() -> Meta:
    return Meta(security=[coding(systems.CONFIDENTIALITY, "R", "restricted")])


def _address(person: Person) -> list[Address] | None:
    if not (person.street_address or person.postal_code or person.city):
        return None
    return [
        Address(
            use="home",
            type="physical",
            line=[person.street_address] if person.street_address else None,
            postalCode=person.postal_code,
            city=person.city,
            country="SE",
        )
    ]
