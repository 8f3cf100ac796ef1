"""The ASGI application factory."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from samvard.core.config import Settings, get_settings
from samvard.core.db import make_engine, make_session_factory
from samvard.federation.pusher import EngagementPusher, needs_pusher
from samvard.web import handlers
from samvard.web.middleware import BodyLimitMiddleware, WebContextMiddleware
from samvard.web.routes import (
    admin,
    api,
    assessment,
    citizen,
    contacts_citizen,
    contacts_staff,
    coordinated_staff,
    federation,
    fhir,
    followup,
    login,
    logreview,
    oidc,
    planning,
    planning_api,
    planning_quality,
    planning_scenarios,
    planning_upload,
    public,
    records_staff,
    routing_admin,
    sharing_api,
    sharing_citizen,
    staff,
)
from samvard.web.routes.planning_upload_jobfiles import remove_stale
from samvard.web.routes.planning_upload_jobs import jobs_directory
from samvard.web.routes.planning_upload_stream import STALE_AFTER_SECONDS, remove_stale_uploads
from samvard.web.security import CSRF_COOKIE, Signer, cookie_name
from samvard.web.templating import make_templates

_STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the app; refuses unsafe production settings (the Settings validator raises)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        lifespan=_lifespan,
        title="Samvård API",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        description="JSON API of Samvård. FHIR R4 read API under /fhir/.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.signer = Signer(settings.secret_key)
    app.state.templates = make_templates(settings.language)
    app.state.oidc_clients = {}
    handlers.install(app)
    for router in (
        public,
        login,
        oidc,
        citizen,
        sharing_citizen,
        assessment,
        contacts_citizen,
        staff,
        contacts_staff,
        records_staff,
        coordinated_staff,
        logreview,
        followup,
        planning,
        planning_quality,
        planning_scenarios,
        planning_upload,
        admin,
        routing_admin,
        api,
        planning_api,
        sharing_api,
        fhir,
        federation,
    ):
        app.include_router(router.router)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(
        WebContextMiddleware,
        csrf_cookie=cookie_name(settings, CSRF_COOKIE),
        secure=settings.cookie_secure,
        form_action=_oidc_origins(settings),
    )
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = app.state.settings
    data = settings.analytics_path.parent
    remove_stale_uploads(data, now=time.time())
    remove_stale(jobs_directory(data), now=time.time(), older_than=STALE_AFTER_SECONDS)
    # A producer node in a federation keeps the national engagement index current.
    pusher = None
    if needs_pusher(settings):
        pusher = EngagementPusher(app.state.session_factory, settings)
        pusher.start()
    yield
    if pusher is not None:
        pusher.stop()


def _oidc_origins(settings: Settings) -> str:
    # Login forms post to our own origin only, but the OIDC redirect leaves for the broker.
    issuers = [settings.citizen_oidc_issuer, settings.staff_oidc_issuer]
    return " ".join(i.rstrip("/") for i in issuers if i)
