"""Turning submitted routing data into a `RoutingConfig`, or a list of Swedish problems,
each tied to the field it is about (``channels.1.hours.mon``, ``routes.care_now``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from samvard.routing.schemas import RoutingConfig, route_problems


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a submitted configuration."""

    field: str
    """Dotted path to the value, e.g. ``channels.0.capacity``; empty for the whole."""
    message: str
    """What is wrong, in Swedish."""


class InvalidConfigError(ValueError):
    """A configuration that cannot be published; `problems` lists why."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


def parse_config(data: Mapping[str, Any]) -> RoutingConfig:
    """Validate `data` as a routing configuration; `InvalidConfigError` lists every problem."""
    try:
        config = RoutingConfig.model_validate(data, context={"structure_only": True})
    except ValidationError as error:
        raise InvalidConfigError([_problem(detail) for detail in error.errors()]) from error
    problems = [ConfigProblem(field, message) for field, message in route_problems(config)]
    if problems:
        raise InvalidConfigError(problems)
    # Validate once more without the context, so the returned object is fully checked.
    return RoutingConfig.model_validate(config.model_dump(mode="json"))


def _problem(detail: ErrorDetails) -> ConfigProblem:
    field = ".".join(str(part) for part in detail["loc"])
    return ConfigProblem(field, _message(detail, field))


def _message(detail: ErrorDetails, field: str) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    if kind == "string_pattern_mismatch":
        return _PATTERN_MESSAGES.get(field.rsplit(".", 1)[-1], "Värdet har fel form.")
    if kind in _WITH_LIMIT:
        return _WITH_LIMIT[kind].format(**ctx)
    if kind == "literal_error" and field.endswith("[key]"):
        return "Ingen veckodag. Använd mon, tue, wed, thu, fri, sat eller sun."
    if kind == "enum":
        return f"Okänt värde. Välj något av: {ctx.get('expected', '')}."
    return _MESSAGES.get(kind, "Ogiltigt värde.")


_PATTERN_MESSAGES = {
    "id": "Kanal-id får bara ha små bokstäver a–z, siffror, - och _ (högst 40 tecken).",
    "region_code": "Regionkoden ska vara två siffror.",
}
_WITH_LIMIT = {
    "string_too_long": "Högst {max_length} tecken.",
    "greater_than_equal": "Måste vara minst {ge}.",
    "less_than_equal": "Får vara högst {le}.",
    "too_long": "Högst {max_length} stycken.",
}
_MESSAGES = {
    "missing": "Uppgiften saknas.",
    "extra_forbidden": "Okänt fält.",
    "string_too_short": "Får inte vara tomt.",
    "too_short": "Minst en behövs.",
    "int_parsing": "Ange ett heltal.",
    "int_type": "Ange ett heltal.",
    "int_from_float": "Ange ett heltal.",
    "string_type": "Ange en text.",
    "list_type": "Ange en lista.",
    "dict_type": "Ange en tabell (nycklar och värden).",
    "model_type": "Ange en tabell (nycklar och värden).",
}
