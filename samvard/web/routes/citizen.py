"""The citizen portal: my pages, my details, who has read about me."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from samvard.access import explain, extract
from samvard.access.guard import check_own
from samvard.access.queries import AccessLogRow, list_access_log
from samvard.access.schemas import InfoSet
from samvard.core.db import utcnow
from samvard.web.deps import CitizenLogin, Db, Login
from samvard.web.templating import render

router = APIRouter()
PAGE_SIZE = 25
# An extract holds the whole log; the bound only keeps one request from running away.
EXTRACT_LIMIT = 100_000


@router.get("/mina-sidor", response_class=HTMLResponse)
def my_pages(request: Request, db: Db, login: CitizenLogin) -> HTMLResponse:
    """The citizen's start page."""
    return render(request, "citizen_home.html")


@router.get("/mina-sidor/uppgifter", response_class=HTMLResponse)
def my_details(request: Request, db: Db, login: CitizenLogin) -> HTMLResponse:
    """The citizen's own registered details."""
    assert login.person is not None
    check_own(db, actor=login.actor, info=InfoSet.DEMOGRAPHICS, patient_pk=login.person.id)
    return render(request, "citizen_details.html", {"person": login.person})


@router.get("/mina-sidor/vem-har-last", response_class=HTMLResponse)
def who_has_read(
    request: Request, db: Db, login: CitizenLogin, sida: Annotated[int, Query(ge=1, le=10_000)] = 1
) -> HTMLResponse:
    """Vem har läst om mig? Every access by others, with a plain-language reason."""
    assert login.person is not None
    check_own(db, actor=login.actor, info=InfoSet.ACCESS_LOG, patient_pk=login.person.id)
    rows, total = list_access_log(
        db, patient_id=login.person.person_id, limit=PAGE_SIZE, offset=(sida - 1) * PAGE_SIZE
    )
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "access_log.html",
        {"rows": rows, "total": total, "page": sida, "pages": pages, "explain": explain},
    )


def _whole_log(db: Db, login: Login) -> list[AccessLogRow]:
    assert login.person is not None
    # Reading one's log to keep a copy is a read of the log like any other, and logged so.
    check_own(db, actor=login.actor, info=InfoSet.ACCESS_LOG, patient_pk=login.person.id)
    rows, _ = list_access_log(db, patient_id=login.person.person_id, limit=EXTRACT_LIMIT)
    return rows


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/mina-sidor/vem-har-last/utdrag.csv")
def access_log_csv(db: Db, login: CitizenLogin) -> Response:
    """The whole access log as CSV (UTF-8 with BOM, semicolons, Swedish headings)."""
    text = extract.to_csv(_whole_log(db, login))
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers=_attachment("vem-har-last.csv"),
    )


@router.get("/mina-sidor/vem-har-last/utdrag.json")
def access_log_json(db: Db, login: CitizenLogin) -> JSONResponse:
    """The whole access log as JSON, with the codes behind the words."""
    assert login.person is not None
    rows = _whole_log(db, login)
    body = extract.to_json(rows, person_id=login.person.person_id, made_at=utcnow())
    return JSONResponse(body, headers=_attachment("vem-har-last.json"))
