"""The OIDC relying party against a real provider process on loopback.

A "browser" (httpx) follows the authorization URL, picks a user on the
provider's login page and is redirected to the callback, whose Location we
read instead of running a callback server.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urljoin, urlsplit

import httpx
import pytest
from joserfc.jwk import KeySet, RSAKey

from samvard.auth.oidc import (
    OidcClient,
    OidcConfig,
    OidcError,
    PendingLogin,
    error_from_callback,
)
from tests.support.oidc import run_oidc_provider

pytestmark = pytest.mark.slow

CLIENT_ID = "samvard-test"
CLIENT_SECRET = "test-secret-only-for-tests"
REDIRECT_URI = "http://127.0.0.1:9/auth/oidc/callback"  # never contacted
PNR_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
HSAID_CLAIM = "https://id.oidc.se/claim/hsaid"
# From Skatteverket's list of official test personnummer
# (samvard/reference/data/skatteverket_testpersonnummer.csv).
TEST_PNR = "198112102390"
USERS = [
    {"sub": "citizen-1", "claims": {PNR_CLAIM: TEST_PNR, "name": "Test Testsson"}},
    {"sub": "staff-1", "claims": {HSAID_CLAIM: "SE2321000131-E000000000001", "name": "Dr Test"}},
]


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with run_oidc_provider(USERS, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as url:
        yield url


@pytest.fixture(scope="module")
def lying_issuer() -> Iterator[str]:
    """A provider whose ID tokens carry someone else's ``iss``."""
    with run_oidc_provider(
        USERS,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        issuer_override="https://idp.example.invalid",
    ) as url:
        yield url


class _Form(HTMLParser):
    """The login page's form: action, hidden fields and submit buttons."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.buttons: list[tuple[str, str]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = attr["action"]
        elif tag == "input" and attr.get("type") == "hidden":
            self.fields[attr["name"]] = attr["value"]
        elif tag == "button":
            self.buttons.append((attr["name"], attr["value"]))


async def _browser(authorize_url: str, button: tuple[str, str]) -> dict[str, str]:
    """Log in at the provider by pressing ``button``; returns the callback's parameters."""
    async with httpx.AsyncClient() as browser:
        page = await browser.get(authorize_url)
        assert page.status_code == 200, page.text
        form = _Form(page.text)
        assert button in form.buttons
        response = await browser.post(
            urljoin(str(page.url), form.action), data={**form.fields, button[0]: button[1]}
        )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    return dict(parse_qsl(urlsplit(location).query))


async def _login(client: OidcClient, sub: str = "citizen-1") -> tuple[PendingLogin, dict[str, str]]:
    url, pending = await client.begin(REDIRECT_URI)
    return pending, await _browser(url, ("user", sub))


def _client(issuer: str, **overrides: Any) -> OidcClient:
    config = OidcConfig(issuer=issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    return OidcClient(dataclasses.replace(config, **overrides))


def test_citizen_login_returns_personnummer_and_sub(issuer: str) -> None:
    async def scenario() -> dict[str, Any]:
        async with _client(issuer) as client:
            pending, callback = await _login(client)
            assert error_from_callback(callback) is None
            return await client.complete(pending, code=callback["code"], state=callback["state"])

    claims = asyncio.run(scenario())
    assert claims["sub"] == "citizen-1"
    assert claims[PNR_CLAIM] == TEST_PNR
    assert claims["name"] == "Test Testsson"
    assert claims["iss"] == issuer
    assert claims["aud"] == CLIENT_ID


def test_staff_login_returns_hsaid(issuer: str) -> None:
    async def scenario() -> dict[str, Any]:
        async with _client(issuer) as client:
            pending, callback = await _login(client, "staff-1")
            return await client.complete(pending, code=callback["code"], state=callback["state"])

    claims = asyncio.run(scenario())
    assert claims["sub"] == "staff-1"
    assert claims[HSAID_CLAIM] == "SE2321000131-E000000000001"
    assert PNR_CLAIM not in claims


def test_authorization_url_asks_for_code_with_pkce_and_nonce(issuer: str) -> None:
    async def scenario() -> tuple[str, PendingLogin]:
        async with _client(issuer) as client:
            return await client.begin(REDIRECT_URI, login_hint=TEST_PNR)

    url, pending = asyncio.run(scenario())
    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{issuer}/authorize?")
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["scope"] == "openid profile"
    assert query["state"] == pending.state
    assert query["nonce"] == pending.nonce
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] != pending.code_verifier
    assert query["login_hint"] == TEST_PNR
    assert "code_verifier" not in query


def test_pending_login_round_trips_through_a_dict() -> None:
    pending = PendingLogin(state="s", nonce="n", code_verifier="v", redirect_uri=REDIRECT_URI)
    assert PendingLogin.from_dict(pending.to_dict()) == pending


@pytest.mark.parametrize("data", [{}, {"state": "s", "nonce": "n", "code_verifier": "v"}])
def test_pending_login_from_broken_dict_is_an_oidc_error(data: dict[str, str]) -> None:
    with pytest.raises(OidcError):
        PendingLogin.from_dict(data)


def test_wrong_state_is_rejected(issuer: str) -> None:
    async def scenario() -> None:
        async with _client(issuer) as client:
            pending, callback = await _login(client)
            await client.complete(pending, code=callback["code"], state="not-" + pending.state)

    with pytest.raises(OidcError) as caught:
        asyncio.run(scenario())
    assert caught.value.detail == "state mismatch"


