"""The planning views as JSON: GET /api/v1/planering/{view} with the pages' filters.

The keys are stable, the same as `samvard analytics report VIEW --format json` writes
(docs/analytics-method.md), and described in the OpenAPI document: a program reads the same
figures as the page shows, already disclosure-controlled. A cell is a number, or the string
"suppressed" (hidden so that no small count can be seen or computed) or "unknown" (the
source did not give it; never zero).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from samvard.analytics.report import view_json
from samvard.analytics.results import ViewResult
from samvard.web import schemas
from samvard.web.deps import Db, StaffAtUnit
from samvard.web.routes.planning_common import build_view, parse_filters, planner_scope
from samvard.web.routes.planning_scenario_choice import chosen_assumptions

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": schemas.ErrorResponse, "description": "A filter is not valid (Swedish reason)."},
    401: {"model": schemas.ErrorResponse, "description": "Not logged in as staff."},
    403: {
        "model": schemas.ErrorResponse,
        "description": "Not a planner or administrator of a region or the national follow-up.",
    },
    404: {"model": schemas.ErrorResponse, "description": "No such scenario."},
    409: {"model": schemas.ErrorResponse, "description": "No unit chosen for this login."},
    422: {"model": schemas.ErrorResponse, "description": "A parameter has the wrong form."},
}
router = APIRouter(prefix="/api/v1/planering", responses=_ERRORS)

ViewName = Literal["oversikt", "halsoundersokningar", "psykisk-halsa", "ovrig-vard"]
Month = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-\d{2}$", max_length=7, description="First month, ÅÅÅÅ-MM."),
]
Till = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-\d{2}$", max_length=7, description="Last month, ÅÅÅÅ-MM."),
]
Region = Annotated[
    str | None, Query(pattern=r"^\d{2}$", max_length=2, description="Länskod, two digits.")
]
Kommun = Annotated[
    str | None, Query(pattern=r"^\d{4}$", max_length=4, description="Kommunkod, four digits.")
]
Vardenhet = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9-]{3,64}$",
        max_length=64,
        description="The clinic's HSA-id (region users only).",
    ),
]
AgeGroup = Annotated[
    Literal["0-5", "6-17", "18-64", "65+"] | None, Query(description="Åldersgrupp.")
]
Sex = Annotated[Literal["M", "K"] | None, Query(description="Kön: M or K.")]
ScenarioId = Annotated[
    int | None,
    Query(ge=1, le=2_147_483_647, description="A saved scenario's id (default assumptions)."),
]
CellValue = int | float | Literal["suppressed", "unknown"]


class ColumnOut(BaseModel):
    """A column: a stable key and its Swedish label."""

    key: str
    label: str
    numeric: bool


class RowOut(BaseModel):
    """A row: its label texts, one cell per column, and the filter value one level down."""

    labels: list[str]
    cells: list[CellValue] = Field(
        description='A number, or "suppressed" (disclosure control) or "unknown" (not in the '
        "source; never zero)."
    )
    drill: str | None = Field(
        description="The region, kommun or clinic (HSA-id) this row opens as a filter, if any."
    )


class TableOut(BaseModel):
    """One table of the view."""

    key: str
    caption: str
    label_columns: list[ColumnOut]
    columns: list[ColumnOut]
    rows: list[RowOut]
    chart: str | None
    note: str | None


class ProvenanceOut(BaseModel):
    """Where the figures come from."""

    sources: list[str]
    periods: list[str]
    rule_version: str
    assumptions: dict[str, Any]
    disclosure: str


class ViewOut(BaseModel):
    """A planning view: the filters it used, its tables and their provenance."""

    view: str
    title: str
    filters: dict[str, str | None]
    tables: list[TableOut]
    provenance: ProvenanceOut


def view_out(result: ViewResult) -> ViewOut:
    """The view result with its stable JSON keys: the same as `samvard analytics report`."""
    return ViewOut.model_validate(view_json(result))


@router.get("/{view}", response_model=ViewOut)
def planning_view(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    view: Annotated[ViewName, Path(description="Which view.")],
    fran: Month = None,
    till: Till = None,
    region: Region = None,
    kommun: Kommun = None,
    vardenhet: Vardenhet = None,
    aldersgrupp: AgeGroup = None,
    kon: Sex = None,
    scenario: ScenarioId = None,
) -> ViewOut:
    """One planning view as JSON, for the same filters as the page (the scope is the user's)."""
    scope = planner_scope(db, login)
    chosen = {
        "fran": fran,
        "till": till,
        "region": region,
        "kommun": kommun,
        "vardenhet": vardenhet,
        "aldersgrupp": aldersgrupp,
        "kon": kon,
    }
    filters = parse_filters(chosen, scope)
    assumptions, _, _ = chosen_assumptions(request, db, login, scenario)
    result = build_view(request, view, scope, filters, assumptions)
    return view_out(result)
