"""A small but real OpenID Connect provider, for tests and local development.

It stands in for the e-ID broker (BankID/Freja for citizens, SITHS for staff):
instead of asking for an e-ID, /authorize shows one button per user from
USERS.json. Run it as its own process:

    python tests/support/oidc_provider.py --host 127.0.0.1 --port 8081 \\
        --users users.json --client-id samvard-dev --client-secret dev-secret

USERS.json is a list of ``{"sub": "...", "claims": {...}}``. Implemented: the
authorization-code flow with PKCE S256 (required), client_secret_basic and
client_secret_post, RS256 ID tokens from a key generated at start, userinfo.
Everything is kept in memory and lost when the process ends. It is test
equipment: serve it on loopback only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CODE_LIFETIME_SECONDS = 60
TOKEN_LIFETIME_SECONDS = 300
# The request parameters the login page carries from GET to POST /authorize.
AUTHORIZE_PARAMS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "login_hint",
)
_S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 4.1
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass(frozen=True)
class ProviderSettings:
    """How one provider instance is set up (one client registration)."""

    issuer: str
    client_id: str
    client_secret: str
    users: dict[str, dict[str, Any]]  # sub -> claims
    redirect_uris: tuple[str, ...] = ()  # empty: any absolute http(s) URL
    issuer_override: str | None = None  # a wrong "iss" in ID tokens, for negative tests


@dataclass(frozen=True)
class _Grant:
    """What a one-time authorization code stands for."""

    client_id: str
    redirect_uri: str
    nonce: str
    code_challenge: str
    sub: str
    expires_at: float


def _with_params(url: str, **params: str | None) -> str:
    """``url`` with ``params`` added to whatever query it already has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in params.items() if value is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class Provider:
    """The provider's state and HTTP endpoints."""

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"}
        )
        self.codes: dict[str, _Grant] = {}
        self.access_tokens: dict[str, tuple[str, float]] = {}  # token -> (sub, expiry)

    def app(self) -> Starlette:
        """The ASGI application."""
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize, methods=["GET", "POST"]),
                Route("/token", self.token, methods=["POST"]),
                Route("/userinfo", self.userinfo, methods=["GET", "POST"]),
            ]
        )

    # --- discovery -------------------------------------------------------

    async def discovery(self, request: Request) -> Response:
        """OIDC Discovery 1.0 document."""
        issuer = self.settings.issuer
        return JSONResponse(
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token",
                "userinfo_endpoint": f"{issuer}/userinfo",
                "jwks_uri": f"{issuer}/jwks",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "profile"],
            }
        )

    async def jwks(self, request: Request) -> Response:
        """The public signing key."""
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    # --- authorization endpoint -------------------------------------------

    async def authorize(self, request: Request) -> Response:
        """GET shows the login page; POST is the user's choice from it."""
        source = request.query_params if request.method == "GET" else await request.form()
        params = {name: value for name, value in source.items() if isinstance(value, str)}
        problem = self._client_problem(params)
        if problem:
            # Never redirect to a URI that is not known to belong to the client.
            return HTMLResponse(_error_page(problem), status_code=400)
        error = self._request_problem(params)
        if error:
            return self._back(params, error=error[0], error_description=error[1])
        if request.method == "GET":
            return HTMLResponse(_login_page(params, self.settings.users))
        return self._decide(params)

    def _client_problem(self, params: dict[str, str]) -> str | None:
        if not _same(params.get("client_id", ""), self.settings.client_id):
            return "okänd client_id"
        uri = params.get("redirect_uri", "")
        parts = urlsplit(uri)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
            return "ogiltig redirect_uri"
        if self.settings.redirect_uris and uri not in self.settings.redirect_uris:
            return "redirect_uri är inte registrerad"
        return None

    def _request_problem(self, params: dict[str, str]) -> tuple[str, str] | None:
        if params.get("response_type") != "code":
            return "unsupported_response_type", "response_type must be code"
        if "openid" not in params.get("scope", "").split():
            return "invalid_scope", "scope must include openid"
        if not params.get("state") or not params.get("nonce"):
            return "invalid_request", "state and nonce are required"
        if params.get("code_challenge_method") != "S256":
            return "invalid_request", "PKCE with code_challenge_method=S256 is required"
        if not _S256_CHALLENGE.fullmatch(params.get("code_challenge", "")):
            return "invalid_request", "malformed code_challenge"
        return None

    def _decide(self, params: dict[str, str]) -> Response:
        if "cancel" in params:
            return self._back(params, error="access_denied", error_description="cancelled")
        sub = params.get("user", "")
        if sub not in self.settings.users:
            return self._back(params, error="invalid_request", error_description="unknown user")
        return self._back(params, code=self._new_code(params, sub))

    def _new_code(self, params: dict[str, str], sub: str) -> str:
        now = time.monotonic()
        self.codes = {code: g for code, g in self.codes.items() if g.expires_at > now}
        code = secrets.token_urlsafe(32)
        self.codes[code] = _Grant(
            client_id=params["client_id"],
            redirect_uri=params["redirect_uri"],
            nonce=params["nonce"],
            code_challenge=params["code_challenge"],
            sub=sub,
            expires_at=now + CODE_LIFETIME_SECONDS,
        )
        return code

    def _back(self, params: dict[str, str], **result: str) -> Response:
        """Send the browser back to the client with ``result`` (and the state)."""
        url = _with_params(params["redirect_uri"], **result, state=params.get("state") or None)
        return RedirectResponse(url, status_code=303)

    # --- token endpoint -----------------------------------------------------

    async def token(self, request: Request) -> Response:
        """Exchanges a one-time authorization code for tokens."""
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        if not self._client_authenticated(request, form):
            headers = {"WWW-Authenticate": 'Basic realm="oidc"'}
            return JSONResponse({"error": "invalid_client"}, status_code=401, headers=headers)
        if form.get("grant_type") != "authorization_code":
            return _token_error("unsupported_grant_type", "only authorization_code")
        # Popped before any check, so a code is spent even by a failed attempt.
        grant = self.codes.pop(form.get("code", ""), None)
        problem = _grant_problem(grant, form, self.settings.client_id)
        if problem or grant is None:
            return _token_error("invalid_grant", problem or "unknown code")
        return JSONResponse(self._issue_tokens(grant), headers=_NO_STORE)

    def _client_authenticated(self, request: Request, form: dict[str, str]) -> bool:
        header = request.headers.get("authorization", "")
        if header[:6].lower() == "basic ":
            if "client_secret" in form:
                return False  # RFC 6749 2.3: one authentication method per request
            credentials = _basic_credentials(header[6:])
        else:
            credentials = (form.get("client_id", ""), form.get("client_secret", ""))
        if credentials is None:
            return False
        # Both raw and form-decoded (RFC 6749 2.3.1) forms are accepted: Authlib
        # sends them raw.
        client_id, secret = credentials
        return any(
            _same(cid, self.settings.client_id) and _same(sec, self.settings.client_secret)
            for cid, sec in ((client_id, secret), (unquote_plus(client_id), unquote_plus(secret)))
        )

    def _issue_tokens(self, grant: _Grant) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            **self.settings.users[grant.sub],
            "iss": self.settings.issuer_override or self.settings.issuer,
            "sub": grant.sub,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "auth_time": now,
            "nonce": grant.nonce,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
        access_token = secrets.token_urlsafe(32)
        expiry = time.monotonic() + TOKEN_LIFETIME_SECONDS
        self.access_tokens[access_token] = (grant.sub, expiry)
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "id_token": id_token,
        }

    # --- userinfo -----------------------------------------------------------

    async def userinfo(self, request: Request) -> Response:
        """The user's claims for a Bearer access token."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        entry = self.access_tokens.get(token) if scheme.lower() == "bearer" else None
        if entry is None or entry[1] < time.monotonic():
            headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            return JSONResponse({"error": "invalid_token"}, status_code=401, headers=headers)
        sub = entry[0]
        return JSONResponse({**self.settings.users[sub], "sub": sub}, headers=_NO_STORE)


def _basic_credentials(encoded: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except ValueError:  # also binascii.Error and UnicodeDecodeError
        return None
    client_id, colon, secret = decoded.partition(":")
    return (client_id, secret) if colon else None


def _grant_problem(grant: _Grant | None, form: dict[str, str], client_id: str) -> str | None:
    if grant is None:
        return "unknown or already used code"
    if grant.expires_at < time.monotonic():
        return "code expired"
    if grant.client_id != client_id or form.get("redirect_uri") != grant.redirect_uri:
        return "code was issued to another client or redirect_uri"
    verifier = form.get("code_verifier", "")
    if not _VERIFIER.fullmatch(verifier) or not _same(_s256(verifier), grant.code_challenge):
        return "PKCE verification failed"
    return None


def _token_error(error: str, description: str) -> Response:
    body = {"error": error, "error_description": description}
    return JSONResponse(body, status_code=400, headers=_NO_STORE)


# --- pages ------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<main>
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


def _login_page(params: dict[str, str], users: dict[str, dict[str, Any]]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(params[name])}">\n'
        for name in AUTHORIZE_PARAMS
        if name in params
    )
    buttons = "".join(
        f'<p><button type="submit" name="user" value="{html.escape(sub)}">'
        f"{html.escape(str(claims.get('name', sub)))}</button></p>\n"
        for sub, claims in users.items()
    )
    cancel = '<p><button type="submit" name="cancel" value="1">Avbryt</button></p>\n'
    form = f'<form method="post" action="/authorize">\n{hidden}{buttons}{cancel}</form>'
    note = "<p>Testleverantör för utveckling: ingen riktig e-legitimation.</p>\n"
    return _PAGE.format(title="Välj testanvändare", body=note + form)


def _error_page(problem: str) -> str:
    body = f"<p>Felaktig inloggningsbegäran: {html.escape(problem)}.</p>"
    return _PAGE.format(title="Inloggningen kan inte starta", body=body)


# --- command line -------------------------------------------------------------


def load_users(path: Path) -> dict[str, dict[str, Any]]:
    """Read USERS.json: a list of ``{"sub": str, "claims": {...}}``."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError("USERS.json must hold a list")
    users: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if not isinstance(entry.get("sub"), str) or not isinstance(entry.get("claims"), dict):
            raise ValueError('each user needs "sub" (string) and "claims" (object)')
        users[entry["sub"]] = entry["claims"]
    return users


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="A small OpenID Connect provider for tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", type=Path, required=True, help="USERS.json")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        help="registered redirect URI (repeatable); none given: any http(s) URL",
    )
    parser.add_argument(
        "--issuer-override",
        metavar="URL",
        help="put this wrong 'iss' into ID tokens (to test that clients reject them)",
    )
    parser.add_argument("--log-level", default="info")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the provider until interrupted."""
    args = parse_args(argv)
    settings = ProviderSettings(
        issuer=f"http://{args.host}:{args.port}",
        client_id=args.client_id,
        client_secret=args.client_secret,
        users=load_users(args.users),
        redirect_uris=tuple(args.redirect_uri),
        issuer_override=args.issuer_override,
    )
    print(f"OIDC test provider: issuer {settings.issuer}", file=sys.stderr, flush=True)
    app = Provider(settings).app()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
