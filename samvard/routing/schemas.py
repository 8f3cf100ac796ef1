"""A region's routing configuration: channels, opening hours, capacity, and per disposition
the ordered list of channels to try. Validated on load and before every publish.

Opening hours are Europe/Stockholm local time, one list of "HH:MM-HH:MM" intervals per
weekday. Public holidays are out of scope: a holiday is treated like its weekday.
"""

from __future__ import annotations

import re
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from samvard.triage.levels import Disposition


class ChannelKind(StrEnum):
    """Where a citizen can be sent; the channel itself names the unit and the hours."""

    NURSE_CHAT = "nurse_chat"
    VIDEO = "video"
    PHYSICAL = "physical"
    SELF_CARE = "self_care"
    CALL_112 = "call_112"
    EMERGENCY_DEPARTMENT = "emergency_department"

    @property
    def always_open(self) -> bool:
        """112, the emergency department and self-care advice never close."""
        return self in ALWAYS_OPEN

    @property
    def is_care(self) -> bool:
        """Channels where staff at a unit take the contact (and so need a unit)."""
        return self in CARE_KINDS


ALWAYS_OPEN = frozenset(
    {ChannelKind.SELF_CARE, ChannelKind.CALL_112, ChannelKind.EMERGENCY_DEPARTMENT}
)
CARE_KINDS = frozenset({ChannelKind.NURSE_CHAT, ChannelKind.VIDEO, ChannelKind.PHYSICAL})

