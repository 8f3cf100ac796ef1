"""Need for care among asylum seekers, and the estimated number waiting for an examination.

Pure functions over the asylum-flow figures (fact_asyl) and the planner's assumptions;
docs/analytics-method.md states the method and every assumption.

Migrationsverket writes ``..`` for a small number it will not publish. Such a count is
unknown, never zero: it enters every sum as the interval `SUPPRESSED_RANGE` (1–4), so a
figure built from it is a range, exact only when nothing in it was hidden. A month with no
report at all is different: nothing bounds it, so its figures are None (unknown), and the
waiting estimate, a running stock, stays unknown from that month on.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeVar

from samvard.analytics.assumptions import Assumptions, Shares

K = TypeVar("K", bound=Hashable)

# What a ".." is taken to hide: the source suppresses counts from 1 to 4. An assumption to
# review if the source changes its rule; a zero is published as 0, so 0 is not in the range.
SUPPRESSED_RANGE = (1, 4)


@dataclass(frozen=True, slots=True)
class Interval:
    """A figure known to lie between `low` and `high` (equal when it is exact)."""

    low: float
    high: float

    @classmethod
    def exact(cls, value: float) -> Interval:
        return cls(value, value)

    @property
    def is_exact(self) -> bool:
        return self.low == self.high

    @property
    def point(self) -> float:
        """The middle of the range: the single figure to show when one is needed."""
        return (self.low + self.high) / 2

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.low + other.low, self.high + other.high)

    def scaled(self, factor: float) -> Interval:
        """The interval times a non-negative factor (a share)."""
        return Interval(self.low * factor, self.high * factor)


ZERO = Interval(0.0, 0.0)


def count_interval(value: int | None, bounds: tuple[int, int] = SUPPRESSED_RANGE) -> Interval:
    """A published count as an interval: exact, or `bounds` for a suppressed one (None)."""
    if value is None:
        return Interval(float(bounds[0]), float(bounds[1]))
    return Interval.exact(float(value))


@dataclass(frozen=True, slots=True)
class AsylumCell:
    """One row of the asylum-flow figures: a month, municipality, age group and sex.

    `inskrivna` is the number registered in the reception system at month end,
    `nyinskrivna` the number newly registered during the month; None where the source
    wrote ``..``.
    """

    period: str
    kommun: str
    aldersgrupp: str
    kon: str
    inskrivna: int | None
    nyinskrivna: int | None


def by_period(cell: AsylumCell) -> str:
    """Group key: the month."""
    return cell.period


def examination_need(
    cells: Iterable[AsylumCell],
    assumptions: Assumptions,
    *,
    key: Callable[[AsylumCell], K],
    bounds: tuple[int, int] = SUPPRESSED_RANGE,
) -> dict[K, Interval]:
    """People needing a health examination: share x newly registered, summed per `key`.

    The share is the one for each cell's municipality and age group (see `Assumptions`).
    """
    return _weighted(cells, assumptions, key, "nyinskrivna", "health_examination", bounds)


def mental_health_need(
    cells: Iterable[AsylumCell],
    assumptions: Assumptions,
    *,
    key: Callable[[AsylumCell], K],
    bounds: tuple[int, int] = SUPPRESSED_RANGE,
) -> dict[K, Interval]:
    """People needing mental-health interventions: share x registered at month end, per `key`."""
    return _weighted(cells, assumptions, key, "inskrivna", "mental_health", bounds)


def totals(
    cells: Iterable[AsylumCell],
    *,
    key: Callable[[AsylumCell], K],
    measure: str,
    bounds: tuple[int, int] = SUPPRESSED_RANGE,
) -> dict[K, Interval]:
    """The sum of `measure` ("inskrivna" or "nyinskrivna") per `key`, as intervals."""
    if measure not in ("inskrivna", "nyinskrivna"):
        raise ValueError(f"unknown measure {measure!r}")
    sums: dict[K, Interval] = {}
    for cell in cells:
        group = key(cell)
        sums[group] = sums.get(group, ZERO) + count_interval(getattr(cell, measure), bounds)
    return sums


def _weighted(
    cells: Iterable[AsylumCell],
    assumptions: Assumptions,
    key: Callable[[AsylumCell], K],
    measure: str,
    share_key: str,
    bounds: tuple[int, int],
) -> dict[K, Interval]:
    shares: dict[tuple[str, str], Shares] = {}
    sums: dict[K, Interval] = {}
    for cell in cells:
        place = (cell.kommun, cell.aldersgrupp)
        if place not in shares:
            shares[place] = assumptions.shares(cell.kommun, cell.aldersgrupp)
        share = getattr(shares[place], share_key)
        need = count_interval(getattr(cell, measure), bounds).scaled(share)
        group = key(cell)
        sums[group] = sums.get(group, ZERO) + need
    return sums


@dataclass(frozen=True, slots=True)
class WaitingMonth:
    """One month of the waiting estimate: what came in, what was done, who still waits.

    `need` and `waiting` are None when unknown; `examinations` is None when the month's
    visit report is missing.
    """

    period: str
    need: Interval | None
    examinations: int | None
    waiting: Interval | None


def estimate_waiting(
    months: Sequence[tuple[str, Interval | None, int | None]],
    *,
    outflow: float,
    start: Interval = ZERO,
) -> list[WaitingMonth]:
    """The number estimated to wait for a health examination at each month's end.

    `months` are consecutive (period, examination need, examinations done) in order. The
    stock follows waiting(t) = max(0, waiting(t-1) x (1 - outflow) + need(t) - done(t)),
    applied to both ends of the interval (the recurrence only grows with waiting and need).
    `start` is the stock before the first month: zero unless the planner knows better.
    """
    if not 0.0 <= outflow <= 1.0:
        raise ValueError("outflow must be a share 0..1")
    _check_consecutive([period for period, _, _ in months])
    waiting: Interval | None = start
    result = []
    for period, need, done in months:
        if waiting is not None and need is not None and done is not None:
            waiting = Interval(
                max(0.0, waiting.low * (1 - outflow) + need.low - done),
                max(0.0, waiting.high * (1 - outflow) + need.high - done),
            )
        else:
            waiting = None
        result.append(WaitingMonth(period, need, done, waiting))
    return result


def waiting_series(
    cells: Iterable[AsylumCell],
    examinations: Mapping[str, int | None],
    assumptions: Assumptions,
    periods: Sequence[str],
    *,
    bounds: tuple[int, int] = SUPPRESSED_RANGE,
) -> list[WaitingMonth]:
    """The waiting estimate for one area over `periods` (consecutive months, in order).

    `cells` are the area's asylum figures; `examinations` the examinations done per month
    (a month missing from it, or None, has no visit report). A month without asylum
    figures has unknown need. Meaningful for a region or the country: a municipality's
    residents are examined at clinics that may lie in another municipality.
    """
    need = examination_need(cells, assumptions, key=by_period, bounds=bounds)
    months = [(period, need.get(period), examinations.get(period)) for period in periods]
    return estimate_waiting(months, outflow=assumptions.waiting_outflow)


def next_period(period: str) -> str:
    """The month after a 'YYYY-MM' period."""
    year, month = int(period[:4]), int(period[5:7])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def _check_consecutive(periods: Sequence[str]) -> None:
    for before, after in pairwise(periods):
        if next_period(before) != after:
            raise ValueError(f"months must be consecutive: {before} then {after}")
