"""Versioned classification rules for visits, as data: one definition, two interpreters.

Each rule says in words what it counts, where the definition comes from, and holds it
twice: a SQL boolean expression over the warehouse's raw `besok` columns (the fact tables
are built with it, in DuckDB, over millions of rows) and a pure Python predicate over one
stored row (the readable reference that tests compare the SQL against). A row is a mapping
of the `besok` column names to their stored values: `halsoundersokning` a bool,
`diagnoser` the ICD-10-SE codes separated by `|` or None.

Diagnosis codes are matched by their leading characters, so "F32.1" and "F321" are the
same to every rule; validation has already made sure that every code is a letter and two
digits with an optional dot and up to two more characters.

Every fact row carries RULE_VERSION. Change the version whenever a definition changes, and
say what changed in CHANGELOG.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

RULE_VERSION = "2026.1"
CHANGELOG: tuple[tuple[str, str], ...] = (
    (
        "2026.1",
        "First version: health examination, mental-health intervention (DESIGN §5), first "
        "and second line, first intervention per person, acute and planned care, infection "
        "care (A00–B99 or infection clinic), births (O80–O84).",
    ),
)

StoredRow = Mapping[str, Any]

PSYCHIATRY = ("barnpsykiatri", "vuxenpsykiatri")
THERAPISTS = ("psykolog", "psykoterapeut")
DIAGNOSING = ("lakare", "barnmorska")
INFECTION_CLINIC = "infektion"
INFECTION_CHAPTERS = ("A", "B")  # ICD-10 chapter I, A00–B99
BIRTH_CODES = ("O80", "O81", "O82", "O83", "O84")  # delivery, ICD-10 chapter XV


@dataclass(frozen=True)
class Rule:
    """A classification of single visits: the fact measure named `id` counts the matches."""

    id: str
    name_sv: str
    definition_sv: str
    source: str
    sql: str
    predicate: Callable[[StoredRow], bool]


@dataclass(frozen=True)
class FirstRule:
    """A rule over a person's history: the earliest visit matching `among`, per partition.

    It needs every visit of the partition at once, so it is a window in SQL (facts.py) and
    a function over a list of rows here (`first_visits`).
    """

    id: str
    name_sv: str
    definition_sv: str
    source: str
    among: str  # the id of the Rule whose matching visits are ranked
    partition: tuple[str, ...]
    order: tuple[str, ...]


def _codes(row: StoredRow) -> list[str]:
    text = row.get("diagnoser")
    return text.split("|") if text else []


def _any_code_sql(prefixes: Iterable[str]) -> str:
    # A code starts the list or follows a |; LIKE on the joined text is much faster than
    # splitting every row into a list. Codes are letters and digits, never LIKE wildcards.
    text = "coalesce(diagnoser, '')"
    tests = [f"{text} LIKE '{p}%' OR {text} LIKE '%|{p}%'" for p in prefixes]
    return "(" + " OR ".join(tests) + ")"


def _in_sql(column: str, values: Iterable[str]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _any_code(row: StoredRow, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(prefixes) for code in _codes(row))


def is_health_examination(row: StoredRow) -> bool:
    """The visit was reported as a health examination."""
    return bool(row["halsoundersokning"])


def is_mental_health(row: StoredRow) -> bool:
    """Psychiatry (any profession), a psychologist or psychotherapist, or an F diagnosis."""
    if row["verksamhet"] in PSYCHIATRY or row["yrkeskategori"] in THERAPISTS:
        return True
    return row["yrkeskategori"] in DIAGNOSING and _any_code(row, ("F",))


def is_second_line(row: StoredRow) -> bool:
    """A mental-health intervention in specialist psychiatry."""
    return row["verksamhet"] in PSYCHIATRY


def is_first_line(row: StoredRow) -> bool:
    """A mental-health intervention outside specialist psychiatry."""
    return is_mental_health(row) and not is_second_line(row)


def is_acute(row: StoredRow) -> bool:
    """The visit was reported as acute care."""
    return bool(row["vardtyp"] == "akut")


def is_planned(row: StoredRow) -> bool:
    """The visit was reported as planned care."""
    return bool(row["vardtyp"] == "planerad")


def is_infection_care(row: StoredRow) -> bool:
    """Any diagnosis in A00–B99, or a visit at an infection clinic."""
    return row["verksamhet"] == INFECTION_CLINIC or _any_code(row, INFECTION_CHAPTERS)


def is_birth(row: StoredRow) -> bool:
    """Any diagnosis in O80–O84."""
    return _any_code(row, BIRTH_CODES)


_MENTAL_HEALTH_SQL = (
    f"({_in_sql('verksamhet', PSYCHIATRY)} OR {_in_sql('yrkeskategori', THERAPISTS)} "
    f"OR ({_in_sql('yrkeskategori', DIAGNOSING)} AND {_any_code_sql(('F',))}))"
)
_SECOND_LINE_SQL = f"({_in_sql('verksamhet', PSYCHIATRY)})"

_DESIGN = "DESIGN §5"

RULES: tuple[Rule, ...] = (
    Rule(
        "halsoundersokningar",
        "Hälsoundersökning",
        "Besök rapporterade med halsoundersokning = 1.",
        f"{_DESIGN}, kolumnen halsoundersokning",
        "(halsoundersokning IS TRUE)",
        is_health_examination,
    ),
    Rule(
        "psykisk_halsa",
        "Insats för psykisk hälsa",
        "Besök eller inläggning inom barn- eller vuxenpsykiatri (alla yrken), besök hos "
        "psykolog eller psykoterapeut (alla enheter), eller läkar- eller barnmorskebesök med "
        "en diagnos i ICD-10 kapitel V (F00–F99).",
        f"{_DESIGN}; ICD-10 kapitel V",
        _MENTAL_HEALTH_SQL,
        is_mental_health,
    ),
    Rule(
        "psyk_forsta_linjen",
        "Första linjen",
        "Insats för psykisk hälsa utanför specialistpsykiatrin (vårdcentral, asylhälsa m.fl.).",
        _DESIGN,
        f"({_MENTAL_HEALTH_SQL} AND NOT {_SECOND_LINE_SQL})",
        is_first_line,
    ),
    Rule(
        "psyk_andra_linjen",
        "Andra linjen",
        "Insats för psykisk hälsa inom barn- eller vuxenpsykiatri (specialistpsykiatri).",
        _DESIGN,
        _SECOND_LINE_SQL,
        is_second_line,
    ),
    Rule(
        "akut",
        "Akut vård",
        "Besök rapporterade med vardtyp = akut.",
        f"{_DESIGN}, kolumnen vardtyp",
        "(vardtyp = 'akut')",
        is_acute,
    ),
    Rule(
        "planerad",
        "Planerad vård",
        "Besök rapporterade med vardtyp = planerad.",
        f"{_DESIGN}, kolumnen vardtyp",
        "(vardtyp = 'planerad')",
        is_planned,
    ),
    Rule(
        "infektion",
        "Infektionsvård",
        "Besök med någon diagnos i A00–B99 eller besök på infektionsklinik.",
        "ICD-10 kapitel I (A00–B99); verksamhet infektion",
        f"(verksamhet = '{INFECTION_CLINIC}' OR {_any_code_sql(INFECTION_CHAPTERS)})",
        is_infection_care,
    ),
    Rule(
        "forlossningar",
        "Förlossning",
        "Besök med någon diagnos i O80–O84.",
        "ICD-10 kapitel XV (O80–O84)",
        _any_code_sql(BIRTH_CODES),
        is_birth,
    ),
)

FIRST_INTERVENTION = FirstRule(
    "forsta_insats",
    "Första insats",
    "Patientens första insats för psykisk hälsa i regionen: det tidigaste besöket (efter "
    "besöksdatum, sedan besoks_id) som räknas som insats för psykisk hälsa. Antalet sådana "
    "besök är antalet personer som fått en första insats.",
    _DESIGN,
    among="psykisk_halsa",
    partition=("region", "patient_id"),
    order=("besoksdatum", "besoks_id"),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def first_visits(rows: Iterable[StoredRow], rule: FirstRule = FIRST_INTERVENTION) -> set[Any]:
    """The keys (region, period, besoks_id) of each partition's first visit matching the rule."""
    among = RULES_BY_ID[rule.among].predicate
    first: dict[tuple[Any, ...], tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
    for row in rows:
        if not among(row):
            continue
        group = tuple(row[name] for name in rule.partition)
        rank = tuple(row[name] for name in rule.order)
        if group not in first or rank < first[group][0]:
            first[group] = (rank, (row["region"], row["period"], row["besoks_id"]))
    return {key for _, key in first.values()}


def classify(row: StoredRow) -> dict[str, bool]:
    """Every single-visit rule's verdict on one row, by rule id."""
    return {rule.id: rule.predicate(row) for rule in RULES}
