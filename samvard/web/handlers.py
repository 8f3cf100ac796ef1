"""Exception handlers: Swedish error pages for people, structured JSON for programs."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from samvard.access.guard import AccessDenied
from samvard.web.errors import LoginRequired, RequestTooLarge, WebError
from samvard.web.security import SESSION_COOKIE, expire_cookie
from samvard.web.templating import render

log = logging.getLogger("samvard.web")

_STATUS_TEXT = {
    400: "Felaktig förfrågan",
    401: "Inloggning krävs",
    403: "Åtkomst nekad",
    404: "Sidan finns inte",
    405: "Metoden stöds inte",
    409: "Det går inte just nu",
    413: "Förfrågan är för stor",
    415: "Fel innehållstyp",
    422: "Uppgifterna kunde inte tolkas",
    500: "Något gick fel",
}


def wants_json(request: Request) -> bool:
    """APIs answer in JSON; everything else in HTML."""
    return request.url.path.startswith(("/api/", "/fhir/", "/federation/"))


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    """One error, shaped for whoever asked."""
    request_id = getattr(request.state, "request_id", "")
    if request.url.path.startswith(("/fhir/", "/federation/v1/fhir/")):
        return JSONResponse(
            _operation_outcome(status, message),
            status_code=status,
            media_type="application/fhir+json",
        )
    if wants_json(request):
        body = {"error": {"code": code, "message": message, "request_id": request_id}}
        return JSONResponse(body, status_code=status)
    title = _STATUS_TEXT.get(status, "Något gick fel")
    context = {"title": title, "message": message, "status": status}
    return render(request, "error.html", context, status=status)


def _operation_outcome(status: int, message: str) -> dict[str, object]:
    code = {401: "login", 403: "forbidden", 404: "not-found", 422: "invalid"}.get(status)
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code or "exception", "diagnostics": message}],
    }


def install(app: FastAPI) -> None:
    """Register every handler on `app`."""
    app.add_exception_handler(WebError, _web_error)
    app.add_exception_handler(AccessDenied, _access_denied)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(RequestTooLarge, _too_large)
    app.add_exception_handler(Exception, _unexpected)


async def _web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    if isinstance(exc, LoginRequired) and not wants_json(request):
        return RedirectResponse(f"{exc.login_path}?meddelande={exc.why}", status_code=303)
    response = error_response(request, exc.status, exc.code, exc.message)
    if exc.code == "bad_session_cookie":
        settings = request.app.state.settings
        expire_cookie(response, settings, SESSION_COOKIE)
    return response


async def _access_denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AccessDenied)
    return error_response(request, 403, exc.decision.reason, exc.decision.explanation)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "Det du letar efter finns inte.", 405: "Den här metoden stöds inte här."}
    message = messages.get(exc.status_code, _STATUS_TEXT.get(exc.status_code, "Fel."))
    return error_response(request, exc.status_code, f"http_{exc.status_code}", message)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = [".".join(str(p) for p in err.get("loc", ())[1:]) for err in exc.errors()]
    named = [f for f in fields if f]
    message = (
        "Ogiltiga eller saknade uppgifter: " + ", ".join(named)
        if named
        else "Förfrågan kunde inte tolkas: kontrollera innehållstyp och format."
    )
    return error_response(request, 422, "invalid_request", message)


async def _too_large(request: Request, exc: Exception) -> Response:
    return error_response(request, 413, "request_too_large", "Förfrågan är för stor.")


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Only the type and the request id: exception text may carry personal data.
    request_id = getattr(request.state, "request_id", "")
    log.error("unhandled %s in request %s", type(exc).__name__, request_id)
    return unexpected_error_response(request)


def unexpected_error_response(request: Request) -> Response:
    """The 500 answer: a reference to quote, nothing about the cause."""
    request_id = getattr(request.state, "request_id", "")
    return error_response(
        request,
        500,
        "internal_error",
        f"Ett oväntat fel inträffade. Ange referens {request_id} vid kontakt.",
    )
