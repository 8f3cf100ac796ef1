"""Data quality: which months have been reported, and which figures stand out from their history.

Completeness comes from the receipts: a region's month (or Migrationsverket's month) is
reported when a file for it has been accepted. Outliers come from the visit facts: each
region's and municipality's monthly count of a key measure is compared with its own previous
months, robustly (median and median absolute deviation), so one odd month in the history
does not hide the next. A flag is a question for follow-up, not a verdict that the figure is
wrong. The computations are pure functions; `read_completeness` and `read_outliers` fetch
their input from the warehouse and honour the reader's scope.
"""

# ruff: noqa: S608 - the only SQL interpolated here is this module's own list of measure names;
# every value (periods, region code) is a bound parameter.

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import duckdb

from samvard.analytics.contracts import ReportKind
from samvard.analytics.disclosure import MIN_SHOWN, protect
from samvard.analytics.results import Cell
from samvard.reference.loaders import list_municipalities, list_regions

MIGRATIONSVERKET = "migrationsverket"
FOLLOW_UP = "för uppföljning"

# A robust z beyond this is flagged (Iglewicz and Hoaglin's recommended cut-off).
THRESHOLD = 3.5
# The months before the judged one that form its history, and how many must be reported.
HISTORY_MONTHS = 12
MIN_HISTORY = 6
# The scale of a normal distribution's MAD and of its mean absolute deviation.
_MAD_SCALE = 1.4826
_MEAN_AD_SCALE = 1.2533

KEY_MEASURES: dict[str, str] = {
    "besok": "Besök",
    "halsoundersokningar": "Hälsoundersökningar",
    "psykisk_halsa": "Insatser för psykisk hälsa",
    "akut": "Akuta besök",
}


class ScopeLike(Protocol):
    """Whose figures are read: the whole country, or one region (analytics.scope.Scope)."""

    @property
    def national(self) -> bool: ...

    @property
    def region(self) -> str | None: ...


# --- Completeness -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Report:
    """The latest accepted version of one month's report from one source."""

    source: str  # a region code, or MIGRATIONSVERKET
    period: str
    version: int
    accepted_at: datetime
    row_count: int


@dataclass(frozen=True, slots=True)
class MonthStatus:
    """One cell of the completeness matrix: reported (with its receipt) or missing."""

    period: str
    report: Report | None

    @property
    def reported(self) -> bool:
        return self.report is not None

    @property
    def rows(self) -> Cell:
        """The report's row count, hidden when it is 1–4; unknown when nothing came."""
        if self.report is None:
            return Cell.unknown()
        return _count_cell(self.report.row_count)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One source (a region or Migrationsverket) across the months of the matrix."""

    source: str
    label: str
    months: tuple[MonthStatus, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """The months with no accepted report: flagged for follow-up."""
        return tuple(m.period for m in self.months if not m.reported)


@dataclass(frozen=True, slots=True)
class Completeness:
    """The region x month matrix; Migrationsverket's row first, then the regions by code."""

    periods: tuple[str, ...]
    rows: tuple[SourceRow, ...]

    @property
    def missing_count(self) -> int:
        return sum(len(row.missing) for row in self.rows)


def month_window(last: str, months: int) -> tuple[str, ...]:
    """The `months` consecutive months ending with `last`, oldest first."""
    if months < 1:
        raise ValueError("months must be at least 1")
    periods = [last]
    while len(periods) < months:
        periods.append(previous_period(periods[-1]))
    return tuple(reversed(periods))


def previous_period(period: str) -> str:
    """The month before a 'YYYY-MM' period."""
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def completeness(
    reports: Iterable[Report], sources: Sequence[tuple[str, str]], periods: Sequence[str]
) -> Completeness:
    """The matrix of `sources` (code, label) x `periods` from the accepted `reports`.

    A source's month with several reports keeps the highest version (the one in use).
    """
    latest: dict[tuple[str, str], Report] = {}
    for report in reports:
        key = (report.source, report.period)
        if key not in latest or latest[key].version < report.version:
            latest[key] = report
    rows = tuple(
        SourceRow(code, label, tuple(MonthStatus(p, latest.get((code, p))) for p in periods))
        for code, label in sources
    )
    return Completeness(tuple(periods), rows)


