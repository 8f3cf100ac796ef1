"""Saved assumption scenarios: list, create, edit, delete, and compare side by side.

Scenarios belong to the planner's scope (their region, or the national follow-up) and are
shared by its planners. Writes are the scenario actions (audited, optimistic versions: an
edit of an older version is refused, not lost); errors come back in Swedish beside the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samvard.analytics.assumptions import AGE_GROUPS, DEFAULTS, SHARE_KEYS
from samvard.analytics.results import Cell, Table, ViewResult
from samvard.analytics.scenarios import actions
from samvard.analytics.scenarios.compare import MAX_COMPARED, MIN_COMPARED
from samvard.analytics.scenarios.models import PlanningScenario
from samvard.analytics.scenarios.problems import ScenarioError
from samvard.analytics.scenarios.queries import (
    assumptions_of,
    get_scenario,
    get_scenarios,
    list_scenarios,
)
from samvard.analytics.scope import Scope
from samvard.web.deps import Csrf, Db, FormId, Login, PathId, StaffAtUnit
from samvard.web.errors import WebError
from samvard.web.routes.planning_common import (
    area_name,
    build_view,
    menu,
    parse_filters,
    planner_scope,
)
from samvard.web.routes.planning_present import ShownCell, municipalities_in, shown_cell
from samvard.web.routes.planning_scenario_form import (
    SHARE_LABELS,
    SHORT,
    ScenarioForm,
    add_errors,
    from_assumptions,
    from_submitted,
    percent_text,
    to_data,
)
from samvard.web.templating import render

router = APIRouter(prefix="/planering/scenarier")
PATH = "/planering/scenarier"
_STATUS = {"name_taken": 409, "stale_version": 409, "not_found": 404}


def _labels(scope: Scope) -> dict[str, Any]:
    return {
        "menu": menu(PATH),
        "scope": scope,
        "area": area_name(scope),
        "share_keys": SHARE_KEYS,
        "short": SHORT,
        "share_labels": SHARE_LABELS,
        "age_groups": AGE_GROUPS,
        "defaults": {d.key: percent_text(d.value) for d in DEFAULTS},
        "municipalities": municipalities_in(None if scope.national else scope.region),
    }


@router.get("", response_class=HTMLResponse)
def scenarios_page(request: Request, db: Db, login: StaffAtUnit) -> HTMLResponse:
    """The scope's scenarios, the form for a new one, and the choice of what to compare."""
    scope = planner_scope(db, login)
    notice = _notice(request.query_params.get("sparat", ""))
    return _list(request, db, login, scope, ScenarioForm(), notice=notice)


def _notice(value: str) -> str:
    return {
        "nytt": "Scenariot är sparat.",
        "andrat": "Ändringen är sparad.",
        "oforandrat": "Inget ändrades: scenariot hade redan det innehållet.",
        "borttaget": "Scenariot är borttaget.",
    }.get(value, "")


def _list(
    request: Request,
    db: Db,
    login: Login,
    scope: Scope,
    form: ScenarioForm,
    *,
    notice: str = "",
    status: int = 200,
) -> HTMLResponse:
    context = {
        **_labels(scope),
        "scenarios": list_scenarios(db, actor=login.actor),
        "form": form,
        "notice": notice,
        "action": PATH,
    }
    return render(request, "planning_scenarios.html", context, status=status)


