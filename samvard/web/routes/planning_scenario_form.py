"""The scenario form: shares in percent on the page, fractions in the assumptions.

Planners write shares as percent (25 or 12,5); the assumptions hold fractions 0..1. Every
field is checked here for its form, and the assumptions' own checks (ranges, known
municipalities in the planner's region) come back as errors beside the right field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from samvard.analytics.assumptions import AGE_GROUPS, SHARE_KEYS, Assumptions
from samvard.analytics.scenarios.problems import ScenarioError, clean_name

BLANK_MUNICIPALITY_ROWS = 3
MAX_MUNICIPALITY_ROWS = 300
SHORT = {"health_examination": "hu", "mental_health": "ph"}
SHARE_LABELS = {
    "health_examination": "Andel nyinskrivna som behöver en hälsoundersökning (%)",
    "mental_health": "Andel inskrivna som behöver insatser för psykisk hälsa (%)",
    "waiting_outflow": "Andel väntande som lämnar kön per månad (%)",
}
_BAD_PERCENT = "Skriv andelen i procent, ett tal från 0 till 100, t.ex. 25 eller 12,5."


@dataclass
class ScenarioForm:
    """What the form shows: the submitted or stored texts, and the errors per field."""

    name: str = ""
    version: int = 0
    values: dict[str, str] = field(default_factory=dict)
    municipalities: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> list[int]:
        """The municipality rows: the filled ones and a few blank ones."""
        return list(range(len(self.municipalities) + BLANK_MUNICIPALITY_ROWS))


def percent_text(value: float | None) -> str:
    """A fraction as the percent a planner writes (0.25 -> "25", 0.125 -> "12,5")."""
    if value is None:
        return ""
    text = f"{value * 100:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def from_assumptions(name: str, version: int, assumptions: Assumptions) -> ScenarioForm:
    """The form of a stored scenario."""
    form = ScenarioForm(name=name, version=version)
    for key in (*SHARE_KEYS, "waiting_outflow"):
        form.values[key] = percent_text(getattr(assumptions, key))
    for index, group in enumerate(AGE_GROUPS):
        override = assumptions.by_age_group.get(group)  # type: ignore[call-overload]
        for key in SHARE_KEYS:
            value = getattr(override, key) if override else None
            form.values[f"alder_{index}_{SHORT[key]}"] = percent_text(value)
    for row, (code, local) in enumerate(sorted(assumptions.municipalities.items())):
        form.municipalities.append(code)
        form.values[f"kommun_{row}"] = code
        for key in SHARE_KEYS:
            form.values[f"kommun_{row}_{SHORT[key]}"] = percent_text(getattr(local, key))
    return form


def from_submitted(fields: Mapping[str, str]) -> ScenarioForm:
    """The form as sent, texts kept as they were written."""
    form = ScenarioForm(name=fields.get("namn", "").strip())
    version = fields.get("version", "")
    form.version = int(version) if version.isdigit() and len(version) < 10 else 0
    keys = [*SHARE_KEYS, "waiting_outflow"]
    keys += [f"alder_{i}_{SHORT[k]}" for i in range(len(AGE_GROUPS)) for k in SHARE_KEYS]
    for key in keys:
        form.values[key] = fields.get(key, "").strip()
    for row in range(MAX_MUNICIPALITY_ROWS):
        code = fields.get(f"kommun_{row}")
        if code is None:
            break
        parts = [fields.get(f"kommun_{row}_{SHORT[k]}", "").strip() for k in SHARE_KEYS]
        if code.strip() or any(parts):
            index = len(form.municipalities)
            form.municipalities.append(code.strip())
            form.values[f"kommun_{index}"] = code.strip()
            for key, text in zip(SHARE_KEYS, parts, strict=True):
                form.values[f"kommun_{index}_{SHORT[key]}"] = text
    return form


def to_data(form: ScenarioForm) -> tuple[dict[str, Any], dict[str, str]]:
    """The assumptions data for the scenario actions, and each data path's form field.

    Fields that are not percent get their error in the form right away.
    """
    data: dict[str, Any] = {}
    paths: dict[str, str] = {}
    try:
        clean_name(form.name)
    except ScenarioError as error:
        form.errors["namn"] = error.message
    for key in (*SHARE_KEYS, "waiting_outflow"):
        _share(form, data, key, key, paths, key)
    ages: dict[str, Any] = {}
    for index, group in enumerate(AGE_GROUPS):
        one: dict[str, Any] = {}
        for key in SHARE_KEYS:
            name = f"alder_{index}_{SHORT[key]}"
            _share(form, one, key, name, paths, f"by_age_group.{group}.{key}")
        if one:
            ages[group] = one
    data["by_age_group"] = ages
    local: dict[str, Any] = {}
    for row, code in enumerate(form.municipalities):
        one = {}
        for key in SHARE_KEYS:
            name = f"kommun_{row}_{SHORT[key]}"
            _share(form, one, key, name, paths, f"municipalities.{code}.{key}")
        if not code:
            form.errors[f"kommun_{row}"] = "Välj kommun."
        elif code in local:
            form.errors[f"kommun_{row}"] = "Kommunen finns redan på en annan rad."
        local[code] = one
        paths[f"municipalities.{code}"] = f"kommun_{row}"
    data["municipalities"] = local
    return data, paths


def _share(
    form: ScenarioForm,
    target: dict[str, Any],
    key: str,
    name: str,
    paths: dict[str, str],
    path: str,
) -> None:
    paths[path] = name
    text = form.values.get(name, "")
    if text == "":
        return
    try:
        value = float(text.replace(",", ".").replace(" ", "").rstrip("%"))
    except ValueError:
        form.errors[name] = _BAD_PERCENT
        return
    if not 0 <= value <= 100:
        form.errors[name] = _BAD_PERCENT
        return
    target[key] = round(value / 100, 6)


def add_errors(form: ScenarioForm, error: ScenarioError, paths: Mapping[str, str]) -> None:
    """The scenario actions' errors beside the fields they concern (or as the form's)."""
    if error.field == "name":
        form.errors["namn"] = error.message
        return
    if not error.problems:
        form.errors["form"] = error.message
        return
    for problem in error.problems:
        name = paths.get(problem.field) or paths.get(problem.field.rsplit(".", 1)[0]) or "form"
        form.errors.setdefault(name, problem.message)
