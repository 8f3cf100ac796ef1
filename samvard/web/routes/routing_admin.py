"""The region's routing administration: the active configuration, an edit form, a preview
of the change at representative moments, publishing, and the version history.

Only administrators of the region's own care giver get here; the configuration is not
personal data, so reads are decided by the policy but not audited, and every publish is.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from samvard.access.guard import check
from samvard.access.schemas import AccessRequest, Action, InfoSet, Purpose
from samvard.core.db import utcnow
from samvard.directory.models import Region
from samvard.routing import inputs, queries
from samvard.routing.actions import RoutingError, check_belongs, publish
from samvard.routing.engine import week_text
from samvard.routing.inputs import EditForm, FormError
from samvard.routing.policy import administered_region
from samvard.routing.preview import preview
from samvard.routing.problems import InvalidConfigError, parse_config
from samvard.routing.schemas import (
    DISPOSITION_LABELS,
    KIND_LABELS,
    WEEKDAY_LABELS,
    WEEKDAYS,
    RoutingConfig,
)
from samvard.web.deps import Csrf, Db, Login, StaffAtUnit
from samvard.web.errors import WebError
from samvard.web.templating import render

router = APIRouter(prefix="/admin/styrning")
MAX_CONFIG_JSON = 200_000


def _region(db: Session, login: Login, action: Action = Action.READ) -> Region:
    """The administrator's own region (403 for anyone else)."""
    request = AccessRequest(
        actor=login.actor, info=InfoSet.ROUTING_ADMIN, purpose=Purpose.ADMINISTRATION, action=action
    )
    check(db, request)
    code = administered_region(db, login.actor)
    region = db.get(Region, code) if code else None
    if region is None:
        raise WebError(
            403, "not_region_staff", "Styrningen ändras av administratörer hos regionen själv."
        )
    return region


def _current(db: Session, region: Region) -> RoutingConfig:
    config = queries.get_active_config(db, region.code)
    if config is None:
        raise WebError(404, "no_routing", "Regionen har ingen styrning.")
    return config


def _next_version(db: Session, region: Region) -> int:
    versions = queries.list_versions(db, region.code)
    return (versions[0].version if versions else 0) + 1


@router.get("", response_class=HTMLResponse)
def routing_page(request: Request, db: Db, login: StaffAtUnit) -> HTMLResponse:
    """The active routing as tables, the edit form, and the history."""
    region = _region(db, login)
    config = _current(db, region)
    form = inputs.from_config(config, version=_next_version(db, region))
    published = request.query_params.get("publicerad", "")
    return _page(request, db, region, config, form, [], notice=_published_notice(published))


def _published_notice(value: str) -> str:
    if value.isdigit() and len(value) < 8:
        return f"Version {value} är publicerad och gäller från och med nu."
    if value == "oforandrad":
        return "Inget publicerades: innehållet är detsamma som den version som gäller."
    return ""


def _page(
    request: Request,
    db: Session,
    region: Region,
    config: RoutingConfig,
    form: EditForm,
    errors: list[FormError],
    *,
    notice: str = "",
    status: int = 200,
) -> HTMLResponse:
    context = {
        "region": region,
        "config": config,
        "active": queries.get_active_version(db, region.code),
        "versions": queries.list_versions(db, region.code),
        "form": inputs.with_blank_rows(form),
        "errors": errors,
        "notice": notice,
        **_labels(),
    }
    return render(request, "routing_admin.html", context, status=status)


def _labels() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "disposition_labels": DISPOSITION_LABELS,
        "weekdays": WEEKDAYS,
        "weekday_labels": WEEKDAY_LABELS,
        "week_text": week_text,
    }


@router.post("/forhandsgranska", response_class=HTMLResponse, dependencies=[Csrf])
async def preview_change(request: Request, db: Db, login: StaffAtUnit) -> HTMLResponse:
    """Validate the edited form; show the problems, or where every disposition would go."""
    region = _region(db, login)
    fields = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    form = inputs.from_submitted(fields)
    data, rows = inputs.to_data(form, region_code=region.code)
    current = _current(db, region)
    try:
        proposed = parse_config(data)
        check_belongs(db, proposed, region.code)
    except InvalidConfigError as error:
        errors = inputs.form_errors(error.problems, rows)
        return _page(request, db, region, current, form, errors, status=400)
    context = {
        "region": region,
        "config": proposed,
        "current": current,
        "form": inputs.with_blank_rows(form),
        "preview": preview(current, proposed, now=utcnow()),
        "config_json": json.dumps(proposed.model_dump(mode="json"), ensure_ascii=False),
        **_labels(),
    }
    return render(request, "routing_preview.html", context)


@router.post("/publicera", dependencies=[Csrf])
def publish_change(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    config: Annotated[str, Form(max_length=MAX_CONFIG_JSON)],
) -> Response:
    """Publish the previewed configuration; a stale or invalid one keeps the old version."""
    region = _region(db, login, Action.WRITE)
    current = _current(db, region)
    try:
        data = json.loads(config)
    except ValueError as error:
        raise WebError(400, "bad_config", "Förhandsgranska ändringen igen.") from error
    if not isinstance(data, dict):
        raise WebError(400, "bad_config", "Förhandsgranska ändringen igen.")
    try:
        result = publish(db, actor=login.actor, region_code=region.code, config=data)
    except InvalidConfigError as error:
        return _rejected(request, db, region, current, data, error)
    except RoutingError as error:
        form = inputs.from_config(current, version=_next_version(db, region))
        errors = [FormError("andringar", "Publicering", error.message)]
        return _page(request, db, region, current, form, errors, status=409)
    target = str(result.version.version) if result.created else "oforandrad"
    return RedirectResponse(f"/admin/styrning?publicerad={target}", status_code=303)


def _rejected(
    request: Request,
    db: Session,
    region: Region,
    current: RoutingConfig,
    data: dict[str, Any],
    error: InvalidConfigError,
) -> HTMLResponse:
    """The proposal back in the form with its problems (the directory may have changed)."""
    try:
        form = inputs.from_config(RoutingConfig.model_validate(data), version=data["version"])
    except (ValueError, KeyError):
        form = inputs.from_config(current, version=_next_version(db, region))
    errors = inputs.form_errors(error.problems, list(range(len(form.rows))))
    return _page(request, db, region, current, form, errors, status=400)


@router.get("/version/{version}", response_class=HTMLResponse)
def version_page(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    version: Annotated[int, Path(ge=1, le=1_000_000)],
) -> HTMLResponse:
    """One published version, read-only, as it was."""
    region = _region(db, login)
    row = next((v for v in queries.list_versions(db, region.code) if v.version == version), None)
    if row is None:
        raise WebError(404, "unknown_version", "Den versionen finns inte.")
    config = RoutingConfig.model_validate(row.config)
    context = {"region": region, "config": config, "row": row, **_labels()}
    return render(request, "routing_version.html", context)
