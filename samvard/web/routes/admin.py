"""Administration of the organisation directory: regions, municipalities, care givers, units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samvard.access.guard import check
from samvard.access.schemas import AccessRequest, Action, InfoSet, Purpose
from samvard.core.db import utcnow
from samvard.directory import actions, queries
from samvard.directory.hsaid import InvalidHsaId
from samvard.directory.models import UNIT_KINDS
from samvard.web.deps import Csrf, Db, Login, PathId, StaffAtUnit
from samvard.web.errors import WebError
from samvard.web.templating import render

router = APIRouter(prefix="/admin")


def _admin(db: Db, login: Login, action: Action = Action.READ) -> None:
    check(
        db,
        AccessRequest(
            actor=login.actor,
            info=InfoSet.DIRECTORY_ADMIN,
            purpose=Purpose.ADMINISTRATION,
            action=action,
        ),
    )


@router.get("/katalog", response_class=HTMLResponse)
def directory_overview(request: Request, db: Db, login: StaffAtUnit) -> HTMLResponse:
    """All 21 regions with their municipalities and units."""
    _admin(db, login)
    return render(request, "admin_regions.html", {"regions": queries.list_region_summaries(db)})


@router.get("/katalog/region/{code}", response_class=HTMLResponse)
def region_page(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    code: Annotated[str, Path(pattern=r"^\d{2}$")],
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """One region: municipalities, care givers and units (filterable)."""
    _admin(db, login)
    region = queries.get_region(db, code)
    if region is None:
        raise WebError(404, "unknown_region", "Regionen finns inte.")
    context = {
        "region": region,
        "q": q or "",
        "municipalities": queries.list_municipalities(db, region_code=code),
        "care_givers": queries.list_care_givers(db, region_code=code),
        "units": queries.list_units(db, region_code=code, text=q),
        "kinds": UNIT_KINDS,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "_unit_rows.html", context)
    return render(request, "admin_region.html", context)


@router.get("/katalog/enhet/{unit_id}", response_class=HTMLResponse)
def unit_page(request: Request, db: Db, login: StaffAtUnit, unit_id: PathId) -> HTMLResponse:
    """One unit and everyone assigned to it."""
    _admin(db, login)
    unit = queries.get_unit(db, unit_id)
    if unit is None:
        raise WebError(404, "unknown_unit", "Enheten finns inte.")
    assignments = queries.list_unit_assignments(db, unit_id=unit_id)
    return render(
        request,
        "admin_unit.html",
        {"unit": unit, "assignments": assignments, "kinds": UNIT_KINDS, "today": utcnow().date()},
    )


@router.get("/katalog/ny-enhet", response_class=HTMLResponse)
def new_unit_form(request: Request, db: Db, login: StaffAtUnit) -> HTMLResponse:
    """Form for registering a unit under the administrator's own care giver."""
    _admin(db, login)
    return _unit_form(request, db, login, {}, {})


def _unit_form(
    request: Request,
    db: Db,
    login: Login,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    assert login.assignment is not None
    care_giver = login.assignment.unit.care_giver
    municipalities = queries.list_municipalities(db, region_code=care_giver.region_code)
    return render(
        request,
        "admin_new_unit.html",
        {
            "care_giver": care_giver,
            "municipalities": municipalities,
            "kinds": UNIT_KINDS,
            "values": values,
            "errors": errors,
        },
        status=status,
    )


@router.post("/katalog/ny-enhet", dependencies=[Csrf])
def create_unit(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    hsa_id: Annotated[str, Form(max_length=64)],
    namn: Annotated[str, Form(max_length=200)],
    kommun: Annotated[str, Form(max_length=4)],
    typ: Annotated[str, Form(max_length=40)],
) -> Response:
    """Register the unit, or show the form again with the problems in Swedish."""
    _admin(db, login, Action.WRITE)
    assert login.assignment is not None
    assert login.staff is not None
    values = {"hsa_id": hsa_id, "namn": namn, "kommun": kommun, "typ": typ}
    municipality = next((m for m in queries.list_municipalities(db) if m.code == kommun), None)
    errors = _unit_input_errors(municipality is not None, typ)
    if not errors and municipality is not None:
        try:
            unit = actions.create_unit(
                db,
                actor_id=login.staff.hsa_id,
                care_giver=login.assignment.unit.care_giver,
                municipality=municipality,
                hsa_id=hsa_id,
                name=namn,
                kind=typ,
            )
            return RedirectResponse(f"/admin/katalog/enhet/{unit.id}", status_code=303)
        except InvalidHsaId as exc:
            errors["hsa_id"] = exc.reason
        except actions.DirectoryError as exc:
            errors[exc.field] = exc.message
    return _unit_form(request, db, login, values, errors, status=400)


def _unit_input_errors(municipality_ok: bool, kind: str) -> dict[str, str]:
    errors = {}
    if not municipality_ok:
        errors["kommun"] = "Välj en kommun i listan."
    if kind not in UNIT_KINDS:
        errors["typ"] = "Välj en verksamhetstyp i listan."
    return errors
