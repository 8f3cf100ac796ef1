"""Staff -> FHIR Practitioner, assignments -> PractitionerRole."""

from __future__ import annotations

from datetime import date
from typing import Final

from fhir.resources.R4B.period import Period
from fhir.resources.R4B.practitioner import Practitioner, PractitionerQualification
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.reference import Reference

from samvard.directory.models import Assignment, Profession, Role, Staff
from samvard.fhir import systems
from samvard.fhir.elements import concept, hsa_identifier, official_name
from samvard.fhir.organization import unit_id

PROFESSION_SV: Final = {
    Profession.LAKARE: "Läkare",
    Profession.SJUKSKOTERSKA: "Sjuksköterska",
    Profession.BARNMORSKA: "Barnmorska",
    Profession.PSYKOLOG: "Psykolog",
    Profession.KURATOR: "Kurator",
    Profession.FYSIOTERAPEUT: "Fysioterapeut",
    Profession.UNDERSKOTERSKA: "Undersköterska",
    Profession.BISTANDSHANDLAGGARE: "Biståndshandläggare",
    Profession.ADMINISTRATOR: "Administratör",
}

ROLE_SV: Final = {
    Role.CLINICIAN: "Vårdpersonal",
    Role.CARE_STAFF: "Omsorgspersonal",
    Role.ADMINISTRATOR: "Administratör",
    Role.LOG_REVIEWER: "Loggranskare",
    Role.PLANNER: "Planerare",
}


def practitioner_resource(staff: Staff) -> Practitioner:
    """Map a staff member to a Practitioner with the profession as qualification."""
    profession = Profession(staff.profession)
    return Practitioner(
        id=str(staff.id),
        active=True,
        identifier=[hsa_identifier(staff.hsa_id)],
        name=[official_name(staff.given_name, staff.family_name)],
        qualification=[
            PractitionerQualification(
                code=concept(systems.PROFESSION, profession.value, PROFESSION_SV[profession])
            )
        ],
    )


def practitioner_role_resource(assignment: Assignment, *, today: date) -> PractitionerRole:
    """Map an assignment (medarbetaruppdrag) to a PractitionerRole, active on `today`."""
    role = Role(assignment.role)
    return PractitionerRole(
        id=str(assignment.id),
        active=assignment.active_on(today),
        period=Period(start=assignment.valid_from, end=assignment.valid_to),
        practitioner=Reference(reference=f"Practitioner/{assignment.staff_id}"),
        organization=Reference(reference=f"Organization/{unit_id(assignment.unit_id)}"),
        code=[concept(systems.ROLE, role.value, ROLE_SV[role])],
    )
