"""What can be wrong with a scenario, as structured Swedish errors, and the checks that find it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from samvard.analytics.assumptions import (
    AssumptionProblem,
    Assumptions,
    InvalidAssumptionsError,
    parse_assumptions,
)
from samvard.analytics.scenarios.models import NATIONAL

NAME_MAX = 80


class ScenarioError(Exception):
    """A scenario action that cannot be done; nothing was written.

    `code` is stable (for the API and tests), `message` is Swedish, `field` names the input
    at fault when there is one, and `problems` lists every fault in the assumptions.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        problems: tuple[AssumptionProblem, ...] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.problems = problems

    def as_dict(self) -> dict[str, Any]:
        """The error as JSON-ready data."""
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "problems": [{"field": p.field, "message": p.message} for p in self.problems],
        }


def clean_name(name: str) -> str:
    """The name as stored: trimmed, inner runs of white space made one space; 1-80 characters."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ScenarioError("invalid_name", "Ge scenariot ett namn.", field="name")
    if len(cleaned) > NAME_MAX:
        raise ScenarioError("invalid_name", f"Namnet får ha högst {NAME_MAX} tecken.", field="name")
    return cleaned


def name_key(name: str) -> str:
    """The form in which two names are the same name (case does not matter)."""
    return clean_name(name).casefold()


def checked_assumptions(data: Assumptions | Mapping[str, Any], scope: str) -> Assumptions:
    """Validated assumptions for `scope`; a region's may only set its own municipalities."""
    try:
        parsed = data if isinstance(data, Assumptions) else parse_assumptions(data)
    except InvalidAssumptionsError as error:
        raise _invalid(tuple(error.problems)) from error
    if scope != NATIONAL:
        outside = parsed.municipalities_outside(scope)
        if outside:
            raise _invalid(
                tuple(
                    AssumptionProblem(
                        f"municipalities.{code}", "Kommunen ligger inte i din region."
                    )
                    for code in outside
                )
            )
    return parsed


def _invalid(problems: tuple[AssumptionProblem, ...]) -> ScenarioError:
    return ScenarioError(
        "invalid_assumptions",
        "Antagandena kan inte sparas: " + " ".join(f"{p.field}: {p.message}" for p in problems),
        field="assumptions",
        problems=problems,
    )
