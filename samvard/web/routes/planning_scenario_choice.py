"""Which assumptions a planning view uses: the defaults, or a saved scenario (?scenario=ID)."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from samvard.analytics.assumptions import Assumptions
from samvard.analytics.scenarios.models import PlanningScenario
from samvard.analytics.scenarios.queries import assumptions_of, get_scenario, list_scenarios
from samvard.web.deps import Login
from samvard.web.errors import WebError

MAX_ID = 2_147_483_647


def scenario_param(request: Request) -> int | None:
    """The ?scenario= of a page's URL; not a positive whole number is a 400."""
    text = request.query_params.get("scenario", "")
    if text == "":
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise WebError(400, "bad_scenario", "Scenariot ska anges med sitt nummer.")
    return int(text)


def chosen_assumptions(
    request: Request,
    db: Session,
    login: Login,
    scenario_id: int | None = None,
) -> tuple[Assumptions, list[PlanningScenario], int | None]:
    """The assumptions to use, the scope's scenarios (for the selector), and the chosen id.

    The id comes from the argument (the API) or the page's URL; a scenario that is not the
    planner's own scope's is a 404, exactly as one that does not exist (the scenario queries
    derive the scope from the actor, by the same rule as the figures).
    """
    actor = login.actor
    chosen = scenario_id if scenario_id is not None else scenario_param(request)
    scenarios = list_scenarios(db, actor=actor)
    if chosen is None:
        return Assumptions(), scenarios, None
    scenario = get_scenario(db, actor=actor, scenario_id=chosen)
    if scenario is None:
        raise WebError(404, "unknown_scenario", "Det finns inget sådant scenario.")
    return assumptions_of(scenario), scenarios, chosen
