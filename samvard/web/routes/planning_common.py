"""What the planning pages and the planning API share: the access decision and the planner's
scope, the warehouse, the filters from the URL, and the links between the pages.

The figures are aggregate and disclosure-controlled (InfoSet.ANALYTICS is not personal), so
the policy decides every request but nothing is audited. Filters live in the URL query, so
a view can be bookmarked, shared and exported exactly as it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy.orm import Session

from samvard.access.guard import check
from samvard.access.schemas import AccessRequest, InfoSet, Purpose
from samvard.analytics.assumptions import Assumptions
from samvard.analytics.figures import build
from samvard.analytics.figures_filters import FilterError, Filters, region_names
from samvard.analytics.results import ViewResult
from samvard.analytics.scope import NoPlanningScopeError, Scope
from samvard.analytics.store import Warehouse
from samvard.web.deps import Login
from samvard.web.errors import WebError

# The views in menu order: key (as figures.VIEWS names it), path, menu label.
VIEW_PAGES: tuple[tuple[str, str, str], ...] = (
    ("oversikt", "/planering", "Översikt"),
    ("halsoundersokningar", "/planering/halsoundersokningar", "Hälsoundersökningar"),
    ("psykisk-halsa", "/planering/psykisk-halsa", "Psykisk hälsa"),
    ("ovrig-vard", "/planering/ovrig-vard", "Övrig vård"),
)
VIEW_PATH = {key: path for key, path, _ in VIEW_PAGES}
MENU: tuple[tuple[str, str], ...] = (
    *((path, label) for _, path, label in VIEW_PAGES),
    ("/planering/datakvalitet", "Datakvalitet"),
    ("/planering/scenarier", "Scenarier"),
    ("/planering/uppladdning", "Uppladdning"),
)
# Query keys that are not filters: they choose how, not what, to show.
NOT_FILTERS = frozenset({"format", "scenario", "valda"})


def planner_scope(db: Session, login: Login, info: InfoSet = InfoSet.ANALYTICS) -> Scope:
    """Decide the access (403 for anyone but planners and administrators) and the scope."""
    actor = login.actor
    check(db, AccessRequest(actor=actor, info=info, purpose=Purpose.ADMINISTRATION))
    try:
        return Scope.from_actor(db, actor)
    except NoPlanningScopeError as error:
        raise WebError(403, "not_planning_organisation", str(error)) from error


def warehouse_of(request: Request) -> Warehouse:
    """The analytics warehouse the app is configured with."""
    return Warehouse(request.app.state.settings.analytics_path)


def parse_filters(params: Mapping[str, str | None], scope: Scope) -> Filters:
    """The filters in a URL query, inside the planner's scope; else a 400 with the reason."""
    chosen = {key: value for key, value in params.items() if key not in NOT_FILTERS}
    try:
        filters = Filters.parse(chosen)
        filters.check_scope(scope)
    except FilterError as error:
        raise WebError(400, "bad_filter", error.message) from error
    return filters


def build_view(
    request: Request, view: str, scope: Scope, filters: Filters, assumptions: Assumptions
) -> ViewResult:
    """The view from the warehouse; a filter that finds nothing to show is a 400 as well."""
    try:
        with warehouse_of(request).reading() as connection:
            return build(view, connection, scope, filters, assumptions)
    except FilterError as error:
        raise WebError(400, "bad_filter", error.message) from error


def query_string(values: Mapping[str, str | int | None]) -> str:
    """A URL query of the values that are set, in a stable order."""
    return urlencode(
        [(key, str(value)) for key, value in values.items() if value not in (None, "")]
    )


def menu(current: str) -> list[tuple[str, str, bool]]:
    """The planning menu: (path, label, whether it is the current page)."""
    return [(path, label, path == current) for path, label in MENU]


def area_name(scope: Scope) -> str:
    """What the planner's figures cover, in words: the region, or the whole country."""
    return "Hela riket" if scope.national else region_names().get(scope.region or "", "")
