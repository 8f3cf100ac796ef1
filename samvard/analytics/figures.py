"""The planning views: one call builds a whole view, disclosure-controlled, with provenance.

    build(view, connection, scope, filters, assumptions) -> ViewResult

Pages, the JSON API, exports and `samvard analytics report` all render what this returns.
A view reads only the fact tables (fact_besok, fact_asyl, fact_meta) and the receipts: a
few aggregations in DuckDB (figures_cube, figures_series), disclosure control once per
measure over the whole geography of the scope, and tables cut from the result
(figures_views). docs/analytics-method.md defines every figure.
"""

# ruff: noqa: S608 - the SQL text is this module's own; every value is a bound parameter.

from __future__ import annotations

import duckdb

from samvard.analytics.assumptions import Assumptions
from samvard.analytics.figures_cube import (
    COUNTRY,
    MONTH,
    NEEDS,
    Cube,
    Geo,
    Period,
    build_cube,
    where,
)
from samvard.analytics.figures_filters import (
    FilterError,
    Filters,
    months_between,
    region_names,
)
from samvard.analytics.figures_parts import Frame
from samvard.analytics.figures_series import (
    MISSING_TABLE,
    Reported,
    need_series,
    read_history,
    read_reported,
    waiting,
)
from samvard.analytics.figures_views import MAKERS, Context
from samvard.analytics.need import SUPPRESSED_RANGE
from samvard.analytics.results import CellStatus, Provenance, ViewResult
from samvard.analytics.scope import Scope

__all__ = ["TITLES", "VIEWS", "FilterError", "Filters", "build"]

VIEWS = ("oversikt", "halsoundersokningar", "psykisk-halsa", "ovrig-vard")
TITLES = {
    "oversikt": "Översikt",
    "halsoundersokningar": "Hälsoundersökningar",
    "psykisk-halsa": "Psykisk hälsa",
    "ovrig-vard": "Övrig vård",
}
# The measures each view shows; a measure is protected the same way in every view.
MEASURES: dict[str, tuple[str, ...]] = {
    "oversikt": ("besok", "halsoundersokningar", "forsta_insats", "nyinskrivna", "inskrivna"),
    "halsoundersokningar": ("halsoundersokningar", "nyinskrivna"),
    "psykisk-halsa": (
        "psykisk_halsa",
        "psyk_forsta_linjen",
        "psyk_andra_linjen",
        "forsta_insats",
        "inskrivna",
    ),
    "ovrig-vard": ("besok", "akut", "planerad", "infektion", "forlossningar"),
}
SOURCE_NAMES = {
    "besok": "Besöksstatistik",
    "asylsokande": "Migrationsverket, asylsökande i mottagningssystemet",
}


