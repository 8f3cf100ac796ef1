"""The planning views: Översikt, Hälsoundersökningar, Psykisk hälsa and Övrig vård.

Every view is one `figures.build` for the filters in the URL, rendered as charts with their
data tables, breadcrumbs for the drill-down region → kommun → vårdenhet, the provenance of
the figures, and the same result as CSV or XLSX (?format=csv|xlsx). Region planners see their
own region down to clinics; national planners see every region, down to municipalities.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from samvard.analytics import exports
from samvard.analytics.assumptions import AGE_GROUPS
from samvard.analytics.figures_filters import region_names
from samvard.analytics.results import ViewResult
from samvard.analytics.scope import Scope
from samvard.web.deps import Db, Login, StaffAtUnit
from samvard.web.routes.planning_common import (
    VIEW_PAGES,
    VIEW_PATH,
    build_view,
    menu,
    parse_filters,
    planner_scope,
    query_string,
)
from samvard.web.routes.planning_present import (
    breadcrumbs,
    clinic_names,
    municipalities_in,
    shown_tables,
)
from samvard.web.routes.planning_scenario_choice import chosen_assumptions
from samvard.web.templating import render

router = APIRouter(prefix="/planering")
Format = Annotated[Literal["csv", "xlsx"] | None, Query()]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEX_LABELS = {"K": "Kvinnor", "M": "Män"}


def _view(view: str, request: Request, db: Db, login: Login, format: str | None) -> Response:
    scope = planner_scope(db, login)
    filters = parse_filters(request.query_params, scope)
    assumptions, scenarios, scenario_id = chosen_assumptions(request, db, login)
    result = build_view(request, view, scope, filters, assumptions)
    if format == "csv":
        return _download(exports.to_csv(result).encode("utf-8"), result, scope, "csv")
    if format == "xlsx":
        return _download(exports.to_xlsx(result), result, scope, "xlsx")
    query = _query(filters.query(), scope)
    path = VIEW_PATH[view]
    context: dict[str, Any] = {
        "menu": menu(path),
        "view": view,
        "path": path,
        "result": result,
        "scope": scope,
        "query": query,
        # The form shows the months the view covers, also when the default period was used.
        "period": (result.filters.get("fran") or "", result.filters.get("till") or ""),
        "tables": shown_tables(result, path, query),
        "crumbs": breadcrumbs(
            national=scope.national,
            path=path,
            query=query,
            clinic_names=clinic_names(result.tables),
        ),
        "regions": sorted(region_names().items()),
        "municipalities": municipalities_in(query.get("region")),
        "age_groups": AGE_GROUPS,
        "sex_labels": SEX_LABELS,
        "scenarios": scenarios,
        "scenario_id": scenario_id,
        "provenance": exports.provenance_lines(result),
        "clinics": _clinics(query, result),
        "export_csv": query_string({**_export_query(query, scenario_id), "format": "csv"}),
        "export_xlsx": query_string({**_export_query(query, scenario_id), "format": "xlsx"}),
        "views": VIEW_PAGES,
    }
    return render(request, "planning_view.html", context)


def _query(values: dict[str, str | None], scope: Scope) -> dict[str, str | None]:
    # A region planner's region is fixed by the scope: breadcrumbs and links start there.
    chosen = dict(values)
    if not scope.national:
        chosen["region"] = scope.region
    return chosen


def _clinics(query: dict[str, str | None], result: ViewResult) -> list[tuple[str, str]]:
    """The clinics the filter can choose: those in the view's tables, and the chosen one."""
    names = clinic_names(result.tables)
    chosen = query.get("vardenhet")
    if chosen and chosen not in names:
        names[chosen] = chosen
    return sorted(names.items(), key=lambda pair: pair[1])


def _export_query(query: dict[str, str | None], scenario_id: int | None) -> dict[str, str | None]:
    return {**query, "scenario": str(scenario_id) if scenario_id is not None else None}


def _download(body: bytes, result: ViewResult, scope: Scope, kind: str) -> Response:
    """The export as an attachment named after the view, the area and the period."""
    area = "riket" if scope.national else f"region-{scope.region}"
    chosen = result.filters
    deepest = chosen.get("vardenhet") or chosen.get("kommun") or chosen.get("region")
    if deepest:
        area = f"{area}-{deepest}"
    periods = result.provenance.periods
    span = f"-{periods[0]}-{periods[-1]}" if periods else ""
    name = f"planering-{result.view}-{area}{span}.{kind}"
    media = "text/csv; charset=utf-8" if kind == "csv" else XLSX_TYPE
    headers = {"Content-Disposition": f'attachment; filename="{_safe(name)}"'}
    return Response(body, media_type=media, headers=headers)


def _safe(name: str) -> str:
    # Only characters that need no quoting in a header: the name is built from codes anyway.
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)


@router.get("", response_class=HTMLResponse)
def overview(request: Request, db: Db, login: StaffAtUnit, format: Format = None) -> Response:
    """Översikt: need against production, trends and the forecast."""
    return _view("oversikt", request, db, login, format)


@router.get("/halsoundersokningar", response_class=HTMLResponse)
def health_examinations(
    request: Request, db: Db, login: StaffAtUnit, format: Format = None
) -> Response:
    """Hälsoundersökningar: done, estimated waiting, age spread, ranking of areas."""
    return _view("halsoundersokningar", request, db, login, format)


@router.get("/psykisk-halsa", response_class=HTMLResponse)
def mental_health(request: Request, db: Db, login: StaffAtUnit, format: Format = None) -> Response:
    """Psykisk hälsa: estimated need, first interventions, first and second line by age."""
    return _view("psykisk-halsa", request, db, login, format)


@router.get("/ovrig-vard", response_class=HTMLResponse)
def other_care(request: Request, db: Db, login: StaffAtUnit, format: Format = None) -> Response:
    """Övrig vård: acute and planned care, infection care by clinic, births."""
    return _view("ovrig-vard", request, db, login, format)
