"""What a planning view returns: tables of figures, already disclosure-controlled, with provenance.

Pages, charts, exports, the JSON API and `samvard analytics report` all render these same
objects, so a figure cannot be shown in one place and protected in another. A cell's value
is None when it is not shown; `status` says why (suppressed here, or unknown at the source).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class CellStatus(StrEnum):
    """Why a figure is, or is not, shown."""

    SHOWN = "shown"
    SUPPRESSED = "suppressed"  # hidden by disclosure control (1-4, or to protect such a cell)
    UNKNOWN = "unknown"  # the source did not say (Migrationsverket's ".."), never zero


@dataclass(frozen=True, slots=True)
class Cell:
    """One figure. `value` is None unless the status is SHOWN."""

    value: float | int | None
    status: CellStatus = CellStatus.SHOWN

    @classmethod
    def shown(cls, value: float | int) -> Cell:
        return cls(value, CellStatus.SHOWN)

    @classmethod
    def suppressed(cls) -> Cell:
        return cls(None, CellStatus.SUPPRESSED)

    @classmethod
    def unknown(cls) -> Cell:
        return cls(None, CellStatus.UNKNOWN)

    def as_json(self) -> int | float | str | None:
        """Shown figures as numbers; the others as the stable strings "suppressed"/"unknown"."""
        return self.value if self.status is CellStatus.SHOWN else self.status.value


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a table: a stable key (API, exports) and a Swedish label (pages)."""

    key: str
    label: str
    numeric: bool = True


@dataclass(frozen=True, slots=True)
class Row:
    """A row: its label cells (text) and its figures, in column order.

    `drill` is the filter value that opens the next level (a municipality code, a clinic's
    HSA-id), or None where there is no deeper level.
    """

    labels: tuple[str, ...]
    cells: tuple[Cell, ...]
    drill: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """One table of a view, with a caption that names what it counts."""

    key: str
    caption: str
    label_columns: tuple[Column, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    chart: str | None = None  # "bar", "line" or None; the table is always shown as well
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where the figures come from: sources, periods, rule versions and assumptions."""

    sources: tuple[str, ...]
    periods: tuple[str, ...]
    rule_version: str
    assumptions: dict[str, Any] = field(default_factory=dict)
    disclosure: str = "Antal 1–4 visas inte; andra celler döljs så att de inte kan räknas fram."


@dataclass(frozen=True, slots=True)
class ViewResult:
    """A whole view: its key, title, the filters it used, its tables and provenance."""

    view: str
    title: str
    filters: dict[str, str | None]
    tables: tuple[Table, ...]
    provenance: Provenance
