"""The building blocks of the planning views' tables: places, columns, cells and forecasts.

A `Frame` holds one view's protected cube and the place the filters chose. Its methods turn
cells into table rows; every derived figure (a need, a share, the waiting estimate, a
forecast) is hidden when a figure it is computed from is hidden.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from samvard.analytics.figures_cube import (
    ALL,
    ASYLUM_MEASURES,
    BAND,
    COUNTRY,
    MONTH,
    NEEDS,
    Cube,
    Geo,
    Split,
)
from samvard.analytics.figures_filters import municipality_names, region_names
from samvard.analytics.forecast import Backtest, Forecast, NoForecast, backtest, forecast
from samvard.analytics.need import Interval, WaitingMonth
from samvard.analytics.results import Cell, CellStatus, Column, Row, Table

FORECAST_HORIZON = 6
BACKTEST_HORIZON = 3
GEO_LABELS = (Column("kod", "Kod", numeric=False), Column("namn", "Namn", numeric=False))
MONTH_LABELS = (Column("manad", "Månad", numeric=False),)
BAND_LABELS = (Column("aldersband", "Åldersband", numeric=False),)
LEVEL_NAMES = {"R": "region", "K": "kommun", "V": "vårdenhet"}
LEVEL_PLURAL = {"R": "Regioner", "K": "Kommuner", "V": "Vårdenheter"}

# Every figure column a view can show: stable key -> Swedish label.
COLUMNS: dict[str, str] = {
    "besok": "Besök",
    "halsoundersokningar": "Hälsoundersökningar",
    "psykisk_halsa": "Besök med insats för psykisk hälsa",
    "psyk_forsta_linjen": "Första linjen (besök)",
    "psyk_andra_linjen": "Andra linjen (besök)",
    "forsta_insats": "Personer med första insats",
    "akut": "Akuta besök",
    "planerad": "Planerade besök",
    "infektion": "Infektionsvård (besök)",
    "forlossningar": "Förlossningar",
    "nyinskrivna": "Nyinskrivna asylsökande",
    "nyinskrivna_min": "Nyinskrivna, lägst",
    "nyinskrivna_max": "Nyinskrivna, högst",
    "inskrivna": "Inskrivna asylsökande vid månadens slut",
    "inskrivna_min": "Inskrivna, lägst",
    "inskrivna_max": "Inskrivna, högst",
    "behov_halsoundersokning": "Beräknat behov av hälsoundersökning",
    "behov_halsoundersokning_min": "Behov, lägst",
    "behov_halsoundersokning_max": "Behov, högst",
    "behov_psykisk_halsa": "Beräknat behov av insatser för psykisk hälsa",
    "behov_psykisk_halsa_min": "Behov, lägst",
    "behov_psykisk_halsa_max": "Behov, högst",
    "andel_av_behov": "Gjorda undersökningar i procent av behovet",
    "vantande": "Beräknat antal som väntar på hälsoundersökning",
    "vantande_min": "Väntande, lägst",
    "vantande_max": "Väntande, högst",
    "andel": "Andel i procent",
    "prognos": "Prognos",
    "prognos_lag": "Prognos, nedre gräns",
    "prognos_hog": "Prognos, övre gräns",
    "antal": "Antal jämförelser",
    "medelfel": "Medelfel (absolut)",
    "medelfel_procent": "Medelfel i procent",
    "traffsakerhet": "Andel utfall inom intervallet, procent",
}
NEED_KEYS = {"examination": "behov_halsoundersokning", "mental_health": "behov_psykisk_halsa"}
# Counts that may hold a ".." and so come with their bounds, in "<key>_min" and "<key>_max".
RANGED = ASYLUM_MEASURES
BOUND_SUFFIXES = ("_min", "_max")


def with_bounds(*keys: str) -> tuple[str, ...]:
    """The keys, each ranged count followed by its lowest and highest."""
    return tuple(
        k
        for key in keys
        for k in (key, *((key + e for e in BOUND_SUFFIXES) if key in RANGED else ()))
    )


def persons(interval: Interval) -> tuple[float, float, float]:
    """An estimate of persons as whole persons: the middle rounded (halves up), the lowest
    rounded down and the highest up, so the range still holds what it held."""
    return (
        float(math.floor(interval.point + 0.5)),
        float(math.floor(interval.low)),
        float(math.ceil(interval.high)),
    )


def columns(*keys: str) -> tuple[Column, ...]:
    """The figure columns with these keys, in this order."""
    return tuple(Column(key, COLUMNS[key]) for key in keys)


def shown(value: float | int | None, *sources: Cell) -> Cell:
    """A derived figure: hidden (as its most telling source) when a source is not shown."""
    statuses = {source.status for source in sources}
    if CellStatus.SUPPRESSED in statuses:
        return Cell.suppressed()
    if value is None or CellStatus.UNKNOWN in statuses:
        return Cell.unknown()
    return Cell.shown(round(value, 1) if isinstance(value, float) else value)


def percent(part: Cell, whole: Cell | float | None) -> Cell:
    """part / whole in percent, one decimal; hidden with either, unknown when whole is 0."""
    if isinstance(whole, Cell):
        value = whole.value if whole.status is CellStatus.SHOWN else None
        sources: tuple[Cell, ...] = (part, whole)
    else:
        value, sources = whole, (part,)
    if part.value is None or not value:
        return shown(None, *sources)
    return shown(100.0 * float(part.value) / float(value), *sources)


@dataclass
class Frame:
    """One view's cube, the chosen place, and the way to name and cut it."""

    cube: Cube
    selected: Geo

    def name(self, geo: Geo) -> str:
        """The place's name in Swedish."""
        if geo == COUNTRY:
            return "Hela riket"
        if geo[0] == "R":
            return region_names().get(geo[1], geo[1])
        if geo[0] == "K":
            return municipality_names().get(geo[1], geo[1])
        return self.cube.clinic_names.get(geo, geo[2])

    @staticmethod
    def code(geo: Geo) -> str:
        """The place's code: länskod, kommunkod or HSA-id (empty for the country)."""
        return geo[-1] if geo != COUNTRY else ""

    @staticmethod
    def drill(geo: Geo) -> str | None:
        """The filter value that opens the place."""
        return None if geo == COUNTRY else geo[-1]

    def children(self, geo: Geo | None = None) -> list[Geo]:
        """The places one level below (in code order)."""
        return list(self.cube.children.get(self.selected if geo is None else geo, []))

    def below(self, level: str) -> list[Geo]:
        """Every place of a level ("K" or "V") under the chosen place."""
        found: list[Geo] = []
        stack = [self.selected]
        while stack:
            geo = stack.pop()
            if geo[0] == level:
                found.append(geo)
                continue
            stack.extend(self.cube.children.get(geo, []))
        return sorted(found)

    @property
    def has_need(self) -> bool:
        """Whether the chosen place has asylum figures of its own (not a clinic)."""
        return self.selected[0] != "V"

    def need_place(self, geo: Geo) -> Geo:
        """Where a place's need is counted: itself, or a clinic's municipality."""
        return ("K", geo[1]) if geo[0] == "V" else geo

    def count(self, measure: str, geo: Geo, split: Split = ALL) -> Cell:
        """A protected count."""
        return self.cube.cell(measure, geo, split)

    def need(self, kind: str, geo: Geo, split: Split = ALL) -> tuple[Cell, Cell, Cell]:
        """The need (middle, lowest, highest) of a place and slice.

        The range comes from the source's ".." (each 1–4). The need is hidden when the
        count it is computed from is hidden by disclosure control.
        """
        place = self.need_place(geo)
        base = self.count(NEEDS[kind], place, split)
        if base.status is CellStatus.SUPPRESSED:
            return Cell.suppressed(), Cell.suppressed(), Cell.suppressed()
        interval = self.cube.need(kind, place, split)
        if interval is None:
            return Cell.unknown(), Cell.unknown(), Cell.unknown()
        point, low, high = persons(interval)
        return shown(int(point)), shown(int(low)), shown(int(high))

    def figure(self, key: str, geo: Geo, split: Split = ALL) -> Cell:
        """A count, or a bound of a ranged count ("nyinskrivna_min", "inskrivna_max")."""
        for end in BOUND_SUFFIXES:
            if key.endswith(end) and key.removesuffix(end) in RANGED:
                low, high = self.cube.bounds(key.removesuffix(end), geo, split)
                return low if end == "_min" else high
        return self.count(key, geo, split)

    def ranged(self, measure: str, geo: Geo, split: Split = ALL) -> list[tuple[str, Cell]]:
        """A ranged count with its lowest and highest, keyed by column."""
        return [(key, self.figure(key, geo, split)) for key in with_bounds(measure)]

    def last_month(self) -> Split:
        """The period's last month, where stocks (registered asylum seekers) are read."""
        return (MONTH, self.cube.period.last)

    def months(self) -> list[Split]:
        """The period's months."""
        return self.cube.splits(MONTH)

    def bands(self) -> list[Split]:
        """The age bands."""
        return self.cube.splits(BAND)

    def geo_row(self, geo: Geo, cells: Sequence[Cell], *, drill: bool = True) -> Row:
        """A row for a place, with its code and name."""
        return Row(
            (self.code(geo), self.name(geo)), tuple(cells), self.drill(geo) if drill else None
        )


