"""OIDC login through the app, end to end, against a real provider process on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.web.app import create_app
from tests.conftest import Database, make_settings
from tests.support.oidc import run_oidc_provider

pytestmark = pytest.mark.slow
CLIENT_ID, CLIENT_SECRET = "samvard-test", "test-client-secret"
PNR_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
HSA_CLAIM = "https://id.oidc.se/claim/hsaid"
USERS = [
    {
        "sub": "c1",
        "claims": {
            PNR_CLAIM: personas.CITIZEN.person_id,
            "given_name": "Sara",
            "family_name": "Lindqvist",
            "name": "Sara Lindqvist",
        },
    },
    {"sub": "c2", "claims": {PNR_CLAIM: "not-a-number", "name": "Trasig"}},
    {"sub": "s1", "claims": {HSA_CLAIM: personas.NURSE.hsa_id, "name": "Karin Sjöberg"}},
    {"sub": "s2", "claims": {HSA_CLAIM: "SE2321000016-OKAND", "name": "Okänd"}},
]


class _Form(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.action, self.fields = "", {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = attr["action"]
        elif tag == "input" and attr.get("type") == "hidden":
            self.fields[attr["name"]] = attr["value"]


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with run_oidc_provider(USERS, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as url:
        yield url


@pytest.fixture
def client(sqlite_world: Database, issuer: str) -> Iterator[TestClient]:
    settings = make_settings(
        sqlite_world.url,
        citizen_oidc_issuer=issuer,
        citizen_oidc_client_id=CLIENT_ID,
        citizen_oidc_client_secret=CLIENT_SECRET,
        staff_oidc_issuer=issuer,
        staff_oidc_client_id=CLIENT_ID,
        staff_oidc_client_secret=CLIENT_SECRET,
    )
    app = create_app(settings, engine=sqlite_world.engine)
    # One portal for the whole test: the app's OIDC client lives on one event loop.
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as test_client:
        yield test_client


def _at_provider(authorize_url: str, button: str) -> str:
    """Press a button on the provider's login page; returns where it sends the browser."""
    with httpx.Client() as browser:
        page = browser.get(authorize_url)
        assert page.status_code == 200, page.text
        form = _Form(page.text)
        answer = browser.post(
            urljoin(str(page.url), form.action),
            data={**form.fields, "user": button}
            if button != "cancel"
            else {**form.fields, "cancel": "1"},
        )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def _login(client: TestClient, start: str, user: str) -> httpx.Response:
    begin = client.get(start)
    assert begin.status_code == 303
    callback = _at_provider(begin.headers["location"], user)
    assert callback.startswith("https://testserver/")
    return client.get(callback)


def test_citizen_logs_in_with_e_id(client: TestClient, sqlite_world: Database) -> None:
    done = _login(client, "/login/oidc", "c1")
    assert done.status_code == 303 and done.headers["location"] == "/mina-sidor"
    page = client.get("/mina-sidor")
    assert page.status_code == 200 and "Sara" in page.text
    with sqlite_world.sessions() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last is not None and (last.action, last.reason) == ("login", "oidc")


def test_staff_logs_in_with_siths_and_chooses_unit(client: TestClient) -> None:
    done = _login(client, "/personal/login/oidc", "s1")
    assert done.status_code == 303 and done.headers["location"] == "/personal/enhet"
    assert "Välj enhet" in client.get("/personal/enhet").text


def test_staff_unknown_to_directory_is_refused(client: TestClient) -> None:
    done = _login(client, "/personal/login/oidc", "s2")
    assert done.status_code == 403
    assert client.get("/personal").status_code == 303


def test_e_id_without_valid_personnummer_is_refused(client: TestClient) -> None:
    done = _login(client, "/login/oidc", "c2")
    assert done.status_code == 400
    assert "personnummer" in done.text
    assert client.get("/mina-sidor").status_code == 303


def test_cancel_at_provider_shows_swedish_message(client: TestClient) -> None:
    begin = client.get("/login/oidc")
    callback = _at_provider(begin.headers["location"], "cancel")
    page = client.get(callback)
    assert page.status_code == 400 and "avbröts" in page.text


def test_callback_with_forged_state_is_refused(client: TestClient) -> None:
    begin = client.get("/login/oidc")
    callback = _at_provider(begin.headers["location"], "c1")
    forged = callback.replace("state=", "state=x")
    assert client.get(forged).status_code == 400
    assert client.get("/mina-sidor").status_code == 303


def test_callback_without_pending_login_is_refused(client: TestClient) -> None:
    begin = client.get("/login/oidc")
    callback = _at_provider(begin.headers["location"], "c1")
    client.cookies.clear()
    page = client.get(callback)
    assert page.status_code == 400 and "Börja om" in page.text
