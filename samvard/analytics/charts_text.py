"""What a chart writes: figures and hidden figures in the same words as the page around it.

A chart is always shown beside its table, and both are read aloud and copied, so they must
never disagree: the page's table (web/routes/planning_present) takes its numbers and hidden
texts from here too. Numbers are Swedish (grouped thousands, a decimal comma); a figure that
is not shown is never a zero and never the value it hides, only the reason it is missing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from babel.numbers import format_decimal

from samvard.analytics.exports import MISSING
from samvard.analytics.results import Cell, CellStatus

# Pages, charts and their tables say the same: "–" for a hidden figure, "okänt" for one the
# source did not give. Exports keep the statistical ".." (exports.MISSING) for spreadsheets.
HIDDEN_TEXT = {CellStatus.SUPPRESSED: "–", CellStatus.UNKNOWN: "okänt"}
HIDDEN_TITLE = {
    CellStatus.SUPPRESSED: "visas inte: skyddas så att enskilda inte kan pekas ut",
    CellStatus.UNKNOWN: "okänt i källan, inte noll",
}
# Why a series is drawn as a range: a count with a ".." in it, or a figure computed from one.
RANGE_WHY_COUNT = "spann: Migrationsverket redovisar inte antal 1–4 (..), exakt antal okänt"
RANGE_WHY_DERIVED = "spann: beräknat från antal som Migrationsverket redovisar som .. (1–4)"


def display_number(value: float | int) -> str:
    """A figure as Swedish text: grouped thousands, a decimal comma, at most one decimal."""
    if isinstance(value, float) and not math.isfinite(value):
        return MISSING
    return str(format_decimal(value, format="#,##0.#", locale="sv_SE"))


def display_cell(cell: Cell) -> str:
    """A cell as shown on a page: the figure, "–" when hidden, "okänt" when unknown."""
    if cell.status is not CellStatus.SHOWN or cell.value is None:
        return HIDDEN_TEXT.get(cell.status, HIDDEN_TEXT[CellStatus.SUPPRESSED])
    return display_number(cell.value)


def hidden_title(cell: Cell) -> str | None:
    """Why a cell is not shown, in Swedish (None when it is shown)."""
    return HIDDEN_TITLE.get(cell.status)


def span_text(low: float, high: float) -> str:
    """A range as the table writes it: "lowest–highest"."""
    return f"{display_number(low)}–{display_number(high)}"


def row_label(labels: Sequence[str]) -> str:
    """A row's label cells as one text."""
    return " – ".join(label for label in labels if label)
