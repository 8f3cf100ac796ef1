"""The FHIR read API over HTTP; every response parses as the FHIR resource it claims."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from sqlalchemy import select

from samvard.demo import personas
from samvard.identity.models import Person
from samvard.web.routes.fhir import FHIR_JSON
from tests.conftest import Database
from tests.support.web import client_for, login_citizen, login_staff

PNR_SYSTEM = "urn:oid:1.2.752.129.2.1.3.1"
HSA_SYSTEM = "urn:oid:1.2.752.29.4.19"


def _pk(world: Database, person_id: str) -> int:
    with world.sessions() as session:
        person = session.scalar(select(Person).where(Person.person_id == person_id))
        assert person is not None
        return person.id


def _fhir(response: Any, model: Any) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON)
    return model.model_validate(response.json())


def test_capability_statement(sqlite_world: Database) -> None:
    statement = _fhir(client_for(sqlite_world).get("/fhir/metadata"), CapabilityStatement)
    types = {r.type for r in statement.rest[0].resource}
    assert types == {"Patient", "Organization", "Practitioner", "PractitionerRole", "AuditEvent"}
    assert statement.fhirVersion == "4.0.1"


@pytest.mark.db
def test_nurse_reads_patient_with_swedish_identifier(world: Database) -> None:
    client = client_for(world)
    login_staff(client, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    patient = _fhir(client.get(f"/fhir/Patient/{_pk(world, personas.CITIZEN.person_id)}"), Patient)
    assert patient.identifier[0].system == PNR_SYSTEM
    assert patient.identifier[0].value == personas.CITIZEN.person_id
    assert patient.name[0].family == personas.CITIZEN.family_name
    found = client.get(f"/fhir/Patient?identifier={PNR_SYSTEM}|{personas.CITIZEN.person_id}")
    bundle = _fhir(found, Bundle)
    assert bundle.total == 1 and bundle.entry[0].resource.id == patient.id


def test_protected_identity_is_masked_away_from_the_patients_unit(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_staff(client, personas.DOCTOR.hsa_id, personas.EMERGENCY_UNIT)
    pk = _pk(sqlite_world, personas.PROTECTED_CITIZEN.person_id)
    patient = _fhir(client.get(f"/fhir/Patient/{pk}"), Patient)
    assert patient.name is None and patient.address is None
    assert patient.meta.security[0].code == "R"
    html = client.get(f"/personal/patient/{pk}").text
    assert personas.PROTECTED_CITIZEN.family_name not in html and "Skyddad identitet" in html
    near = client_for(sqlite_world)
    login_staff(near, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    assert personas.PROTECTED_CITIZEN.family_name in near.get(f"/personal/patient/{pk}").text


def test_denied_patient_read_is_an_operation_outcome(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_staff(client, personas.CARE_STAFF.hsa_id, personas.HOME_CARE_UNIT)
    response = client.get(f"/fhir/Patient/{_pk(sqlite_world, personas.CITIZEN.person_id)}")
    assert response.status_code == 403
    outcome = OperationOutcome.model_validate(response.json())
    assert outcome.issue[0].code == "forbidden"
    assert "vårdrelation" in (outcome.issue[0].diagnostics or "")


def test_directory_resources(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_citizen(client, personas.CITIZEN.person_id)
    query = f"/fhir/Organization?identifier={HSA_SYSTEM}|{personas.VARDCENTRAL_UNIT}"
    bundle = _fhir(client.get(query), Bundle)
    unit = bundle.entry[0].resource
    assert unit.identifier[0].value == personas.VARDCENTRAL_UNIT
    again = _fhir(client.get(f"/fhir/Organization/{unit.id}"), Organization)
    assert again.partOf is not None
    assert client.get(f"/fhir/Practitioner?identifier={personas.NURSE.hsa_id}").status_code == 403
    client = client_for(sqlite_world)  # staff may read the staff directory
    login_staff(client, personas.DOCTOR.hsa_id, personas.VARDCENTRAL_UNIT)
    found = _fhir(client.get(f"/fhir/Practitioner?identifier={personas.NURSE.hsa_id}"), Bundle)
    nurse = found.entry[0].resource
    assert isinstance(nurse, Practitioner)
    roles = _fhir(
        client.get(f"/fhir/PractitionerRole?practitioner=Practitioner/{nurse.id}"), Bundle
    )
    assert roles.total >= 1
    assert client.get("/fhir/Organization/unit-999999").status_code == 404
    wrong = client.get("/fhir/Organization?identifier=urn:oid:1.2.3|X")
    assert wrong.status_code == 422


def test_citizen_exports_own_access_log_as_audit_events(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_citizen(client, personas.CITIZEN.person_id)
    pk = _pk(sqlite_world, personas.CITIZEN.person_id)
    bundle = _fhir(client.get(f"/fhir/AuditEvent?patient=Patient/{pk}"), Bundle)
    assert bundle.total and bundle.total > 0
    outcomes = {e.resource.outcome for e in bundle.entry}
    assert outcomes <= {"0", "4"} and "4" in outcomes  # the demo history holds denials too
    other = _pk(sqlite_world, personas.ELDER.person_id)
    assert client.get(f"/fhir/AuditEvent?patient=Patient/{other}").status_code == 403


def test_log_reviewer_sees_only_own_care_givers_entries(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_staff(client, personas.LOG_REVIEWER.hsa_id, personas.ADMINISTRATION_UNIT)
    pk = _pk(sqlite_world, personas.CITIZEN.person_id)
    bundle = _fhir(client.get(f"/fhir/AuditEvent?patient=Patient/{pk}"), Bundle)
    assert bundle.entry
    for entry in bundle.entry:
        assert entry.resource.source.observer.identifier.value == personas.STOCKHOLM_REGION + "-VG"


def test_unknown_search_parameters_and_systems_are_errors(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_citizen(client, personas.CITIZEN.person_id)
    unknown = client.get(f"/fhir/Patient?identifier={personas.CITIZEN.person_id}&name=Sara")
    assert unknown.status_code == 400
    assert "name" in unknown.json()["issue"][0]["diagnostics"]
    wrong_system = client.get(
        f"/fhir/Patient?identifier=urn:oid:1.2.3|{personas.CITIZEN.person_id}"
    )
    assert wrong_system.status_code == 422


def test_citizen_cannot_probe_whether_others_exist(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_citizen(client, personas.CITIZEN.person_id)
    other = client.get(f"/fhir/Patient?identifier={personas.ELDER.person_id}")
    assert other.status_code == 403
    own = _fhir(client.get(f"/fhir/Patient?identifier={personas.CITIZEN.person_id}"), Bundle)
    assert own.total == 1


def test_bundle_links_use_the_public_address(sqlite_world: Database) -> None:
    client = client_for(sqlite_world, public_base_url="https://vard.example.se")
    login_citizen(client, personas.CITIZEN.person_id)
    bundle = client.get(f"/fhir/Patient?identifier={personas.CITIZEN.person_id}").json()
    assert bundle["link"][0]["url"].startswith("https://vard.example.se/fhir/Patient?")
    assert bundle["entry"][0]["fullUrl"].startswith("https://vard.example.se/fhir/")


@pytest.mark.parametrize(
    "path",
    [
        "/fhir/Patient/99999999999999999999",
        "/fhir/Practitioner/99999999999999999999",
        "/fhir/Organization/unit-99999999999999999999",
        "/fhir/PractitionerRole?practitioner=Practitioner/99999999999999999999",
        "/fhir/AuditEvent?patient=Patient/99999999999999999999",
    ],
)
def test_huge_ids_are_client_errors(sqlite_world: Database, path: str) -> None:
    client = client_for(sqlite_world)
    login_staff(client, personas.LOG_REVIEWER.hsa_id, personas.ADMINISTRATION_UNIT)
    response = client.get(path)
    assert 400 <= response.status_code < 500, response.text


def test_unknown_patient_answers_like_a_real_one_without_a_ground(sqlite_world: Database) -> None:
    planner = client_for(sqlite_world)
    login_staff(planner, personas.PLANNER.hsa_id, personas.VARDCENTRAL_UNIT)
    real = _pk(sqlite_world, personas.CITIZEN.person_id)
    for path in (f"/fhir/Patient/{real}", "/fhir/Patient/999999", "/personal/patient/999999"):
        assert planner.get(path).status_code == 403, path
    citizen = client_for(sqlite_world)
    login_citizen(citizen, personas.CITIZEN.person_id)
    assert citizen.get("/fhir/AuditEvent?patient=Patient/999999").status_code == 403