async def _fields(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


@router.post("", response_class=HTMLResponse, dependencies=[Csrf])
async def create_scenario(request: Request, db: Db, login: StaffAtUnit) -> Response:
    """Save a new scenario; the form back with every error when something is wrong."""
    scope = planner_scope(db, login)
    form = from_submitted(await _fields(request))
    data, paths = to_data(form)
    if not form.errors:
        try:
            saved = actions.create(db, actor=login.actor, name=form.name, assumptions=data)
        except ScenarioError as error:
            add_errors(form, error, paths)
        else:
            target = "nytt" if saved.changed else "oforandrat"
            return RedirectResponse(f"{PATH}?sparat={target}", status_code=303)
    return _list(request, db, login, scope, form, status=400)


def _scenario(db: Db, login: Login, scenario_id: int) -> PlanningScenario:
    scenario = get_scenario(db, actor=login.actor, scenario_id=scenario_id)
    if scenario is None:
        raise WebError(404, "unknown_scenario", "Det finns inget sådant scenario.")
    return scenario


@dataclass(frozen=True)
class ComparedRow:
    """One figure under each compared scenario, and whether the scenarios disagree on it."""

    view: str
    label: str
    cells: tuple[ShownCell, ...]
    differs: bool


# The views whose key figures depend on the assumptions: the need and the waiting estimate.
COMPARED_VIEWS = ("halsoundersokningar", "psykisk-halsa")
KEY_TABLE = "nyckeltal"
Chosen = Annotated[list[int], Query(max_length=MAX_COMPARED + 6)]


@router.get("/jamfor", response_class=HTMLResponse)
def compare_page(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    valda: Chosen = [],  # noqa: B006 - FastAPI copies it
) -> HTMLResponse:
    """The key figures of the need under 2-4 scenarios side by side, for the same filters."""
    scope = planner_scope(db, login)
    chosen = list(dict.fromkeys(valda))
    if not MIN_COMPARED <= len(chosen) <= MAX_COMPARED:
        message = f"Välj {MIN_COMPARED} till {MAX_COMPARED} scenarier att jämföra."
        raise WebError(400, "compare_count", message)
    scenarios = get_scenarios(db, actor=login.actor, scenario_ids=chosen)
    if len(scenarios) != len(chosen):
        raise WebError(404, "unknown_scenario", "Ett av scenarierna finns inte.")
    filters = parse_filters(request.query_params, scope)
    results = [
        [build_view(request, view, scope, filters, assumptions_of(s)) for view in COMPARED_VIEWS]
        for s in scenarios
    ]
    context = {
        **_labels(scope),
        "scenarios": scenarios,
        "rows": _compared_rows(results),
        "assumptions": [assumptions_of(s) for s in scenarios],
        "percent": percent_text,
        "period": results[0][0].provenance.periods,
        "provenance": results[0][0].provenance,
    }
    return render(request, "planning_compare.html", context)


def _compared_rows(results: list[list[ViewResult]]) -> list[ComparedRow]:
    """Each key figure of each compared view, one cell per scenario."""
    rows = []
    for index in range(len(COMPARED_VIEWS)):
        tables = [_key_table(per_scenario[index]) for per_scenario in results]
        first = tables[0]
        if first is None or not first.rows:
            continue
        for number, column in enumerate(first.columns):
            cells = tuple(
                shown_cell(table.rows[0].cells[number])
                if table and table.rows
                else shown_cell(Cell.unknown())
                for table in tables
            )
            differs = len({cell.text for cell in cells}) > 1
            rows.append(ComparedRow(results[0][index].title, column.label, cells, differs))
    return rows


def _key_table(result: ViewResult) -> Table | None:
    return next((table for table in result.tables if table.key == KEY_TABLE), None)


@router.get("/{scenario_id}", response_class=HTMLResponse)
def scenario_page(request: Request, db: Db, login: StaffAtUnit, scenario_id: PathId) -> Response:
    """One scenario in the edit form."""
    scope = planner_scope(db, login)
    scenario = _scenario(db, login, scenario_id)
    form = from_assumptions(scenario.name, scenario.version, assumptions_of(scenario))
    return _edit(request, scope, scenario, form)


def _edit(
    request: Request,
    scope: Scope,
    scenario: PlanningScenario,
    form: ScenarioForm,
    status: int = 200,
) -> HTMLResponse:
    context = {
        **_labels(scope),
        "scenario": scenario,
        "form": form,
        "action": f"{PATH}/{scenario.id}",
    }
    return render(request, "planning_scenario.html", context, status=status)


@router.post("/{scenario_id}", response_class=HTMLResponse, dependencies=[Csrf])
async def update_scenario(
    request: Request, db: Db, login: StaffAtUnit, scenario_id: PathId
) -> Response:
    """Save an edit made on the version the form was opened at."""
    scope = planner_scope(db, login)
    scenario = _scenario(db, login, scenario_id)
    form = from_submitted(await _fields(request))
    data, paths = to_data(form)
    if not form.errors:
        try:
            saved = actions.update(
                db,
                actor=login.actor,
                scenario_id=scenario_id,
                version=form.version,
                name=form.name,
                assumptions=data,
            )
        except ScenarioError as error:
            add_errors(form, error, paths)
            return _edit(request, scope, scenario, form, status=_STATUS.get(error.code, 400))
        target = "andrat" if saved.changed else "oforandrat"
        return RedirectResponse(f"{PATH}?sparat={target}", status_code=303)
    return _edit(request, scope, scenario, form, status=400)


@router.post("/{scenario_id}/ta-bort", dependencies=[Csrf])
def delete_scenario(db: Db, login: StaffAtUnit, scenario_id: PathId, version: FormId) -> Response:
    """Delete the scenario as it was seen; a newer version is not deleted."""
    planner_scope(db, login)
    try:
        actions.delete(db, actor=login.actor, scenario_id=scenario_id, version=version)
    except ScenarioError as error:
        raise WebError(_STATUS.get(error.code, 400), error.code, error.message) from error
    return RedirectResponse(f"{PATH}?sparat=borttaget", status_code=303)
