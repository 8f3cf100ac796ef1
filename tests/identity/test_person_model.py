"""Derived facts about a person."""

from __future__ import annotations

from datetime import date

import pytest

from samvard.identity.models import Person


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1985, 3, 2), date(2026, 3, 1), 40),
        (date(1985, 3, 2), date(2026, 3, 2), 41),
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (None, date(2026, 1, 1), None),
    ],
)
def test_age_in_whole_years(born: date | None, on: date, age: int | None) -> None:
    assert Person(birth_date=born).age_on(on) == age
