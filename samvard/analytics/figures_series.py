"""Monthly series over the whole history: what was reported, the waiting estimate, forecasts.

The waiting estimate is a running stock, so it starts at the first month with both reports,
not at the first month shown; a forecast learns from every known month up to the period's
end. Both are for one area: the waiting estimate for a region or the country (people are
examined at clinics outside their own municipality), the need for the chosen area.
"""

# ruff: noqa: S608 - SQL text is built from constants; every value is a bound parameter.

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from samvard.analytics import facts_reported
from samvard.analytics.assumptions import Assumptions
from samvard.analytics.contracts import ReportKind
from samvard.analytics.figures_cube import COUNTRY, Geo
from samvard.analytics.figures_filters import month_index, month_of
from samvard.analytics.figures_sql import share_sql
from samvard.analytics.need import Interval, WaitingMonth, estimate_waiting
from samvard.analytics.scope import Scope
from samvard.reference.loaders import list_regions

MISSING_TABLE = (duckdb.CatalogException,)


@dataclass(frozen=True)
class Reported:
    """Which months each source reported, and the rule version of the facts."""

    visits: dict[str, frozenset[str]] = field(default_factory=dict)  # region -> months
    asylum: frozenset[str] = frozenset()
    rule_version: str = ""
    # Regions of the scope that have never reported visits. The country's visits add up the
    # regions that did, while its asylum flow counts every region's asylum seekers.
    silent: frozenset[str] = frozenset()

    @property
    def latest(self) -> str | None:
        """The latest month either source reported."""
        months = set(self.asylum).union(*self.visits.values()) if self.visits else set(self.asylum)
        return max(months) if months else None

    @property
    def earliest(self) -> str | None:
        """The first month either source reported."""
        months = set(self.asylum).union(*self.visits.values()) if self.visits else set(self.asylum)
        return min(months) if months else None

    @property
    def complete(self) -> str | None:
        """The latest month every reporting region reported (else the latest reported)."""
        months = self.visit_months(None)
        return max(months) if months else self.latest

    def visit_months(self, region: str | None) -> frozenset[str]:
        """Months the region reported; for the country, months every reporting region did."""
        if region is not None:
            return self.visits.get(region, frozenset())
        if not self.visits:
            return frozenset()
        return frozenset.intersection(*self.visits.values())


def read_reported(
    connection: duckdb.DuckDBPyConnection | None,
    scope: Scope,
    visit_table: str = "fact_besok",
    *,
    kept: bool = True,
) -> Reported:
    """The months reported in the scope (empty while there are no fact tables yet).

    They are read where they are kept with the facts (facts_reported). A warehouse from
    before that table (`kept` false) has them worked out from `visit_table` instead, which
    may be the roll-up without clinics (facts_rollup.TABLE): the same months."""
    if connection is None:
        return Reported()
    region = "region = $region" if scope.region is not None else "TRUE"
    params = {"region": scope.region} if scope.region is not None else {}
    # Rows of (kind of report, region, month), as fact_reported keeps them.
    if kept:
        months = (
            f"SELECT kind, region, period FROM {facts_reported.TABLE} "
            f"WHERE {region} OR kind = $asylum"
        )
    else:
        months = (
            f"SELECT $visits, region, period FROM {visit_table} WHERE {region} "
            f"GROUP BY region, period "
            f"UNION ALL SELECT $asylum, NULL, period FROM fact_asyl GROUP BY period"
        )
        params["visits"] = ReportKind.BESOK.value
    params["asylum"] = ReportKind.ASYLSOKANDE.value
    sql = f"{months} UNION ALL SELECT NULL, NULL, max(rule_version) FROM fact_meta"
    try:
        rows = connection.execute(sql, params).fetchall()
    except MISSING_TABLE:
        return Reported()
    visits: dict[str, set[str]] = {}
    asylum: set[str] = set()
    version = ""
    for kind, reg, value in rows:
        if kind == ReportKind.BESOK:
            visits.setdefault(reg, set()).add(value)
        elif kind == ReportKind.ASYLSOKANDE:
            asylum.add(value)
        elif value is not None:
            version = value
    regions = {scope.region} if scope.region is not None else {r.code for r in list_regions()}
    return Reported(
        {r: frozenset(m) for r, m in visits.items()},
        frozenset(asylum),
        version,
        frozenset(regions - visits.keys()),
    )


def _condition(geo: Geo, name: str) -> tuple[str, dict[str, str]]:
    if geo == COUNTRY:
        return "TRUE", {}
    column = {"R": "region", "K": "kommun"}[geo[0]]
    return f"{column} = ${name}", {name: geo[1]}


