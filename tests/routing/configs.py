"""Routing configurations for tests: a small hand-made region and the reference router."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from samvard.routing.schemas import RoutingConfig

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
EVERY_DAY = [*WEEKDAYS, "sat", "sun"]


def small_config(**changes: Any) -> dict[str, Any]:
    """A valid region: chat 08-20 daily (capacity 2), video weekdays 08-17, a vårdcentral."""
    data: dict[str, Any] = {
        "region_code": "01",
        "version": 1,
        "channels": [
            {
                "id": "chatt",
                "kind": "nurse_chat",
                "name": "Sjuksköterskechatten",
                "unit_hsaid": "SE2321000016-E0005",
                "hours": {day: ["08:00-20:00"] for day in EVERY_DAY},
                "capacity": 2,
            },
            {
                "id": "video",
                "kind": "video",
                "name": "Videomottagningen",
                "unit_hsaid": "SE2321000016-E0005",
                "hours": {day: ["08:00-12:00", "13:00-17:00"] for day in WEEKDAYS},
            },
            {
                "id": "vc",
                "kind": "physical",
                "name": "Vårdcentralen Stockholm Centrum",
                "unit_hsaid": "SE2321000016-E0005",
                "hours": {day: ["08:00-17:00"] for day in WEEKDAYS},
            },
            {"id": "akut", "kind": "emergency_department", "name": "Akutmottagningen"},
            {"id": "112", "kind": "call_112", "name": "Ring 112"},
            {"id": "egenvard", "kind": "self_care", "name": "Egenvårdsråd"},
        ],
        "routes": {
            "call_112": ["112"],
            "emergency_department": ["akut"],
            "care_now": ["chatt", "video", "akut"],
            "care_today": ["chatt", "video", "vc"],
            "care_within_days": ["vc", "video", "chatt"],
            "dental_care": ["chatt"],
            "self_care": ["egenvard"],
        },
    }
    data.update(changes)
    return data


def config(**changes: Any) -> RoutingConfig:
    return RoutingConfig.model_validate(small_config(**changes))


SWEDEN = ZoneInfo("Europe/Stockholm")
_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_ALWAYS = {"call_112", "emergency_department", "self_care"}


def reference_route(
    cfg: RoutingConfig,
    disposition: str,
    now: datetime,
    load: Mapping[str, int],
    *,
    escalate: bool = False,
) -> str | None:
    """Deliberately simple: "HH:MM" strings compare like times, "24:00" after them all."""
    local = now.astimezone(SWEDEN)
    clock, day = local.strftime("%H:%M"), _DAYS[local.weekday()]
    key = "care_within_days" if escalate and disposition == "self_care" else disposition
    channels = {c.id: c for c in cfg.channels}
    for channel_id in cfg.routes[key]:  # type: ignore[index]
        channel = channels[channel_id]
        spans = [span.split("-") for span in channel.hours.get(day, [])]
        is_open = channel.kind in _ALWAYS or any(a <= clock < b for a, b in spans)
        has_room = channel.capacity is None or load.get(channel_id, 0) < channel.capacity
        if is_open and has_room:
            return channel_id
    return None