def test_code_can_be_used_only_once(issuer: str) -> None:
    async def scenario() -> None:
        async with _client(issuer) as client:
            pending, callback = await _login(client)
            await client.complete(pending, code=callback["code"], state=callback["state"])
            await client.complete(pending, code=callback["code"], state=callback["state"])

    with pytest.raises(OidcError) as caught:
        asyncio.run(scenario())
    assert "invalid_grant" in caught.value.detail


def test_wrong_nonce_is_rejected(issuer: str) -> None:
    async def scenario() -> None:
        async with _client(issuer) as client:
            pending, callback = await _login(client)
            tampered = dataclasses.replace(pending, nonce="someone-elses-nonce")
            await client.complete(tampered, code=callback["code"], state=callback["state"])

    with pytest.raises(OidcError) as caught:
        asyncio.run(scenario())
    assert "nonce" in caught.value.detail


def test_id_token_with_wrong_issuer_is_rejected(lying_issuer: str) -> None:
    async def scenario() -> None:
        async with _client(lying_issuer) as client:
            pending, callback = await _login(client)
            await client.complete(pending, code=callback["code"], state=callback["state"])

    with pytest.raises(OidcError) as caught:
        asyncio.run(scenario())
    assert "iss" in caught.value.detail


def test_cancel_at_provider_is_an_access_denied_error(issuer: str) -> None:
    async def scenario() -> tuple[PendingLogin, dict[str, str]]:
        async with _client(issuer) as client:
            url, pending = await client.begin(REDIRECT_URI)
            return pending, await _browser(url, ("cancel", "1"))

    pending, callback = asyncio.run(scenario())
    assert "code" not in callback
    assert callback["state"] == pending.state
    error = error_from_callback(callback)
    assert isinstance(error, OidcError)
    assert error.provider_error == "access_denied"
    assert str(error) == "Inloggningen avbröts."


def test_unexpected_callback_error_is_not_echoed_into_the_log() -> None:
    error = error_from_callback({"error": "<script>198112102390</script>"})
    assert isinstance(error, OidcError)
    assert error.provider_error == "unrecognised"
    assert "1981" not in error.detail


def _forged_id_token(alg: str, claims: dict[str, Any]) -> str:
    """An ID token that is unsigned ("none") or HMAC-signed with the client secret."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = (
        part(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        + "."
        + part(json.dumps(claims).encode())
    )
    if alg == "none":
        return signing_input + "."
    mac = hmac.new(CLIENT_SECRET.encode(), signing_input.encode(), hashlib.sha256)
    return signing_input + "." + part(mac.digest())


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_unsigned_or_hmac_signed_id_token_is_rejected(issuer: str, alg: str) -> None:
    now = int(time.time())
    claims = {"iss": issuer, "sub": "citizen-1", "aud": CLIENT_ID, "iat": now, "exp": now + 60}
    token = _forged_id_token(alg, {**claims, "nonce": "n"})

    async def scenario() -> None:
        async with _client(issuer) as client:
            await client._verify_id_token(token, "n")

    with pytest.raises(OidcError) as caught:
        asyncio.run(scenario())
    assert "ID token rejected" in caught.value.detail


def test_wrong_client_secret_is_rejected(issuer: str) -> None:
    async def scenario() -> None:
        async with _client(issuer, client_secret="wrong-secret") as client:
            pending, callback = await _login(client)
            await client.complete(pending, code=callback["code"], state=callback["state"])

    with pytest.raises(OidcError) as caught:
        asyncio.run(scenario())
    assert "invalid_client" in caught.value.detail
    assert str(caught.value) == "Inloggningen misslyckades. Försök igen."


def test_provider_also_accepts_client_secret_post_but_not_two_methods(issuer: str) -> None:
    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        async with _client(issuer) as client:
            pending, callback = await _login(client)
        form = {
            "grant_type": "authorization_code",
            "code": callback["code"],
            "redirect_uri": pending.redirect_uri,
            "code_verifier": pending.code_verifier,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
        async with httpx.AsyncClient() as http:
            both = await http.post(f"{issuer}/token", data=form, auth=(CLIENT_ID, CLIENT_SECRET))
            post = await http.post(f"{issuer}/token", data=form)
        return both, post

    both, post = asyncio.run(scenario())
    assert both.status_code == 401
    assert post.status_code == 200
    assert post.json()["token_type"] == "Bearer"
    assert post.json()["id_token"].count(".") == 2


def test_discovery_and_keys_are_cached_and_refetched_on_unknown_kid(issuer: str) -> None:
    paths: list[str] = []

    async def record(request: httpx.Request) -> None:
        paths.append(request.url.path)

    async def scenario() -> None:
        async with httpx.AsyncClient(event_hooks={"request": [record]}) as http:
            client = OidcClient(
                OidcConfig(issuer=issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
                http=http,
            )
            for _ in range(2):
                pending, callback = await _login(client)
                await client.complete(pending, code=callback["code"], state=callback["state"])
            # As if the provider had rolled its key since we last fetched the set.
            other = RSAKey.generate_key(2048, parameters={"kid": "retired"})
            client._jwks = KeySet([other])
            pending, callback = await _login(client)
            await client.complete(pending, code=callback["code"], state=callback["state"])

    asyncio.run(scenario())
    assert paths.count("/.well-known/openid-configuration") == 1
    assert paths.count("/jwks") == 2
    assert paths.count("/token") == 3  # the token exchange went through the injected client too