KIND_LABELS = {
    ChannelKind.NURSE_CHAT: "Sjuksköterskechatt",
    ChannelKind.VIDEO: "Videobesök",
    ChannelKind.PHYSICAL: "Fysiskt besök",
    ChannelKind.SELF_CARE: "Egenvård",
    ChannelKind.CALL_112: "Ring 112",
    ChannelKind.EMERGENCY_DEPARTMENT: "Akutmottagning",
}

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday keys in `datetime.weekday()` order."""
WEEKDAY_LABELS = {
    "mon": "måndag",
    "tue": "tisdag",
    "wed": "onsdag",
    "thu": "torsdag",
    "fri": "fredag",
    "sat": "lördag",
    "sun": "söndag",
}

_INTERVAL = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):[0-5]\d|24:00)$")
ChannelId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]


def minutes(clock: str) -> int:
    """Minutes after midnight of "HH:MM" ("24:00" is the end of the day)."""
    hours, _, mins = clock.partition(":")
    return int(hours) * 60 + int(mins)


def parse_interval(text: str) -> tuple[int, int]:
    """An "HH:MM-HH:MM" interval as (start, end) minutes; ValueError in Swedish if bad."""
    if not _INTERVAL.match(text):
        raise ValueError(f"”{text}” är inte en tid som 08:00-17:00.")
    start, end = (minutes(part) for part in text.split("-"))
    if start >= end:
        raise ValueError(f"”{text}” slutar inte efter att den börjar (dela upp tider över natten).")
    return start, end


def _check_interval(text: str) -> str:
    parse_interval(text)
    return text


Interval = Annotated[str, AfterValidator(_check_interval)]


class Channel(BaseModel):
    """One way to get help: a nurse chat, a video clinic, a unit's reception, 112…"""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ChannelId
    kind: ChannelKind
    name: Annotated[str, Field(min_length=1, max_length=100)]
    unit_hsaid: Annotated[str, Field(min_length=1, max_length=31)] | None = None
    hours: dict[Weekday, list[Interval]] = Field(default_factory=dict)
    capacity: Annotated[int, Field(ge=1, le=10_000)] | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Kanalen måste ha ett namn.")
        return value.strip()

    @field_validator("hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, intervals in value.items():
            spans = sorted(parse_interval(text) for text in intervals)
            for (_, end), (start, _) in pairwise(spans):
                if start < end:
                    raise ValueError(f"Öppettiderna på {WEEKDAY_LABELS[day]} överlappar.")
        return {day: value[day] for day in WEEKDAYS if value.get(day)}

    @model_validator(mode="after")
    def _kind_rules(self) -> Channel:
        if self.kind.is_care and not self.unit_hsaid:
            raise ValueError("En kanal för chatt, video eller besök måste ha en vårdenhet.")
        if self.kind.always_open and (self.hours or self.capacity is not None):
            raise ValueError(
                "112, akutmottagning och egenvård är alltid öppna: ange inga öppettider "
                "eller kapacitet."
            )
        return self

    def intervals(self, day: Weekday) -> list[tuple[int, int]]:
        """The day's opening intervals in minutes, in order."""
        return sorted(parse_interval(text) for text in self.hours.get(day, []))


class RoutingConfig(BaseModel):
    """A region's routing: its channels, and for each disposition the channels to try."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region_code: Annotated[str, Field(pattern=r"^\d{2}$")]
    version: Annotated[int, Field(ge=1, le=1_000_000)]
    channels: Annotated[list[Channel], Field(min_length=1, max_length=50)]
    routes: dict[Disposition, list[str]]

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> RoutingConfig:
        # The admin page asks for the structure first and then lists these problems one
        # by one, each with its field; everyone else gets them all at once.
        if info.context and info.context.get("structure_only"):
            return self
        problems = route_problems(self)
        if problems:
            raise ValueError(" ".join(message for _, message in problems))
        return self

    def channel(self, channel_id: str) -> Channel:
        """The channel with this id (KeyError if there is none)."""
        for channel in self.channels:
            if channel.id == channel_id:
                return channel
        raise KeyError(channel_id)

    def content(self) -> dict[str, Any]:
        """Everything but the version: equal content means nothing changed."""
        return self.model_dump(mode="json", exclude={"version"})


def route_problems(config: RoutingConfig) -> list[tuple[str, str]]:
    """Every broken rule of the disposition lists, as (field, Swedish message) pairs."""
    ids = [channel.id for channel in config.channels]
    problems = [
        (f"channels.{ids.index(i)}.id", f"Kanal-id ”{i}” används två gånger.")
        for i in sorted(set(ids))
        if ids.count(i) > 1
    ]
    kinds = {channel.id: channel.kind for channel in config.channels}
    for disposition in Disposition:
        field = f"routes.{disposition.value}"
        chain = config.routes.get(disposition)
        label = DISPOSITION_LABELS[disposition]
        if not chain:
            problems.append((field, f"”{label}” saknar kanaler."))
            continue
        unknown = [i for i in chain if i not in kinds]
        if unknown:
            problems.append((field, f"”{label}” nämner okända kanaler: {', '.join(unknown)}."))
            continue
        if len(set(chain)) != len(chain):
            problems.append((field, f"”{label}” nämner samma kanal två gånger."))
        found = _chain_problems(disposition, label, [kinds[i] for i in chain])
        problems.extend((field, message) for message in found)
    return problems


def _chain_problems(disposition: Disposition, label: str, kinds: list[ChannelKind]) -> list[str]:
    problems = []
    if disposition is Disposition.CALL_112 and kinds[0] is not ChannelKind.CALL_112:
        problems.append(f"”{label}” måste först gå till en kanal av typen Ring 112.")
    if disposition is Disposition.EMERGENCY_DEPARTMENT and not kinds[-1].always_open:
        problems.append(f"”{label}” måste sluta i en kanal som alltid är öppen.")
    if disposition is not Disposition.SELF_CARE and ChannelKind.SELF_CARE in kinds:
        problems.append(f"”{label}” får aldrig leda till egenvård.")
    if disposition is Disposition.SELF_CARE and kinds[0] is not ChannelKind.SELF_CARE:
        problems.append(f"”{label}” måste först gå till en kanal av typen Egenvård.")
    return problems


DISPOSITION_LABELS = {
    Disposition.CALL_112: "Ring 112",
    Disposition.EMERGENCY_DEPARTMENT: "Akutmottagning nu",
    Disposition.CARE_NOW: "Kontakta vården inom några timmar",
    Disposition.CARE_TODAY: "Kontakta vården i dag",
    Disposition.CARE_WITHIN_DAYS: "Besök inom några dagar",
    Disposition.DENTAL_CARE: "Tandvård",
    Disposition.SELF_CARE: "Egenvård",
}
