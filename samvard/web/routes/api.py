"""The JSON API (OpenAPI at /api/openapi.json)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from samvard.access import explain
from samvard.access.guard import check, check_own
from samvard.access.queries import list_access_log
from samvard.access.schemas import AccessRequest, InfoSet, Purpose
from samvard.directory import queries as directory
from samvard.identity.numbers import InvalidPersonId, parse_person_id
from samvard.identity.queries import get_person_by_person_id
from samvard.web import schemas
from samvard.web.deps import CitizenLogin, Db, Login, OptionalLogin, StaffAtUnit
from samvard.web.errors import LoginRequired, WebError
from samvard.web.routes.staff import check_demographics, check_lookup

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": schemas.ErrorResponse} for code in (400, 401, 403, 404, 413, 422)
}
router = APIRouter(prefix="/api/v1", responses=_ERRORS)


def _logged_in(login: Login | None) -> Login:
    if login is None:
        raise LoginRequired("/login")
    return login


@router.get("/me", response_model=schemas.MeOut)
def me(request: Request, login: OptionalLogin) -> schemas.MeOut:
    """The logged-in user, for staff the unit they work at, and the token for API writes."""
    current = _logged_in(login)
    cookie = getattr(request.state, "csrf_cookie", "")
    actor = current.actor
    named = current.person or current.staff
    assignment = current.assignment
    return schemas.MeOut(
        kind=actor.kind.value,
        id=actor.id,
        name=named.display_name if named else "",
        role=actor.role.value if actor.role else None,
        unit_hsa_id=actor.unit_hsaid,
        unit_name=assignment.unit.name if assignment else None,
        csrf_token=request.app.state.signer.csrf_token(cookie) if cookie else None,
    )


@router.get("/me/access-log", response_model=schemas.AccessLogOut)
def my_access_log(
    db: Db,
    login: CitizenLogin,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> schemas.AccessLogOut:
    """Who has read about me: accesses by others, newest first."""
    assert login.person is not None
    check_own(db, actor=login.actor, info=InfoSet.ACCESS_LOG, patient_pk=login.person.id)
    rows, total = list_access_log(db, patient_id=login.person.person_id, limit=limit, offset=offset)
    items = [
        schemas.AccessOut(
            time=r.entry.recorded_at,
            outcome=r.entry.outcome,
            who=r.staff_name,
            role=r.entry.actor_role,
            unit=r.unit_name,
            care_giver=r.care_giver_name,
            information=explain.explain_resource(r.entry),
            reason=explain.explain_reason(r.entry),
        )
        for r in rows
    ]
    return schemas.AccessLogOut(total=total, items=items)


@router.get("/patients/{person_id}", response_model=schemas.PatientOut)
def patient(db: Db, login: StaffAtUnit, person_id: str) -> schemas.PatientOut:
    """A patient's demographics by personnummer, samordningsnummer or reservnummer."""
    try:
        pid = parse_person_id(person_id)
    except InvalidPersonId as exc:
        raise WebError(400, "invalid_person_id", exc.reason) from exc
    person = get_person_by_person_id(db, pid.normalized)
    if person is None:
        check_lookup(db, login, None)  # non-care roles get the same 403 as for a real patient
        raise WebError(404, "unknown_patient", "Det finns ingen patient med det personnumret.")
    shown = check_demographics(db, login, person)
    return schemas.PatientOut(
        person_id=person.person_id,
        kind=person.id_kind,
        birth_date=person.birth_date,
        sex=person.sex,
        protected_identity=person.protected_identity,
        given_name=person.given_name if shown else None,
        family_name=person.family_name if shown else None,
        street_address=person.street_address if shown else None,
        postal_code=person.postal_code if shown else None,
        city=person.city if shown else None,
    )


def _directory_reader(db: Db, login: Login | None) -> None:
    check(
        db,
        AccessRequest(
            actor=_logged_in(login).actor, info=InfoSet.DIRECTORY, purpose=Purpose.ADMINISTRATION
        ),
    )


@router.get("/directory/regions", response_model=list[schemas.RegionOut])
def regions(db: Db, login: OptionalLogin) -> list[schemas.RegionOut]:
    """All regions with their municipality and unit counts."""
    _directory_reader(db, login)
    return [
        schemas.RegionOut(
            code=s.region.code,
            name=s.region.name,
            county=s.region.county_name,
            municipalities=s.municipalities,
            units=s.units,
        )
        for s in directory.list_region_summaries(db)
    ]


@router.get("/directory/municipalities", response_model=list[schemas.MunicipalityOut])
def municipalities(
    db: Db, login: OptionalLogin, region: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None
) -> list[schemas.MunicipalityOut]:
    """Municipalities, optionally of one region."""
    _directory_reader(db, login)
    return [
        schemas.MunicipalityOut(
            code=m.code, name=m.name, region_code=m.region_code, population=m.population
        )
        for m in directory.list_municipalities(db, region_code=region)
    ]


@router.get("/directory/units", response_model=list[schemas.UnitOut])
def units(
    db: Db,
    login: OptionalLogin,
    region: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    municipality: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[schemas.UnitOut]:
    """Units filtered by region, municipality or a name/HSA-id fragment."""
    _directory_reader(db, login)
    found = directory.list_units(
        db, region_code=region, municipality_code=municipality, text=q, limit=limit
    )
    return [
        schemas.UnitOut(
            id=u.id,
            hsa_id=u.hsa_id,
            name=u.name,
            kind=u.kind,
            municipality_code=u.municipality_code,
            care_giver_hsa_id=u.care_giver.hsa_id,
            care_giver_name=u.care_giver.name,
        )
        for u in found
    ]


@router.post("/identity/validate", response_model=list[schemas.ValidateOut])
def validate_identifiers(
    body: schemas.ValidateIn, login: OptionalLogin
) -> list[schemas.ValidateOut]:
    """Validate personnummer, samordningsnummer and reservnummer; nothing is stored."""
    _logged_in(login)
    return [_validate_one(text) for text in body.identifiers]


def _validate_one(text: str) -> schemas.ValidateOut:
    try:
        pid = parse_person_id(text)
    except InvalidPersonId as exc:
        return schemas.ValidateOut(input=text, valid=False, error=exc.reason)
    return schemas.ValidateOut(
        input=text,
        valid=True,
        kind=pid.kind.value,
        normalized=pid.normalized,
        birth_date=pid.birth_date,
        sex=pid.sex,
    )
