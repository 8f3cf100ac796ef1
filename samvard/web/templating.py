"""Jinja2 set-up and the one function routes use to render a page."""

from __future__ import annotations

import gettext
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

_HERE = Path(__file__).parent
SWEDEN = ZoneInfo("Europe/Stockholm")


_LOCALE = _HERE / "locale"


def make_templates(language: str = "sv") -> Jinja2Templates:
    """Templates with autoescaping and a gettext catalogue.

    Swedish is the source text; a compiled catalogue under web/locale/<lang>/LC_MESSAGES
    (made from messages.pot with `make messages`) lets another language follow.
    """
    env = Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    translations = gettext.translation("messages", _LOCALE, languages=[language], fallback=True)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    templates = Jinja2Templates(env=env)
    templates.env.filters["local_time"] = local_time
    templates.env.filters["person_id"] = display_person_id
    return templates


def local_time(value: datetime | None) -> str:
    """A UTC timestamp shown in Swedish local time."""
    if value is None:
        return ""
    return value.astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M")


def display_person_id(value: str) -> str:
    """A 12-digit identifier written the way people read it: ÅÅÅÅMMDD-NNNN."""
    if len(value) == 12 and value.isdigit():
        return f"{value[:8]}-{value[8:]}"
    return value


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render `template` with the login and CSRF token every page needs."""
    state = request.state
    signer = request.app.state.signer
    csrf_cookie = getattr(state, "csrf_cookie", "")
    base = {
        "login": getattr(state, "login", None),
        "csrf_token": signer.csrf_token(csrf_cookie) if csrf_cookie else "",
        "settings": request.app.state.settings,
        "request_id": getattr(state, "request_id", ""),
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, {**base, **(context or {})}, status_code=status
    )
    return response
