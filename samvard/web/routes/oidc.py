"""OpenID Connect login: citizens through an e-ID broker, staff through a SITHS broker."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from samvard.auth.oidc import OidcClient, OidcConfig, OidcError, PendingLogin, error_from_callback
from samvard.core.config import Settings
from samvard.directory import queries as directory
from samvard.identity.numbers import InvalidPersonId, parse_person_id
from samvard.web import sessions
from samvard.web.deps import Db, settings_of, signer_of
from samvard.web.errors import WebError
from samvard.web.security import OIDC_COOKIE, OIDC_MAX_AGE, cookie_name, expire_cookie, set_cookie

router = APIRouter()
log = logging.getLogger("samvard.oidc")
Audience = Literal["citizen", "staff"]
_CALLBACK = {"citizen": "/login/oidc/callback", "staff": "/personal/login/oidc/callback"}


def _client(request: Request, audience: Audience) -> OidcClient:
    clients: dict[str, OidcClient] = request.app.state.oidc_clients
    if audience not in clients:
        clients[audience] = OidcClient(_config(settings_of(request), audience))
    return clients[audience]


def _config(settings: Settings, audience: Audience) -> OidcConfig:
    issuer, client_id, secret = (
        (
            settings.citizen_oidc_issuer,
            settings.citizen_oidc_client_id,
            settings.citizen_oidc_client_secret,
        )
        if audience == "citizen"
        else (
            settings.staff_oidc_issuer,
            settings.staff_oidc_client_id,
            settings.staff_oidc_client_secret,
        )
    )
    if not (issuer and client_id and secret):
        raise WebError(404, "http_404", "Inloggning med e-legitimation är inte konfigurerad.")
    return OidcConfig(issuer=issuer, client_id=client_id, client_secret=secret)


async def _begin(request: Request, audience: Audience) -> Response:
    client = _client(request, audience)
    redirect_uri = settings_of(request).public_base_url.rstrip("/") + _CALLBACK[audience]
    try:
        url, pending = await client.begin(redirect_uri)
    except OidcError as exc:
        log.warning("oidc begin failed: %s", exc.detail)
        raise WebError(502, "oidc_unavailable", exc.message) from exc
    response = RedirectResponse(url, status_code=303)
    settings = settings_of(request)
    value = signer_of(request).sign_oidc({**pending.to_dict(), "audience": audience})
    set_cookie(response, settings, OIDC_COOKIE, value, max_age=OIDC_MAX_AGE)
    return response


async def _complete(request: Request, audience: Audience) -> dict[str, object]:
    params = dict(request.query_params)
    error = error_from_callback(params)
    if error is not None:
        raise WebError(400, "oidc_" + (error.provider_error or "error"), error.message)
    raw = request.cookies.get(cookie_name(settings_of(request), OIDC_COOKIE), "")
    data = signer_of(request).unsign_oidc(raw) if raw else None
    if not data or data.get("audience") != audience:
        raise WebError(400, "oidc_no_pending", "Inloggningen har gått ut. Börja om från början.")
    try:
        return await _client(request, audience).complete(
            PendingLogin.from_dict(data), code=params.get("code", ""), state=params.get("state", "")
        )
    except OidcError as exc:
        log.warning("oidc login failed: %s", exc.detail)
        raise WebError(400, "oidc_failed", exc.message) from exc


def _clear_pending(request: Request, response: Response) -> Response:
    settings = settings_of(request)
    expire_cookie(response, settings, OIDC_COOKIE)
    return response


@router.get("/login/oidc")
async def citizen_oidc_start(request: Request) -> Response:
    """Send the citizen to the e-ID broker."""
    return await _begin(request, "citizen")


@router.get("/login/oidc/callback")
async def citizen_oidc_callback(request: Request, db: Db) -> Response:
    """The broker sends the citizen back here with a code."""
    claims = await _complete(request, "citizen")
    value = claims.get(settings_of(request).citizen_oidc_pnr_claim)
    try:
        pid = parse_person_id(str(value or ""))
    except InvalidPersonId as exc:
        raise WebError(
            400, "oidc_no_person_id", "E-legitimationen saknade ett giltigt personnummer."
        ) from exc
    response = sessions.login_citizen(
        request,
        db,
        pid=pid,
        method="oidc",
        given_name=str(claims.get("given_name", "")),
        family_name=str(claims.get("family_name", "")),
    )
    return _clear_pending(request, response)


@router.get("/personal/login/oidc")
async def staff_oidc_start(request: Request) -> Response:
    """Send the staff member to the SITHS broker."""
    return await _begin(request, "staff")


@router.get("/personal/login/oidc/callback")
async def staff_oidc_callback(request: Request, db: Db) -> Response:
    """The broker sends the staff member back here with a code."""
    claims = await _complete(request, "staff")
    hsa_id = str(claims.get(settings_of(request).staff_oidc_hsaid_claim) or "").upper()
    staff = directory.get_staff_by_hsa_id(db, hsa_id) if hsa_id else None
    if staff is None:
        raise WebError(403, "unknown_staff", "Du finns inte i katalogen över medarbetare.")
    return _clear_pending(request, sessions.login_staff(request, db, staff=staff, method="oidc"))
