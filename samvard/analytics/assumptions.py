"""The planner's assumptions: which share of asylum seekers needs which care.

A scenario holds one `Assumptions`: values for a whole region (or the country), optionally
overridden per age group, per municipality, and per municipality and age group. Every share
is a fraction 0..1. The defaults and where they come from are in `DEFAULTS`; the method
document (docs/analytics-method.md) renders that same table, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, cast, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from samvard.reference.loaders import list_municipalities

AgeGroup = Literal["0-5", "6-17", "18-64", "65+"]
AGE_GROUPS: tuple[str, ...] = get_args(AgeGroup)  # the contract's aldersgrupp values
Share = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]

# The two shares a planner can set per area and age group; the outflow is region-wide.
SHARE_KEYS = ("health_examination", "mental_health")

REVIEW = "antagande att granska"
STATUTE = "lagkrav"


@dataclass(frozen=True)
class Default:
    """One default value, what it means, and where it comes from (Swedish, shown to planners)."""

    key: str
    value: float
    label: str
    meaning: str
    source: str
    status: str  # STATUTE where the figure follows from law, REVIEW where it is a judgement


DEFAULTS: tuple[Default, ...] = (
    Default(
        key="health_examination",
        value=1.0,
        label="Andel nyinskrivna som behöver en hälsoundersökning",
        meaning="Andel av de asylsökande som skrivits in under månaden.",
        source=(
            "Lag (2008:344) om hälso- och sjukvård åt asylsökande m.fl. och Socialstyrelsens "
            "föreskrifter SOSFS 2011:11: regionen ska erbjuda alla en hälsoundersökning, om "
            "det inte är uppenbart obehövligt. Hur många som tackar ja är lägre och varierar; "
            "sätt en lägre andel om ni planerar efter förväntat deltagande."
        ),
        status=STATUTE,
    ),
    Default(
        key="mental_health",
        value=0.25,
        label="Andel inskrivna som behöver insatser för psykisk hälsa",
        meaning="Andel av de asylsökande som är inskrivna vid månadens slut.",
        source=(
            "Socialstyrelsen (2015) bedömer att 20–30 procent av asylsökande och nyanlända "
            "har psykisk ohälsa; Röda Korsets Högskola (rapportserie 2016:1) fann höga nivåer "
            "av symtom på depression, ångest och PTSD. 0,25 är mitten av Socialstyrelsens "
            "spann. Att ha psykisk ohälsa är inte detsamma som att behöva en insats från "
            "vården, så värdet är en bedömning."
        ),
        status=REVIEW,
    ),
    Default(
        key="waiting_outflow",
        value=0.05,
        label="Andel av de väntande som lämnar kön per månad utan undersökning",
        meaning=(
            "Andel av de beräknat väntande som varje månad flyttar från regionen, lämnar "
            "mottagandet eller av annat skäl inte längre väntar."
        ),
        source=(
            "Ingen offentlig källa. 0,05 per månad motsvarar att en väntande i genomsnitt "
            "lämnar kön efter 20 månader om ingen undersökning görs; en bedömning."
        ),
        status=REVIEW,
    ),
)
DEFAULT_VALUES = {default.key: default.value for default in DEFAULTS}


@cache
def _municipality_codes() -> frozenset[str]:
    return frozenset(m.code for m in list_municipalities())


def _known_municipality(code: str) -> str:
    if code not in _municipality_codes():
        raise ValueError(f"Okänd kommunkod {code}.")
    return code


MunicipalityCode = Annotated[str, AfterValidator(_known_municipality)]


class ShareOverride(BaseModel):
    """Shares that replace the ones above them; None keeps the value from above."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    health_examination: Share | None = None
    mental_health: Share | None = None


class MunicipalityAssumptions(ShareOverride):
    """A municipality's own shares, and its own per age group."""

    by_age_group: dict[AgeGroup, ShareOverride] = Field(default_factory=dict)


@dataclass(frozen=True)
class Shares:
    """The shares that apply to one municipality and age group, after the overrides."""

    health_examination: float
    mental_health: float


