"""The pandas baseline of the planning views: the same figures, computed from raw visits.

A straightforward pandas implementation, the kind an analyst would write: the raw `besok`
table is read into one DataFrame (once, not timed; columns with few distinct values as
categoricals, so the baseline is not slowed down by millions of Python strings), and each
view's figures are computed from it on every request: select the rows of the scope and
filters, classify them with rules.py's definitions (isin and string matching), and group
(by region, municipality or clinic, by month, by age band). The first mental-health
intervention is each person's earliest matching visit in the region (sort, drop
duplicates), over the whole history, as the fact tables define it.

What to compute is read from the view's own result (untimed): its tables' keys and visit
columns. `compare` then checks every shown visit figure of the view against pandas, so the
baseline demonstrably computes the same thing.
"""

# ruff: noqa: S608 - the SQL here interpolates this module's own column names and a path.

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from samvard.analytics import rules
from samvard.analytics.facts import AGE_BANDS, MEASURES
from samvard.analytics.results import Cell, CellStatus, Column, Table, ViewResult

# (table kind, row label, column key) -> count
Figures = dict[tuple[str, str, str], int]

# Table keys of the views, and what each table's rows are.
TABLE_KINDS = {
    "nyckeltal": "total",
    "omraden": "children",
    "manader": "months",
    "aldersfordelning": "bands",
    "rangordning_kommuner": "kommun",
    "infektion_per_kommun": "kommun",
    "rangordning_vardenheter": "vardenhet_hsaid",
    "infektion_per_vardenhet": "vardenhet_hsaid",
}
CATEGORICAL = (
    "region", "period", "patient_id", "kon", "kommun", "vardenhet_hsaid", "verksamhet",
    "vardtyp", "yrkeskategori", "diagnoser",
)  # fmt: skip
_BAND_EDGES = [-1, *(low - 1 for _, low, _ in AGE_BANDS[1:]), 200]
_BAND_NAMES = [band for band, _, _ in AGE_BANDS]
_GROUP_AGES = {group: (low, high) for group, low, high in (
    ("0-5", 0, 5), ("6-17", 6, 17), ("18-64", 18, 64), ("65+", 65, 200),
)}  # fmt: skip
_LEVELS = ("region", "kommun", "vardenhet_hsaid")


def read_visits(database: Path) -> pd.DataFrame:
    """The raw visit rows of a warehouse file as a DataFrame (not timed).

    The code columns arrive as categoricals (DuckDB enums), so ten million rows never exist
    as Python strings. `besoks_ordning` is besoks_id's rank: the first-intervention rule
    breaks ties on the id.
    """
    source = str(database).replace("'", "''")
    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        connection.execute(f"ATTACH '{source}' AS warehouse (READ_ONLY)")
        for name in CATEGORICAL:  # own column names
            connection.execute(
                f"CREATE TYPE {name}_values AS ENUM (SELECT DISTINCT {name} "
                f"FROM warehouse.besok WHERE {name} IS NOT NULL ORDER BY 1)"
            )
        codes = ", ".join(f"{name}::{name}_values AS {name}" for name in CATEGORICAL)
        return connection.execute(
            f"SELECT {codes}, alder, besoksdatum, halsoundersokning, "
            "dense_rank() OVER (ORDER BY besoks_id)::INTEGER AS besoks_ordning "
            "FROM warehouse.besok"
        ).df()


def _codes_pattern(prefixes: Iterable[str]) -> str:
    """Any code of the |-separated list starting with one of the prefixes."""
    return r"(?:^|\|)(?:" + "|".join(re.escape(p) for p in prefixes) + ")"


def _has_code(rows: pd.DataFrame, prefixes: Iterable[str]) -> pd.Series:
    return rows["diagnoser"].str.contains(_codes_pattern(prefixes), na=False).astype(bool)


def _mental_health(rows: pd.DataFrame) -> pd.Series:
    profession = rows["yrkeskategori"]
    return (
        rows["verksamhet"].isin(rules.PSYCHIATRY)
        | profession.isin(rules.THERAPISTS)
        | (profession.isin(rules.DIAGNOSING) & _has_code(rows, ("F",)))
    )


# rules.py's single-visit rules, one pandas expression each.
RULES: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "besok": lambda rows: pd.Series(True, index=rows.index),
    "halsoundersokningar": lambda rows: rows["halsoundersokning"].astype(bool),
    "psykisk_halsa": _mental_health,
    "psyk_forsta_linjen": lambda rows: (
        _mental_health(rows) & ~rows["verksamhet"].isin(rules.PSYCHIATRY)
    ),
    "psyk_andra_linjen": lambda rows: rows["verksamhet"].isin(rules.PSYCHIATRY),
    "akut": lambda rows: rows["vardtyp"] == "akut",
    "planerad": lambda rows: rows["vardtyp"] == "planerad",
    "infektion": lambda rows: (
        (rows["verksamhet"] == rules.INFECTION_CLINIC) | _has_code(rows, rules.INFECTION_CHAPTERS)
    ),
    "forlossningar": lambda rows: _has_code(rows, rules.BIRTH_CODES),
}


def classify(rows: pd.DataFrame, measure: str) -> pd.Series:
    """The rows a measure counts, by rules.py's definitions (first intervention excepted)."""
    return RULES[measure](rows).astype(bool)


def first_interventions(rows: pd.DataFrame) -> pd.Series:
    """Each person's first mental-health visit in the region, over the whole history."""
    rule = rules.FIRST_INTERVENTION
    matching = rows[classify(rows, rule.among)]
    order = ["region", "patient_id", "besoksdatum", "besoks_ordning"]
    first = matching.sort_values(order).drop_duplicates(["region", "patient_id"])
    flags = pd.Series(False, index=rows.index)
    flags[first.index] = True
    return flags


