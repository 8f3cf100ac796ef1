"""Validation of routing configurations: every rule, with its field and Swedish message."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from samvard.reference.loaders import list_regions
from samvard.routing.defaults import default_config, default_region_codes
from samvard.routing.problems import InvalidConfigError, parse_config
from samvard.routing.schemas import ChannelKind, RoutingConfig
from samvard.triage.levels import Disposition
from tests.routing.configs import small_config


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidConfigError) as caught:
        parse_config(data)
    return {p.field: p.message for p in caught.value.problems}


def with_channel(index: int, **changes: Any) -> dict[str, Any]:
    data = small_config()
    data["channels"][index] = {**data["channels"][index], **changes}
    return data


def with_route(disposition: str, chain: list[str]) -> dict[str, Any]:
    data = small_config()
    data["routes"] = {**data["routes"], disposition: chain}
    return data


def test_the_small_config_is_valid() -> None:
    config = parse_config(small_config())
    assert config.channel("video").hours["mon"] == ["08:00-12:00", "13:00-17:00"]


def test_unknown_channel_in_a_route() -> None:
    found = problems(with_route("care_today", ["chatt", "finns-inte"]))
    assert found == {
        "routes.care_today": "”Kontakta vården i dag” nämner okända kanaler: finns-inte."
    }


def test_every_disposition_must_be_routed() -> None:
    data = small_config()
    del data["routes"]["dental_care"]
    assert problems(data) == {"routes.dental_care": "”Tandvård” saknar kanaler."}


def test_call_112_must_go_to_112_first() -> None:
    found = problems(with_route("call_112", ["akut", "112"]))
    assert found["routes.call_112"] == "”Ring 112” måste först gå till en kanal av typen Ring 112."


def test_emergency_department_must_end_always_open() -> None:
    found = problems(with_route("emergency_department", ["akut", "chatt"]))
    assert "måste sluta i en kanal som alltid är öppen" in found["routes.emergency_department"]


@pytest.mark.parametrize("disposition", ["care_now", "care_today", "care_within_days", "call_112"])
def test_only_self_care_may_lead_to_self_care(disposition: str) -> None:
    found = problems(with_route(disposition, [*small_config()["routes"][disposition], "egenvard"]))
    assert found[f"routes.{disposition}"].endswith("får aldrig leda till egenvård.")


def test_self_care_starts_with_self_care() -> None:
    found = problems(with_route("self_care", ["chatt"]))
    assert "måste först gå till en kanal av typen Egenvård" in found["routes.self_care"]


def test_a_channel_twice_in_one_list() -> None:
    found = problems(with_route("care_today", ["chatt", "chatt"]))
    assert found["routes.care_today"] == "”Kontakta vården i dag” nämner samma kanal två gånger."


def test_duplicate_channel_ids() -> None:
    found = problems(with_channel(1, id="chatt"))
    assert found["channels.0.id"] == "Kanal-id ”chatt” används två gånger."


def test_care_channel_needs_a_unit() -> None:
    found = problems(with_channel(0, unit_hsaid=None))
    assert found == {"channels.0": "En kanal för chatt, video eller besök måste ha en vårdenhet."}


def test_always_open_channels_take_no_hours() -> None:
    found = problems(with_channel(3, hours={"mon": ["08:00-17:00"]}))
    assert "alltid öppna" in found["channels.3"]


@pytest.mark.parametrize(
    ("hours", "fragment"),
    [
        ({"mon": ["8-17"]}, "”8-17” är inte en tid som 08:00-17:00."),
        ({"mon": ["17:00-08:00"]}, "slutar inte efter att den börjar"),
        ({"mon": ["24:00-24:00"]}, "är inte en tid"),
        ({"mon": ["08:00-12:00", "11:00-13:00"]}, "Öppettiderna på måndag överlappar."),
    ],
)
def test_bad_hours(hours: dict[str, list[str]], fragment: str) -> None:
    found = problems(with_channel(0, hours=hours))
    assert fragment in (found.get("channels.0.hours.mon.0") or found["channels.0.hours"])


def test_an_unknown_weekday() -> None:
    found = problems(with_channel(0, hours={"funday": ["08:00-12:00"]}))
    assert found["channels.0.hours.funday.[key]"].startswith("Ingen veckodag.")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"capacity": 0}, "channels.0.capacity", "Måste vara minst 1."),
        ({"capacity": "många"}, "channels.0.capacity", "Ange ett heltal."),
        ({"id": "Chatt Ett"}, "channels.0.id", "Kanal-id får bara ha små bokstäver"),
        ({"kind": "telefon"}, "channels.0.kind", "Okänt värde. Välj något av:"),
        ({"name": "   "}, "channels.0.name", "Kanalen måste ha ett namn."),
        ({"colour": "blå"}, "channels.0.colour", "Okänt fält."),
    ],
)
def test_field_errors_in_swedish(changes: dict[str, Any], field: str, message: str) -> None:
    found = problems(with_channel(0, **changes))
    assert message in found[field]


def test_structure_errors_come_before_route_rules() -> None:
    data = small_config(region_code="1")
    del data["version"]
    assert problems(data) == {
        "region_code": "Regionkoden ska vara två siffror.",
        "version": "Uppgiften saknas.",
    }


def test_direct_construction_checks_the_routes_too() -> None:
    with pytest.raises(ValidationError, match="får aldrig leda till egenvård"):
        RoutingConfig.model_validate(with_route("care_today", ["egenvard"]))


def test_hours_are_stored_in_weekday_order_without_empty_days() -> None:
    config = parse_config(with_channel(0, hours={"sun": ["10:00-12:00"], "mon": [], "tue": []}))
    assert config.channel("chatt").hours == {"sun": ["10:00-12:00"]}


def test_defaults_cover_all_21_regions() -> None:
    assert default_region_codes() == [region.code for region in list_regions()]


@pytest.mark.parametrize("code", [region.code for region in list_regions()])
def test_each_default_follows_the_brief(code: str) -> None:
    config = default_config(code)
    assert config is not None
    assert config.region_code == code
    chat = config.channel(config.routes[Disposition.CARE_TODAY][0])
    assert chat.kind is ChannelKind.NURSE_CHAT
    assert chat.capacity == 30
    assert all(chat.hours[day] == ["07:00-22:00"] for day in ("mon", "sat", "sun"))
    video = next(c for c in config.channels if c.kind is ChannelKind.VIDEO)
    assert set(video.hours) == {"mon", "tue", "wed", "thu", "fri"}
    physical = {c.id for c in config.channels if c.kind is ChannelKind.PHYSICAL}
    assert physical & set(config.routes[Disposition.CARE_TODAY])
    assert physical & set(config.routes[Disposition.CARE_WITHIN_DAYS])


def test_unknown_region_has_no_default() -> None:
    assert default_config("99") is None
