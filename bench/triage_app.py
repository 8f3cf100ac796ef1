"""The app as served, plus one bench-only route: a question step without the engine.

`GET /bench/bedomning/{ref}` does what the question page does before the engine runs:
the citizen's login, the guarded (and logged) assessment lookup, one transaction. The
difference between the two is what the engine and the page cost. The route exists only
in this module, which only the benchmark serves.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from samvard.assessment.queries import get_assessment
from samvard.web.app import create_app
from samvard.web.deps import CitizenLogin, Db
from samvard.web.errors import WebError

BARE_PATH = "/bench/bedomning/{ref}"
router = APIRouter()


@router.get(BARE_PATH, response_class=PlainTextResponse)
def bare_step(db: Db, login: CitizenLogin, ref: str) -> PlainTextResponse:
    """The same lookup as a question step, answered with the assessment's status only."""
    assessment = get_assessment(db, actor=login.actor, ref=ref)
    if assessment is None:
        raise WebError(404, "unknown_assessment", "Bedömningen finns inte.")
    return PlainTextResponse(assessment.status.value)


app = create_app()
app.include_router(router)