def ranked(rows: list[tuple[Row, Cell]]) -> tuple[Row, ...]:
    """Rows by a figure, largest first; rows whose figure is not shown last, by name."""

    def order(item: tuple[Row, Cell]) -> tuple[int, float, str]:
        row, cell = item
        if cell.status is CellStatus.SHOWN and cell.value is not None:
            return (0, -float(cell.value), row.labels[-1])
        return (1, 0.0, row.labels[-1])

    return tuple(row for row, _ in sorted(rows, key=order))


def waiting_rows(
    months: Sequence[WaitingMonth], hidden_from: str | None
) -> dict[str, tuple[Cell, Cell, Cell]]:
    """Month -> waiting (middle, lowest, highest), hidden from the first protected month."""
    result: dict[str, tuple[Cell, Cell, Cell]] = {}
    for month in months:
        if hidden_from is not None and month.period >= hidden_from:
            result[month.period] = (Cell.suppressed(),) * 3
        elif month.waiting is None:
            result[month.period] = (Cell.unknown(),) * 3
        else:
            point, low, high = persons(month.waiting)
            result[month.period] = (shown(int(point)), shown(int(low)), shown(int(high)))
    return result


def forecast_tables(
    series: list[float | None],
    last: str,
    *,
    key: str,
    what: str,
    area: str,
    hidden: bool,
) -> tuple[Table, Table]:
    """The forecast of a need series with its interval, and the backtest of its errors."""
    result: Forecast | NoForecast
    checked: Backtest | NoForecast
    if hidden:
        reason = "Prognosen visas inte: den bygger på siffror som skyddas mot röjande."
        result, checked = NoForecast(reason), NoForecast(reason)
    else:
        result = forecast(series, horizon=FORECAST_HORIZON, last_period=last)
        checked = backtest(series, horizon=BACKTEST_HORIZON)
    rows: tuple[Row, ...] = ()
    if isinstance(result, Forecast):
        rows = tuple(
            Row((p.period or str(p.step),), (shown(p.value), shown(p.low), shown(p.high)))
            for p in result.points
        )
        note = (
            f"Holts metod (nivå och trend), vikter alfa {result.alpha:g} och beta "
            f"{result.beta:g}. Intervallet ska täcka utfallet med {result.coverage:.0%} "
            "sannolikhet. Metoden beskrivs i metodbeskrivningen."
        ).replace("%", " %")
    else:
        note = result.reason
    forecast_table = Table(
        key=f"prognos_{key}",
        caption=f"Prognos för {what}, {area}, kommande {FORECAST_HORIZON} månader",
        label_columns=MONTH_LABELS,
        columns=columns("prognos", "prognos_lag", "prognos_hog"),
        rows=rows,
        chart="line",
        note=note,
    )
    error_rows: tuple[Row, ...] = ()
    if isinstance(checked, Backtest):
        steps = [*checked.by_step, checked.overall]
        error_rows = tuple(
            Row(
                (f"{e.step} mån framåt" if e.step else "Alla",),
                (
                    Cell.shown(e.n),
                    shown(e.mae),
                    shown(e.mape) if e.mape is not None else Cell.unknown(),
                    shown(100.0 * e.coverage),
                ),
            )
            for e in steps
        )
        error_note = (
            f"Prognosen prövad bakåt från {checked.origins} utgångslägen: varje prognos gjord "
            "med bara de månader som fanns då och jämförd med utfallet."
        )
    else:
        error_note = checked.reason
    error_table = Table(
        key=f"prognosfel_{key}",
        caption=f"Hur väl prognosen för {what} har träffat (bakåtprövning)",
        label_columns=(Column("steg", "Steg", numeric=False),),
        columns=columns("antal", "medelfel", "medelfel_procent", "traffsakerhet"),
        rows=error_rows,
        note=error_note,
    )
    return forecast_table, error_table
