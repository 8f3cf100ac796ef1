"""Public pages: start page and health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import text

from samvard.web.deps import Db, OptionalLogin
from samvard.web.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, login: OptionalLogin) -> HTMLResponse:
    """Start page: choose citizen or staff."""
    return render(request, "home.html")


@router.get("/healthz")
def health(db: Db) -> JSONResponse:
    """Liveness and database reachability, for load balancers."""
    db.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})
