"""OpenID Connect relying party for e-ID login.

Citizens log in with BankID or Freja and staff with SITHS; in both cases an OIDC
broker does the e-ID part and this module only speaks OIDC with the broker: the
authorization-code flow with PKCE (S256), client_secret_basic at the token
endpoint, and an ID token whose signature and claims are checked against the
broker's discovery document and published keys.

Every failure surfaces as :class:`OidcError`, whose message is Swedish and fit
to show the user, and whose ``detail`` is English for the log.  Neither ever
holds token contents or personal data.
"""

from __future__ import annotations

import hmac
import re
import secrets
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Self, cast

import httpx
from authlib.deprecate import AuthlibDeprecationWarning
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet, KeySetSerialization

with warnings.catch_warnings():
    # Authlib announces at import that it would rather use a package called
    # "httpx2"; this project uses httpx on purpose, so the warning is noise.
    # (Importing AuthlibDeprecationWarning above first makes Authlib register
    # its own warning filter before ours, so that ours takes precedence.)
    warnings.filterwarnings("ignore", "The httpx module", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

__all__ = [
    "ALLOWED_ALGORITHMS",
    "OidcClient",
    "OidcConfig",
    "OidcError",
    "PendingLogin",
    "error_from_callback",
]

#: Signature algorithms accepted on ID tokens. Never "none", never HMAC (the
#: client secret is not meant to be a signing key).
ALLOWED_ALGORITHMS = ("RS256", "ES256")

# Clock skew tolerated on exp/iat: small, since the broker signs the token
# moments before we read it.
_LEEWAY_SECONDS = 30
_TIMEOUT = httpx.Timeout(10.0)
# Provider error codes are short ASCII words (RFC 6749 4.1.2.1); anything else
# is not echoed into logs, since the callback URL is attacker-controllable.
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")

_FAILED = "Inloggningen misslyckades. Försök igen."
_CANCELLED = "Inloggningen avbröts."
_RESTART = "Inloggningen kunde inte slutföras. Börja om från början."


@dataclass(frozen=True)
class OidcConfig:
    """One client registration at one OIDC provider (the e-ID broker)."""

    issuer: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...] = ("openid", "profile")


