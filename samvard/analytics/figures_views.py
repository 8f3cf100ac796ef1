"""The four planning views as tables: Översikt, Hälsoundersökningar, Psykisk hälsa, Övrig vård.

Each maker gets a `Context` (the protected cube, the chosen place, and the series over the
whole history) and returns its tables. Table keys, column keys and row labels are stable:
the JSON API, `samvard analytics report` and the exports name them, and
docs/analytics-method.md defines every figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from samvard.analytics.figures_cube import COUNTRY, Geo
from samvard.analytics.figures_notes import with_country_note
from samvard.analytics.figures_parts import (
    BAND_LABELS,
    COLUMNS,
    GEO_LABELS,
    LEVEL_NAMES,
    LEVEL_PLURAL,
    MONTH_LABELS,
    Frame,
    columns,
    forecast_tables,
    percent,
    persons,
    ranked,
    shown,
    with_bounds,
)
from samvard.analytics.need import WaitingMonth
from samvard.analytics.results import Cell, CellStatus, Row, Table

NEED_TEXT = {
    "examination": "behovet av hälsoundersökning",
    "mental_health": "behovet av insatser för psykisk hälsa",
}


@dataclass
class Context:
    """What a view's tables are cut from."""

    frame: Frame
    waiting: list[WaitingMonth]  # the waiting area's estimate, from its first month
    waiting_hidden_from: str | None  # first month whose waiting figure is protected
    waiting_area: str  # its name
    series: dict[str, list[float | None]]  # kind -> need per month up to the period's end
    series_hidden: dict[str, bool]  # kind -> whether the forecast must be hidden

    @property
    def area(self) -> str:
        return self.frame.name(self.frame.selected)

    @property
    def span(self) -> str:
        period = self.frame.cube.period
        return period.first if period.first == period.last else f"{period.first}–{period.last}"


def _key_figures(ctx: Context, figures: list[tuple[str, Cell]]) -> Table:
    frame = ctx.frame
    geo = frame.selected
    drill = frame.drill(geo) if geo[0] == "V" else None
    return Table(
        key="nyckeltal",
        caption=f"Nyckeltal för {ctx.area}, {ctx.span}",
        label_columns=GEO_LABELS,
        columns=columns(*(key for key, _ in figures)),
        rows=(Row((frame.code(geo), ctx.area), tuple(cell for _, cell in figures), drill),),
    )


def _areas(
    ctx: Context, visits: tuple[str, ...], asylum: Callable[[Geo], list[tuple[str, Cell]]]
) -> Table | None:
    """The places one level down, each opening the next level."""
    frame = ctx.frame
    kids = frame.children()
    if not kids:
        return None
    level = kids[0][0]
    rows = []
    keys: list[str] = list(visits)
    for geo in kids:
        cells = [frame.count(m, geo) for m in visits]
        extra = asylum(geo) if level != "V" else []
        if extra and len(keys) == len(visits):
            keys += [key for key, _ in extra]
        rows.append(frame.geo_row(geo, [*cells, *(cell for _, cell in extra)]))
    return Table(
        key="omraden",
        caption=f"{LEVEL_PLURAL[level]} i {ctx.area}, {ctx.span}",
        label_columns=GEO_LABELS,
        columns=columns(*keys),
        rows=tuple(rows),
        chart="bar",
    )


def _months(
    ctx: Context, keys: tuple[str, ...], figure: Callable[[str, tuple[str, ...]], Cell]
) -> Table:
    rows = tuple(
        Row((split[1],), tuple(figure(key, split) for key in keys)) for split in ctx.frame.months()
    )
    return Table(
        key="manader",
        caption=f"Månad för månad, {ctx.area}",
        label_columns=MONTH_LABELS,
        columns=columns(*keys),
        rows=rows,
        chart="line",
    )


