"""Every route, walked by every role: the outcome must be the one this table expects.

A route added without an entry here fails `test_every_route_has_an_expectation`, so no
page or API can appear without someone deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.directory.models import Staff, Unit
from samvard.identity.models import Person
from tests.conftest import Database
from tests.support.web import client_for, login_citizen, login_staff

ROLES = ["anon", "citizen", "nurse", "care_staff", "admin", "reviewer", "planner", "ended"]
STAFF_ROLES = {
    "nurse": personas.NURSE,
    "care_staff": personas.CARE_STAFF,
    "admin": personas.ADMINISTRATOR,
    "reviewer": personas.LOG_REVIEWER,
    "planner": personas.PLANNER,
    "ended": personas.ENDED_STAFF,
}


def expect(default: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, default) for role in ROLES}


PUBLIC = expect(200)
CITIZEN_PAGE = expect(303, citizen=200)
STAFF_ANY = expect(200, anon=303, citizen=303)
STAFF_AT_UNIT = expect(200, anon=303, citizen=303, ended=409)
ADMIN_PAGE = expect(403, anon=303, citizen=303, admin=200, ended=409)
DIRECTORY_API = expect(200, anon=401, ended=403)
STAFF_DIRECTORY = expect(200, anon=401, citizen=403, ended=403)
LOG_REVIEW_PAGE = expect(403, anon=303, citizen=303, reviewer=200, ended=409)
PATIENT_PAGE = expect(403, anon=303, citizen=303, nurse=200, ended=409)
PATIENT_FHIR = expect(403, anon=401, citizen=200, nurse=200)
CONTACT_STAFF = expect(404, anon=303, citizen=303, ended=409)
FOLLOWUP_PAGE = expect(403, anon=303, citizen=303, admin=200, planner=200, ended=409)
# Production planning: planners and administrators of a region (or the national body).
PLANNING_PAGE = FOLLOWUP_PAGE
PLANNING_API = expect(403, anon=401, citizen=401, admin=200, planner=200, ended=409)

# (method, path template) -> expected status per role
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/api/openapi.json"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("GET", "/login/test"): PUBLIC,
    ("GET", "/personal/login"): PUBLIC,
    ("GET", "/personal/login/test"): PUBLIC,
    ("GET", "/login/oidc"): expect(404),
    ("GET", "/personal/login/oidc"): expect(404),
    ("GET", "/login/oidc/callback"): expect(400),
    ("GET", "/personal/login/oidc/callback"): expect(400),
    ("GET", "/personal/enhet"): STAFF_ANY,
    ("GET", "/mina-sidor"): CITIZEN_PAGE,
    ("GET", "/mina-sidor/uppgifter"): CITIZEN_PAGE,
    ("GET", "/mina-sidor/vem-har-last"): CITIZEN_PAGE,
    ("GET", "/mina-sidor/vem-har-last/utdrag.csv"): CITIZEN_PAGE,
    ("GET", "/mina-sidor/vem-har-last/utdrag.json"): CITIZEN_PAGE,
    ("GET", "/mina-sidor/samtycken"): CITIZEN_PAGE,
    ("GET", "/mina-sidor/sparrar"): CITIZEN_PAGE,
    ("GET", "/mina-sidor/sparrar/ny"): CITIZEN_PAGE,
    ("GET", "/mina-sidor/vem-kan-se"): CITIZEN_PAGE,
    ("POST", "/mina-sidor/samtycken"): expect(403),
    ("POST", "/mina-sidor/samtycken/{consent_id}/aterkalla"): expect(403),
    ("POST", "/mina-sidor/sparrar"): expect(403),
    ("POST", "/mina-sidor/sparrar/{block_id}/hav"): expect(403),
    ("GET", "/api/v1/me/consents"): expect(401, citizen=200),
    ("GET", "/api/v1/me/blocks"): expect(401, citizen=200),
    # API writes without the X-CSRF-Token header are refused before anything else.
    ("POST", "/api/v1/me/consents"): expect(403),
    ("POST", "/api/v1/me/blocks"): expect(403),
    ("DELETE", "/api/v1/me/consents/{consent_id}"): expect(403),
    ("DELETE", "/api/v1/me/blocks/{block_id}"): expect(403),
    ("GET", "/personal"): STAFF_AT_UNIT,
    ("GET", "/personal/patient/{person_pk}"): expect(
        403, anon=303, citizen=303, nurse=200, ended=409
    ),
    # Records pages: care roles with a relation (the nurse has one with the sample patient).
    ("GET", "/personal/patient/{person_pk}/journal"): PATIENT_PAGE,
    ("GET", "/personal/patient/{person_pk}/sammanhallen"): PATIENT_PAGE,
    ("POST", "/personal/patient/{person_pk}/journal"): expect(403),
    ("POST", "/personal/patient/{person_pk}/sammanhallen/samtycke"): expect(403),
    ("POST", "/personal/patient/{person_pk}/sammanhallen/nodatkomst"): expect(403),
    ("GET", "/personal/logg"): expect(403, anon=303, citizen=303, reviewer=200, ended=409),
    ("GET", "/personal/granskning"): LOG_REVIEW_PAGE,
    ("GET", "/personal/granskning/rapport.csv"): LOG_REVIEW_PAGE,
    ("GET", "/personal/granskning/{seq}"): LOG_REVIEW_PAGE,
    ("POST", "/personal/granskning/{seq}"): expect(403),
    ("GET", "/personal/uppfoljning"): FOLLOWUP_PAGE,
    ("GET", "/personal/uppfoljning/rapport.csv"): FOLLOWUP_PAGE,
    ("GET", "/planering"): PLANNING_PAGE,
    ("GET", "/planering/halsoundersokningar"): PLANNING_PAGE,
    ("GET", "/planering/psykisk-halsa"): PLANNING_PAGE,
    ("GET", "/planering/ovrig-vard"): PLANNING_PAGE,
    ("GET", "/planering/datakvalitet"): PLANNING_PAGE,
    ("GET", "/planering/uppladdning"): PLANNING_PAGE,
    ("GET", "/planering/scenarier"): PLANNING_PAGE,
    ("GET", "/planering/scenarier/jamfor"): expect(
        403, anon=303, citizen=303, admin=400, planner=400, ended=409
    ),
    # No scenario 1 in the demo world: planners get the 404 of their own scope.
    ("GET", "/planering/scenarier/{scenario_id}"): expect(
        403, anon=303, citizen=303, admin=404, planner=404, ended=409
    ),
    ("POST", "/planering/uppladdning"): expect(403),
    # An upload job is seen only by the session that started it: no such job here.
    ("GET", "/planering/uppladdning/jobb/{ref}"): expect(
        403, anon=303, citizen=303, admin=404, planner=404, ended=409
    ),
    ("POST", "/planering/scenarier"): expect(403),
    ("POST", "/planering/scenarier/{scenario_id}"): expect(403),
    ("POST", "/planering/scenarier/{scenario_id}/ta-bort"): expect(403),
    ("GET", "/api/v1/planering/{view}"): PLANNING_API,
    # Contacts: the queue for clinicians; a contact needs a care relation (none in the demo).
    ("GET", "/personal/kontakter"): expect(403, anon=303, citizen=303, nurse=200, ended=409),
    ("GET", "/personal/kontakter/{ref}"): CONTACT_STAFF,
    ("GET", "/personal/kontakter/{ref}/chatt/strom"): CONTACT_STAFF,
    ("POST", "/personal/kontakter/{ref}/ta"): expect(403),
    ("POST", "/personal/kontakter/{ref}/chatt"): expect(403),
    ("POST", "/personal/kontakter/{ref}/boka"): expect(403),
    ("POST", "/personal/kontakter/{ref}/avsluta"): expect(403),
    # Symptom assessment: an unknown ref is 404 for a citizen; forms need the CSRF token.
    ("GET", "/mina-sidor/bedomning"): CITIZEN_PAGE,
    ("POST", "/mina-sidor/bedomning"): expect(403),
    ("GET", "/mina-sidor/bedomning/{ref}/besvar"): expect(303, citizen=404),
    ("POST", "/mina-sidor/bedomning/{ref}/besvar"): expect(403),
    ("GET", "/mina-sidor/bedomning/{ref}/fraga"): expect(303, citizen=404),
    ("POST", "/mina-sidor/bedomning/{ref}/fraga"): expect(403),
    ("POST", "/mina-sidor/bedomning/{ref}/andra"): expect(403),
    ("GET", "/mina-sidor/bedomning/{ref}/resultat"): expect(303, citizen=404),
    ("POST", "/mina-sidor/bedomning/{ref}/kontakta"): expect(403),
    ("GET", "/api/v1/me/assessments/{ref}"): expect(401, citizen=404),
    ("POST", "/api/v1/me/assessments"): expect(403),
    ("POST", "/api/v1/me/assessments/{ref}/complaint"): expect(403),
    ("POST", "/api/v1/me/assessments/{ref}/answers"): expect(403),
    ("GET", "/mina-sidor/kontakter"): CITIZEN_PAGE,
    ("GET", "/mina-sidor/kontakter/{ref}"): expect(303, citizen=404),
    ("GET", "/mina-sidor/kontakter/{ref}/chatt/strom"): expect(303, citizen=404),
    ("POST", "/mina-sidor/kontakter/{ref}/chatt"): expect(403),
    ("GET", "/admin/katalog"): ADMIN_PAGE,
    ("GET", "/admin/katalog/region/{code}"): ADMIN_PAGE,
    ("GET", "/admin/katalog/enhet/{unit_id}"): ADMIN_PAGE,
    ("GET", "/admin/katalog/ny-enhet"): ADMIN_PAGE,
    ("GET", "/admin/styrning"): ADMIN_PAGE,
    ("GET", "/admin/styrning/version/{version}"): ADMIN_PAGE,
    ("GET", "/api/v1/me"): expect(200, anon=401),
    ("GET", "/api/v1/me/access-log"): expect(401, citizen=200),
    ("GET", "/api/v1/patients/{person_id}"): expect(
        403, anon=401, citizen=401, nurse=200, ended=409
    ),
    ("GET", "/api/v1/directory/regions"): DIRECTORY_API,
    ("GET", "/api/v1/directory/municipalities"): DIRECTORY_API,
    ("GET", "/api/v1/directory/units"): DIRECTORY_API,
    ("GET", "/fhir/metadata"): PUBLIC,
    ("GET", "/fhir/Patient/{patient_id}"): PATIENT_FHIR,
    ("GET", "/fhir/Patient"): PATIENT_FHIR,
    ("GET", "/fhir/Organization/{org_id}"): DIRECTORY_API,
    ("GET", "/fhir/Organization"): DIRECTORY_API,
    ("GET", "/fhir/Practitioner/{staff_id}"): STAFF_DIRECTORY,
    ("GET", "/fhir/Practitioner"): STAFF_DIRECTORY,
    ("GET", "/fhir/PractitionerRole"): STAFF_DIRECTORY,
    ("GET", "/fhir/AuditEvent"): expect(403, anon=401, citizen=200, reviewer=200),
    # Forms without a valid CSRF token are refused before anything else happens.
    ("POST", "/login/test"): expect(403),
    ("POST", "/personal/login/test"): expect(403),
    ("POST", "/personal/enhet"): expect(403),
    ("POST", "/personal/sok"): expect(403),
    ("POST", "/admin/katalog/ny-enhet"): expect(403),
    ("POST", "/admin/styrning/forhandsgranska"): expect(403),
    ("POST", "/admin/styrning/publicera"): expect(403),
    ("POST", "/logout"): expect(403),
    ("POST", "/api/v1/identity/validate"): expect(200, anon=401),
    # Node-to-node API: a signed node assertion, never a browser session, gets in.
    ("GET", "/federation/v1/fhir/{resource_type}"): expect(401),
    ("POST", "/federation/v1/lookup"): expect(401),
    ("POST", "/federation/v1/engagements"): expect(401),
}


def _flatten(routes: list[Any]) -> Iterator[Any]:
    # FastAPI keeps included routers nested; expand them to the routes they serve.
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            yield from contexts()
        else:
            yield route


def app_routes(client: TestClient) -> set[tuple[str, str]]:
    found = set()
    for route in _flatten(client.app.routes):  # type: ignore[attr-defined]
        methods = getattr(route, "methods", None) or set()
        found |= {(m, route.path) for m in methods if m not in {"HEAD", "OPTIONS"}}
    return found


def test_every_route_has_an_expectation(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    routes = app_routes(client)
    assert routes - set(EXPECTED) == set(), "new route without an access expectation"
    assert set(EXPECTED) - routes == set(), "expectation for a route that no longer exists"


def _samples(world: Database) -> dict[str, str]:
    with world.sessions() as session:
        citizen = session.scalar(
            select(Person).where(Person.person_id == personas.CITIZEN.person_id)
        )
        unit = session.scalar(select(Unit).where(Unit.hsa_id == personas.VARDCENTRAL_UNIT))
        nurse = session.scalar(select(Staff).where(Staff.hsa_id == personas.NURSE.hsa_id))
        assert citizen and unit and nurse
        return {
            "person_pk": str(citizen.id),
            "patient_id": str(citizen.id),
            "person_id": citizen.person_id,
            "code": "01",
            "unit_id": str(unit.id),
            "org_id": f"unit-{unit.id}",
            "resource_type": "MedicationStatement",
            "staff_id": str(nurse.id),
            "consent_id": "1",
            "block_id": "1",
            "seq": str(_reviewable_seq(session)),
            "version": "1",
            "ref": "00000000-0000-4000-8000-000000000000",
            "scenario_id": "1",
            "view": "oversikt",
        }


def _reviewable_seq(session: Session) -> int:
    """An access at the log reviewer's care giver (Region Stockholm)."""
    seq = session.scalar(
        select(func.min(AuditEntry.seq)).where(
            AuditEntry.care_giver_hsaid == f"{personas.STOCKHOLM_REGION}-VG"
        )
    )
    assert seq is not None
    return int(seq)


