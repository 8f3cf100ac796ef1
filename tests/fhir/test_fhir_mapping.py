"""FHIR mapping: JSON shape of each resource and a round trip through fhir.resources."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from samvard.core.audit import AuditEntry
from samvard.directory.models import (
    Assignment,
    CareGiver,
    CareGiverKind,
    Municipality,
    Profession,
    Role,
    Staff,
    Unit,
)
from samvard.fhir import systems
from samvard.fhir.mapping import (
    audit_event_resource,
    bundle_searchset,
    capability_statement,
    operation_outcome,
    organization_resource,
    patient_resource,
    practitioner_resource,
    practitioner_role_resource,
    to_json,
    unit_organization_resource,
)
from samvard.identity.models import Person

# Skatteverket's official test numbers (samvard/reference/data, rows 1 and 2 / row 1).
PNR_WOMAN = "189001019802"
PNR_MAN = "189001029819"
SAMORDNINGSNUMMER = "191401682396"
BASE = "https://fhir.example.test/fhir"


def person(**overrides: Any) -> Person:
    values: dict[str, Any] = {
        "id": 7,
        "person_id": PNR_WOMAN,
        "id_kind": "personnummer",
        "given_name": "Tolvan",
        "family_name": "Tolvansson",
        "birth_date": date(1890, 1, 1),
        "sex": "female",
        "protected_identity": False,
        "street_address": "Storgatan 1",
        "postal_code": "97231",
        "city": "Luleå",
        "municipality_code": "2580",
    }
    values.update(overrides)
    return Person(**values)


def care_giver() -> CareGiver:
    return CareGiver(
        id=3,
        hsa_id="SE2321000016-ABC1",
        name="Region Norrbotten",
        kind=CareGiverKind.REGION,
        region_code="25",
    )


def unit(*, with_relations: bool = True) -> Unit:
    result = Unit(
        id=11,
        hsa_id="SE2321000016-ABC2",
        name="Hälsocentral Luleå",
        care_giver_id=3,
        municipality_code="2580",
        kind="vardcentral",
    )
    if with_relations:
        result.care_giver = care_giver()
        result.municipality = Municipality(code="2580", name="Luleå", region_code="25")
    return result


def staff() -> Staff:
    return Staff(
        id=5,
        hsa_id="SE2321000016-ABC3",
        given_name="Sara",
        family_name="Sjöberg",
        profession=Profession.SJUKSKOTERSKA,
    )


def assignment(valid_to: date | None = None) -> Assignment:
    return Assignment(
        id=21,
        staff_id=5,
        unit_id=11,
        role=Role.CLINICIAN,
        valid_from=date(2026, 1, 1),
        valid_to=valid_to,
    )


def audit_entry(**overrides: Any) -> AuditEntry:
    values: dict[str, Any] = {
        "seq": 42,
        "entry_id": "0b6f7f0e-5f4a-4c44-9d1c-6f1f0e0a2b3c",
        "recorded_at": datetime(2026, 11, 24, 9, 30, 0, 123456, tzinfo=UTC),
        "request_id": "req-abc123",
        "actor_kind": "staff",
        "actor_id": "SE2321000016-ABC3",
        "actor_role": "clinician",
        "unit_hsaid": "SE2321000016-ABC2",
        "care_giver_hsaid": "SE2321000016-ABC1",
        "patient_id": PNR_WOMAN,
        "action": "read",
        "resource": "patient.demographics",
        "purpose": "care",
        "outcome": "allowed",
        "reason": "care_relation",
        "prev_hash": "a" * 64,
        "hash": "b" * 64,
    }
    values.update(overrides)
    return AuditEntry(**values)


# --- Patient -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_kind", "value", "system"),
    [
        ("personnummer", PNR_WOMAN, systems.PERSONNUMMER),
        ("samordningsnummer", SAMORDNINGSNUMMER, systems.SAMORDNINGSNUMMER),
        ("reservnummer", "R2026-0001", systems.RESERVNUMMER),
    ],
)
def test_patient_identifier_system_follows_id_kind(id_kind: str, value: str, system: str) -> None:
    data = to_json(patient_resource(person(id_kind=id_kind, person_id=value), show_protected=False))

    assert data["identifier"] == [{"use": "official", "system": system, "value": value}]


def test_patient_reservnummer_system_is_configurable() -> None:
    resource = patient_resource(
        person(id_kind="reservnummer", person_id="R2026-0001"),
        show_protected=False,
        reservnummer_system="urn:oid:1.2.752.74.9.2",
    )

    assert to_json(resource)["identifier"][0]["system"] == "urn:oid:1.2.752.74.9.2"


def test_patient_unknown_id_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown person id kind"):
        patient_resource(person(id_kind="passport"), show_protected=False)


def test_patient_json_shape() -> None:
    data = to_json(patient_resource(person(), show_protected=False))

    assert data["resourceType"] == "Patient"
    assert data["id"] == "7"
    assert data["gender"] == "female"
    assert data["birthDate"] == "1890-01-01"
    assert data["name"] == [
        {
            "use": "official",
            "text": "Tolvan Tolvansson",
            "family": "Tolvansson",
            "given": ["Tolvan"],
        }
    ]
    assert data["address"][0]["city"] == "Luleå"
    assert data["address"][0]["line"] == ["Storgatan 1"]
    assert "meta" not in data


@pytest.mark.parametrize(
    ("sex", "gender"),
    [
        ("male", "male"),
        ("M", "male"),
        ("female", "female"),
        ("K", "female"),
        (None, "unknown"),
        ("x", "unknown"),
    ],
)
def test_patient_gender(sex: str | None, gender: str) -> None:
    data = to_json(patient_resource(person(person_id=PNR_MAN, sex=sex), show_protected=False))

    assert data["gender"] == gender


def test_protected_identity_hides_name_and_address() -> None:
    data = to_json(patient_resource(person(protected_identity=True), show_protected=False))

    assert "name" not in data
    assert "address" not in data
    assert data["meta"]["security"] == [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
            "code": "R",
            "display": "restricted",
        }
    ]
    assert data["identifier"][0]["value"] == PNR_WOMAN


def test_protected_identity_shown_when_allowed_is_still_labelled() -> None:
    data = to_json(patient_resource(person(protected_identity=True), show_protected=True))

    assert data["name"][0]["family"] == "Tolvansson"
    assert data["address"][0]["postalCode"] == "97231"
    assert data["meta"]["security"][0]["code"] == "R"


def test_patient_without_address_has_none() -> None:
    data = to_json(
        patient_resource(
            person(street_address=None, postal_code=None, city=None), show_protected=False
        )
    )

    assert "address" not in data


# --- Organization, Practitioner, PractitionerRole -----------------------------------------


def test_care_giver_organization() -> None:
    data = to_json(organization_resource(care_giver()))

    assert data["id"] == "cg-3"
    assert data["active"] is True
    assert data["name"] == "Region Norrbotten"
    assert data["identifier"] == [
        {"use": "official", "system": "urn:oid:1.2.752.29.4.19", "value": "SE2321000016-ABC1"}
    ]
    assert data["type"][0]["coding"][0] == {
        "system": systems.CARE_GIVER_KIND,
        "code": "region",
        "display": "Region",
    }
    assert "partOf" not in data


@pytest.mark.parametrize("kind", list(CareGiverKind))
def test_every_care_giver_kind_has_a_swedish_display(kind: CareGiverKind) -> None:
    giver = care_giver()
    giver.kind = kind
    coding = to_json(organization_resource(giver))["type"][0]["coding"][0]
    assert coding["code"] == kind.value
    assert coding["display"]


def test_unit_organization_is_part_of_its_care_giver() -> None:
    data = to_json(unit_organization_resource(unit()))

    assert data["id"] == "unit-11"
    assert data["identifier"][0]["system"] == systems.HSA_ID
    assert data["identifier"][0]["value"] == "SE2321000016-ABC2"
    assert data["type"][0]["coding"][0]["code"] == "vardcentral"
    assert data["partOf"] == {"reference": "Organization/cg-3", "display": "Region Norrbotten"}
    assert data["address"] == [{"district": "Luleå", "country": "SE"}]


def test_unit_organization_without_loaded_relations() -> None:
    data = to_json(unit_organization_resource(unit(with_relations=False)))

    assert data["partOf"] == {"reference": "Organization/cg-3"}
    assert "address" not in data


def test_practitioner() -> None:
    data = to_json(practitioner_resource(staff()))

    assert data["id"] == "5"
    assert data["identifier"][0] == {
        "use": "official",
        "system": systems.HSA_ID,
        "value": "SE2321000016-ABC3",
    }
    assert data["name"][0]["given"] == ["Sara"]
    assert data["qualification"][0]["code"]["coding"] == [
        {"system": systems.PROFESSION, "code": "sjukskoterska", "display": "Sjuksköterska"}
    ]


def test_practitioner_role() -> None:
    data = to_json(practitioner_role_resource(assignment(), today=date(2026, 11, 24)))

    assert data["id"] == "21"
    assert data["active"] is True
    assert data["practitioner"] == {"reference": "Practitioner/5"}
    assert data["organization"] == {"reference": "Organization/unit-11"}
    assert data["code"][0]["coding"][0]["code"] == "clinician"
    assert data["period"] == {"start": "2026-01-01"}


@pytest.mark.parametrize(
    ("today", "active"),
    [(date(2025, 12, 31), False), (date(2026, 6, 30), True), (date(2026, 7, 1), False)],
)
def test_practitioner_role_active_follows_period(today: date, active: bool) -> None:
    data = to_json(practitioner_role_resource(assignment(date(2026, 6, 30)), today=today))

    assert data["active"] is active
    assert data["period"] == {"start": "2026-01-01", "end": "2026-06-30"}


# --- AuditEvent ---------------------------------------------------------------------------


def test_audit_event_allowed_read() -> None:
    data = to_json(audit_event_resource(audit_entry()))

    assert data["resourceType"] == "AuditEvent"
    assert data["id"] == "0b6f7f0e-5f4a-4c44-9d1c-6f1f0e0a2b3c"
    assert data["type"]["system"] == systems.AUDIT_EVENT_TYPE
    assert data["type"]["code"] == "rest"
    assert data["subtype"][0]["code"] == "read"
    assert data["action"] == "R"
    assert data["outcome"] == "0"
    assert data["outcomeDesc"] == "care_relation"
    assert data["recorded"] == "2026-11-24T09:30:00.123456Z"


def test_audit_event_denied_is_minor_failure() -> None:
    data = to_json(audit_event_resource(audit_entry(outcome="denied", reason="no_relation")))

    assert data["outcome"] == "4"
    assert data["outcomeDesc"] == "no_relation"


def test_audit_event_unknown_outcome_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown audit outcome"):
        audit_event_resource(audit_entry(outcome="maybe"))


@pytest.mark.parametrize(
    ("action", "code", "type_code"),
    [
        ("read", "R", "rest"),
        ("write", "U", "rest"),
        ("login", "E", "110114"),
        ("logout", "E", "110114"),
        ("choose_unit", "E", "110114"),
    ],
)
def test_audit_event_action_codes(action: str, code: str, type_code: str) -> None:
    data = to_json(audit_event_resource(audit_entry(action=action)))

    assert data["action"] == code
    assert data["type"]["code"] == type_code
    assert data["subtype"][0] == {
        "system": systems.ACTION,
        "code": action,
        "display": data["subtype"][0]["display"],
    }


def test_audit_event_staff_agent() -> None:
    agent = to_json(audit_event_resource(audit_entry()))["agent"]

    assert len(agent) == 1
    assert agent[0]["requestor"] is True
    assert agent[0]["who"]["identifier"] == {
        "use": "official",
        "system": systems.HSA_ID,
        "value": "SE2321000016-ABC3",
    }
    assert agent[0]["role"] == [{"text": "clinician"}]
    assert agent[0]["location"]["identifier"]["value"] == "SE2321000016-ABC2"
    assert agent[0]["purposeOfUse"] == [
        {
            "coding": [
                {"system": systems.PURPOSE, "code": "care", "display": "Vård och behandling"}
            ],
            "text": "care_relation",
        }
    ]


def test_audit_event_citizen_agent_uses_personnummer_system() -> None:
    entry = audit_entry(
        actor_kind="citizen",
        actor_id=PNR_WOMAN,
        actor_role=None,
        unit_hsaid=None,
        care_giver_hsaid=None,
        purpose="own_records",
    )
    data = to_json(audit_event_resource(entry))

    agent = data["agent"][0]
    assert agent["who"]["identifier"]["system"] == systems.PERSONNUMMER
    assert agent["who"]["identifier"]["value"] == PNR_WOMAN
    assert "role" not in agent
    assert "location" not in agent
    assert data["source"]["observer"] == {"display": "Samvård"}


def test_audit_event_source_names_care_giver() -> None:
    source = to_json(audit_event_resource(audit_entry()))["source"]

    assert source["observer"]["display"] == "Samvård"
    assert source["observer"]["identifier"]["value"] == "SE2321000016-ABC1"


def test_audit_event_entities_patient_and_chain() -> None:
    entities = to_json(audit_event_resource(audit_entry()))["entity"]

    patient, info = entities
    assert patient["what"]["identifier"]["system"] == systems.PERSONNUMMER
    assert patient["what"]["identifier"]["value"] == PNR_WOMAN
    assert patient["role"]["code"] == "1"
    assert info["name"] == "patient.demographics"
    details = {d["type"]: d["valueString"] for d in info["detail"]}
    assert details == {
        "seq": "42",
        "request_id": "req-abc123",
        "prev_hash": "a" * 64,
        "hash": "b" * 64,
    }


def test_audit_event_samordningsnummer_patient() -> None:
    entity = to_json(audit_event_resource(audit_entry(patient_id=SAMORDNINGSNUMMER)))["entity"]

    assert entity[0]["what"]["identifier"]["system"] == systems.SAMORDNINGSNUMMER


def test_audit_event_without_patient_or_purpose() -> None:
    entry = audit_entry(patient_id=None, purpose=None, action="logout", resource="session")
    data = to_json(audit_event_resource(entry))

    assert [e["name"] for e in data["entity"]] == ["session"]
    assert "purposeOfUse" not in data["agent"][0]


def test_audit_event_system_actor_has_display_only() -> None:
    data = to_json(audit_event_resource(audit_entry(actor_kind="system", actor_id="import")))

    assert data["agent"][0]["who"] == {"display": "import"}


def test_audit_event_naive_time_is_read_as_utc() -> None:
    entry = audit_entry(recorded_at=datetime(2026, 11, 24, 9, 30))

    assert to_json(audit_event_resource(entry))["recorded"] == "2026-11-24T09:30:00Z"


# --- Identifier-system inference ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "system"),
    [
        (PNR_WOMAN, systems.PERSONNUMMER),
        (SAMORDNINGSNUMMER, systems.SAMORDNINGSNUMMER),
        ("199001600000", systems.SAMORDNINGSNUMMER),
        ("198108320014", systems.RESERVNUMMER),
        ("R2026-0001", systems.RESERVNUMMER),
    ],
)
def test_infer_person_id_system(value: str, system: str) -> None:
    assert systems.infer_person_id_system(value) == system


# --- CapabilityStatement, Bundle, OperationOutcome -----------------------------------------


def test_capability_statement_lists_exactly_the_five_resources() -> None:
    data = to_json(capability_statement(BASE + "/", software_version="0.1.0"))

    assert data["resourceType"] == "CapabilityStatement"
    assert data["fhirVersion"] == "4.0.1"
    assert data["format"] == ["json"]
    assert data["kind"] == "instance"
    assert data["status"] == "active"
    assert data["date"] == "2026-11-24"
    assert data["software"] == {"name": "Samvård", "version": "0.1.0"}
    assert data["implementation"]["url"] == BASE
    resources = data["rest"][0]["resource"]
    assert sorted(r["type"] for r in resources) == [
        "AuditEvent",
        "Organization",
        "Patient",
        "Practitioner",
        "PractitionerRole",
    ]
    for resource in resources:
        assert [i["code"] for i in resource["interaction"]] == ["read", "search-type"]
    params = {r["type"]: [p["name"] for p in r["searchParam"]] for r in resources}
    assert params == {
        "Patient": ["identifier"],
        "Organization": ["identifier"],
        "Practitioner": ["identifier"],
        "PractitionerRole": ["practitioner"],
        "AuditEvent": ["patient"],
    }


def test_capability_statement_is_stable() -> None:
    first = to_json(capability_statement(BASE, software_version="1"))

    assert first == to_json(capability_statement(BASE, software_version="1"))


def test_bundle_searchset() -> None:
    resources = [organization_resource(care_giver()), unit_organization_resource(unit())]
    data = to_json(bundle_searchset(resources, base_url=BASE + "/", self_url=BASE + "/x"))

    assert data["resourceType"] == "Bundle"
    assert data["type"] == "searchset"
    assert data["total"] == 2
    assert data["link"] == [{"relation": "self", "url": BASE + "/x"}]
    assert [e["fullUrl"] for e in data["entry"]] == [
        f"{BASE}/Organization/cg-3",
        f"{BASE}/Organization/unit-11",
    ]
    assert data["entry"][1]["resource"]["resourceType"] == "Organization"
    assert all(e["search"] == {"mode": "match"} for e in data["entry"])


def test_empty_bundle_with_explicit_total() -> None:
    data = to_json(bundle_searchset([], base_url=BASE, total=0))

    assert data == {"resourceType": "Bundle", "type": "searchset", "total": 0}


def test_operation_outcome() -> None:
    data = to_json(operation_outcome("error", "not-found", "Patienten hittades inte."))

    assert data == {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": "not-found", "diagnostics": "Patienten hittades inte."}
        ],
    }


@pytest.mark.parametrize(("severity", "code"), [("bad", "not-found"), ("error", "nope")])
def test_operation_outcome_rejects_unknown_codes(severity: str, code: str) -> None:
    with pytest.raises(ValueError, match="unknown issue"):
        operation_outcome(severity, code, "Fel.")


# --- Round trip: the JSON parses back with fhir.resources ---------------------------------


def _all_resources() -> list[tuple[type[Any], Any]]:
    return [
        (Patient, patient_resource(person(), show_protected=False)),
        (Patient, patient_resource(person(protected_identity=True), show_protected=False)),
        (Organization, organization_resource(care_giver())),
        (Organization, unit_organization_resource(unit())),
        (Practitioner, practitioner_resource(staff())),
        (PractitionerRole, practitioner_role_resource(assignment(), today=date(2026, 11, 24))),
        (AuditEvent, audit_event_resource(audit_entry())),
        (AuditEvent, audit_event_resource(audit_entry(outcome="denied", patient_id=None))),
        (CapabilityStatement, capability_statement(BASE, software_version="0.1.0")),
        (Bundle, bundle_searchset([practitioner_resource(staff())], base_url=BASE)),
        (OperationOutcome, operation_outcome("error", "forbidden", "Åtkomst nekad.")),
    ]


@pytest.mark.parametrize(("cls", "resource"), _all_resources())
def test_json_round_trip(cls: type[Any], resource: Any) -> None:
    data = to_json(resource)

    parsed = cls.model_validate(data)

    assert data["resourceType"] == cls.get_resource_type()
    assert to_json(parsed) == data
