"""Need and the waiting estimate: shares applied per cell, ".." as 1–4, unknown months unknown."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samvard.analytics.assumptions import Assumptions, parse_assumptions
from samvard.analytics.need import (
    AsylumCell,
    Interval,
    by_period,
    count_interval,
    estimate_waiting,
    examination_need,
    mental_health_need,
    next_period,
    totals,
    waiting_series,
)


def cell(
    period: str = "2025-01",
    kommun: str = "0180",
    age: str = "18-64",
    kon: str = "K",
    inskrivna: int | None = 0,
    nyinskrivna: int | None = 0,
) -> AsylumCell:
    return AsylumCell(period, kommun, age, kon, inskrivna, nyinskrivna)


def test_a_suppressed_count_is_a_range_never_zero() -> None:
    assert count_interval(None) == Interval(1.0, 4.0)
    assert count_interval(0) == Interval(0.0, 0.0)
    assert count_interval(7).is_exact
    assert count_interval(None, (1, 2)).point == 1.5


def test_need_applies_each_cells_own_share_and_sums_per_key() -> None:
    assumptions = parse_assumptions(
        {
            "health_examination": 0.5,
            "mental_health": 0.2,
            "municipalities": {"0114": {"mental_health": 0.4}},
            "by_age_group": {"0-5": {"health_examination": 1.0}},
        }
    )
    cells = [
        cell(kommun="0180", age="18-64", inskrivna=100, nyinskrivna=10),
        cell(kommun="0180", age="0-5", inskrivna=50, nyinskrivna=6),
        cell(kommun="0114", age="18-64", inskrivna=20, nyinskrivna=4),
        cell(period="2025-02", kommun="0114", age="18-64", inskrivna=30, nyinskrivna=2),
    ]
    exams = examination_need(cells, assumptions, key=by_period)
    assert exams == {
        "2025-01": Interval.exact(0.5 * 10 + 1.0 * 6 + 0.5 * 4),
        "2025-02": Interval.exact(0.5 * 2),
    }
    mental = mental_health_need(cells, assumptions, key=lambda c: c.kommun)
    assert mental["0180"] == Interval.exact(0.2 * 150)
    assert mental["0114"] == Interval.exact(0.4 * 50)


def test_suppressed_cells_make_the_need_a_range() -> None:
    cells = [cell(nyinskrivna=10, inskrivna=None), cell(kon="M", nyinskrivna=None, inskrivna=40)]
    assumptions = Assumptions(health_examination=0.5, mental_health=0.25)
    exams = examination_need(cells, assumptions, key=by_period)["2025-01"]
    assert (exams.low, exams.high) == (0.5 * 11, 0.5 * 14)
    assert not exams.is_exact
    mental = mental_health_need(cells, assumptions, key=by_period)["2025-01"]
    assert (mental.low, mental.high) == (0.25 * 41, 0.25 * 44)


def test_all_suppressed_is_still_not_zero() -> None:
    cells = [cell(kon=kon, age=age, nyinskrivna=None) for kon in "MK" for age in ("0-5", "65+")]
    need = examination_need(cells, Assumptions(health_examination=1.0), key=by_period)
    assert need["2025-01"] == Interval(4.0, 16.0)


def test_totals_sum_a_measure_as_intervals() -> None:
    cells = [cell(nyinskrivna=3, inskrivna=None), cell(kon="M", nyinskrivna=5, inskrivna=12)]
    assert totals(cells, key=by_period, measure="nyinskrivna") == {"2025-01": Interval(8.0, 8.0)}
    assert totals(cells, key=by_period, measure="inskrivna") == {"2025-01": Interval(13.0, 16.0)}
    with pytest.raises(ValueError, match="unknown measure"):
        totals(cells, key=by_period, measure="kon")


def test_waiting_follows_the_documented_recurrence() -> None:
    months = [
        ("2025-01", Interval.exact(100), 40),
        ("2025-02", Interval.exact(50), 60),
        ("2025-03", Interval.exact(10), 200),
        ("2025-04", Interval.exact(20), 0),
    ]
    result = estimate_waiting(months, outflow=0.1)
    waiting = [m.waiting for m in result]
    # 0*0.9 + 100 - 40 = 60; 60*0.9 + 50 - 60 = 44; 44*0.9 + 10 - 200 < 0 -> 0; 0 + 20 - 0 = 20
    assert waiting == [
        Interval.exact(60),
        Interval.exact(44),
        Interval.exact(0),
        Interval.exact(20),
    ]
    assert [m.period for m in result] == ["2025-01", "2025-02", "2025-03", "2025-04"]


def test_waiting_starts_from_a_known_stock_and_carries_ranges() -> None:
    months = [("2025-01", Interval(10, 20), 5), ("2025-02", Interval(0, 4), 0)]
    result = estimate_waiting(months, outflow=0.5, start=Interval.exact(100))
    assert result[0].waiting == Interval(55.0, 65.0)  # 100*0.5 + 10..20 - 5
    assert result[1].waiting == Interval(27.5, 36.5)


@pytest.mark.parametrize("gap", ["need", "examinations"])
def test_an_unknown_month_makes_the_stock_unknown_from_then_on(gap: str) -> None:
    need: Interval | None = None if gap == "need" else Interval.exact(10)
    done = None if gap == "examinations" else 5
    months = [
        ("2025-01", Interval.exact(10), 5),
        ("2025-02", need, done),
        ("2025-03", Interval.exact(10), 5),
    ]
    waiting = [m.waiting for m in estimate_waiting(months, outflow=0.0)]
    assert waiting == [Interval.exact(5), None, None]


def test_months_must_be_consecutive() -> None:
    months = [("2025-01", Interval.exact(1), 0), ("2025-03", Interval.exact(1), 0)]
    with pytest.raises(ValueError, match="consecutive"):
        estimate_waiting(months, outflow=0.1)
    with pytest.raises(ValueError, match="outflow"):
        estimate_waiting([], outflow=1.5)


def test_waiting_series_joins_need_and_examinations_per_month() -> None:
    cells = [
        cell(period="2024-12", nyinskrivna=30),
        cell(period="2025-01", nyinskrivna=20),
        cell(period="2025-01", kon="M", nyinskrivna=None),
    ]
    assumptions = Assumptions(health_examination=1.0, waiting_outflow=0.0)
    result = waiting_series(
        cells, {"2024-12": 10, "2025-01": 15}, assumptions, ["2024-12", "2025-01", "2025-02"]
    )
    assert result[0].waiting == Interval.exact(20)
    assert result[1].need == Interval(21.0, 24.0)
    assert result[1].waiting == Interval(26.0, 29.0)
    # No asylum figures and no visit report for February: unknown, not zero.
    assert (result[2].need, result[2].examinations, result[2].waiting) == (None, None, None)


def test_next_period_crosses_the_year() -> None:
    assert next_period("2024-12") == "2025-01"
    assert next_period("2025-09") == "2025-10"


@given(
    st.lists(
        st.tuples(
            st.integers(0, 500),
            st.lists(st.integers(1, 4), max_size=6),
            st.integers(0, 500),
        ),
        min_size=1,
        max_size=24,
    ),
    st.floats(0, 1),
)
def test_the_range_contains_the_waiting_for_any_values_behind_the_dots(
    months: list[tuple[int, list[int], int]], outflow: float
) -> None:
    # Each month: a known need, the true values behind its ".." cells, and examinations.
    periods = ["2020-01"]
    for _ in months[1:]:
        periods.append(next_period(periods[-1]))
    ranged = [
        (p, Interval.exact(known) + count_interval(None).scaled(len(hidden)), done)
        for p, (known, hidden, done) in zip(periods, months, strict=True)
    ]
    truth = [
        (p, Interval.exact(known + sum(hidden)), done)
        for p, (known, hidden, done) in zip(periods, months, strict=True)
    ]
    pairs = zip(
        estimate_waiting(ranged, outflow=outflow),
        estimate_waiting(truth, outflow=outflow),
        strict=True,
    )
    for estimate, true in pairs:
        assert estimate.waiting is not None and true.waiting is not None
        assert estimate.waiting.low - 1e-6 <= true.waiting.low <= estimate.waiting.high + 1e-6
