"""The FHIR R4 read API: Patient, Organization, Practitioner, PractitionerRole, AuditEvent."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from fhir.resources.R4B.resource import Resource
from sqlalchemy import select

from samvard.access.guard import check, check_own
from samvard.access.schemas import AccessRequest, ActorKind, InfoSet, Purpose
from samvard.core.audit import AuditEntry
from samvard.core.db import utcnow
from samvard.directory import queries as directory
from samvard.directory.models import Role
from samvard.fhir import mapping
from samvard.fhir.systems import HSA_ID, PERSONNUMMER, RESERVNUMMER, SAMORDNINGSNUMMER
from samvard.identity.models import Person
from samvard.identity.numbers import InvalidPersonId, parse_person_id
from samvard.identity.queries import get_person, get_person_by_person_id
from samvard.web.deps import Db, Login, OptionalLogin, PathId
from samvard.web.errors import LoginRequired, WebError
from samvard.web.routes.staff import check_demographics, check_lookup

router = APIRouter(prefix="/fhir", tags=["fhir"])
FHIR_JSON = "application/fhir+json"
PERSON_SYSTEMS = {PERSONNUMMER, SAMORDNINGSNUMMER, RESERVNUMMER}
_PATIENT_REF = re.compile(r"^(?:Patient/)?(\d{1,9})$")


def _fhir(resource: Resource, status: int = 200) -> JSONResponse:
    return JSONResponse(mapping.to_json(resource), status_code=status, media_type=FHIR_JSON)


def _base(request: Request) -> str:
    # The configured public address, not the one the request arrived on: behind a TLS
    # terminating load balancer the latter would be an internal http:// address.
    return str(request.app.state.settings.public_base_url).rstrip("/") + "/fhir"


def _bundle(request: Request, resources: list[Any]) -> JSONResponse:
    base = _base(request)
    return _fhir(
        mapping.bundle_searchset(
            resources,
            base_url=base,
            self_url=_base(request)
            + request.url.path.removeprefix("/fhir")
            + ("?" + request.url.query if request.url.query else ""),
        )
    )


def _login(login: Login | None) -> Login:
    if login is None:
        raise LoginRequired("/login", "Inloggning krävs för FHIR-API:t.")
    return login


@router.get("/metadata")
def metadata(request: Request) -> JSONResponse:
    """The CapabilityStatement: what this server supports."""
    base = _base(request)
    return _fhir(mapping.capability_statement(base, software_version="0.1.0"))


def _patient_json(db: Db, login: Login, person: Person) -> Resource:
    actor = login.actor
    if actor.kind is ActorKind.CITIZEN:
        check_own(db, actor=actor, info=InfoSet.DEMOGRAPHICS, patient_pk=person.id)
        return mapping.patient_resource(person, show_protected=True)
    shown = check_demographics(db, login, person)
    return mapping.patient_resource(person, show_protected=shown)


@router.get("/Patient/{patient_id}")
def read_patient(db: Db, login: OptionalLogin, patient_id: PathId) -> JSONResponse:
    """One Patient, as far as the access policy allows."""
    current = _login(login)
    person = get_person(db, patient_id)
    if person is None:
        _gate_lookup(db, current, None)  # the same 403 as for a real patient, where due
        raise WebError(404, "not_found", "Patienten finns inte.")
    return _fhir(_patient_json(db, current, person))


@router.get("/Patient")
def search_patient(
    request: Request,
    db: Db,
    login: OptionalLogin,
    identifier: Annotated[str, Query(max_length=80, description="system|value")],
) -> JSONResponse:
    """Patient?identifier=urn:oid:1.2.752.129.2.1.3.1|YYYYMMDDNNNN."""
    _only_params(request, {"identifier"})
    current = _login(login)
    system, _, value = identifier.rpartition("|")
    if system and system not in PERSON_SYSTEMS:
        raise WebError(422, "invalid", "Identifierarsystemet stöds inte för Patient.")
    try:
        pid = parse_person_id(value)
    except InvalidPersonId as exc:
        raise WebError(422, "invalid", f"Ogiltig identifierare: {exc.reason}") from exc
    person = get_person_by_person_id(db, pid.normalized)
    if person is None:
        _gate_lookup(db, current, None)
    found = [_patient_json(db, current, person)] if person else []
    return _bundle(request, found)


def _gate_lookup(db: Db, login: Login, person: Person | None) -> None:
    # Whether a patient exists is itself personal data: a search that finds nobody must
    # answer as a search that finds someone would (403 for those without a ground).
    if login.actor.kind is ActorKind.STAFF:
        check_lookup(db, login, person)
    else:
        request = AccessRequest(
            actor=login.actor,
            info=InfoSet.DEMOGRAPHICS,
            purpose=Purpose.OWN_RECORDS,
            patient_pk=person.id if person else None,
        )
        check(db, request)


def _only_params(request: Request, supported: set[str]) -> None:
    unknown = set(request.query_params) - supported
    if unknown:
        names = ", ".join(sorted(unknown))
        raise WebError(400, "unsupported_search", f"Sökparametrarna stöds inte: {names}")


def _directory(db: Db, login: Login | None, info: InfoSet = InfoSet.DIRECTORY) -> None:
    # Organisations are public; staff (Practitioner, PractitionerRole) are for staff only.
    actor = _login(login).actor
    check(db, AccessRequest(actor=actor, info=info, purpose=Purpose.ADMINISTRATION))


@router.get("/Organization/{org_id}")
def read_organization(db: Db, login: OptionalLogin, org_id: str) -> JSONResponse:
    """A care giver (`cg-N`) or a unit (`unit-N`)."""
    _directory(db, login)
    kind, _, number = org_id.partition("-")
    if number.isdigit() and len(number) <= 9 and kind == "cg":
        care_giver = directory.get_care_giver(db, int(number))
        if care_giver is not None:
            return _fhir(mapping.organization_resource(care_giver))
    if number.isdigit() and len(number) <= 9 and kind == "unit":
        unit = directory.get_unit(db, int(number))
        if unit is not None:
            return _fhir(mapping.unit_organization_resource(unit))
    raise WebError(404, "not_found", "Organisationen finns inte.")


@router.get("/Organization")
def search_organization(
    request: Request,
    db: Db,
    login: OptionalLogin,
    identifier: Annotated[str, Query(max_length=80)],
) -> JSONResponse:
    """Organization?identifier=urn:oid:1.2.752.29.4.19|HSA-id."""
    _only_params(request, {"identifier"})
    _directory(db, login)
    hsa_id = _hsa_value(identifier)
    found: list[Any] = []
    unit = directory.get_unit_by_hsa_id(db, hsa_id)
    if unit is not None:
        found.append(mapping.unit_organization_resource(unit))
    care_giver = directory.get_care_giver_by_hsa_id(db, hsa_id)
    if care_giver is not None:
        found.append(mapping.organization_resource(care_giver))
    return _bundle(request, found)


def _hsa_value(identifier: str) -> str:
    system, sep, value = identifier.partition("|")
    if sep and system and system != HSA_ID:
        raise WebError(422, "invalid", "Endast HSA-id stöds som identifierare.")
    return (value if sep else system).strip().upper()


@router.get("/Practitioner/{staff_id}")
def read_practitioner(db: Db, login: OptionalLogin, staff_id: PathId) -> JSONResponse:
    """One Practitioner (member of staff)."""
    _directory(db, login, InfoSet.STAFF_DIRECTORY)
    staff = directory.get_staff(db, staff_id)
    if staff is None:
        raise WebError(404, "not_found", "Medarbetaren finns inte.")
    return _fhir(mapping.practitioner_resource(staff))


@router.get("/Practitioner")
def search_practitioner(
    request: Request,
    db: Db,
    login: OptionalLogin,
    identifier: Annotated[str, Query(max_length=80)],
) -> JSONResponse:
    """Practitioner?identifier=urn:oid:1.2.752.29.4.19|HSA-id."""
    _only_params(request, {"identifier"})
    _directory(db, login, InfoSet.STAFF_DIRECTORY)
    staff = directory.get_staff_by_hsa_id(db, _hsa_value(identifier))
    return _bundle(request, [mapping.practitioner_resource(staff)] if staff else [])


@router.get("/PractitionerRole")
def search_practitioner_role(
    request: Request,
    db: Db,
    login: OptionalLogin,
    practitioner: Annotated[str, Query(pattern=r"^(Practitioner/)?\d{1,9}$")],
) -> JSONResponse:
    """PractitionerRole?practitioner=Practitioner/N: the staff member's assignments."""
    _only_params(request, {"practitioner"})
    _directory(db, login, InfoSet.STAFF_DIRECTORY)
    staff_id = int(practitioner.rsplit("/", 1)[-1])
    today = utcnow().date()
    roles = [
        mapping.practitioner_role_resource(a, today=today)
        for a in directory.list_assignments(db, staff_id=staff_id)
    ]
    return _bundle(request, roles)