QUERIES = {
    "/fhir/Patient": "identifier=urn:oid:1.2.752.129.2.1.3.1|{person_id}",
    "/fhir/Organization": f"identifier=urn:oid:1.2.752.29.4.19|{personas.VARDCENTRAL_UNIT}",
    "/fhir/Practitioner": f"identifier={personas.NURSE.hsa_id}",
    "/fhir/PractitionerRole": "practitioner=Practitioner/{staff_id}",
    "/fhir/AuditEvent": "patient=Patient/{patient_id}",
    "/api/v1/directory/units": "region=01",
    "/mina-sidor/sparrar/ny": f"vardgivare={personas.STOCKHOLM_REGION}-VG",
}


def _client_as(world: Database, role: str) -> TestClient:
    client = client_for(world)
    if role == "citizen":
        login_citizen(client, personas.CITIZEN.person_id)
    elif role in STAFF_ROLES:
        persona = STAFF_ROLES[role]
        login_staff(client, persona.hsa_id, persona.units[0])
    return client


@pytest.fixture
def clients(world: Database) -> Iterator[dict[str, TestClient]]:
    return {role: _client_as(world, role) for role in ROLES}


@pytest.mark.db
def test_every_route_with_every_role(world: Database, clients: dict[str, TestClient]) -> None:
    samples = _samples(world)
    failures = []
    for (method, template), expected in sorted(EXPECTED.items()):
        url = template.format(**samples)
        if template in QUERIES:
            url += "?" + QUERIES[template].format(**samples)
        for role in ROLES:
            client = clients[role]
            if method == "GET":
                response = client.get(url)
            elif method == "DELETE":
                response = client.delete(url)
            elif template.startswith("/api/"):
                response = client.post(url, json={"identifiers": [personas.CITIZEN.person_id]})
            else:
                response = client.post(url, data={"csrf_token": "forged"})
            if response.status_code != expected[role]:
                failures.append(
                    f"{method} {url} as {role}: {response.status_code} != {expected[role]}"
                )
    assert not failures, "\n".join(failures)