def _ranking(
    ctx: Context,
    level: str,
    by: str,
    keys: tuple[str, ...],
    figure: Callable[[str, tuple[str, ...]], Cell],
) -> Table | None:
    frame = ctx.frame
    if frame.selected[0] not in ("T", "R"):
        return None
    places = frame.below(level)
    if not places:
        return None
    rows = []
    for geo in places:
        cells = [figure(key, geo) for key in keys]
        rows.append((frame.geo_row(geo, cells), cells[keys.index(by)]))
    return Table(
        key="rangordning_" + ("kommuner" if level == "K" else "vardenheter"),
        caption=f"{LEVEL_PLURAL[level]} i {ctx.area} efter {_lower(by)}, {ctx.span}",
        label_columns=GEO_LABELS,
        columns=columns(*keys),
        rows=ranked(rows),
        chart="bar",
        note="Högst först. Där siffran inte visas står raden sist.",
    )


def _lower(key: str) -> str:
    return COLUMNS[key][0].lower() + COLUMNS[key][1:]


def _forecast(ctx: Context, kind: str) -> tuple[Table, Table]:
    frame = ctx.frame
    place = frame.need_place(frame.selected)
    return forecast_tables(
        ctx.series[kind],
        frame.cube.period.last,
        key="behov_halsoundersokning" if kind == "examination" else "behov_psykisk_halsa",
        what=NEED_TEXT[kind],
        area=frame.name(place),
        hidden=ctx.series_hidden[kind],
    )


def _waiting(ctx: Context, month: str) -> tuple[Cell, Cell, Cell]:
    for entry in ctx.waiting:
        if entry.period != month:
            continue
        if ctx.waiting_hidden_from is not None and month >= ctx.waiting_hidden_from:
            return Cell.suppressed(), Cell.suppressed(), Cell.suppressed()
        if entry.waiting is None:
            break
        point, low, high = persons(entry.waiting)
        return shown(int(point)), shown(int(low)), shown(int(high))
    return Cell.unknown(), Cell.unknown(), Cell.unknown()


def _asylum_cells(ctx: Context, kinds: tuple[str, ...]) -> Callable[[Geo], list[tuple[str, Cell]]]:
    frame = ctx.frame
    last = frame.last_month()

    def cells(geo: Geo) -> list[tuple[str, Cell]]:
        found: list[tuple[str, Cell]] = []
        for kind in kinds:
            if kind == "examination":
                found += frame.ranged("nyinskrivna", geo)
                found.append(("behov_halsoundersokning", frame.need(kind, geo)[0]))
            else:
                found += frame.ranged("inskrivna", geo, last)
                found.append(("behov_psykisk_halsa", frame.need(kind, geo, last)[0]))
        return found

    return cells


def overview(ctx: Context) -> tuple[Table, ...]:
    """Översikt: production against need, by place and month, and the forecast."""
    frame = ctx.frame
    geo = frame.selected
    last = frame.last_month()
    visits = ("besok", "halsoundersokningar", "forsta_insats")
    figures = [(m, frame.count(m, geo)) for m in visits]
    if frame.has_need:
        figures += [
            *frame.ranged("nyinskrivna", geo),
            ("behov_halsoundersokning", frame.need("examination", geo)[0]),
            *frame.ranged("inskrivna", geo, last),
            ("behov_psykisk_halsa", frame.need("mental_health", geo, last)[0]),
        ]
    tables: list[Table | None] = [_key_figures(ctx, figures)]
    tables.append(_areas(ctx, visits, _asylum_cells(ctx, ("examination", "mental_health"))))
    month_keys = ("besok", "halsoundersokningar", "forsta_insats") + (
        with_bounds("nyinskrivna", "inskrivna") if frame.has_need else ()
    )
    tables.append(_months(ctx, month_keys, lambda key, split: frame.figure(key, geo, split)))
    tables += _forecast(ctx, "examination")
    return tuple(t for t in tables if t is not None)


def _share_of_need(ctx: Context, done: Cell, need: Cell) -> Cell:
    """Examinations done as a share of the need, from the need before it is rounded to whole
    persons. Unknown for the country while a region without visits in the period is left out
    of its examinations but not of its need."""
    frame = ctx.frame
    if frame.selected == COUNTRY and frame.cube.silent_regions:
        return Cell.unknown()
    if need.status is not CellStatus.SHOWN:
        return percent(done, need)  # hidden or unknown with the need
    interval = frame.cube.need("examination", frame.need_place(frame.selected))
    return percent(done, None if interval is None else interval.point)


