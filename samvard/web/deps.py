"""Request dependencies: the unit of work, the login, CSRF checks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Form, Header, Path, Request
from sqlalchemy.orm import Session

from samvard.access.actors import staff_actor
from samvard.access.guard import AccessDenied
from samvard.access.schemas import Actor, ActorKind
from samvard.auth import actions as auth_actions
from samvard.auth.models import WebSession
from samvard.auth.queries import get_session_by_token
from samvard.core.config import Settings
from samvard.directory.models import Assignment, Staff
from samvard.identity.models import Person
from samvard.web.errors import LoginRequired, WebError
from samvard.web.security import SESSION_COOKIE, Signer, cookie_name


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent.

    Denied accesses and expired logins are committed too: their audit entries must
    survive even though the request fails.
    """
    with request.app.state.session_factory() as session:
        session.begin()
        try:
            yield session
            session.commit()
        except (AccessDenied, LoginRequired):
            session.commit()
            raise
        except BaseException:
            # Detach first: a rollback would expire the login objects the error page shows.
            session.expunge_all()
            session.rollback()
            raise


# scope="function": the commit happens before the response leaves, so a failed commit
# (for instance of an audit entry) turns into an error instead of a delivered page.
Db = Annotated[Session, Depends(get_db, scope="function")]


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def signer_of(request: Request) -> Signer:
    """The app's cookie signer."""
    signer: Signer = request.app.state.signer
    return signer


@dataclass
class Login:
    """Who is logged in on this request, and (for staff) at which unit."""

    web_session: WebSession
    person: Person | None = None
    staff: Staff | None = None
    assignment: Assignment | None = None

    @property
    def actor(self) -> Actor:
        """The policy's view of the logged-in user."""
        if self.person is not None:
            return Actor(kind=ActorKind.CITIZEN, id=self.person.person_id, person_pk=self.person.id)
        assert self.staff is not None
        return staff_actor(self.staff, self.assignment)


def optional_login(request: Request, db: Db) -> Login | None:
    """The live login, None when there is none; expired sessions are ended and audited."""
    settings = settings_of(request)
    raw = request.cookies.get(cookie_name(settings, SESSION_COOKIE))
    if not raw:
        return None
    token = signer_of(request).unsign_session(raw)
    if token is None:
        raise WebError(400, "bad_session_cookie", "Inloggningen är ogiltig. Logga in igen.")
    row, problem = get_session_by_token(
        db,
        token,
        idle=timedelta(minutes=settings.session_idle_minutes),
        max_age=timedelta(hours=settings.session_max_hours),
    )
    if row is None:
        return None
    if problem in {"idle", "max_age"}:
        _expire(db, row, why=f"{problem}_timeout")
        raise LoginRequired(_login_path(row), _EXPIRED[problem], why=problem)
    auth_actions.touch(row)
    login = _load_login(db, row)
    request.state.login = login
    return login


_EXPIRED = {
    "idle": "Du har loggats ut efter en stunds inaktivitet.",
    "max_age": "Du har varit inloggad länge och behöver logga in igen.",
}


def _expire(db: Session, row: WebSession, *, why: str) -> None:
    actor_id = _actor_id(db, row)
    auth_actions.end_session(db, web_session=row, actor_id=actor_id, why=why)


def _actor_id(db: Session, row: WebSession) -> str:
    if row.person_id is not None:
        person = db.get(Person, row.person_id)
        return person.person_id if person else "unknown"
    staff = db.get(Staff, row.staff_id) if row.staff_id else None
    return staff.hsa_id if staff else "unknown"


def _load_login(db: Session, row: WebSession) -> Login:
    person = db.get(Person, row.person_id) if row.person_id else None
    staff = db.get(Staff, row.staff_id) if row.staff_id else None
    assignment = db.get(Assignment, row.assignment_id) if row.assignment_id else None
    return Login(web_session=row, person=person, staff=staff, assignment=assignment)


def _login_path(row: WebSession) -> str:
    return "/login" if row.actor_kind == ActorKind.CITIZEN.value else "/personal/login"


OptionalLogin = Annotated[Login | None, Depends(optional_login)]


def citizen_login(login: OptionalLogin) -> Login:
    """A logged-in citizen, or a redirect to the citizen login."""
    if login is None or login.person is None:
        raise LoginRequired("/login")
    return login


def staff_login(login: OptionalLogin) -> Login:
    """A logged-in staff member, unit chosen or not."""
    if login is None or login.staff is None:
        raise LoginRequired("/personal/login")
    return login


def staff_at_unit(login: Annotated[Login, Depends(staff_login)]) -> Login:
    """A logged-in staff member who has chosen the unit they work at."""
    if login.assignment is None:
        raise WebError(409, "no_unit_chosen", "Välj först vilken enhet du arbetar på.")
    return login


CitizenLogin = Annotated[Login, Depends(citizen_login)]
StaffLogin = Annotated[Login, Depends(staff_login)]
StaffAtUnit = Annotated[Login, Depends(staff_at_unit)]


def check_csrf(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> None:
    """Every state-changing form carries the token that belongs to this browser."""
    submitted = csrf_token or request.headers.get("X-CSRF-Token")
    cookie = request.state.csrf_cookie if hasattr(request.state, "csrf_cookie") else None
    if not signer_of(request).csrf_valid(cookie, submitted):
        raise WebError(403, "csrf_failed", "Formuläret kunde inte verifieras. Ladda om sidan.")


Csrf = Depends(check_csrf)


def check_csrf_header(
    request: Request, x_csrf_token: Annotated[str | None, Header(max_length=200)] = None
) -> None:
    """JSON writes carry the same token in the X-CSRF-Token header (see GET /api/v1/me)."""
    cookie = request.state.csrf_cookie if hasattr(request.state, "csrf_cookie") else None
    if not signer_of(request).csrf_valid(cookie, x_csrf_token):
        raise WebError(403, "csrf_failed", "Förfrågan saknar giltig CSRF-token (X-CSRF-Token).")


CsrfHeader = Depends(check_csrf_header)

# Database ids in paths and forms: bounded, so a huge number is a 422, not a database error.
MAX_ID = 2_147_483_647
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
FormId = Annotated[int, Form(ge=1, le=MAX_ID)]
