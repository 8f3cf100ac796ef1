"""Log review pages: the review queue, one entry with its review, and the period's report.

Every page first passes the policy as `audit.review` (log reviewers only). Patients named
on a page are logged as accessed, one entry each (ADR 0007), so they see the review on
"Vem har läst om mig?".
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from samvard.access.guard import check, record_shown
from samvard.access.schemas import AccessRequest, InfoSet, Purpose
from samvard.core.db import utcnow
from samvard.identity.models import Person
from samvard.logreview import schemas
from samvard.logreview.actions import ReviewError, record_review
from samvard.logreview.models import ReviewOutcome
from samvard.logreview.queries import EntryDetail, day_bounds, get_entry, list_queue, list_reviews
from samvard.logreview.triggers import Trigger, local_day, parse_triggers, sample_key
from samvard.web.deps import Csrf, Db, Login, PathId, StaffAtUnit
from samvard.web.errors import WebError
from samvard.web.templating import local_time, render

router = APIRouter()
PER_PAGE = 50
DEFAULT_DAYS = 7
MAX_DAYS = 92
_DAY = r"^\d{4}-\d{2}-\d{2}$"
Day = Annotated[str | None, Query(pattern=_DAY, max_length=10)]
TriggerCode = Annotated[Trigger | None, Query()]


def _key(request: Request) -> bytes:
    return sample_key(request.app.state.settings.secret_key)


def _care_giver(login: Login) -> str:
    assert login.assignment is not None
    return login.assignment.unit.care_giver.hsa_id


def _review_request(login: Login, patient: Person | None = None) -> AccessRequest:
    return AccessRequest(
        actor=login.actor,
        info=InfoSet.AUDIT_REVIEW,
        purpose=Purpose.LOG_REVIEW,
        patient_pk=patient.id if patient else None,
    )


def _period(fran: str | None, till: str | None) -> tuple[date, date]:
    """The chosen days, by default the last week; Swedish errors for impossible ones."""
    today = local_day(utcnow())
    try:
        last = date.fromisoformat(till) if till else today
        first = date.fromisoformat(fran) if fran else last - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError as exc:
        raise WebError(400, "invalid_date", "Ogiltigt datum. Skriv datum som ÅÅÅÅ-MM-DD.") from exc
    if first > last:
        raise WebError(400, "invalid_period", "Startdatum måste vara före slutdatum.")
    if (last - first).days >= MAX_DAYS:
        raise WebError(400, "period_too_long", f"Välj en period på högst {MAX_DAYS} dagar.")
    return first, last


@router.get("/personal/granskning", response_class=HTMLResponse)
def review_queue(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    utlosare: TriggerCode = None,
    fran: Day = None,
    till: Day = None,
    sida: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The care giver's unreviewed accesses that fired a trigger, newest first."""
    listing = _review_request(login)
    decision = check(db, listing)
    first, last = _period(fran, till)
    since, until = day_bounds(first, last)
    queue = list_queue(
        db,
        care_giver_hsaid=_care_giver(login),
        since=since,
        until=until,
        sample_key=_key(request),
        trigger=utlosare,
        limit=PER_PAGE,
        offset=(sida - 1) * PER_PAGE,
    )
    shown = {item.entry.patient_id for item in queue.items if item.entry.patient_id}
    patients = list(db.scalars(select(Person).where(Person.person_id.in_(shown))))
    record_shown(db, listing, decision, patients)
    context = {
        "queue": queue,
        "trigger": utlosare,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "page": sida,
        "pages": max(1, -(-queue.total // PER_PAGE)),
        "triggers": list(Trigger),
        "labels": schemas,
    }
    return render(request, "logreview_queue.html", context)


@router.get("/personal/granskning/rapport.csv")
def review_report(
    request: Request, db: Db, login: StaffAtUnit, fran: Day = None, till: Day = None
) -> Response:
    """The period's recorded reviews as CSV, without patient identities."""
    check(db, _review_request(login))
    first, last = _period(fran, till)
    since, until = day_bounds(first, last)
    reviews = list_reviews(db, care_giver_hsaid=_care_giver(login), since=since, until=until)
    out = io.StringIO()
    out.write("\ufeff")  # lets spreadsheet programs read the file as UTF-8
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_REPORT_COLUMNS)
    for review, entry in reviews:
        triggers = ", ".join(t.label for t in parse_triggers(review.triggers))
        row = [
            local_time(review.reviewed_at),
            review.reviewer_hsaid,
            entry.seq,
            local_time(entry.recorded_at),
            entry.actor_id,
            entry.unit_hsaid or "",
            schemas.label(schemas.RESOURCE_LABELS, entry.resource),
            schemas.label(schemas.REASON_LABELS, entry.reason),
            triggers,
            schemas.OUTCOME_LABELS[review.outcome],
            review.note,
        ]
        writer.writerow([_cell(value) for value in row])
    name = f"logguppfoljning-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


_REPORT_COLUMNS = (
    "Granskad",
    "Granskare",
    "Loggpost",
    "Åtkomst",
    "Användare",
    "Enhet",
    "Information",
    "Grund",
    "Utlösare",
    "Bedömning",
    "Anteckning",
)


def _cell(value: object) -> str:
    # A note starting with = + - or @ would run as a formula in a spreadsheet.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _detail(request: Request, db: Db, login: Login, seq: int) -> EntryDetail:
    """The entry, once the policy allowed it; non-reviewers never learn whether it exists."""
    detail = get_entry(db, care_giver_hsaid=_care_giver(login), seq=seq, sample_key=_key(request))
    if detail is None:
        check(db, _review_request(login))
        raise WebError(404, "unknown_entry", "Loggposten finns inte hos din vårdgivare.")
    check(db, _review_request(login, detail.patient))
    return detail


def _entry_page(
    request: Request,
    detail: EntryDetail,
    *,
    error: ReviewError | None = None,
    submitted: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "detail": detail,
        "entry": detail.item.entry,
        "labels": schemas,
        "outcomes": list(ReviewOutcome),
        "review_triggers": parse_triggers(detail.review.triggers) if detail.review else (),
        "error": error,
        "submitted": submitted or {},
    }
    return render(request, "logreview_entry.html", context, status=status)


@router.get("/personal/granskning/{seq}", response_class=HTMLResponse)
def review_entry(request: Request, db: Db, login: StaffAtUnit, seq: PathId) -> HTMLResponse:
    """One access: who, where, whom, what, why and when, its triggers and its review."""
    return _entry_page(request, _detail(request, db, login, seq))


@router.post("/personal/granskning/{seq}", dependencies=[Csrf])
def save_review(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    seq: PathId,
    utfall: Annotated[str, Form(max_length=16)] = "",
    anteckning: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Record the outcome; errors show the entry again with the message, nothing saved."""
    try:
        record_review(
            db,
            actor=login.actor,
            audit_seq=seq,
            outcome=utfall,
            note=anteckning,
            sample_key=_key(request),
        )
    except ReviewError as error:
        if error.code == "unknown_entry":
            raise WebError(404, "unknown_entry", error.message) from error
        detail = _detail(request, db, login, seq)
        submitted = {"utfall": utfall, "anteckning": anteckning}
        return _entry_page(request, detail, error=error, submitted=submitted, status=400)
    return RedirectResponse(f"/personal/granskning/{seq}", status_code=303)
