"""The effect follow-up of first-line care: the managers' dashboard and its CSV export.

The figures are aggregate and name no person (InfoSet.FOLLOWUP is not personal), so the
policy decides the access but nothing is audited. Filters live in the URL query, so a
view can be bookmarked and shared.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.guard import check
from samvard.access.schemas import AccessRequest, InfoSet, Purpose
from samvard.core.db import utcnow
from samvard.directory.models import Region
from samvard.followup import schemas
from samvard.followup.periods import PeriodError, month_range
from samvard.followup.protect import Cell
from samvard.followup.queries import Dashboard, Figures, get_dashboard
from samvard.web.deps import Db, Login, StaffAtUnit
from samvard.web.errors import WebError
from samvard.web.templating import render

router = APIRouter()
Month = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", max_length=7)]
RegionCode = Annotated[str | None, Query(pattern=r"^(\d{2})?$", max_length=2)]


@dataclass(frozen=True)
class Filter:
    """The chosen region (None for the whole country) and months, as in the URL."""

    region_code: str | None
    fran: str
    till: str

    @property
    def query(self) -> str:
        """The same filter as a URL query, for the export link."""
        region = self.region_code or ""
        return f"region={region}&fran={self.fran}&till={self.till}"


def _load(
    db: Session, login: Login, region: str | None, fran: str | None, till: str | None
) -> tuple[Filter, Dashboard, dict[str, str]]:
    """Decide the access, check the filter, and count."""
    check(
        db, AccessRequest(actor=login.actor, info=InfoSet.FOLLOWUP, purpose=Purpose.ADMINISTRATION)
    )
    # A Result has keys(), so dict() would read it as a mapping: take its rows first.
    names = dict(db.execute(select(Region.code, Region.name).order_by(Region.name)).all())
    code = region or None
    if code is not None and code not in names:
        raise WebError(400, "unknown_region", "Det finns ingen region med den koden.")
    try:
        first, last = month_range(fran, till, now=utcnow())
    except PeriodError as error:
        raise WebError(400, error.code, error.message) from error
    dashboard = get_dashboard(db, region_code=code, first=first, last=last, region_names=names)
    chosen = Filter(code, first.strftime("%Y-%m"), last.strftime("%Y-%m"))
    return chosen, dashboard, names


@router.get("/personal/uppfoljning", response_class=HTMLResponse)
def followup_page(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    region: RegionCode = None,
    fran: Month = None,
    till: Month = None,
) -> HTMLResponse:
    """Self-care, digital resolution, urgency, drop-off, waits and channels per period."""
    chosen, dashboard, names = _load(db, login, region, fran, till)
    context = {
        "filter": chosen,
        "dashboard": dashboard,
        "regions": names,
        "region_name": names.get(chosen.region_code or "", "Hela landet"),
        "labels": schemas,
    }
    return render(request, "followup_dashboard.html", context)


@router.get("/personal/uppfoljning/rapport.csv")
def followup_report(
    db: Db, login: StaffAtUnit, region: RegionCode = None, fran: Month = None, till: Month = None
) -> Response:
    """The same figures as CSV (semicolon separated, as Swedish spreadsheets expect)."""
    chosen, dashboard, names = _load(db, login, region, fran, till)
    area = names.get(chosen.region_code or "", "Hela landet")
    out = io.StringIO()
    out.write("\ufeff")  # lets spreadsheet programs read the file as UTF-8
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_COLUMNS)
    writer.writerows(_figure_rows(f"{chosen.fran}–{chosen.till}", area, dashboard.total))
    for row in dashboard.per_month:
        writer.writerows(_figure_rows(row.label, area, row.figures))
    for row in dashboard.per_region:
        writer.writerows(_figure_rows(f"{chosen.fran}–{chosen.till}", row.label, row.figures))
    name = f"uppfoljning-{chosen.region_code or 'riket'}-{chosen.fran}-{chosen.till}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


_COLUMNS = ("Period", "Område", "Mått", "Kategori", "Antal", "Andel (%)", "Median (min)")


def _figure_rows(period: str, area: str, figures: Figures) -> list[tuple[str, ...]]:
    def line(measure: str, category: str, cell: Cell) -> tuple[str, ...]:
        percent = "" if cell.share is None else str(round(cell.share * 100))
        return (period, area, measure, category, cell.text, percent, "")

    rows = [
        line("Påbörjade bedömningar", "", figures.started),
        line("Till egenvård", "", figures.self_care),
        line("Löst digitalt", "", figures.digital),
    ]
    rows += [
        line("Brådskandegrad", schemas.label(schemas.URGENCY_LABELS, key), cell)
        for key, cell in figures.urgency.items()
    ]
    rows += [
        line("Avhopp", schemas.label(schemas.STEP_LABELS, key), cell)
        for key, cell in figures.steps.items()
    ]
    rows += [
        line("Kanal", schemas.label(schemas.CHANNEL_LABELS, key), cell)
        for key, cell in figures.channels.items()
    ]
    median = "" if figures.median_wait is None else str(round(figures.median_wait))
    wait = ("Väntetid till första svar", "kontakter med svar", figures.responses.text, "", median)
    rows.append((period, area, *wait))
    return rows
