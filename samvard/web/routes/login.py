"""Login and logout: test e-ID and OIDC for citizens, test login and OIDC for staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samvard.auth import actions as auth_actions
from samvard.core.db import utcnow
from samvard.directory import queries as directory
from samvard.identity.numbers import InvalidPersonId, parse_person_id
from samvard.reference.loaders import test_personnummer, test_samordningsnummer
from samvard.web import sessions
from samvard.web.deps import Csrf, Db, FormId, OptionalLogin, StaffLogin, settings_of
from samvard.web.errors import WebError
from samvard.web.templating import render

router = APIRouter()

_MESSAGES = {
    "login_required": "Logga in för att fortsätta.",
    "idle": "Du har loggats ut efter en stunds inaktivitet.",
    "max_age": "Du har varit inloggad länge och behöver logga in igen.",
    "logged_out": "Du är utloggad.",
}


def _require_test_logins(request: Request) -> None:
    if not settings_of(request).test_logins:
        raise WebError(404, "http_404", "Det du letar efter finns inte.")


@router.get("/login", response_class=HTMLResponse)
def citizen_login_page(request: Request, meddelande: str | None = None) -> HTMLResponse:
    """Choose how to identify yourself."""
    return render(request, "login_citizen.html", {"message": _MESSAGES.get(meddelande or "")})


@router.get("/login/test", response_class=HTMLResponse)
def test_eid_page(request: Request) -> HTMLResponse:
    """The local test e-ID: pick one of Skatteverket's test persons."""
    _require_test_logins(request)
    from samvard.demo.personas import CITIZENS

    return render(request, "login_test_eid.html", {"personas": CITIZENS})


@router.post("/login/test", dependencies=[Csrf])
def test_eid_login(
    request: Request, db: Db, personnummer: Annotated[str, Form(max_length=20)]
) -> Response:
    """Log in as a test person; only Skatteverket's official test numbers are accepted."""
    _require_test_logins(request)
    try:
        pid = parse_person_id(personnummer)
    except InvalidPersonId as exc:
        raise WebError(400, "invalid_person_id", f"Ogiltigt personnummer: {exc.reason}") from exc
    if pid.normalized not in _official_test_numbers():
        raise WebError(
            400,
            "not_test_person",
            "Test-e-legitimationen tar bara emot Skatteverkets testpersonnummer.",
        )
    return sessions.login_citizen(request, db, pid=pid, method="test_eid")


def _official_test_numbers() -> frozenset[str]:
    return frozenset(test_personnummer()) | frozenset(test_samordningsnummer())


@router.get("/personal/login", response_class=HTMLResponse)
def staff_login_page(request: Request, meddelande: str | None = None) -> HTMLResponse:
    """Staff login: SITHS through the broker, or the local test login."""
    return render(request, "login_staff.html", {"message": _MESSAGES.get(meddelande or "")})


@router.get("/personal/login/test", response_class=HTMLResponse)
def staff_test_page(request: Request, db: Db) -> HTMLResponse:
    """The local staff test login: pick a member of staff from the directory."""
    _require_test_logins(request)
    from samvard.demo.personas import STAFF

    return render(request, "login_test_staff.html", {"personas": STAFF})


@router.post("/personal/login/test", dependencies=[Csrf])
def staff_test_login(
    request: Request, db: Db, hsa_id: Annotated[str, Form(max_length=40)]
) -> Response:
    """Log in as a member of staff found in the directory."""
    _require_test_logins(request)
    staff = directory.get_staff_by_hsa_id(db, hsa_id.strip().upper())
    if staff is None:
        raise WebError(400, "unknown_staff", "Det finns ingen medarbetare med det HSA-id:t.")
    return sessions.login_staff(request, db, staff=staff, method="test_login")


@router.get("/personal/enhet", response_class=HTMLResponse)
def choose_unit_page(request: Request, db: Db, login: StaffLogin) -> HTMLResponse:
    """Choose which of your active assignments you work in now."""
    assert login.staff is not None
    active = directory.list_assignments(db, staff_id=login.staff.id, active_on=utcnow().date())
    return render(request, "choose_unit.html", {"assignments": active})


@router.post("/personal/enhet", dependencies=[Csrf])
def choose_unit(request: Request, db: Db, login: StaffLogin, assignment_id: FormId) -> Response:
    """Bind the session to the chosen assignment."""
    assert login.staff is not None
    active = directory.list_assignments(db, staff_id=login.staff.id, active_on=utcnow().date())
    chosen = next((a for a in active if a.id == assignment_id), None)
    if chosen is None:
        raise WebError(400, "invalid_assignment", "Du har inget giltigt uppdrag på den enheten.")
    auth_actions.choose_unit(db, web_session=login.web_session, assignment=chosen)
    return RedirectResponse("/personal", status_code=303)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, db: Db, login: OptionalLogin) -> Response:
    """End the session at once; the cookie is cleared."""
    if login is not None:
        auth_actions.end_session(
            db, web_session=login.web_session, actor_id=login.actor.id, why="logout"
        )
    return sessions.clear(request, RedirectResponse("/?utloggad=1", status_code=303))
