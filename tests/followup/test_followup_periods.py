"""Months in Swedish time, and the month ranges the dashboard accepts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from samvard.followup.periods import PeriodError, bounds, month_of, month_range, months_between

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_month_of_uses_swedish_time() -> None:
    # 23:30 UTC on 31 January is already 1 February in Sweden.
    assert month_of(datetime(2026, 1, 31, 23, 30, tzinfo=UTC)) == "2026-02"
    assert month_of(datetime(2026, 1, 31, 22, 30, tzinfo=UTC)) == "2026-01"


def test_default_is_the_last_six_months() -> None:
    assert month_range(None, None, now=NOW) == (date(2026, 6, 1), date(2026, 11, 1))
    assert month_range("2025-11", "2026-02", now=NOW) == (date(2025, 11, 1), date(2026, 2, 1))


def test_months_between_crosses_the_new_year() -> None:
    assert months_between(date(2025, 11, 1), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_bounds_are_swedish_midnights_in_utc() -> None:
    since, until = bounds(date(2026, 1, 1), date(2026, 6, 1))
    assert since == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)  # winter time, UTC+1
    assert until == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)  # summer time, UTC+2


@pytest.mark.parametrize(
    ("fran", "till", "code"),
    [
        ("2026-13", None, "invalid_month"),
        ("2026-00", None, "invalid_month"),
        ("1999-12", None, "invalid_month"),
        ("2026-05", "2026-01", "invalid_period"),
        ("2020-01", "2026-01", "period_too_long"),
    ],
)
def test_impossible_ranges_are_refused_in_swedish(fran: str, till: str | None, code: str) -> None:
    with pytest.raises(PeriodError) as caught:
        month_range(fran, till, now=NOW)
    assert caught.value.code == code and caught.value.message.endswith(".")
