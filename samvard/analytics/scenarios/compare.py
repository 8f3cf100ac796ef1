"""Scenarios side by side: the need each set of assumptions gives for the same asylum figures.

A pure function of the figures: the caller reads the asylum-flow cells of its area (and,
for the waiting estimate, the examinations done per month) and passes the scenarios. The
figures are intervals where Migrationsverket hid a count (see need.py); a month with no
asylum report has unknown need (None). They are meant for an area as a whole (a region or
the country); the caller applies disclosure control before showing smaller areas.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from samvard.analytics.assumptions import Assumptions
from samvard.analytics.need import (
    AsylumCell,
    Interval,
    by_period,
    mental_health_need,
    waiting_series,
)
from samvard.analytics.scenarios.problems import ScenarioError

MIN_COMPARED = 2
MAX_COMPARED = 4


@dataclass(frozen=True, slots=True)
class MonthNeed:
    """One month under one scenario; None where the figure is unknown."""

    period: str
    examination: Interval | None
    """Newly registered asylum seekers needing a health examination."""
    mental_health: Interval | None
    """Registered asylum seekers needing mental-health interventions, at month end."""
    waiting: Interval | None
    """Estimated number waiting for an examination at month end (None without visit data)."""


@dataclass(frozen=True, slots=True)
class ScenarioNeed:
    """The need one scenario gives, month by month, and its summary figures."""

    name: str
    assumptions: Assumptions
    months: tuple[MonthNeed, ...]

    @property
    def examination_total(self) -> Interval | None:
        """Examination need summed over the months; unknown if any month is unknown."""
        total = Interval.exact(0.0)
        for month in self.months:
            if month.examination is None:
                return None
            total = total + month.examination
        return total

    @property
    def mental_health_latest(self) -> Interval | None:
        """Mental-health need in the last month (a stock: months are not added up)."""
        return self.months[-1].mental_health if self.months else None

    @property
    def waiting_latest(self) -> Interval | None:
        """The estimated number waiting at the end of the last month."""
        return self.months[-1].waiting if self.months else None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two to four scenarios over the same months, in the order they were given."""

    periods: tuple[str, ...]
    scenarios: tuple[ScenarioNeed, ...]


def compare(
    scenarios: Sequence[tuple[str, Assumptions]],
    cells: Iterable[AsylumCell],
    periods: Sequence[str],
    *,
    examinations: Mapping[str, int | None] | None = None,
) -> Comparison:
    """The need per (name, assumptions) scenario over `periods` (consecutive, in order).

    `examinations` are the health examinations done per month; without them the waiting
    estimate is unknown. Raises `ScenarioError` unless 2-4 scenarios are given.
    """
    if not MIN_COMPARED <= len(scenarios) <= MAX_COMPARED:
        raise ScenarioError(
            "compare_count",
            f"Välj {MIN_COMPARED} till {MAX_COMPARED} scenarier att jämföra "
            f"(du valde {len(scenarios)}).",
        )
    area = list(cells)
    done = examinations or {}
    return Comparison(
        tuple(periods),
        tuple(_scenario_need(name, a, area, periods, done) for name, a in scenarios),
    )


def _scenario_need(
    name: str,
    assumptions: Assumptions,
    cells: list[AsylumCell],
    periods: Sequence[str],
    examinations: Mapping[str, int | None],
) -> ScenarioNeed:
    waiting = waiting_series(cells, examinations, assumptions, periods)
    mental = mental_health_need(cells, assumptions, key=by_period)
    months = tuple(MonthNeed(w.period, w.need, mental.get(w.period), w.waiting) for w in waiting)
    return ScenarioNeed(name, assumptions, months)