class Assumptions(BaseModel):
    """A complete set of assumptions; stored as a scenario's JSON.

    For each share separately the most specific value wins: municipality and age group,
    then municipality, then age group, then the area's own value.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    health_examination: Share = DEFAULT_VALUES["health_examination"]
    mental_health: Share = DEFAULT_VALUES["mental_health"]
    waiting_outflow: Share = DEFAULT_VALUES["waiting_outflow"]
    by_age_group: dict[AgeGroup, ShareOverride] = Field(default_factory=dict)
    municipalities: dict[MunicipalityCode, MunicipalityAssumptions] = Field(default_factory=dict)

    def shares(self, kommun: str | None = None, aldersgrupp: str | None = None) -> Shares:
        """The shares for one municipality and age group (None: the area as a whole)."""
        layers = self._layers(kommun, aldersgrupp)
        values = {key: _first(layers, key, getattr(self, key)) for key in SHARE_KEYS}
        return Shares(**values)

    def _layers(self, kommun: str | None, aldersgrupp: str | None) -> list[ShareOverride]:
        age = cast(AgeGroup, aldersgrupp) if aldersgrupp in AGE_GROUPS else None
        layers: list[ShareOverride | None] = []
        local = self.municipalities.get(kommun) if kommun else None
        if local is not None:
            layers += [local.by_age_group.get(age) if age else None, local]
        layers.append(self.by_age_group.get(age) if age else None)
        return [layer for layer in layers if layer is not None]

    def municipalities_outside(self, region_code: str) -> list[str]:
        """Overridden municipalities that do not lie in the region, in code order."""
        return sorted(code for code in self.municipalities if code[:2] != region_code)


def _first(layers: list[ShareOverride], key: str, fallback: float) -> float:
    for layer in layers:
        value = getattr(layer, key)
        if value is not None:
            return float(value)
    return fallback


@dataclass(frozen=True)
class AssumptionProblem:
    """One thing wrong with submitted assumptions."""

    field: str
    """Dotted path to the value, e.g. ``municipalities.0180.mental_health``."""
    message: str
    """What is wrong, in Swedish."""


class InvalidAssumptionsError(ValueError):
    """Assumptions that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[AssumptionProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


def parse_assumptions(data: Mapping[str, Any]) -> Assumptions:
    """Validate `data` as assumptions; `InvalidAssumptionsError` lists every problem."""
    try:
        return Assumptions.model_validate(data)
    except ValidationError as error:
        raise InvalidAssumptionsError([_problem(detail) for detail in error.errors()]) from error


def _problem(detail: ErrorDetails) -> AssumptionProblem:
    field = ".".join(str(part) for part in detail["loc"])
    return AssumptionProblem(field, _message(detail))


def _message(detail: ErrorDetails) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    if kind == "literal_error":
        return "Okänd åldersgrupp. Använd 0-5, 6-17, 18-64 eller 65+."
    return _MESSAGES.get(kind, "Ogiltigt värde.")


_MESSAGES = {
    "greater_than_equal": "Andelen får inte vara mindre än 0.",
    "less_than_equal": "Andelen får inte vara större än 1 (100 procent).",
    "finite_number": "Andelen måste vara ett tal mellan 0 och 1.",
    "float_parsing": "Ange andelen som ett tal mellan 0 och 1, t.ex. 0,25 som 0.25.",
    "float_type": "Ange andelen som ett tal mellan 0 och 1.",
    "missing": "Uppgiften saknas.",
    "extra_forbidden": "Okänt fält.",
    "dict_type": "Ange en tabell (nycklar och värden).",
    "model_type": "Ange en tabell (nycklar och värden).",
}


def defaults_markdown() -> str:
    """The defaults as the Markdown table in docs/analytics-method.md."""
    lines = [
        "| Key | Default | Meaning (as shown to planners) | Source | Status |",
        "|---|---:|---|---|---|",
    ]
    for default in DEFAULTS:
        lines.append(
            f"| `{default.key}` | {default.value:g} | {default.label}. {default.meaning} "
            f"| {default.source} | {default.status} |"
        )
    return "\n".join(lines) + "\n"
