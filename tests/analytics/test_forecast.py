"""Forecast of the coming months' need: Holt's method, its interval and the backtest."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samvard.analytics.forecast import (
    MIN_POINTS,
    Backtest,
    Forecast,
    NoForecast,
    backtest,
    forecast,
)


def _forecast(series: list[float | None], **options: object) -> Forecast:
    result = forecast(series, **options)  # type: ignore[arg-type]
    assert isinstance(result, Forecast), result
    return result


def test_a_straight_line_is_continued_exactly_with_no_spread() -> None:
    series: list[float | None] = [100.0 + 10 * month for month in range(12)]
    result = _forecast(series, horizon=3, last_period="2026-10")
    assert [p.period for p in result.points] == ["2026-11", "2026-12", "2027-01"]
    assert [round(p.value, 6) for p in result.points] == [220.0, 230.0, 240.0]
    assert result.sigma == pytest.approx(0.0, abs=1e-9)
    assert all(p.low == pytest.approx(p.value) == pytest.approx(p.high) for p in result.points)


def test_the_interval_widens_with_each_step_ahead() -> None:
    noisy: list[float | None] = [100, 130, 95, 140, 110, 150, 120, 160, 125, 170, 140, 175]
    result = _forecast(noisy, horizon=4)
    widths = [p.high - p.low for p in result.points]
    assert all(later >= earlier for earlier, later in pairwise(widths))
    assert widths[0] > 0
    assert all(p.low <= p.value <= p.high for p in result.points)


def test_a_falling_series_never_forecasts_below_zero() -> None:
    falling: list[float | None] = [60.0, 50, 41, 30, 22, 12, 5]
    result = _forecast(falling, horizon=6)
    assert all(p.value >= 0 and p.low >= 0 for p in result.points)
    assert result.points[-1].value == 0.0  # the trend runs out; need cannot be negative


def test_unknown_months_are_carried_over_not_read_as_zero() -> None:
    with_gap: list[float | None] = [100.0, 110, 120, None, 140, 150, 160, 170]
    result = _forecast(with_gap, horizon=1)
    assert result.points[0].value == pytest.approx(180.0, rel=0.01)


def test_too_short_a_series_says_why_in_swedish() -> None:
    short = forecast([1.0, 2.0, 3.0])
    assert isinstance(short, NoForecast)
    assert f"minst {MIN_POINTS} månader" in short.reason
    empty = forecast([None, None])
    assert isinstance(empty, NoForecast)
    assert "inga kända värden" in empty.reason


@pytest.mark.parametrize(
    ("options", "message"), [({"horizon": 0}, "horizon"), ({"coverage": 1.0}, "coverage")]
)
def test_nonsense_options_are_refused(options: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        forecast([1.0] * 12, **options)  # type: ignore[arg-type]


def test_scaling_scales_the_figures_and_the_spread() -> None:
    result = _forecast([100, 120, 90, 130, 100, 140, 110, 150.0], horizon=2)
    half = result.scaled(0.5)
    assert [p.value for p in half.points] == pytest.approx([p.value / 2 for p in result.points])
    assert half.sigma == pytest.approx(result.sigma / 2)


def test_the_backtest_reports_the_error_per_step_from_past_months_only() -> None:
    series: list[float | None] = [100.0 + 5 * month for month in range(18)]
    series[16] = 300.0  # one surprise: only forecasts of month 16 miss
    result = backtest(series, horizon=2, min_train=12)
    assert isinstance(result, Backtest)
    assert result.origins == 6
    assert [e.step for e in result.by_step] == [1, 2]
    assert result.by_step[0].n == 6 and result.by_step[1].n == 5
    # Only the origins before month 16 are straight lines: they miss month 16 by 120.
    assert result.by_step[0].mae > 0
    assert result.overall.n == 11
    assert 0.0 <= result.overall.coverage <= 1.0


def test_a_backtest_without_later_months_says_why() -> None:
    result = backtest([1.0] * 10, min_train=12)
    assert isinstance(result, NoForecast)
    assert "första 12" in result.reason


@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=1e5, allow_nan=False)),
        min_size=MIN_POINTS + 2,
        max_size=30,
    ),
    st.integers(min_value=1, max_value=6),
)
def test_every_forecast_is_finite_ordered_and_non_negative(
    series: list[float | None], horizon: int
) -> None:
    result = forecast(series, horizon=horizon)
    if isinstance(result, NoForecast):
        assert sum(v is not None for v in series) < MIN_POINTS
        return
    assert len(result.points) == horizon
    for point in result.points:
        assert all(math.isfinite(x) for x in (point.value, point.low, point.high))
        assert 0 <= point.low <= point.value <= point.high