class OidcError(Exception):
    """A login that could not be completed.

    ``str(error)`` and ``message`` are Swedish and may be shown to the user;
    ``detail`` is English for the log. ``provider_error`` is the provider's
    OAuth error code when the provider sent one (for example "access_denied"
    when the user cancelled), so callers can tell a cancel from a fault.
    """

    def __init__(self, message: str, *, detail: str, provider_error: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.provider_error = provider_error


def _fail(detail: str) -> OidcError:
    return OidcError(_FAILED, detail=detail)


def _safe_code(code: object) -> str:
    return code if isinstance(code, str) and _ERROR_CODE.fullmatch(code) else "unrecognised"


@dataclass(frozen=True)
class PendingLogin:
    """What the callback needs to finish a login started by :meth:`OidcClient.begin`.

    It lives in the signed session cookie between the redirect and the
    callback; the code verifier must never reach the browser any other way.
    """

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str

    def to_dict(self) -> dict[str, str]:
        """Plain form for the session cookie."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> PendingLogin:
        """Read back :meth:`to_dict`; raises OidcError if anything is missing."""
        values = {f.name: data.get(f.name) for f in fields(cls)}
        if not all(isinstance(value, str) and value for value in values.values()):
            raise OidcError(_RESTART, detail="pending login missing or malformed")
        return cls(**cast(dict[str, str], values))


def error_from_callback(params: Mapping[str, str]) -> OidcError | None:
    """The error the provider sent back on the callback, or None when it sent none.

    ``error_description`` is deliberately ignored: it is free text from the
    provider and could hold anything.
    """
    if "error" not in params:
        return None
    code = _safe_code(params["error"])
    message = _CANCELLED if code == "access_denied" else _FAILED
    return OidcError(message, detail=f"provider returned error={code}", provider_error=code)


class _ViaClient(httpx.AsyncBaseTransport):
    """Transport that hands Authlib's requests to our own httpx client.

    Authlib's OAuth client is itself an httpx client; routing it through ours
    keeps one connection pool and one set of timeouts and hooks.
    """

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._client.send(request, stream=True)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=response.stream,
            extensions=response.extensions,
        )


class OidcClient:
    """Relying party for one provider and client registration.

    The discovery document and the provider's keys are fetched on first use
    and cached; the keys are fetched again once when a token names a key we do
    not have, which is how providers roll their signing keys.
    """

    def __init__(self, config: OidcConfig, *, http: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._owns_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(timeout=_TIMEOUT)
        self._metadata: dict[str, Any] | None = None
        self._jwks: KeySet | None = None

    async def aclose(self) -> None:
        """Close the HTTP client, if this object created it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def begin(
        self, redirect_uri: str, *, login_hint: str | None = None
    ) -> tuple[str, PendingLogin]:
        """Start a login: the provider URL to send the browser to, and what to keep meanwhile."""
        endpoint = (await self._discover())["authorization_endpoint"]
        pending = PendingLogin(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(48),  # 64 chars; RFC 7636 wants 43-128
            redirect_uri=redirect_uri,
        )
        extra = {"login_hint": login_hint} if login_hint else {}
        async with self._oauth(redirect_uri) as oauth:
            url, _ = oauth.create_authorization_url(
                endpoint,
                state=pending.state,
                code_verifier=pending.code_verifier,
                nonce=pending.nonce,
                **extra,
            )
        return str(url), pending

    async def complete(self, pending: PendingLogin, *, code: str, state: str) -> dict[str, Any]:
        """Finish a login from the callback's ``code`` and ``state``; returns verified claims.

        The result is the ID token's claims merged with the userinfo response;
        on a clash the ID token wins, since only it is signed.
        """
        # Constant-time, so the state cannot be guessed byte by byte.
        if not hmac.compare_digest(pending.state.encode(), state.encode()):
            raise OidcError(_RESTART, detail="state mismatch")
        tokens = await self._exchange(pending, code)
        claims = await self._verify_id_token(tokens["id_token"], pending.nonce)
        userinfo = await self._userinfo(tokens["access_token"], claims["sub"])
        return {**userinfo, **claims}

    def _oauth(self, redirect_uri: str) -> Any:
        return AsyncOAuth2Client(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method name)
            scope=" ".join(self.config.scopes),
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            transport=_ViaClient(self._http),
            timeout=_TIMEOUT,
        )

    async def _exchange(self, pending: PendingLogin, code: str) -> dict[str, str]:
        endpoint = (await self._discover())["token_endpoint"]
        try:
            async with self._oauth(pending.redirect_uri) as oauth:
                token = await oauth.fetch_token(
                    endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=pending.code_verifier,
                )
        except OAuthError as exc:
            raise _fail(f"token endpoint refused: error={_safe_code(exc.error)}") from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise _fail(f"token request failed: {type(exc).__name__}") from exc
        return _token_strings(token)

    async def _verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        try:
            token = await self._decode(id_token)
            self._claims_rules(nonce).validate(token.claims)
        except (JoseError, ValueError) as exc:
            # joserfc's messages name the failing check or claim, never a value.
            raise _fail(f"ID token rejected: {type(exc).__name__}: {exc}") from exc
        _check_authorized_party(token.claims, self.config.client_id)
        return token.claims

    async def _decode(self, id_token: str) -> jwt.Token:
        try:
            return jwt.decode(id_token, await self._keys(), algorithms=ALLOWED_ALGORITHMS)
        except InvalidKeyIdError:
            # The provider may have rolled its signing key since we cached its set.
            keys = await self._keys(refresh=True)
            return jwt.decode(id_token, keys, algorithms=ALLOWED_ALGORITHMS)

    def _claims_rules(self, nonce: str) -> jwt.JWTClaimsRegistry:
        return jwt.JWTClaimsRegistry(
            leeway=_LEEWAY_SECONDS,
            iss={"essential": True, "value": self.config.issuer},
            sub={"essential": True},
            aud={"essential": True, "value": self.config.client_id},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )

    async def _userinfo(self, access_token: str, sub: str) -> dict[str, Any]:
        endpoint = (await self._discover()).get("userinfo_endpoint")
        if not endpoint:
            return {}
        headers = {"Authorization": f"Bearer {access_token}"}
        info = await self._get_json(endpoint, "userinfo", headers=headers)
        # Otherwise a mixed-up or malicious response could graft another
        # person's claims onto this login.
        if info.get("sub") != sub:
            raise _fail("userinfo sub differs from ID token sub")
        return info

    async def _discover(self) -> dict[str, Any]:
        if self._metadata is None:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            metadata = await self._get_json(url, "discovery")
            _check_metadata(metadata, self.config.issuer)
            self._metadata = metadata
        return self._metadata

    async def _keys(self, *, refresh: bool = False) -> KeySet:
        if self._jwks is None or refresh:
            data = await self._get_json((await self._discover())["jwks_uri"], "JWKS")
            try:
                self._jwks = KeySet.import_key_set(cast(KeySetSerialization, data))
            except (JoseError, KeyError, TypeError, ValueError) as exc:
                raise _fail(f"JWKS unusable: {type(exc).__name__}") from exc
        return self._jwks

    async def _get_json(
        self, url: str, what: str, *, headers: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        try:
            response = await self._http.get(url, headers=headers)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise _fail(f"{what} request failed: {type(exc).__name__}") from exc
        if not isinstance(data, dict):
            raise _fail(f"{what} response is not a JSON object")
        return data


def _check_metadata(metadata: Mapping[str, Any], issuer: str) -> None:
    # OIDC Discovery 4.3: the document must name exactly the issuer we asked,
    # or a provider could speak for another.
    if metadata.get("issuer") != issuer:
        raise _fail("discovery issuer differs from configured issuer")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(key), str):
            raise _fail(f"discovery document lacks {key}")


def _token_strings(token: Mapping[str, Any]) -> dict[str, str]:
    tokens = {key: token.get(key) for key in ("id_token", "access_token")}
    if not all(isinstance(value, str) and value for value in tokens.values()):
        raise _fail("token response lacks id_token or access_token")
    if str(token.get("token_type", "")).lower() != "bearer":
        raise _fail("token response is not a bearer token")
    return cast(dict[str, str], tokens)


def _check_authorized_party(claims: Mapping[str, Any], client_id: str) -> None:
    # OIDC Core 3.1.3.7: with several audiences, azp must say the token was
    # issued to us; when present at all it must be us.
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 and azp is None) or (azp is not None and azp != client_id):
        raise _fail("ID token azp does not name this client")
