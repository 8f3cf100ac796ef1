"""The admin page's edit form: one row per channel, one text line per disposition.

Pure conversions between a `RoutingConfig`, the submitted form fields and the problems
shown next to them, so the page works without JavaScript and the logic is testable alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from samvard.routing.problems import ConfigProblem
from samvard.routing.schemas import (
    ALWAYS_OPEN,
    DISPOSITION_LABELS,
    WEEKDAY_LABELS,
    WEEKDAYS,
    RoutingConfig,
)
from samvard.triage.levels import Disposition

MAX_ROWS = 50
BLANK_ROWS = 2
"""Empty rows offered under the channels, for adding new ones without JavaScript."""
MAX_VALUE = 200

_PART_WORDS = {
    "id": "id",
    "kind": "typ",
    "name": "namn",
    "unit_hsaid": "enhet (HSA-id)",
    "capacity": "kapacitet",
    "hours": "öppettider",
}
_PART_INPUT = {
    "unit_hsaid": "enhet",
    "capacity": "kapacitet",
    "kind": "typ",
    "name": "namn",
    "hours": "mon",
}


@dataclass
class ChannelRow:
    """One channel as form text; an empty row (no id, no name) is ignored."""

    id: str = ""
    kind: str = ""
    name: str = ""
    unit: str = ""
    capacity: str = ""
    hours: dict[str, str] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        """Nothing typed in: not a channel."""
        return not (self.id or self.name)

    @property
    def timed(self) -> bool:
        """Whether hours and capacity apply; they stay visible while they hold a value."""
        always = self.kind in {kind.value for kind in ALWAYS_OPEN}
        return not always or bool(self.capacity) or any(self.hours.values())


@dataclass
class EditForm:
    """The whole form: the version it will publish as, channel rows and disposition lists."""

    version: str
    rows: list[ChannelRow]
    routes: dict[str, str]


@dataclass(frozen=True)
class FormError:
    """A problem as the page shows it: which input, where in Swedish, and what is wrong."""

    anchor: str
    where: str
    message: str
    row: int | None = None
    route: str | None = None


def from_config(config: RoutingConfig, *, version: int) -> EditForm:
    """The form filled in with `config`, to be published as `version`."""
    rows = [
        ChannelRow(
            id=c.id,
            kind=c.kind.value,
            name=c.name,
            unit=c.unit_hsaid or "",
            capacity="" if c.capacity is None else str(c.capacity),
            hours={day: ", ".join(c.hours.get(day, [])) for day in WEEKDAYS},
        )
        for c in config.channels
    ]
    routes = {d.value: ", ".join(config.routes.get(d, [])) for d in Disposition}
    return EditForm(str(version), rows, routes)


def with_blank_rows(form: EditForm) -> EditForm:
    """The form with its blank rows for new channels (the page always offers some)."""
    rows = [row for row in form.rows if not row.blank]
    return EditForm(form.version, rows + [ChannelRow() for _ in range(BLANK_ROWS)], form.routes)


def from_submitted(fields: Mapping[str, str]) -> EditForm:
    """Read the submitted fields (unknown fields are ignored, long values cut)."""

    def get(name: str) -> str:
        return str(fields.get(name, ""))[:MAX_VALUE].strip()

    count = min(_int(get("antal")), MAX_ROWS)
    rows = [
        ChannelRow(
            id=get(f"kanal-{i}-id"),
            kind=get(f"kanal-{i}-typ"),
            name=get(f"kanal-{i}-namn"),
            unit=get(f"kanal-{i}-enhet"),
            capacity=get(f"kanal-{i}-kapacitet"),
            hours={day: get(f"kanal-{i}-{day}") for day in WEEKDAYS},
        )
        for i in range(count)
    ]
    routes = {d.value: get(f"vag-{d.value}") for d in Disposition}
    return EditForm(get("version"), rows, routes)


def to_data(form: EditForm, *, region_code: str) -> tuple[dict[str, Any], list[int]]:
    """The configuration data the form describes, and each channel's form row."""
    kept = [(i, row) for i, row in enumerate(form.rows) if not row.blank]
    channels = [_channel(row) for _, row in kept]
    routes = {key: _split(text) for key, text in form.routes.items() if text}
    data = {
        "region_code": region_code,
        "version": _int(form.version) or form.version,
        "channels": channels,
        "routes": routes,
    }
    return data, [i for i, _ in kept]


def form_errors(problems: list[ConfigProblem], rows: list[int]) -> list[FormError]:
    """Each problem tied to its form input, with a Swedish description of where it is."""
    return [_form_error(problem, rows) for problem in problems]


def _form_error(problem: ConfigProblem, rows: list[int]) -> FormError:
    parts = problem.field.split(".")
    if parts[0] == "channels" and len(parts) > 1 and parts[1].isdigit():
        row = rows[int(parts[1])] if int(parts[1]) < len(rows) else 0
        return _channel_error(row, parts[2:], problem.message)
    if parts[0] == "routes" and len(parts) > 1:
        label = DISPOSITION_LABELS.get(Disposition(parts[1])) if _is_disposition(parts[1]) else None
        key = parts[1] if label else ""
        anchor = f"vag-{key}" if key else "vagar"
        return FormError(anchor, label or "Vägar", problem.message, route=key or None)
    return FormError("andringar", "Konfigurationen", problem.message)


def _channel_error(row: int, rest: list[str], message: str) -> FormError:
    part = rest[0] if rest else ""
    where = f"Kanal {row + 1}"
    if part in _PART_WORDS:
        where += f", {_PART_WORDS[part]}"
    if part == "hours" and len(rest) > 1 and rest[1] in WEEKDAY_LABELS:
        where += f" {WEEKDAY_LABELS[rest[1]]}"
        return FormError(f"kanal-{row}-{rest[1]}", where, message, row=row)
    if part == "id" or part in _PART_INPUT:
        return FormError(f"kanal-{row}-{_PART_INPUT.get(part, 'id')}", where, message, row=row)
    return FormError(f"kanal-{row}", where, message, row=row)


def _is_disposition(value: str) -> bool:
    return value in {d.value for d in Disposition}


def _channel(row: ChannelRow) -> dict[str, Any]:
    capacity: int | str | None = None
    if row.capacity:
        capacity = int(row.capacity) if row.capacity.isdigit() else row.capacity
    hours = {day: _split(text) for day, text in row.hours.items() if text}
    channel: dict[str, Any] = {"id": row.id, "kind": row.kind, "name": row.name}
    if row.unit:
        channel["unit_hsaid"] = row.unit
    if hours:
        channel["hours"] = hours
    if capacity is not None:
        channel["capacity"] = capacity
    return channel


def _split(text: str) -> list[str]:
    # People write "08:00–17:00" with an en dash, and separate intervals with commas.
    cleaned = text.replace("–", "-").replace("—", "-").replace(" - ", "-")
    return [part.strip() for part in cleaned.replace(";", ",").split(",") if part.strip()]


def _int(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 8 else 0