def examinations(ctx: Context) -> tuple[Table, ...]:
    """Hälsoundersökningar: done, need, estimated waiting, age spread and ranking."""
    frame = ctx.frame
    geo = frame.selected
    done = frame.count("halsoundersokningar", geo)
    figures: list[tuple[str, Cell]] = [("halsoundersokningar", done)]
    if frame.has_need:
        need = frame.need("examination", geo)
        figures += [
            *frame.ranged("nyinskrivna", geo),
            ("behov_halsoundersokning", need[0]),
            ("behov_halsoundersokning_min", need[1]),
            ("behov_halsoundersokning_max", need[2]),
            ("andel_av_behov", _share_of_need(ctx, done, need[0])),
        ]
    waiting = _waiting(ctx, frame.cube.period.last)
    figures += [
        ("vantande", waiting[0]),
        ("vantande_min", waiting[1]),
        ("vantande_max", waiting[2]),
    ]
    tables: list[Table | None] = [_key_figures(ctx, figures)]

    def month_figure(key: str, split: tuple[str, ...]) -> Cell:
        if key.startswith("vantande"):
            return _waiting(ctx, split[1])[("vantande", "vantande_min", "vantande_max").index(key)]
        if key == "behov_halsoundersokning":
            return frame.need("examination", geo, split)[0]
        return frame.figure(key, geo, split)

    month_keys = (
        ("halsoundersokningar",)
        + (with_bounds("nyinskrivna", "behov_halsoundersokning") if frame.has_need else ())
        + ("vantande", "vantande_min", "vantande_max")
    )
    months = _months(ctx, month_keys, month_figure)
    months = _with_note(
        months,
        f"Beräknat antal väntande gäller {ctx.waiting_area}: undersökningen görs ofta i en "
        "annan kommun än den där personen bor.",
    )
    tables.append(months)
    tables.append(_bands(ctx, ("halsoundersokningar",), share_of="halsoundersokningar"))
    tables.append(_areas(ctx, ("halsoundersokningar",), _asylum_cells(ctx, ("examination",))))

    def place_figure(key: str, place: Geo) -> Cell:
        if key == "behov_halsoundersokning":
            return frame.need("examination", place)[0]
        return frame.count(key, place)

    tables.append(
        _ranking(
            ctx,
            "K",
            "behov_halsoundersokning",
            ("behov_halsoundersokning", "halsoundersokningar"),
            place_figure,
        )
    )
    tables.append(_ranking(ctx, "V", "halsoundersokningar", ("halsoundersokningar",), place_figure))
    tables += _forecast(ctx, "examination")
    return tuple(t for t in tables if t is not None)


def _with_note(table: Table, note: str) -> Table:
    return Table(
        table.key, table.caption, table.label_columns, table.columns, table.rows, table.chart, note
    )


def _bands(ctx: Context, keys: tuple[str, ...], *, share_of: str | None = None) -> Table:
    frame = ctx.frame
    geo = frame.selected
    whole = frame.count(share_of, geo) if share_of else None
    rows = []
    for split in frame.bands():
        cells = [frame.count(key, geo, split) for key in keys]
        if whole is not None:
            cells.append(percent(cells[0], whole))
        rows.append(Row((split[1],), tuple(cells)))
    return Table(
        key="aldersfordelning",
        caption=f"Åldersfördelning, {ctx.area}, {ctx.span}",
        label_columns=BAND_LABELS,
        columns=columns(*keys, *(("andel",) if share_of else ())),
        rows=tuple(rows),
        chart="bar",
    )


def mental_health(ctx: Context) -> tuple[Table, ...]:
    """Psykisk hälsa: need, first interventions, first and second line by age."""
    frame = ctx.frame
    geo = frame.selected
    last = frame.last_month()
    figures: list[tuple[str, Cell]] = []
    if frame.has_need:
        need = frame.need("mental_health", geo, last)
        figures += [
            *frame.ranged("inskrivna", geo, last),
            ("behov_psykisk_halsa", need[0]),
            ("behov_psykisk_halsa_min", need[1]),
            ("behov_psykisk_halsa_max", need[2]),
        ]
    figures += [
        (m, frame.count(m, geo))
        for m in ("forsta_insats", "psykisk_halsa", "psyk_forsta_linjen", "psyk_andra_linjen")
    ]
    tables: list[Table | None] = [_key_figures(ctx, figures)]

    def month_figure(key: str, split: tuple[str, ...]) -> Cell:
        if key == "behov_psykisk_halsa":
            return frame.need("mental_health", geo, split)[0]
        return frame.figure(key, geo, split)

    month_keys = (with_bounds("inskrivna", "behov_psykisk_halsa") if frame.has_need else ()) + (
        "forsta_insats",
        "psykisk_halsa",
    )
    tables.append(_months(ctx, month_keys, month_figure))
    tables.append(_bands(ctx, ("psyk_forsta_linjen", "psyk_andra_linjen")))
    tables.append(
        _areas(
            ctx,
            ("forsta_insats", "psyk_forsta_linjen", "psyk_andra_linjen"),
            _asylum_cells(ctx, ("mental_health",)),
        )
    )

    def place_figure(key: str, place: Geo) -> Cell:
        if key == "behov_psykisk_halsa":
            return frame.need("mental_health", place, last)[0]
        return frame.count(key, place)

    tables.append(
        _ranking(
            ctx, "K", "behov_psykisk_halsa", ("behov_psykisk_halsa", "forsta_insats"), place_figure
        )
    )
    tables.append(
        _ranking(
            ctx,
            "V",
            "forsta_insats",
            ("forsta_insats", "psyk_forsta_linjen", "psyk_andra_linjen"),
            place_figure,
        )
    )
    tables += _forecast(ctx, "mental_health")
    return tuple(t for t in tables if t is not None)


def other_care(ctx: Context) -> tuple[Table, ...]:
    """Övrig vård: acute and planned care, infection care by clinic, births."""
    frame = ctx.frame
    geo = frame.selected
    keys = ("akut", "planerad", "infektion", "forlossningar")
    tables: list[Table | None] = [
        _key_figures(ctx, [(m, frame.count(m, geo)) for m in ("besok", *keys)])
    ]
    tables.append(_months(ctx, keys, lambda key, split: frame.count(key, geo, split)))
    tables.append(_areas(ctx, keys, lambda _: []))
    level = (
        "V"
        if frame.cube.trees["visits"]
        and any(g[0] == "V" for kids in frame.cube.children.values() for g in kids)
        else "K"
    )
    places = frame.below(level) if frame.selected[0] != "V" else []
    if places:
        rows = [
            (frame.geo_row(g, [frame.count("infektion", g)]), frame.count("infektion", g))
            for g in places
        ]
        tables.append(
            Table(
                key="infektion_per_" + ("vardenhet" if level == "V" else "kommun"),
                caption=f"Infektionsvård per {LEVEL_NAMES[level]}, {ctx.area}, {ctx.span}",
                label_columns=GEO_LABELS,
                columns=columns("infektion"),
                rows=ranked(rows),
                chart="bar",
                note="Högst först. Där siffran inte visas står raden sist.",
            )
        )
    return tuple(t for t in tables if t is not None)


def _noted(maker: Callable[[Context], tuple[Table, ...]]) -> Callable[[Context], tuple[Table, ...]]:
    """The maker, its tables saying which regions the country's visits lack."""
    return lambda ctx: with_country_note(ctx.frame, maker(ctx))


MAKERS: dict[str, Callable[[Context], tuple[Table, ...]]] = {
    "oversikt": _noted(overview),
    "halsoundersokningar": _noted(examinations),
    "psykisk-halsa": _noted(mental_health),
    "ovrig-vard": _noted(other_care),
}
