"""Comparing scenarios: the need each gives for the same asylum figures, side by side."""

from __future__ import annotations

import pytest

from samvard.analytics.assumptions import Assumptions
from samvard.analytics.need import AsylumCell, Interval
from samvard.analytics.scenarios.compare import compare
from samvard.analytics.scenarios.problems import ScenarioError

PERIODS = ("2025-01", "2025-02", "2025-03")
LOW = Assumptions(health_examination=0.5, mental_health=0.2, waiting_outflow=0.0)
HIGH = Assumptions(health_examination=1.0, mental_health=0.3, waiting_outflow=0.0)


def cell(period: str, kommun: str, inskrivna: int | None, nyinskrivna: int | None) -> AsylumCell:
    return AsylumCell(period, kommun, "18-64", "K", inskrivna, nyinskrivna)


CELLS = [
    cell("2025-01", "0180", 300, 100),
    cell("2025-01", "0184", 100, 20),
    cell("2025-02", "0180", 320, 60),
    cell("2025-02", "0184", 100, None),  # Migrationsverket wrote ".." (1-4)
    cell("2025-03", "0180", 340, 40),
]


def test_each_scenario_gets_its_own_need_for_the_same_figures() -> None:
    result = compare([("Låg", LOW), ("Hög", HIGH)], CELLS, PERIODS)
    assert result.periods == PERIODS
    low, high = result.scenarios
    assert (low.name, high.name) == ("Låg", "Hög")
    assert low.months[0].examination == Interval.exact(60.0)
    assert high.months[0].examination == Interval.exact(120.0)
    assert high.months[0].mental_health == Interval.exact(120.0)
    assert low.months[0].mental_health == Interval.exact(80.0)
    # A hidden count is 1-4, so February's need is a range; the total carries it along.
    assert high.months[1].examination == Interval(61.0, 64.0)
    assert high.examination_total == Interval(221.0, 224.0)
    assert low.examination_total == Interval(110.5, 112.0)
    assert high.mental_health_latest == Interval.exact(102.0)


def test_municipality_overrides_apply_in_the_comparison() -> None:
    local = Assumptions.model_validate(
        {**HIGH.model_dump(), "municipalities": {"0184": {"health_examination": 0.0}}}
    )
    _, result = compare([("Hög", HIGH), ("Solna utan", local)], CELLS, PERIODS).scenarios
    assert result.months[0].examination == Interval.exact(100.0)
    assert result.months[1].examination == Interval.exact(60.0)


def test_a_month_without_asylum_figures_is_unknown_not_zero() -> None:
    periods = ("2025-03", "2025-04")
    one, _ = compare([("Låg", LOW), ("Hög", HIGH)], CELLS, periods).scenarios
    assert one.months[1].examination is None
    assert one.months[1].mental_health is None
    assert one.examination_total is None
    assert one.mental_health_latest is None


def test_the_waiting_estimate_needs_the_examinations_done() -> None:
    without, _ = compare([("Låg", LOW), ("Hög", HIGH)], CELLS, PERIODS).scenarios
    assert without.waiting_latest is None
    done = {"2025-01": 50, "2025-02": 30, "2025-03": 20}
    low, high = compare([("Låg", LOW), ("Hög", HIGH)], CELLS, PERIODS, examinations=done).scenarios
    # Low: 60 - 50 = 10; + (30.5..32) - 30 = 10.5..12; + 20 - 20 = 10.5..12.
    assert low.waiting_latest == Interval(10.5, 12.0)
    # High: 120 - 50 = 70; + (61..64) - 30 = 101..104; + 40 - 20 = 121..124.
    assert high.waiting_latest == Interval(121.0, 124.0)


@pytest.mark.parametrize("count", [0, 1, 5])
def test_two_to_four_scenarios_are_compared(count: int) -> None:
    with pytest.raises(ScenarioError) as caught:
        compare([("S", LOW)] * count, CELLS, PERIODS)
    assert caught.value.code == "compare_count"
    assert f"du valde {count}" in caught.value.message
    assert len(compare([("S", LOW)] * 4, CELLS, PERIODS).scenarios) == 4
