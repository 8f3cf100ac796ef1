"""The citizen portal: my pages, my details, who has read about me."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from samvard.access import explain
from samvard.access.guard import check_own
from samvard.access.queries import list_access_log
from samvard.access.schemas import InfoSet
from samvard.web.deps import CitizenLogin, Db
from samvard.web.templating import render

router = APIRouter()
PAGE_SIZE = 25


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
