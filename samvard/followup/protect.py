"""Small-count protection: counts from 1 to 4 are never shown, nor shares built on them.

A count of 1–4 is shown as "<5". When a table shows its total, one hidden cell could be
recovered by subtraction, so the smallest other non-zero cell is hidden too (secondary
suppression, shown as "•"). A share is shown only when both what it counts and what it
leaves out are visible counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SMALL = 5
SMALL_TEXT = "<5"
SECONDARY_TEXT = "•"


def is_small(count: int) -> bool:
    """A count that would point out too few assessments to show."""
    return 0 < count < SMALL


@dataclass(frozen=True)
class Cell:
    """A count as it may be published, with its share of the table's total when allowed."""

    text: str
    count: int | None
    share: float | None = None

    @property
    def hidden(self) -> bool:
        """Whether the count is withheld."""
        return self.count is None

    @property
    def percent(self) -> str:
        """The share in Swedish notation ("42 %"), or an empty string when withheld."""
        return "" if self.share is None else f"{round(self.share * 100)} %"


def total_cell(count: int) -> Cell:
    """A total: shown unless it is small itself."""
    return Cell(SMALL_TEXT, None) if is_small(count) else Cell(str(count), count)


def protect(counts: Mapping[str, int]) -> dict[str, Cell]:
    """The cells of one table whose total is published, protected against recovery."""
    total = sum(counts.values())
    hidden = {key for key, count in counts.items() if is_small(count)}
    if len(hidden) == 1:
        others = sorted((c, k) for k, c in counts.items() if c > 0 and k not in hidden)
        if others:
            hidden.add(others[0][1])
    cells = {}
    for key, count in counts.items():
        if key in hidden:
            cells[key] = Cell(SMALL_TEXT if is_small(count) else SECONDARY_TEXT, None)
        else:
            share = count / total if total >= SMALL else None
            cells[key] = Cell(str(count), count, share)
    return cells


def ratio(part: int, whole: int) -> Cell:
    """`part` of `whole`, as a two-cell table (part and the rest) with the share of part."""
    return protect({"part": part, "rest": whole - part})["part"]
