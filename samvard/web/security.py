"""Cookie signing and CSRF tokens."""

from __future__ import annotations

import hmac
import secrets
from hashlib import sha256

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from starlette.responses import Response

from samvard.core.config import Settings

SESSION_COOKIE = "samvard_session"
CSRF_COOKIE = "samvard_csrf"
OIDC_COOKIE = "samvard_oidc"
OIDC_MAX_AGE = 600


def cookie_name(settings: Settings, base: str) -> str:
    """`__Host-` binds the cookie to this exact origin when cookies are Secure."""
    return f"__Host-{base}" if settings.cookie_secure else base


class Signer:
    """Signs the values we put in cookies so any tampering is detected."""

    def __init__(self, secret: str) -> None:
        self._session = URLSafeSerializer(secret, salt="samvard.session")
        self._oidc = URLSafeTimedSerializer(secret, salt="samvard.oidc")
        self._csrf_key = sha256(f"samvard.csrf:{secret}".encode()).digest()

    def sign_session(self, token: str) -> str:
        """Cookie value for a session token."""
        return self._session.dumps(token)

    def unsign_session(self, value: str) -> str | None:
        """The session token, or None if the cookie was tampered with."""
        try:
            token = self._session.loads(value)
        except BadSignature:
            return None
        return token if isinstance(token, str) else None

    def sign_oidc(self, data: dict[str, str]) -> str:
        """Cookie value carrying a pending OIDC login."""
        return self._oidc.dumps(data)

    def unsign_oidc(self, value: str) -> dict[str, str] | None:
        """The pending OIDC login, or None if tampered with or older than 10 minutes."""
        try:
            data = self._oidc.loads(value, max_age=OIDC_MAX_AGE)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None

    def csrf_token(self, csrf_cookie: str) -> str:
        """The form token that belongs to a browser's CSRF cookie."""
        return hmac.new(self._csrf_key, csrf_cookie.encode(), sha256).hexdigest()

    def csrf_valid(self, csrf_cookie: str | None, submitted: str | None) -> bool:
        """True if the submitted token belongs to this browser's cookie."""
        if not csrf_cookie or not submitted:
            return False
        # Bytes, not str: compare_digest raises on non-ASCII text, and a typed token may be.
        expected = self.csrf_token(csrf_cookie).encode()
        return hmac.compare_digest(expected, submitted.encode("utf-8", "replace"))


def new_csrf_cookie() -> str:
    """A fresh random CSRF cookie value."""
    return secrets.token_urlsafe(24)


def set_cookie(
    response: Response, settings: Settings, base: str, value: str, *, max_age: int | None = None
) -> None:
    """Set one of our cookies with the flags every one of them carries."""
    response.set_cookie(
        cookie_name(settings, base),
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


def expire_cookie(response: Response, settings: Settings, base: str) -> None:
    """Delete one of our cookies; the same flags, since browsers ignore a non-Secure
    deletion of a __Host- cookie."""
    response.delete_cookie(
        cookie_name(settings, base),
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )
