"""The planning views: one call builds a whole view, disclosure-controlled, with provenance.

    build(view, connection, scope, filters, assumptions) -> ViewResult

Pages, the JSON API, exports and `samvard analytics report` all render what this returns.
A view reads only the fact tables (fact_besok, its national roll-up fact_besok_kommun,
fact_asyl, fact_meta) and the receipts: a few aggregations in DuckDB (figures_cube,
figures_series), disclosure control once per measure (or family of measures that add up)
over the whole geography of the scope, and tables cut from the result (figures_views).
Each of these, and the finished view, is kept until the facts change (figures_memo).
docs/analytics-method.md defines every figure.
"""

# ruff: noqa: S608 - the SQL text is this module's own; every value is a bound parameter.

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from samvard.analytics import facts_rollup
from samvard.analytics.assumptions import Assumptions
from samvard.analytics.figures_cube import (
    ASYLUM_MEASURES,
    COUNTRY,
    MONTH,
    NEEDS,
    Cube,
    Geo,
    Period,
)
from samvard.analytics.figures_filters import (
    FilterError,
    Filters,
    months_between,
    region_names,
)
from samvard.analytics.figures_memo import PARTS, Later, Stamp, read_stamp
from samvard.analytics.figures_memo import VIEWS as KEPT_VIEWS
from samvard.analytics.figures_parts import Frame
from samvard.analytics.figures_series import (
    MISSING_TABLE,
    History,
    Reported,
    need_series,
    read_history,
    read_reported,
    waiting,
)
from samvard.analytics.figures_state import asylum_part, build_cube, visit_part
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
# The views whose tables show the waiting estimate or a forecast, from the monthly history.
HISTORY_VIEWS = frozenset({"oversikt", "halsoundersokningar", "psykisk-halsa"})
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
    """The view for the filters, as far as the scope reaches; FilterError for bad filters.

    The result is kept under the warehouse's stamp (figures_memo): the same view with the same
    filters and assumptions is computed once per version of the facts.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    filters.check_scope(scope)
    stamp = read_stamp(connection)
    if connection is None or stamp is None:
        return _empty(view, filters.query(), assumptions)
    key = ("view", stamp, view, scope, filters, assumptions.model_dump_json())

    def compute() -> ViewResult:
        with _COLLECTOR.paused():
            return _build(view, connection, stamp, scope, filters, assumptions)

    return KEPT_VIEWS.get(key, compute)


class _Collector:
    """Pauses Python's cycle collector while views are computed.

    Computing a filter state's figures allocates a few hundred thousand small containers
    (rows, keys, equations) that live until the request ends and are freed by reference
    counting: they hold no cycles. With the collector on, its passes over them cost a
    quarter of a national view's time. It is paused from the first computation that starts
    to the last that ends (requests run in threads), then restored as it was.

    What the computation keeps (the figures of the filter state, kept between requests) is
    then moved straight to the collector's oldest generation (`gc.freeze` and `gc.unfreeze`
    move whole lists, without visiting an object), where it would end up anyway after two
    passes over tens of thousands of objects: those passes cost a cold national view
    several milliseconds. A full collection still visits them, so nothing escapes it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._was_enabled = False

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The collector off for the block, and as it was after the last such block."""
        with self._lock:
            if self._running == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0 and self._was_enabled:
                    gc.freeze()
                    gc.unfreeze()
                    gc.enable()


_COLLECTOR = _Collector()


def _build(
    view: str,
    connection: duckdb.DuckDBPyConnection,
    stamp: Stamp,
    scope: Scope,
    filters: Filters,
    assumptions: Assumptions,
) -> ViewResult:
    table = facts_rollup.TABLE if stamp.rollup else "fact_besok"
    reported = PARTS.get(
        ("reported", stamp, scope),
        lambda: read_reported(connection, scope, table, kept=stamp.reported),
    )
    span = filters.period(reported.complete, reported.earliest)
    chosen = filters.query()
    if span is None or not reported.rule_version:
        return _empty(view, chosen, assumptions)
    period = Period(tuple(months_between(*span)))
    chosen["fran"], chosen["till"] = period.first, period.last
    state = (period, filters.aldersgrupp, filters.kon)
    visits = visit_part(connection, stamp, scope, state, MEASURES[view])
    # The other queries run in the background while the visit measures are protected.
    flows = any(m in ASYLUM_MEASURES for m in MEASURES[view])
    asylum = asylum_part(connection, stamp, scope, state, assumptions, counts=flows)
    sources = Later(
        PARTS, ("sources", stamp, scope, period), connection, lambda c: _sources(c, scope, period)
    )

    def history_of(place: Geo) -> Later[History]:
        return _history(connection, stamp, scope, filters, assumptions, period.last, place)

    early = _early_place(scope, filters)
    history = None if early is None or view not in HISTORY_VIEWS else history_of(early)
    try:
        reports = (reported.asylum, reported.visits)
        cube = build_cube(stamp, scope, state, MEASURES[view], visits, asylum, reports)
        selected = _selected(cube, scope, filters)
        if view not in HISTORY_VIEWS:
            context = Context(Frame(cube, selected), [], None, "", {}, {})
        else:
            if history is None:
                history = history_of(selected)
            context = _context(cube, selected, reported, assumptions, history.result())
        tables = MAKERS[view](context)
        provenance = Provenance(
            sources=sources.result(),
            periods=period.months,
            rule_version=reported.rule_version,
            assumptions=assumptions.model_dump(mode="json"),
        )
    finally:
        asylum.settle()
        sources.settle()
        if history is not None:
            history.settle()
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


def _early_place(scope: Scope, filters: Filters) -> Geo | None:
    """The chosen place as far as the filters tell it before the cube is there (a clinic's
    municipality is only known from the cube when the filters do not name it)."""
    if filters.vardenhet is not None:
        return None if filters.kommun is None else ("V", filters.kommun, filters.vardenhet)
    if filters.kommun is not None:
        return ("K", filters.kommun)
    if filters.region is not None and scope.national:
        return ("R", filters.region)
    return COUNTRY if scope.region is None else ("R", scope.region)


def _areas(selected: Geo) -> tuple[Geo, Geo]:
    """Where the waiting estimate is made (a region or the country: see
    need.waiting_series) and where the need is counted (a clinic's municipality)."""
    waiting_area: Geo = selected if selected[0] in ("T", "R") else ("R", selected[1][:2])
    need_area: Geo = ("K", selected[1]) if selected[0] == "V" else selected
    return waiting_area, need_area


def _history(
    connection: duckdb.DuckDBPyConnection,
    stamp: Stamp,
    scope: Scope,
    filters: Filters,
    assumptions: Assumptions,
    last: str,
    place: Geo,
) -> Later[History]:
    """The monthly history of the place's areas, kept or started in the background."""
    waiting_area, need_area = _areas(place)
    age, sex = filters.aldersgrupp, filters.kon
    shares = assumptions.model_dump_json()
    table = facts_rollup.TABLE if stamp.rollup else "fact_besok"
    return Later(
        PARTS,
        ("history", stamp, scope, last, waiting_area, need_area, age, sex, shares),
        connection,
        lambda c: read_history(
            c, scope, last, waiting_area, need_area, age, sex, assumptions, table
        ),
    )


def _context(
    cube: Cube,
    selected: Geo,
    reported: Reported,
    assumptions: Assumptions,
    history: History,
) -> Context:
    frame = Frame(cube, selected)
    last = cube.period.last
    waiting_area, need_area = _areas(selected)
    area_region = None if waiting_area == COUNTRY else waiting_area[1]
    months = waiting(history, reported, area_region, last, assumptions.waiting_outflow)
    hidden_from = None
    for month in months:
        done = month.examinations
        small = done is not None and 0 < done < SUPPRESSED_RANGE[1] + 1
        protected = (
            "halsoundersokningar" in cube.protected
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
        series_hidden[kind] = measure in cube.protected and any(
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