def sources_in(scope: ScopeLike) -> list[tuple[str, str]]:
    """The sources a reader of `scope` follows: Migrationsverket and their region(s)."""
    regions = [
        (r.code, r.region_name) for r in list_regions() if scope.national or r.code == scope.region
    ]
    return [(MIGRATIONSVERKET, "Migrationsverket"), *sorted(regions)]


def read_completeness(
    connection: duckdb.DuckDBPyConnection | None,
    scope: ScopeLike,
    *,
    months: int = 12,
    until: str | None = None,
) -> Completeness:
    """Completeness for the `months` months up to `until` (default: the latest reported)."""
    reports = _read_reports(connection, scope)
    last = until or max((r.period for r in reports), default=None) or _this_month()
    return completeness(reports, sources_in(scope), month_window(last, months))


def _this_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def _read_reports(connection: duckdb.DuckDBPyConnection | None, scope: ScopeLike) -> list[Report]:
    if connection is None or not _has_table(connection, "receipt"):
        return []
    rows = connection.execute(
        """SELECT kind, region, period, max(version), arg_max(accepted_at, version),
               arg_max(row_count, version)
           FROM receipt WHERE kind = ? OR (kind = ? AND (? OR region = ?))
           GROUP BY kind, region, period""",
        [str(ReportKind.ASYLSOKANDE), str(ReportKind.BESOK), scope.national, scope.region],
    ).fetchall()
    return [
        Report(
            source=MIGRATIONSVERKET if kind == ReportKind.ASYLSOKANDE else region,
            period=period,
            version=int(version),
            accepted_at=accepted_at.replace(tzinfo=UTC),
            row_count=int(row_count),
        )
        for kind, region, period, version, accepted_at, row_count in rows
    ]


