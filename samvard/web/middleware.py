"""Pure ASGI middleware: request ids, security headers, CSRF cookie, request size limit."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from samvard.core.context import reset_request_id, set_request_id
from samvard.web.errors import RequestTooLarge
from samvard.web.handlers import error_response, unexpected_error_response
from samvard.web.security import new_csrf_cookie

log = logging.getLogger("samvard.web")

# Everything is served from our own origin: no CDN, no inline scripts.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self' {form_action}; frame-ancestors 'none'; base-uri 'self'"
)


class WebContextMiddleware:
    """Binds a request id, makes sure every browser has a CSRF cookie, adds headers."""

    def __init__(
        self, app: ASGIApp, *, csrf_cookie: str, secure: bool, form_action: str = ""
    ) -> None:
        self.app = app
        self.csrf_cookie = csrf_cookie
        self.secure = secure
        self.csp = _CSP.format(form_action=form_action).replace("  ", " ")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Always our own id: a client-chosen one could be reused to blur the audit trail.
        request_id = uuid.uuid4().hex
        existing = _cookie(scope, self.csrf_cookie)
        csrf = existing or new_csrf_cookie()
        scope.setdefault("state", {}).update(request_id=request_id, csrf_cookie=csrf)
        token = set_request_id(request_id)
        started, status, started_response = time.perf_counter(), 500, False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status, started_response = message["status"], True
                self._decorate(MutableHeaders(scope=message), request_id, csrf, existing)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            # Handled here, inside the headers, and never re-raised: the server's own
            # error log would print a traceback whose SQL parameters are personal data.
            log.error("unhandled %s in request %s", type(exc).__name__, request_id)
            if not started_response:
                response = unexpected_error_response(Request(scope))
                await response(scope, receive, send_with_headers)
        finally:
            reset_request_id(token)
            _log_access(scope, status, time.perf_counter() - started, request_id)

    def _decorate(
        self, headers: MutableHeaders, request_id: str, csrf: str, existing: str | None
    ) -> None:
        headers["X-Request-ID"] = request_id
        headers.setdefault("Content-Security-Policy", self.csp)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        headers.setdefault("Cache-Control", "no-store")
        if existing is None:
            flags = "; Secure" if self.secure else ""
            headers.append(
                "Set-Cookie", f"{self.csrf_cookie}={csrf}; Path=/; HttpOnly; SameSite=Lax{flags}"
            )


access_log = logging.getLogger("samvard.access")
# Identifiers in paths (personnummer, HSA-ids' digits) never reach the application log.
_LONG_NUMBER = re.compile(r"\d{6,}")


def _log_access(scope: Scope, status: int, seconds: float, request_id: str) -> None:
    path = _LONG_NUMBER.sub("…", str(scope.get("path", "")))
    access_log.info(
        "%s %s %s %.1fms %s", scope.get("method"), path, status, seconds * 1000, request_id
    )


def _cookie(scope: Scope, name: str) -> str | None:
    # Starlette's lenient parser (as request.cookies uses): one odd cookie from another
    # site on the same domain must not hide ours.
    for header, value in scope.get("headers", []):
        if header == b"cookie":
            found = cookie_parser(value.decode("latin-1")).get(name)
            if found:
                return found
    return None


# POST paths that take a file larger than an ordinary form: the upload of a monthly report.
# They get `settings.upload_max_bytes`, and their routes stream the body to disk.
UPLOAD_PATHS = frozenset({"/planering/uppladdning"})


class BodyLimitMiddleware:
    """Refuses request bodies larger than the limit, declared or streamed (413).

    Every request gets `max_bytes`, except a POST to one of `upload_paths`, which gets
    `upload_max_bytes` (by default the app's `settings.upload_max_bytes`).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        upload_max_bytes: int | None = None,
        upload_paths: frozenset[str] = UPLOAD_PATHS,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.upload_paths = upload_paths

    def limit(self, scope: Scope) -> int:
        """The largest body this request may have."""
        if scope.get("method") != "POST" or scope.get("path") not in self.upload_paths:
            return self.max_bytes
        if self.upload_max_bytes is not None:
            return self.upload_max_bytes
        app = scope.get("app")
        settings = getattr(getattr(app, "state", None), "settings", None)
        return int(getattr(settings, "upload_max_bytes", self.max_bytes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(scope, receive, send)
            return
        seen, tripped = 0, False

        async def counted() -> Message:
            nonlocal seen, tripped
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                tripped = True
                raise RequestTooLarge
            return message

        async def answer(message: Message) -> None:
            # Body parsers may turn our exception into their own 400; the client should
            # still learn the real reason, so whatever the app answers becomes a 413.
            if not tripped:
                await send(message)
            elif message["type"] == "http.response.start":
                await _too_large(scope, receive, send)

        await self.app(scope, counted, answer)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    # The same answer as every other error: the Swedish page with the layout for people,
    # structured JSON (or a FHIR OperationOutcome) for programs.
    response = error_response(Request(scope), 413, "request_too_large", "Förfrågan är för stor.")
    await response(scope, receive, send)
