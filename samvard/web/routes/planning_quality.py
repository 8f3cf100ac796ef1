"""The data quality page: which sources have reported which months, and which figures stand out
from their own history (flagged for follow-up, not judged wrong)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from samvard.analytics.quality import read_completeness, read_outliers
from samvard.web.deps import Db, StaffAtUnit
from samvard.web.routes.planning_common import area_name, menu, planner_scope, warehouse_of
from samvard.web.routes.planning_present import shown_cell
from samvard.web.templating import render

router = APIRouter(prefix="/planering")
PATH = "/planering/datakvalitet"
Month = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7)]
Months = Annotated[int, Query(ge=3, le=36)]


@router.get("/datakvalitet", response_class=HTMLResponse)
def quality_page(
    request: Request, db: Db, login: StaffAtUnit, till: Month = None, manader: Months = 12
) -> HTMLResponse:
    """The completeness matrix (source x month) and the flagged outliers of the scope."""
    scope = planner_scope(db, login)
    with warehouse_of(request).reading() as connection:
        matrix = read_completeness(connection, scope, months=manader, until=till)
        outliers = read_outliers(connection, scope, months=manader, until=till)
    context = {
        "menu": menu(PATH),
        "scope": scope,
        "area": area_name(scope),
        "matrix": matrix,
        "outliers": outliers,
        "till": till or (matrix.periods[-1] if matrix.periods else ""),
        "manader": manader,
        "shown_cell": shown_cell,
    }
    return render(request, "planning_quality.html", context)
