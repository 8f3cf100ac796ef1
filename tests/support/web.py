"""Driving the app over HTTP in tests: clients and logins as each kind of user."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from samvard.web.app import create_app

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
ASSIGNMENT_RE = re.compile(r'name="assignment_id" value="(\d+)"')


def client_for(
    database: Any, *, raise_server_exceptions: bool = True, **overrides: object
) -> TestClient:
    """An HTTPS test client for an app on `database` (a tests.conftest.Database)."""
    from tests.conftest import make_settings

    app = create_app(make_settings(database.url, **overrides), engine=database.engine)
    return TestClient(
        app,
        base_url="https://testserver",
        follow_redirects=False,
        raise_server_exceptions=raise_server_exceptions,
    )


def csrf(client: TestClient, path: str = "/login/test") -> str:
    """The CSRF token of the form on `path`."""
    page = client.get(path)
    match = CSRF_RE.search(page.text)
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def login_citizen(client: TestClient, person_id: str) -> None:
    """Log in with the test e-ID."""
    token = csrf(client, "/login/test")
    response = client.post("/login/test", data={"personnummer": person_id, "csrf_token": token})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/mina-sidor"


def login_staff(client: TestClient, hsa_id: str, unit_hsa_id: str | None = None) -> None:
    """Log in with the staff test login and choose a unit (the first one, or `unit_hsa_id`)."""
    token = csrf(client, "/personal/login/test")
    response = client.post("/personal/login/test", data={"hsa_id": hsa_id, "csrf_token": token})
    assert response.status_code == 303, response.text
    page = client.get("/personal/enhet")
    choices = ASSIGNMENT_RE.findall(page.text)
    if unit_hsa_id is not None:
        choices = [c for c in choices if _assignment_is_at(page.text, c, unit_hsa_id)] or choices
    if not choices:
        return  # no active assignment: logged in without a unit
    token = CSRF_RE.search(page.text).group(1)  # type: ignore[union-attr]
    chosen = client.post("/personal/enhet", data={"assignment_id": choices[0], "csrf_token": token})
    assert chosen.status_code == 303, chosen.text


def _assignment_is_at(html: str, assignment_id: str, unit_hsa_id: str) -> bool:
    marker = f'data-unit="{unit_hsa_id}"'
    tag_rest = html.split(f'value="{assignment_id}"', 1)[-1].split(">", 1)[0]
    return marker in tag_rest
