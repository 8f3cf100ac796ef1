"""Upload of a monthly report: the form with a progress bar, and the validation result.

Regions report their own visits (besok); the national follow-up reports Migrationsverket's
asylum-flow statistics (asylsokande). A file is validated whole before anything changes: a
file with any problem is refused with every problem listed (row, column, value, reason in
Swedish), and an accepted file replaces its month atomically and gets a receipt (checksum,
rows, and the difference against the month's previous version).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as FastApiPath
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from samvard.access.guard import check
from samvard.access.schemas import AccessRequest, Action, InfoSet, Purpose
from samvard.analytics.contracts import ReportKind
from samvard.analytics.figures_filters import region_names
from samvard.analytics.ingest import Rejection, ingest
from samvard.analytics.scope import NoPlanningScopeError, Scope
from samvard.analytics.store import Receipt, Warehouse
from samvard.web.deps import (
    Db,
    Login,
    StaffAtUnit,
    get_db,
    optional_login,
    signer_of,
    staff_at_unit,
    staff_login,
)
from samvard.web.errors import WebError
from samvard.web.routes.planning_common import area_name, menu, planner_scope, warehouse_of
from samvard.web.routes.planning_upload_jobs import JobState, Outcome, Progress, jobs_of
from samvard.web.routes.planning_upload_stream import UploadStream
from samvard.web.templating import render

router = APIRouter(prefix="/planering")
PATH = "/planering/uppladdning"
SUFFIXES = (".csv", ".xlsx")
RECEIPTS_SHOWN = 12
KIND_LABELS = {
    ReportKind.BESOK: "Besök (regionens månadsrapport)",
    ReportKind.ASYLSOKANDE: "Asylsökande (Migrationsverkets månadsstatistik)",
}
FIGURE_LABELS = {
    "rader": "Rader",
    "patienter": "Patienter",
    "halsoundersokningar": "Hälsoundersökningar",
    "inskrivna": "Inskrivna",
    "nyinskrivna": "Nyinskrivna",
    "okanda_varden": "Okända värden (..)",
}
RESULT = "_planning_upload_result.html"
INTERRUPTED = "Uppladdningen avbröts innan hela filen kom fram. Inget har ändrats."
GONE = (
    "Uppladdningen finns inte, eller är för gammal för att visas. "
    "Godkända filer finns i listan över mottagna filer."
)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9ÅÄÖåäö._ -]")


def allowed_kind(scope: Scope) -> ReportKind:
    """What the scope reports: a region its visits, the national follow-up the asylum flow."""
    return ReportKind.ASYLSOKANDE if scope.national else ReportKind.BESOK


def _context(request: Request, scope: Scope) -> dict[str, Any]:
    kind = allowed_kind(scope)
    receipts = [
        r
        for r in warehouse_of(request).list_receipts()
        if r.kind == kind and (scope.national or r.region == scope.region)
    ]
    return {
        "menu": menu(PATH),
        "scope": scope,
        "area": area_name(scope),
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "receipts": receipts[:RECEIPTS_SHOWN],
        "max_bytes": request.app.state.settings.upload_max_bytes,
        "max_size": size_text(request.app.state.settings.upload_max_bytes),
        **_labels(),
    }


@router.get("/uppladdning", response_class=HTMLResponse)
def upload_page(request: Request, db: Db, login: StaffAtUnit) -> HTMLResponse:
    """The upload form and the latest receipts of the scope."""
    scope = planner_scope(db, login, InfoSet.ANALYTICS_UPLOAD)
    return render(request, "planning_upload.html", _context(request, scope))


async def form_before_file(request: Request) -> UploadStream:
    """The form's fields up to the file, with the CSRF token checked before anything else.

    Without a valid token (in the form, before the file, or in the X-CSRF-Token header) the
    file is never read.
    """
    try:
        sent = UploadStream(request)
        fields = await sent.read_fields()
    except WebError:
        check_token(request, request.headers.get("X-CSRF-Token"))
        raise
    check_token(request, fields.get("csrf_token") or request.headers.get("X-CSRF-Token"))
    return sent


def check_token(request: Request, submitted: str | None) -> None:
    """The form's CSRF token belongs to this browser; else 403."""
    cookie = getattr(request.state, "csrf_cookie", None)
    if not signer_of(request).csrf_valid(cookie, submitted):
        raise WebError(403, "csrf_failed", "Formuläret kunde inte verifieras. Ladda om sidan.")