def _has_table(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()
    return bool(found and found[0])


def _count_cell(value: int) -> Cell:
    # A lone figure in no total: primary suppression only (1-4 hidden, 0 shown).
    return protect({0: value}, ())[0]


# --- Outliers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Judgement:
    """A value against its history: the robust z and the range of ordinary values."""

    median: float
    scale: float
    robust_z: float
    expected_low: float
    expected_high: float

    @property
    def flagged(self) -> bool:
        return abs(self.robust_z) > THRESHOLD


def judge(history: Sequence[float], value: float, *, threshold: float = THRESHOLD) -> Judgement:
    """How far `value` lies from `history`, in robust standard deviations.

    The scale is 1.4826 x the median absolute deviation (a standard deviation for normal
    data, yet untouched by a few wild months); when more than half the history is equal
    the MAD is 0 and the mean absolute deviation stands in. It is never below the counting
    noise sqrt(median) of a monthly count, so a steady series is not flagged for a
    difference of a few visits.
    """
    if not history:
        raise ValueError("history must not be empty")
    median = statistics.median(history)
    deviations = [abs(x - median) for x in history]
    scale = _MAD_SCALE * statistics.median(deviations)
    if scale == 0:
        scale = _MEAN_AD_SCALE * statistics.fmean(deviations)
    scale = max(scale, math.sqrt(max(median, 1.0)))
    return Judgement(
        median=median,
        scale=scale,
        robust_z=(value - median) / scale,
        expected_low=max(0.0, median - threshold * scale),
        expected_high=median + threshold * scale,
    )


@dataclass(frozen=True, slots=True)
class Series:
    """One area's monthly counts of one measure; a month absent from `values` was not reported."""

    level: str  # "region" or "kommun"
    region: str
    area: str  # the region or municipality code
    measure: str
    values: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Outlier:
    """A month whose figure lies far from the area's own history: flagged for follow-up."""

    level: str
    region: str
    area: str
    area_name: str
    measure: str
    measure_label: str
    period: str
    value: Cell
    judgement: Judgement
    history_months: int
    status: str = FOLLOW_UP

    @property
    def direction(self) -> str:
        """Whether the value is above ("hög") or below ("låg") the expected range."""
        return "hög" if self.judgement.robust_z > 0 else "låg"


def find_outliers(
    series: Iterable[Series],
    periods: Sequence[str],
    *,
    names: Mapping[str, str] | None = None,
    history_months: int = HISTORY_MONTHS,
    min_history: int = MIN_HISTORY,
) -> list[Outlier]:
    """Every reported month in `periods` that is an outlier against its series' history.

    The history is the reported months among the `history_months` before it; with fewer
    than `min_history` of them there is too little to judge. A series whose history has a
    median below MIN_SHOWN is not judged: such small counts swing by chance, and showing
    the range would reveal them.
    """
    found = []
    for one in series:
        for period in periods:
            outlier = _outlier(one, period, names or {}, history_months, min_history)
            if outlier is not None:
                found.append(outlier)
    return sorted(found, key=lambda o: (-abs(o.judgement.robust_z), o.period, o.area, o.measure))


def _outlier(
    series: Series, period: str, names: Mapping[str, str], history_months: int, min_history: int
) -> Outlier | None:
    value = series.values.get(period)
    if value is None:
        return None
    before = month_window(previous_period(period), history_months)
    history = [series.values[p] for p in before if p in series.values]
    if len(history) < min_history or statistics.median(history) < MIN_SHOWN:
        return None
    judgement = judge(history, value)
    if not judgement.flagged:
        return None
    return Outlier(
        level=series.level,
        region=series.region,
        area=series.area,
        area_name=names.get(series.area, series.area),
        measure=series.measure,
        measure_label=KEY_MEASURES.get(series.measure, series.measure),
        period=period,
        value=_count_cell(value),
        judgement=judgement,
        history_months=len(history),
    )


def build_series(
    counts: Iterable[tuple[str, str, str, Mapping[str, int]]],
    reported: Mapping[str, Iterable[str]],
    measures: Sequence[str] = tuple(KEY_MEASURES),
) -> list[Series]:
    """Region and municipality series from (region, kommun, period, {measure: count}) rows.

    `reported` lists each region's reported months: in those a municipality without rows
    had no visits (0), while a month the region did not report is absent (unknown).
    """
    totals: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    for region, kommun, period, figures in counts:
        for measure in measures:
            for key in ((region, region, measure), (region, kommun, measure)):
                month = totals[key]
                month[period] = month.get(period, 0) + figures[measure]
    result = []
    for (region, area, measure), values in sorted(totals.items()):
        months = {period: values.get(period, 0) for period in reported.get(region, ())}
        level = "region" if area == region else "kommun"
        result.append(Series(level, region, area, measure, months))
    return result


def read_outliers(
    connection: duckdb.DuckDBPyConnection | None,
    scope: ScopeLike,
    *,
    months: int = 12,
    until: str | None = None,
) -> list[Outlier]:
    """Outliers among the key measures of the scope's regions and municipalities, over the
    `months` months up to `until` (default: the latest month any region reported)."""
    if connection is None or not _has_table(connection, "fact_besok"):
        return []
    reports = [r for r in _read_reports(connection, scope) if r.source != MIGRATIONSVERKET]
    last = until or max((r.period for r in reports), default=None)
    if last is None:
        return []
    periods = month_window(last, months)
    first = month_window(periods[0], HISTORY_MONTHS + 1)[0]
    reported: dict[str, list[str]] = defaultdict(list)
    for report in reports:
        reported[report.source].append(report.period)
    series = build_series(_read_counts(connection, scope, first, last), reported)
    return find_outliers(series, periods, names=area_names())


def _read_counts(
    connection: duckdb.DuckDBPyConnection, scope: ScopeLike, first: str, last: str
) -> list[tuple[str, str, str, dict[str, int]]]:
    sums = ", ".join(f"sum({name})" for name in KEY_MEASURES)
    rows = connection.execute(
        f"""SELECT region, kommun, period, {sums} FROM fact_besok
            WHERE period BETWEEN ? AND ? AND (? OR region = ?)
            GROUP BY region, kommun, period""",
        [first, last, scope.national, scope.region],
    ).fetchall()
    return [
        (region, kommun, period, dict(zip(KEY_MEASURES, map(int, figures), strict=True)))
        for region, kommun, period, *figures in rows
    ]


def area_names() -> dict[str, str]:
    """Region and municipality names by code, for the labels of flagged areas."""
    names = {r.code: r.region_name for r in list_regions()}
    names.update({m.code: m.name for m in list_municipalities()})
    return names