@router.get("/AuditEvent")
def search_audit_events(
    request: Request,
    db: Db,
    login: OptionalLogin,
    patient: Annotated[str, Query(max_length=40)],
    count: Annotated[int, Query(alias="_count", ge=1, le=500)] = 100,
) -> JSONResponse:
    """AuditEvent?patient=Patient/N: for the patient themself or a log reviewer."""
    _only_params(request, {"patient", "_count"})
    current = _login(login)
    match = _PATIENT_REF.match(patient)
    person = get_person(db, int(match.group(1))) if match else None
    query = _audit_query(db, current, person)  # decided before revealing existence
    if person is None:
        raise WebError(404, "not_found", "Patienten finns inte.")
    query = query.where(AuditEntry.patient_id == person.person_id)
    entries = db.scalars(query.order_by(AuditEntry.seq.desc()).limit(count)).all()
    return _bundle(request, [mapping.audit_event_resource(e) for e in entries])


def _audit_query(db: Db, login: Login, person: Person | None) -> Any:
    actor = login.actor
    patient_pk = person.id if person else None
    query = select(AuditEntry)
    if actor.kind is ActorKind.CITIZEN:
        own = AccessRequest(
            actor=actor, info=InfoSet.ACCESS_LOG, purpose=Purpose.OWN_RECORDS, patient_pk=patient_pk
        )
        check(db, own)
        # The same view as "Vem har läst om mig?": accesses by others.
        return query.where(AuditEntry.actor_id != actor.id)
    review = AccessRequest(
        actor=actor, info=InfoSet.AUDIT_REVIEW, purpose=Purpose.LOG_REVIEW, patient_pk=patient_pk
    )
    check(db, review)
    # A reviewer sees the log of their own care giver only.
    assert login.assignment is not None
    assert login.assignment.role is Role.LOG_REVIEWER
    return query.where(AuditEntry.care_giver_hsaid == actor.care_giver_hsaid)
