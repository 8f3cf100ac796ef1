"""Starting and clearing login sessions on a response (cookies live here)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from samvard.auth import actions as auth_actions
from samvard.directory.models import Staff
from samvard.identity.actions import ensure_person
from samvard.identity.numbers import PersonId
from samvard.web.deps import settings_of, signer_of
from samvard.web.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    expire_cookie,
    new_csrf_cookie,
    set_cookie,
)


def login_citizen(
    request: Request,
    db: Session,
    *,
    pid: PersonId,
    method: str,
    given_name: str = "",
    family_name: str = "",
) -> Response:
    """Start a citizen session and send them to their pages."""
    person = ensure_person(
        db, actor_id=method, pid=pid, given_name=given_name, family_name=family_name
    )
    token = auth_actions.start_citizen_session(db, person=person, method=method)
    return _with_session(request, RedirectResponse("/mina-sidor", status_code=303), token)


def login_staff(request: Request, db: Session, *, staff: Staff, method: str) -> Response:
    """Start a staff session and ask which unit they work at."""
    token = auth_actions.start_staff_session(db, staff=staff, method=method)
    return _with_session(request, RedirectResponse("/personal/enhet", status_code=303), token)


def _with_session(request: Request, response: Response, token: str) -> Response:
    settings = settings_of(request)
    signed = signer_of(request).sign_session(token)
    set_cookie(response, settings, SESSION_COOKIE, signed)
    # A new CSRF secret at login, so a token seen before login is worthless after it.
    set_cookie(response, settings, CSRF_COOKIE, new_csrf_cookie())
    return response


def clear(request: Request, response: Response) -> Response:
    """Remove the session cookie."""
    settings = settings_of(request)
    expire_cookie(response, settings, SESSION_COOKIE)
    return response