def build(
    view: str,
    connection: duckdb.DuckDBPyConnection | None,
    scope: Scope,
    filters: Filters,
    assumptions: Assumptions,
) -> ViewResult:
    """The view for the filters, as far as the scope reaches; FilterError for bad filters."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    filters.check_scope(scope)
    reported = read_reported(connection, scope)
    span = filters.period(reported.complete, reported.earliest)
    chosen = filters.query()
    if connection is None or span is None or not reported.rule_version:
        return _empty(view, chosen, assumptions)
    period = Period(tuple(months_between(*span)))
    chosen["fran"], chosen["till"] = period.first, period.last
    filter_ = where(scope, period.first, period.last, filters.aldersgrupp, filters.kon)
    cube = build_cube(
        connection,
        scope,
        filter_,
        period,
        MEASURES[view],
        assumptions,
        reported.asylum,
        reported.visits,
    )
    selected = _selected(cube, scope, filters)
    context = _context(connection, scope, filters, assumptions, reported, cube, selected)
    tables = MAKERS[view](context)
    provenance = Provenance(
        sources=_sources(connection, scope, period),
        periods=period.months,
        rule_version=reported.rule_version,
        assumptions=assumptions.model_dump(mode="json"),
    )
    return ViewResult(view, TITLES[view], chosen, tables, provenance)


def _empty(view: str, chosen: dict[str, str | None], assumptions: Assumptions) -> ViewResult:
    provenance = Provenance(
        sources=(), periods=(), rule_version="", assumptions=assumptions.model_dump(mode="json")
    )
    return ViewResult(view, TITLES[view], chosen, (), provenance)


def _selected(cube: Cube, scope: Scope, filters: Filters) -> Geo:
    """The place the geography filters choose (their deepest level)."""
    if filters.vardenhet is not None:
        for kids in cube.children.values():
            for geo in kids:
                chosen = geo[0] == "V" and geo[2] == filters.vardenhet
                if chosen and filters.kommun in (None, geo[1]):
                    return geo
        raise FilterError(
            "vardenhet",
            f"Vårdenheten {filters.vardenhet} har inga besök i underlaget för urvalet.",
        )
    if filters.kommun is not None:
        return ("K", filters.kommun)
    if filters.region is not None and scope.national:
        return ("R", filters.region)
    return cube.root


def _context(
    connection: duckdb.DuckDBPyConnection,
    scope: Scope,
    filters: Filters,
    assumptions: Assumptions,
    reported: Reported,
    cube: Cube,
    selected: Geo,
) -> Context:
    frame = Frame(cube, selected)
    last = cube.period.last
    # The waiting estimate is for a region (or the country): see need.waiting_series.
    waiting_area: Geo = selected if selected[0] in ("T", "R") else ("R", selected[1][:2])
    need_area = frame.need_place(selected)
    history = read_history(
        connection,
        scope,
        last,
        waiting_area,
        need_area,
        filters.aldersgrupp,
        filters.kon,
        assumptions,
    )
    area_region = None if waiting_area == COUNTRY else waiting_area[1]
    months = waiting(history, reported, area_region, last, assumptions.waiting_outflow)
    hidden_from = None
    for month in months:
        done = month.examinations
        small = done is not None and 0 < done < SUPPRESSED_RANGE[1] + 1
        protected = (
            "halsoundersokningar" in cube.hidden
            and month.period in cube.period.months
            and cube.cell("halsoundersokningar", waiting_area, (MONTH, month.period)).status
            is CellStatus.SUPPRESSED
        )
        if small or protected:
            hidden_from = month.period
            break
    series = {}
    series_hidden = {}
    for kind, measure in NEEDS.items():
        series[kind], _ = need_series(history, reported, kind, last)
        series_hidden[kind] = measure in cube.hidden and any(
            cube.cell(measure, need_area, split).status is CellStatus.SUPPRESSED
            for split in cube.splits(MONTH)
        )
    return Context(
        frame=frame,
        waiting=months,
        waiting_hidden_from=hidden_from,
        waiting_area=frame.name(waiting_area),
        series=series,
        series_hidden=series_hidden,
    )


def _sources(
    connection: duckdb.DuckDBPyConnection, scope: Scope, period: Period
) -> tuple[str, ...]:
    """The reports behind the figures: each source's months and receipts (latest versions)."""
    region = "AND (kind = 'asylsokande' OR region = $region)" if scope.region else ""
    params = {"first": period.first, "last": period.last}
    if scope.region:
        params["region"] = scope.region
    try:
        rows = connection.execute(
            f"SELECT kind, region, min(period), max(period), list(id ORDER BY id) FROM ("
            f"  SELECT kind, region, period, max(id) AS id FROM receipt"
            f"  WHERE period BETWEEN $first AND $last {region} GROUP BY kind, region, period"
            f") GROUP BY kind, region ORDER BY kind DESC, region",
            params,
        ).fetchall()
    except MISSING_TABLE:
        return ()
    names = region_names()
    sources = []
    for kind, reg, first, last, ids in rows:
        where_ = f", {names.get(reg, reg)} ({reg})" if reg else ""
        months = first if first == last else f"{first}–{last}"
        receipts = ", ".join(str(i) for i in ids)
        sources.append(f"{SOURCE_NAMES.get(kind, kind)}{where_}, {months}, kvitton {receipts}")
    return tuple(sources)
