"""Upload of a monthly report: the form with a progress bar, and the validation result.

Regions report their own visits (besok); the national follow-up reports Migrationsverket's
asylum-flow statistics (asylsokande). A file is validated whole before anything changes: a
file with any problem is refused with every problem listed (row, column, value, reason in
Swedish), and an accepted file replaces its month atomically and gets a receipt (checksum,
rows, and the difference against the month's previous version).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from samvard.access.schemas import InfoSet
from samvard.analytics.contracts import ReportKind
from samvard.analytics.figures_filters import region_names
from samvard.analytics.ingest import Rejection, ingest
from samvard.analytics.scope import Scope
from samvard.analytics.store import Receipt
from samvard.web.deps import Csrf, Db, StaffAtUnit
from samvard.web.errors import WebError
from samvard.web.routes.planning_common import area_name, menu, planner_scope, warehouse_of
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
        "max_bytes": request.app.state.settings.max_request_bytes,
        "figure_labels": FIGURE_LABELS,
        "region_names": region_names(),
    }


@router.get("/uppladdning", response_class=HTMLResponse)
def upload_page(request: Request, db: Db, login: StaffAtUnit) -> HTMLResponse:
    """The upload form and the latest receipts of the scope."""
    scope = planner_scope(db, login, InfoSet.ANALYTICS_UPLOAD)
    return render(request, "planning_upload.html", _context(request, scope))


@router.post("/uppladdning", response_class=HTMLResponse, dependencies=[Csrf])
def upload(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    kind: Annotated[str, Form(max_length=20)],
    fil: UploadFile,
) -> HTMLResponse:
    """Validate and store the file; the receipt, or every problem (and nothing changed)."""
    scope = planner_scope(db, login, InfoSet.ANALYTICS_UPLOAD)
    expected = allowed_kind(scope)
    if kind != expected.value:
        raise WebError(403, "wrong_report_kind", _wrong_kind(scope))
    name = _file_name(fil.filename)
    # A region's user may only replace their own region's visits; the national follow-up
    # reports the asylum flow, which belongs to no region.
    result = ingest(warehouse_of(request), expected, fil.file, name, allowed_region=scope.region)
    context = {**_context(request, scope), "result": result}
    partial = request.headers.get("HX-Request") == "true"
    template = "_planning_upload_result.html" if partial else "planning_upload.html"
    status = 400 if isinstance(result, Rejection) else 200
    return render(request, template, {**context, "accepted": isinstance(result, Receipt)}, status)


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
