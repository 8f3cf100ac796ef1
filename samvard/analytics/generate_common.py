"""What every part of the synthetic data generator shares: periods, seeds and the sexes.

Each part of the data (municipalities, persons, visit templates, each region's month of
visits, each region's pseudonyms) draws from a random generator of its own, seeded from the
run's seed and the part's name. A part therefore never depends on how much another part drew
before it, which is what lets the visit files be written in any order, by any number of
processes, and still come out byte for byte the same.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

SEXES = ("K", "M")  # this order is part of the output: persons and template pools follow it


def seeded_random(seed: int, *parts: str) -> random.Random:
    """A generator of its own for each part of the data, so parts do not depend on order."""
    return random.Random(":".join((str(seed), *parts)))  # noqa: S311 - synthetic data, no secrets


def previous_month(today: date | None = None) -> str:
    """The month before ``today`` as ÅÅÅÅ-MM: the default last period."""
    first = (today or date.today()).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def periods_ending(last: str, months: int) -> tuple[str, ...]:
    """``months`` consecutive periods ÅÅÅÅ-MM ending with ``last``."""
    year, month = parse_period(last)
    index = year * 12 + month - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1))


def parse_period(text: str) -> tuple[int, int]:
    """(year, month) of a period ÅÅÅÅ-MM; ValueError for anything else."""
    try:
        year_text, month_text = text.split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        raise ValueError(f"not a period ÅÅÅÅ-MM: {text!r}") from None
    if len(year_text) != 4 or not 1 <= month <= 12:
        raise ValueError(f"not a period ÅÅÅÅ-MM: {text!r}")
    return year, month