@router.post("/uppladdning", response_class=HTMLResponse)
async def upload(
    request: Request, sent: Annotated[UploadStream, Depends(form_before_file)]
) -> HTMLResponse:
    """Take the file, then read it in: polled in the background (htmx) or awaited (a form).

    The access is decided, and the upload recorded, in a transaction that ends before the
    file is read: a large file takes minutes to arrive and must not hold the database.
    """
    with contextmanager(get_db)(request) as db:
        login = staff_at_unit(staff_login(optional_login(request, db)))
        scope = upload_scope(db, login)
        owner = login.web_session.id
        db.commit()
        expected = allowed_kind(scope)
        if sent.fields.get("kind") != expected.value:
            raise WebError(403, "wrong_report_kind", _wrong_kind(scope))
        name = _file_name(sent.file_name)
        warehouse = warehouse_of(request)
        try:
            path = await sent.save(warehouse.path.parent, Path(name).suffix.lower())
        except ClientDisconnect as gone:
            raise WebError(400, "upload_interrupted", INTERRUPTED) from gone
        work = partial(read_in, warehouse, expected, path, name, scope.region)
        if request.headers.get("HX-Request") == "true":
            try:
                job = jobs_of(request.app.state).start(owner, name, work, upload=path)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
            return render(request, RESULT, _job_context(job), 202)
        # Without scripts the form waits for the answer, like any form.
        outcome = await run_in_threadpool(work, _unwatched)
        context = {**_context(request, scope), **_outcome(outcome)}
        status = 400 if isinstance(outcome, Rejection) else 200
        return render(request, "planning_upload.html", context, status)


@router.get("/uppladdning/jobb/{ref}", response_class=HTMLResponse)
def upload_status(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    ref: Annotated[str, FastApiPath(max_length=64)],
) -> HTMLResponse:
    """How far the reading in of one's own upload has come; at the end, its answer."""
    scope = planner_scope(db, login, InfoSet.ANALYTICS_UPLOAD)
    job = jobs_of(request.app.state).get(ref, login.web_session.id)
    if job is None:
        raise WebError(404, "no_such_upload", GONE)
    context = _job_context(job)
    if request.headers.get("HX-Request") == "true":
        return render(request, RESULT, context)
    return render(request, "planning_upload.html", {**_context(request, scope), **context})


def upload_scope(db: Session, login: Login) -> Scope:
    """The access decision for an upload; a write, so the guard records it."""
    check(
        db,
        AccessRequest(
            actor=login.actor,
            info=InfoSet.ANALYTICS_UPLOAD,
            purpose=Purpose.ADMINISTRATION,
            action=Action.WRITE,
        ),
    )
    try:
        return Scope.from_actor(db, login.actor)
    except NoPlanningScopeError as error:
        raise WebError(403, "not_planning_organisation", str(error)) from error


def read_in(
    warehouse: Warehouse,
    kind: ReportKind,
    path: Path,
    name: str,
    region: str | None,
    progress: Progress,
) -> Outcome:
    """Ingest the uploaded file, then delete it, whatever the outcome."""
    try:
        # A region's user may only replace their own region's visits; the national
        # follow-up reports the asylum flow, which belongs to no region.
        return ingest(warehouse, kind, path, name, progress, allowed_region=region)
    finally:
        path.unlink(missing_ok=True)


def _unwatched(step: str, fraction: float) -> None:
    """No one polls a plain form's upload: its progress goes nowhere."""


def _job_context(state: JobState) -> dict[str, Any]:
    """A job as the result area shows it: running, or finished with its answer."""
    context: dict[str, Any] = {**_labels(), "job": state}
    if state.done:
        context.update(_outcome(state.outcome), interrupted=state.interrupted)
    return context


def _outcome(outcome: Outcome | None) -> dict[str, Any]:
    return {
        "result": outcome,
        "accepted": isinstance(outcome, Receipt),
        "failed": outcome is None,
        "interrupted": False,
    }


def _labels() -> dict[str, Any]:
    return {"figure_labels": FIGURE_LABELS, "region_names": region_names()}


def size_text(size: int) -> str:
    """A size in words, in binary megabytes as file managers show them ("512 MB")."""
    if size < 1024 * 1024:
        return f"{max(size // 1024, 1)} kB"
    megabytes = size / (1024 * 1024)
    shown = f"{megabytes:.0f}" if megabytes >= 10 else f"{megabytes:.1f}".replace(".", ",")
    return f"{shown.removesuffix(',0')} MB"


def _wrong_kind(scope: Scope) -> str:
    if scope.national:
        return (
            "Den nationella uppföljningen laddar upp Migrationsverkets statistik över asylsökande."
        )
    return (
        "En region laddar upp sina egna besök; Migrationsverkets statistik laddas upp nationellt."
    )


def _file_name(sent: str | None) -> str:
    """The sent file's own name (no directories), checked to be CSV or XLSX."""
    base = Path((sent or "").replace("\\", "/")).name.strip()
    if not base.lower().endswith(SUFFIXES):
        raise WebError(
            415, "not_csv_or_xlsx", "Filen måste vara en CSV-fil (.csv) eller en Excel-fil (.xlsx)."
        )
    cleaned = _UNSAFE_NAME.sub("_", base)[-120:]
    return cleaned.lstrip(".") or "rapport.csv"
