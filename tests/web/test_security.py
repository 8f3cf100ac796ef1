"""Bad input and attacks get clear 4xx answers and write nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select, text

from samvard.auth.models import WebSession
from samvard.core.audit import AuditEntry
from samvard.core.config import Mode, Settings
from samvard.core.db import utcnow
from samvard.demo import personas
from samvard.web.security import CSRF_COOKIE, SESSION_COOKIE
from tests.conftest import Database
from tests.support.web import client_for, csrf, login_citizen, login_staff

SESSION = f"__Host-{SESSION_COOKIE}"


def _counts(world: Database) -> tuple[int, int]:
    with world.sessions() as session:
        audit = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        sessions = session.scalar(select(func.count()).select_from(WebSession)) or 0
    return audit, sessions


@pytest.fixture
def client(sqlite_world: Database) -> Iterator[TestClient]:
    return client_for(sqlite_world)


@pytest.mark.parametrize("token", ["", "forged", "0" * 64])
def test_forged_csrf_token_is_refused_and_nothing_written(
    client: TestClient, sqlite_world: Database, token: str
) -> None:
    client.get("/login/test")
    before = _counts(sqlite_world)
    response = client.post(
        "/login/test", data={"personnummer": personas.CITIZEN.person_id, "csrf_token": token}
    )
    assert response.status_code == 403
    assert "Formuläret kunde inte verifieras" in response.text
    assert _counts(sqlite_world) == before


def test_csrf_token_of_another_browser_is_refused(sqlite_world: Database) -> None:
    attacker, victim = client_for(sqlite_world), client_for(sqlite_world)
    stolen = csrf(attacker)
    victim.get("/login/test")
    response = victim.post(
        "/login/test", data={"personnummer": personas.CITIZEN.person_id, "csrf_token": stolen}
    )
    assert response.status_code == 403


def test_csrf_secret_rotates_at_login(client: TestClient) -> None:
    before = csrf(client)
    login_citizen(client, personas.CITIZEN.person_id)
    response = client.post("/logout", data={"csrf_token": before})
    assert response.status_code == 403


def test_cookies_are_httponly_secure_samesite(client: TestClient) -> None:
    page = client.get("/login/test")
    csrf_cookie = page.headers["set-cookie"]
    assert csrf_cookie.startswith(f"__Host-{CSRF_COOKIE}=")
    token = csrf(client)
    response = client.post(
        "/login/test", data={"personnummer": personas.CITIZEN.person_id, "csrf_token": token}
    )
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith(SESSION))
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert flag.lower() in session_cookie.lower()


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("19850302-2380", "Kontrollsiffran"),
        ("19850230-2384", "Ogiltigt personnummer"),
        ("abc", "tecken"),
        ("19700101R009", "testpersonnummer"),
    ],
)
def test_bad_personnummer_at_test_login(
    client: TestClient, sqlite_world: Database, number: str, words: str
) -> None:
    token = csrf(client)
    before = _counts(sqlite_world)
    response = client.post("/login/test", data={"personnummer": number, "csrf_token": token})
    assert response.status_code == 400
    assert words in response.text
    assert _counts(sqlite_world) == before


def test_tampered_session_cookie_is_a_clear_400(client: TestClient) -> None:
    login_citizen(client, personas.CITIZEN.person_id)
    value = client.cookies[SESSION]
    client.cookies.set(SESSION, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    response = client.get("/mina-sidor")
    assert response.status_code == 400
    assert "Inloggningen är ogiltig" in response.text
    assert any(c.startswith(f'{SESSION}=""') for c in response.headers.get_list("set-cookie"))


def test_logout_ends_the_session_server_side(client: TestClient) -> None:
    login_citizen(client, personas.CITIZEN.person_id)
    stolen = client.cookies[SESSION]
    page = client.get("/mina-sidor")
    response = client.post("/logout", data={"csrf_token": csrf(client, "/mina-sidor")})
    assert page.status_code == 200 and response.status_code == 303
    client.cookies.set(SESSION, stolen)
    assert client.get("/mina-sidor").status_code == 303


def test_idle_session_expires_and_is_logged(client: TestClient, sqlite_world: Database) -> None:
    login_citizen(client, personas.CITIZEN.person_id)
    with sqlite_world.sessions.begin() as session:
        session.execute(
            WebSession.__table__.update().values(last_seen_at=utcnow() - timedelta(minutes=21))
        )
    response = client.get("/mina-sidor")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    with sqlite_world.sessions() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last is not None and (last.action, last.reason) == ("logout", "idle_timeout")
    assert client.get("/mina-sidor").status_code == 303


def test_oversized_request_is_refused(client: TestClient) -> None:
    token = csrf(client)
    body = {"personnummer": "1" * 2_000_000, "csrf_token": token}
    response = client.post("/login/test", data=body)
    assert response.status_code == 413
    # People get the Swedish error page with the layout, programs structured JSON.
    assert "Förfrågan är för stor." in response.text and '<header class="top">' in response.text
    api = client.post(
        "/api/v1/identity/validate",
        content=b"x" * 2_000_000,
        headers={"content-type": "application/json"},
    )
    assert api.status_code == 413 and api.json()["error"]["code"] == "request_too_large"


def test_streamed_oversized_request_is_refused(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 50_000

    response = client.post(
        "/api/v1/identity/validate", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    form = {"content-type": "application/x-www-form-urlencoded"}
    page = client.post("/login/test", content=chunks(), headers=form)
    assert page.status_code == 413 and '<header class="top">' in page.text


def test_wrong_content_type_on_json_api(client: TestClient) -> None:
    login_citizen(client, personas.CITIZEN.person_id)
    response = client.post(
        "/api/v1/identity/validate", content=b"189001019802", headers={"content-type": "text/plain"}
    )
    assert response.status_code in {415, 422}
    error = response.json()["error"]
    assert error["code"] and error["message"] and error["request_id"]


def test_api_errors_are_structured_json(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "login_required"
    login_staff(client, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    bad = client.get("/api/v1/patients/19850302-2380")
    assert bad.status_code == 400 and "Kontrollsiffran" in bad.json()["error"]["message"]


def test_not_found_page_is_swedish(client: TestClient) -> None:
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text and 'lang="sv"' in response.text


def test_security_headers(client: TestClient) -> None:
    response = client.get("/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]


def test_unexpected_error_is_a_swedish_page_without_details(sqlite_world: Database) -> None:
    client = client_for(sqlite_world, raise_server_exceptions=False)
    with sqlite_world.engine.begin() as conn:
        conn.execute(text("DROP TABLE web_session"))
    client.get("/login/test")
    response = client.post(
        "/login/test", data={"personnummer": personas.CITIZEN.person_id, "csrf_token": csrf(client)}
    )
    assert response.status_code == 500
    assert "Ett oväntat fel inträffade" in response.text
    assert "Traceback" not in response.text and "web_session" not in response.text


def test_access_fails_when_the_audit_record_cannot_be_written(sqlite_world: Database) -> None:
    client = client_for(sqlite_world, raise_server_exceptions=False)
    login_citizen(client, personas.CITIZEN.person_id)
    with sqlite_world.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER audit_broken BEFORE INSERT ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    response = client.get("/mina-sidor/vem-har-last")
    assert response.status_code == 500
    assert "<h1>Vem har läst om mig?</h1>" not in response.text
    assert "Ett oväntat fel inträffade" in response.text


def test_denied_access_is_logged_even_though_the_request_fails(
    client: TestClient, sqlite_world: Database
) -> None:
    login_staff(client, personas.CARE_STAFF.hsa_id, personas.HOME_CARE_UNIT)
    api = client.get(f"/api/v1/patients/{personas.CITIZEN.person_id}")
    assert api.status_code == 403
    with sqlite_world.sessions() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last is not None
    assert (last.outcome, last.reason, last.patient_id) == (
        "denied",
        "no_care_relation",
        personas.CITIZEN.person_id,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"test_logins": True},
        {"secret_key": "short"},
        {"cookie_secure": False},
        {"database_url": "sqlite:///var/prod.db"},
        {"public_base_url": "http://samvard.example.se"},
    ],
)
def test_production_refuses_unsafe_settings(overrides: dict[str, object]) -> None:
    safe: dict[str, object] = {
        "mode": Mode.PRODUCTION,
        "test_logins": False,
        "secret_key": "s" * 40,
        "cookie_secure": True,
        "database_url": "postgresql+psycopg://db/samvard",
        "public_base_url": "https://samvard.example.se",
    }
    Settings(**safe)  # type: ignore[arg-type]
    with pytest.raises(
        ValidationError, match=r"test logins|SECRET_KEY|COOKIE_SECURE|PostgreSQL|https"
    ):
        Settings(**{**safe, **overrides})  # type: ignore[arg-type]


def test_test_logins_disabled_means_404(sqlite_world: Database) -> None:
    client = client_for(sqlite_world, test_logins=False)
    assert client.get("/login/test").status_code == 404
    assert "Test-e-legitimation" not in client.get("/login").text


def test_application_log_holds_no_personal_identifiers(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    login_staff(client, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    with caplog.at_level(logging.INFO, logger="samvard"):
        client.get(f"/api/v1/patients/{personas.CITIZEN.person_id}")
        client.get(f"/fhir/Patient?identifier=x|{personas.CITIZEN.person_id}")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/api/v1/patients/" in logged
    assert personas.CITIZEN.person_id not in logged
    assert personas.CITIZEN.person_id[2:] not in logged


def test_unexpected_error_keeps_security_headers_and_logs_no_parameters(
    sqlite_world: Database, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(sqlite_world)
    login_citizen(client, personas.CITIZEN.person_id)
    with sqlite_world.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER audit_broken BEFORE INSERT ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    with caplog.at_level(logging.INFO):
        response = client.get("/mina-sidor/vem-har-last")
    assert response.status_code == 500
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-request-id"] in response.text
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert "IntegrityError" in logged
    assert personas.CITIZEN.person_id not in logged


def test_test_logins_are_off_unless_asked_for() -> None:
    assert Settings(_env_file=None).test_logins is False  # type: ignore[call-arg]


def test_a_foreign_odd_cookie_does_not_break_csrf(client: TestClient) -> None:
    token = csrf(client)
    ours = client.cookies[f"__Host-{CSRF_COOKIE}"]
    client.cookies.clear()
    response = client.post(
        "/login/test",
        data={"personnummer": personas.CITIZEN.person_id, "csrf_token": token},
        headers={"cookie": f'consent={{"analytics":true}}; __Host-{CSRF_COOKIE}={ours}'},
    )
    assert response.status_code == 303


def test_client_cannot_choose_the_request_id(client: TestClient) -> None:
    response = client.get("/", headers={"X-Request-ID": "chosen-by-client-123"})
    assert response.headers["x-request-id"] != "chosen-by-client-123"


def test_bad_session_cookie_is_deleted_as_a_secure_host_cookie(client: TestClient) -> None:
    client.cookies.set(SESSION, "forged.value")
    response = client.get("/mina-sidor")
    deletion = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION))
    assert "secure" in deletion.lower() and "max-age=0" in deletion.lower()