@dataclass(frozen=True)
class Request:
    """One view request as pandas sees it: scope, period, filters, place and tables."""

    region_scope: str | None  # None: national
    months: tuple[str, ...]
    aldersgrupp: str | None
    kon: str | None
    place: tuple[str, str] | None  # (level column, code) chosen by the geography filters
    children: str | None  # the level column one below the place, if the view shows it
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> measures

    @property
    def measures(self) -> set[str]:
        """Every visit measure any table needs."""
        return {m for measures in self.tables.values() for m in measures}


def request_for(result: ViewResult, region_scope: str | None) -> Request:
    """What the pandas baseline must compute to show the same visit figures as `result`."""
    chosen = result.filters
    months = result.provenance.periods
    place: tuple[str, str] | None = None
    for level, key in zip(_LEVELS, ("region", "kommun", "vardenhet"), strict=True):
        if chosen.get(key):
            place = (level, str(chosen[key]))
    if place is None and region_scope is not None:
        place = ("region", region_scope)
    depth = -1 if place is None else _LEVELS.index(place[0])
    children = _LEVELS[depth + 1] if depth + 1 < len(_LEVELS) else None
    if children == "vardenhet_hsaid" and region_scope is None:
        children = None  # the national scope ends at municipalities
    tables: dict[str, tuple[str, ...]] = {}
    for table in result.tables:
        kind = TABLE_KINDS.get(table.key)
        visits = tuple(c.key for c in table.columns if c.key in MEASURES)
        if kind is not None and visits:
            tables[kind] = tuple(dict.fromkeys((*tables.get(kind, ()), *visits)))
    return Request(
        region_scope, tuple(months), chosen.get("aldersgrupp"), chosen.get("kon"), place,
        children, tables,
    )  # fmt: skip


def compute(visits: pd.DataFrame, request: Request) -> Figures:
    """The view's visit figures from the raw rows: the timed part of the baseline."""
    scoped = visits
    if request.region_scope is not None:
        scoped = visits[visits["region"] == request.region_scope]
    mask = _chosen(scoped, request)
    rows = scoped[mask]
    counted = pd.DataFrame(index=rows.index)
    for measure in sorted(request.measures):
        if measure == rules.FIRST_INTERVENTION.id:
            counted[measure] = first_interventions(scoped)[mask].astype("int64")
        else:
            counted[measure] = classify(rows, measure).astype("int64")
    figures: Figures = {}
    for kind, measures in request.tables.items():
        chosen = counted[list(measures)]
        if kind == "total":
            _add(figures, kind, {"": chosen.sum()})
            continue
        by = _grouping(rows, kind, request)
        if by is not None:
            sums = chosen.groupby(by, observed=True).sum()
            _add(figures, kind, {str(label): sums.loc[label] for label in sums.index})
    return figures


def _chosen(scoped: pd.DataFrame, request: Request) -> pd.Series:
    """The rows of the period, age group, sex and place."""
    mask = scoped["period"].isin(request.months)
    if request.aldersgrupp is not None:
        low, high = _GROUP_AGES[request.aldersgrupp]
        mask &= scoped["alder"].between(low, high)
    if request.kon is not None:
        mask &= scoped["kon"] == request.kon
    if request.place is not None:
        level, code = request.place
        mask &= scoped[level] == code
    return mask


def _grouping(rows: pd.DataFrame, kind: str, request: Request) -> pd.Series | None:
    """What a table's rows are: places one level down, months, age bands or a level."""
    if kind == "children":
        return None if request.children is None else rows[request.children]
    if kind == "months":
        return rows["period"]
    if kind == "bands":
        return pd.cut(rows["alder"], _BAND_EDGES, labels=_BAND_NAMES)
    return rows[kind]


def _add(figures: Figures, kind: str, rows: dict[str, pd.Series]) -> None:
    for label, sums in rows.items():
        for measure, value in sums.items():
            figures[kind, label, str(measure)] = int(value)


@dataclass
class Comparison:
    """How the view's shown visit figures compare with pandas'."""

    compared: int = 0
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: how many cells, the first mismatches, and a few equal cells."""
        return {
            "cells_compared": self.compared, "mismatches": len(self.mismatches),
            "first_mismatches": self.mismatches[:5], "examples": self.examples[:2],
        }  # fmt: skip


def visit_cells(result: ViewResult) -> Iterator[tuple[Table, str, str, Column, Cell]]:
    """Every visit-count cell of the view's tables that pandas computes: the table, its kind
    (TABLE_KINDS), the row's label ("" for a total), the column and the cell."""
    for table in result.tables:
        kind = TABLE_KINDS.get(table.key)
        if kind is None:
            continue
        for row in table.rows:
            label = "" if kind == "total" else row.labels[0]
            for column, cell in zip(table.columns, row.cells, strict=True):
                if column.key in MEASURES:
                    yield table, kind, label, column, cell


def compare(result: ViewResult, figures: Figures, into: Comparison) -> None:
    """Check every shown visit cell of the view's tables against the pandas figures.

    A place, month or band pandas did not find has no visits: zero.
    """
    for table, kind, label, column, cell in visit_cells(result):
        if cell.status is not CellStatus.SHOWN:
            continue
        expected = figures.get((kind, label, column.key), 0)
        into.compared += 1
        found = {
            "table": table.key, "row": label, "column": column.key,
            "view": cell.value, "pandas": expected,
        }  # fmt: skip
        if cell.value != expected:
            into.mismatches.append(found)
        elif len(into.examples) < 2 and expected > 0:
            into.examples.append(found)
