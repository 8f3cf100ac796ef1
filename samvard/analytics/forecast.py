"""Forecast of the coming months from a monthly series, with a prediction interval and a backtest.

The model is Holt's linear exponential smoothing: a level and a trend, each updated from
the month's error. It is explainable in two sentences, needs no library, and copes with
unknown months (the state is carried forward without an update). Seasonality is not
modelled: two years of data give two observations per calendar month, too few to estimate
twelve seasonal terms. The method, its limits and how to read the backtest are in
docs/analytics-method.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import product
from statistics import NormalDist

from samvard.analytics.need import next_period

MIN_POINTS = 6  # known months needed for a forecast: two to start, the rest to fit
ALPHAS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
BETAS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)

Series = Sequence[float | None]


@dataclass(frozen=True, slots=True)
class ForecastPoint:
    """The forecast `step` months ahead: the figure and its prediction interval."""

    step: int
    period: str | None
    value: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Forecast:
    """A forecast and what produced it.

    `alpha` and `beta` are the smoothing weights chosen (the ones with the smallest
    one-step errors over the history); `sigma` the spread of those errors; `coverage` the
    intended probability that a coming month falls inside its interval.
    """

    points: tuple[ForecastPoint, ...]
    alpha: float
    beta: float
    sigma: float
    coverage: float
    method: str = "holt"

    def scaled(self, factor: float) -> Forecast:
        """The same forecast times a non-negative factor (e.g. a share needing care)."""
        points = tuple(
            replace(p, value=p.value * factor, low=p.low * factor, high=p.high * factor)
            for p in self.points
        )
        return replace(self, points=points, sigma=self.sigma * factor)


@dataclass(frozen=True, slots=True)
class NoForecast:
    """No forecast could be made; `reason` says why, in Swedish."""

    reason: str


def forecast(
    series: Series,
    *,
    horizon: int = 6,
    coverage: float = 0.8,
    last_period: str | None = None,
) -> Forecast | NoForecast:
    """Forecast the `horizon` months after `series` (monthly, oldest first, None unknown).

    `last_period` labels the points ('YYYY-MM' of the series' last month). The interval is
    the model's own: plus or minus z times the one-step error spread, widened for each
    step ahead by the way errors accumulate in Holt's model (lower end not below 0).
    """
    if horizon < 1:
        raise ValueError("horizon must be at least 1")
    if not 0.0 < coverage < 1.0:
        raise ValueError("coverage must lie strictly between 0 and 1")
    problem = _too_little(series)
    if problem is not None:
        return problem
    fit = min(
        (_fit(series, alpha, beta) for alpha, beta in product(ALPHAS, BETAS)),
        key=lambda candidate: candidate.sse,
    )
    sigma = math.sqrt(fit.sse / fit.errors) if fit.errors else 0.0
    z = NormalDist().inv_cdf((1 + coverage) / 2)
    points = []
    period = last_period
    for step in range(1, horizon + 1):
        period = next_period(period) if period is not None else None
        value = fit.level + step * fit.trend
        spread = z * sigma * math.sqrt(_variance_factor(fit.alpha, fit.beta, step))
        points.append(
            # Need cannot be negative: a trend that runs below zero is cut at zero, the
            # whole interval with it.
            ForecastPoint(
                step, period, max(0.0, value), max(0.0, value - spread), max(0.0, value + spread)
            )
        )
    return Forecast(tuple(points), fit.alpha, fit.beta, sigma, coverage)


def _too_little(series: Series) -> NoForecast | None:
    known = sum(1 for value in series if value is not None)
    if known == 0:
        return NoForecast("Det finns inga kända värden att göra en prognos från.")
    if known < MIN_POINTS:
        return NoForecast(
            f"För kort serie för en prognos: minst {MIN_POINTS} månader med kända värden "
            f"behövs, det finns {known}."
        )
    return None


@dataclass(frozen=True, slots=True)
class _Fit:
    alpha: float
    beta: float
    level: float
    trend: float
    sse: float
    errors: int


def _fit(series: Series, alpha: float, beta: float) -> _Fit:
    """Run Holt's recursions; start from the first two known values."""
    known = [(t, value) for t, value in enumerate(series) if value is not None]
    (t0, y0), (t1, y1) = known[0], known[1]
    level, trend = y1, (y1 - y0) / (t1 - t0)
    sse, errors = 0.0, 0
    for value in series[t1 + 1 :]:
        predicted = level + trend
        if value is None:
            level = predicted
            continue
        error = value - predicted
        level = predicted + alpha * error
        trend += alpha * beta * error
        sse += error * error
        errors += 1
    return _Fit(alpha, beta, level, trend, sse, errors)


def _variance_factor(alpha: float, beta: float, step: int) -> float:
    # Holt's method as a state-space model: the h-step error variance is
    # sigma^2 * (1 + sum_{j<h} (alpha + alpha*beta*j)^2).
    return 1.0 + sum((alpha + alpha * beta * j) ** 2 for j in range(1, step))


Forecaster = Callable[[Series, int], Forecast | NoForecast]


def _holt(series: Series, horizon: int) -> Forecast | NoForecast:
    return forecast(series, horizon=horizon)


@dataclass(frozen=True, slots=True)
class HorizonError:
    """How far off the forecasts `step` months ahead were, over all backtest origins.

    `mape` is in percent over months whose actual value was not zero (None if all were);
    `coverage` is the share of actual values inside their prediction interval.
    """

    step: int
    n: int
    mae: float
    mape: float | None
    coverage: float


@dataclass(frozen=True, slots=True)
class Backtest:
    """A rolling-origin backtest: forecast from each origin, compare with what happened."""

    origins: int
    by_step: tuple[HorizonError, ...]
    overall: HorizonError  # step 0: every step together


def backtest(
    series: Series,
    *,
    horizon: int = 3,
    min_train: int = 12,
    forecaster: Forecaster = _holt,
) -> Backtest | NoForecast:
    """Forecast from every origin min_train..n-1 using only the months before it.

    Each forecast 1..`horizon` steps ahead is compared with the actual month where that is
    known; months not yet seen and unknown months are skipped.
    """
    if horizon < 1 or min_train < 1:
        raise ValueError("horizon and min_train must be at least 1")
    outcomes: list[tuple[int, float, ForecastPoint]] = []
    origins = 0
    for origin in range(min_train, len(series)):
        result = forecaster(series[:origin], horizon)
        if isinstance(result, NoForecast):
            continue
        origins += 1
        for point in result.points:
            index = origin + point.step - 1
            actual = series[index] if index < len(series) else None
            if actual is not None:
                outcomes.append((point.step, actual, point))
    if not outcomes:
        return NoForecast(
            "För kort serie för att pröva prognosen: det behövs kända månader efter de "
            f"första {min_train} som prognosen bygger på."
        )
    by_step = tuple(
        _errors(step, [(a, p) for s, a, p in outcomes if s == step])
        for step in range(1, horizon + 1)
        if any(s == step for s, _, _ in outcomes)
    )
    return Backtest(origins, by_step, _errors(0, [(a, p) for _, a, p in outcomes]))


def _errors(step: int, pairs: list[tuple[float, ForecastPoint]]) -> HorizonError:
    absolute = [abs(actual - point.value) for actual, point in pairs]
    relative = [abs(actual - point.value) / abs(actual) for actual, point in pairs if actual != 0]
    inside = sum(1 for actual, point in pairs if point.low <= actual <= point.high)
    return HorizonError(
        step=step,
        n=len(pairs),
        mae=sum(absolute) / len(pairs),
        mape=100 * sum(relative) / len(relative) if relative else None,
        coverage=inside / len(pairs),
    )