@dataclass(frozen=True)
class History:
    """Month -> figure, from the first reported month to the period's end."""

    examinations: dict[str, int]  # in the waiting area
    examination_need: dict[str, Interval]  # in the waiting area
    need: dict[str, dict[str, Interval]]  # kind -> month -> need in the need area


def read_history(
    connection: duckdb.DuckDBPyConnection,
    scope: Scope,
    last: str,
    waiting_area: Geo,
    need_area: Geo,
    age: str | None,
    sex: str | None,
    assumptions: Assumptions,
    visit_table: str = "fact_besok",
) -> History:
    """Two small queries: examinations per month, and need per month, up to `last`.

    The waiting area is the country or a region, so `visit_table` may be the roll-up without
    clinics (facts_rollup.TABLE) where the warehouse has it."""
    parts = ["period <= $last"]
    params: dict[str, Any] = {"last": last}
    for column, value in (("region", scope.region), ("aldersgrupp", age), ("kon", sex)):
        if value is not None:
            parts.append(f"{column} = ${column}")
            params[column] = value
    where = " AND ".join(parts)
    w_cond, w_params = _condition(waiting_area, "w")
    n_cond, n_params = _condition(need_area, "n")
    done = connection.execute(
        f"SELECT period, sum(halsoundersokningar) FILTER (WHERE {w_cond})::BIGINT "
        f"FROM {visit_table} WHERE {where} GROUP BY period",
        {**params, **w_params},
    ).fetchall()
    prefix, _ = share_sql(assumptions)
    low, high = "coalesce(nyinskrivna, 1)", "coalesce(nyinskrivna, 4)"
    mlow, mhigh = "coalesce(inskrivna, 1)", "coalesce(inskrivna, 4)"
    rows = connection.execute(
        f"""{prefix} SELECT period,
            coalesce(sum(he * {low}) FILTER (WHERE {w_cond}), 0),
            coalesce(sum(he * {high}) FILTER (WHERE {w_cond}), 0),
            coalesce(sum(he * {low}) FILTER (WHERE {n_cond}), 0),
            coalesce(sum(he * {high}) FILTER (WHERE {n_cond}), 0),
            coalesce(sum(mh * {mlow}) FILTER (WHERE {n_cond}), 0),
            coalesce(sum(mh * {mhigh}) FILTER (WHERE {n_cond}), 0)
        FROM asyl WHERE {where} GROUP BY period""",
        {**params, **w_params, **n_params},
    ).fetchall()
    return History(
        examinations={period: int(value or 0) for period, value in done},
        examination_need={row[0]: Interval(row[1], row[2]) for row in rows},
        need={
            "examination": {row[0]: Interval(row[3], row[4]) for row in rows},
            "mental_health": {row[0]: Interval(row[5], row[6]) for row in rows},
        },
    )


def waiting(
    history: History,
    reported: Reported,
    area_region: str | None,
    last: str,
    outflow: float,
) -> list[WaitingMonth]:
    """The waiting estimate from the first month with both reports up to `last`.

    A month without the area's visit report, or without the asylum-flow report, leaves the
    estimate unknown from then on (need.estimate_waiting). The country's estimate is unknown
    while a region has never reported visits: its asylum seekers' need would count as
    waiting, with none of its examinations to set against it.
    """
    if area_region is None and reported.silent:
        return []
    visit_months = reported.visit_months(area_region)
    both = sorted(m for m in visit_months if m in reported.asylum and m <= last)
    if not both:
        return []
    months = []
    for index in range(month_index(both[0]), month_index(last) + 1):
        month = month_of(index)
        need = history.examination_need.get(month) if month in reported.asylum else None
        done = history.examinations.get(month, 0) if month in visit_months else None
        months.append((month, need, done))
    return estimate_waiting(months, outflow=outflow)


def need_series(
    history: History, reported: Reported, kind: str, last: str
) -> tuple[list[float | None], list[str]]:
    """The need per month (the middle of its range) from the first asylum report to `last`."""
    known = sorted(m for m in reported.asylum if m <= last)
    if not known:
        return [], []
    months = [month_of(i) for i in range(month_index(known[0]), month_index(last) + 1)]
    series: list[float | None] = []
    for month in months:
        value = history.need[kind].get(month)
        if month not in reported.asylum:
            series.append(None)
        else:
            series.append(value.point if value is not None else 0.0)
    return series, months
