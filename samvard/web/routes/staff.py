"""The staff portal: patients at my unit, one patient's details, log review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samvard.access.guard import AccessDenied, check, record_shown
from samvard.access.queries import list_care_giver_log, list_unit_patients
from samvard.access.schemas import AccessRequest, InfoSet, Purpose
from samvard.core.db import utcnow
from samvard.directory.models import Role
from samvard.identity.models import Person
from samvard.identity.numbers import InvalidPersonId, parse_person_id
from samvard.identity.queries import get_person, get_person_by_person_id
from samvard.web.deps import Csrf, Db, Login, PathId, StaffAtUnit
from samvard.web.errors import WebError
from samvard.web.templating import render

router = APIRouter()
PATIENTS_PER_PAGE = 50


def care_purpose(login: Login) -> Purpose:
    """Municipal care staff act for social care; everyone else for health care."""
    role = login.assignment.role if login.assignment else None
    return Purpose.SOCIAL_CARE if role is Role.CARE_STAFF else Purpose.CARE


def check_lookup(db: Db, login: Login, person: Person | None) -> None:
    """Only care roles may look patients up: the answer reveals whether someone exists.

    Decided before anything is revealed, and logged with the patient when there is one,
    so the lookup shows on the patient's "Vem har läst om mig?".
    """
    actor = login.actor
    request = AccessRequest(
        actor=actor,
        info=InfoSet.PATIENT_LOOKUP,
        purpose=care_purpose(login),
        unit_id=actor.unit_id,
        patient_pk=person.id if person else None,
    )
    check(db, request)


@router.get("/personal", response_class=HTMLResponse)
def staff_home(
    request: Request, db: Db, login: StaffAtUnit, sida: Annotated[int, Query(ge=1, le=10_000)] = 1
) -> HTMLResponse:
    """The unit's start page, with a page of its patients when the role may see them.

    Paged because every name shown is logged as an access to that patient.
    """
    assert login.assignment is not None
    patients, total = None, 0
    if login.assignment.role in (Role.CLINICIAN, Role.CARE_STAFF):
        unit_id = login.assignment.unit_id
        listing = AccessRequest(
            actor=login.actor,
            info=InfoSet.PATIENT_LIST,
            purpose=care_purpose(login),
            unit_id=unit_id,
        )
        decision = check(db, listing)
        offset = (sida - 1) * PATIENTS_PER_PAGE
        patients, total = list_unit_patients(
            db, unit_id=unit_id, limit=PATIENTS_PER_PAGE, offset=offset
        )
        record_shown(db, listing, decision, patients)
    pages = max(1, -(-total // PATIENTS_PER_PAGE))
    context = {"patients": patients, "total": total, "page": sida, "pages": pages}
    return render(request, "staff_home.html", context)


@router.post("/personal/sok", dependencies=[Csrf])
def find_patient(
    request: Request, db: Db, login: StaffAtUnit, personnummer: Annotated[str, Form(max_length=20)]
) -> Response:
    """Look a patient up by identifier; the patient page decides what may be shown."""
    try:
        pid = parse_person_id(personnummer)
    except InvalidPersonId as exc:
        raise WebError(400, "invalid_person_id", f"Ogiltigt personnummer: {exc.reason}") from exc
    person = get_person_by_person_id(db, pid.normalized)
    check_lookup(db, login, person)
    if person is None:
        raise WebError(404, "unknown_patient", "Det finns ingen patient med det personnumret.")
    return RedirectResponse(f"/personal/patient/{person.id}", status_code=303)


@router.get("/personal/patient/{person_pk}", response_class=HTMLResponse)
def patient_page(request: Request, db: Db, login: StaffAtUnit, person_pk: PathId) -> HTMLResponse:
    """One patient's details, as far as the policy allows."""
    person = get_person(db, person_pk)
    if person is None:
        check_lookup(db, login, None)  # non-care roles get the same 403 as for a real patient
        raise WebError(404, "unknown_patient", "Patienten finns inte.")
    show_protected = check_demographics(db, login, person)
    context = {"person": person, "show_protected": show_protected, "today": utcnow().date()}
    return render(request, "patient.html", context)


def check_demographics(db: Db, login: Login, person: Person) -> bool:
    """Decide and log a staff read of the patient's details.

    Returns whether the protected ones (name and address) may be shown as well.
    """
    check(
        db,
        AccessRequest(
            actor=login.actor,
            info=InfoSet.DEMOGRAPHICS,
            purpose=care_purpose(login),
            patient_pk=person.id,
        ),
    )
    return not person.protected_identity or may_see_protected(db, login, person.id)


def may_see_protected(db: Db, login: Login, person_pk: int) -> bool:
    try:
        check(
            db,
            AccessRequest(
                actor=login.actor,
                info=InfoSet.PROTECTED_DETAILS,
                purpose=care_purpose(login),
                patient_pk=person_pk,
            ),
        )
    except AccessDenied:
        return False
    return True


@router.get("/personal/logg", response_class=HTMLResponse)
def log_review(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    utfall: Annotated[str | None, Query(pattern="^(allowed|denied)$")] = None,
) -> HTMLResponse:
    """Systematic log review for the care giver the reviewer works for."""
    assert login.assignment is not None
    check(
        db, AccessRequest(actor=login.actor, info=InfoSet.AUDIT_REVIEW, purpose=Purpose.LOG_REVIEW)
    )
    care_giver = login.assignment.unit.care_giver
    entries = list_care_giver_log(db, care_giver_hsaid=care_giver.hsa_id, outcome=utfall)
    return render(
        request,
        "log_review.html",
        {"entries": entries, "care_giver": care_giver, "outcome": utfall},
    )
