"""The pure router: table cases with the Swedish reasons, and properties against a reference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from samvard.routing.engine import SWEDEN, is_open, next_opening, route
from samvard.routing.schemas import WEEKDAYS, ChannelKind, RoutingConfig, parse_interval
from samvard.triage.levels import Disposition
from tests.routing.configs import config, reference_route


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A Swedish local time in the week of Monday 30 November 2026 (day 0 = Monday)."""
    return datetime(2026, 11, 30, hour, minute, tzinfo=SWEDEN) + timedelta(days=day)


WEDNESDAY, SATURDAY = 2, 5


def test_first_choice_open_with_room() -> None:
    decision = route(config(), disposition="care_today", now=at(WEDNESDAY, 10), load={})
    assert decision.channel is not None
    assert decision.channel.id == "chatt"
    assert decision.skipped == ()
    assert decision.next_opening is None
    assert decision.explanation_sv == "Du hänvisas till Sjuksköterskechatten."


def test_closed_channel_is_skipped_with_its_hours() -> None:
    decision = route(config(), disposition="care_now", now=at(WEDNESDAY, 21), load={})
    assert decision.channel is not None
    assert decision.channel.id == "akut"
    reasons = [reason for _, reason in decision.skipped]
    assert reasons == [
        "Sjuksköterskechatten är stängd (öppen 08:00–20:00).",
        "Videomottagningen är stängd (öppen 08:00–12:00, 13:00–17:00).",
    ]
    assert decision.next_opening == at(WEDNESDAY + 1, 8)
    assert decision.explanation_sv.endswith("Du hänvisas därför till Akutmottagningen.")


def test_full_queue_is_skipped() -> None:
    decision = route(
        config(), disposition="care_today", now=at(WEDNESDAY, 10), load={"chatt": 2, "video": 9}
    )
    assert decision.channel is not None
    assert decision.channel.id == "video"
    assert decision.skipped[0][1] == "Kön till Sjuksköterskechatten är full (2 väntar, högst 2)."
    assert decision.next_opening is None


def test_a_queue_below_capacity_still_takes_contacts() -> None:
    decision = route(config(), disposition="care_today", now=at(WEDNESDAY, 10), load={"chatt": 1})
    assert decision.channel is not None
    assert decision.channel.id == "chatt"


def test_closed_all_day_names_the_next_opening() -> None:
    decision = route(config(), disposition="care_within_days", now=at(SATURDAY, 12), load={})
    assert decision.channel is not None
    assert decision.channel.id == "chatt"
    assert [reason for _, reason in decision.skipped] == [
        "Vårdcentralen Stockholm Centrum är stängd i dag (öppnar måndag 08:00).",
        "Videomottagningen är stängd i dag (öppnar måndag 08:00).",
    ]
    assert decision.next_opening == at(7, 8)


def test_every_care_channel_closed_gives_no_channel_and_the_next_opening() -> None:
    decision = route(config(), disposition="care_today", now=at(WEDNESDAY, 3), load={})
    assert decision.channel is None
    assert len(decision.skipped) == 3
    assert decision.next_opening == at(WEDNESDAY, 8)
    assert "Ingen av vårdens kanaler kan ta emot dig just nu." in decision.explanation_sv
    assert "Nästa kanal öppnar i dag 08:00." in decision.explanation_sv


def test_next_opening_tomorrow_is_said_so() -> None:
    decision = route(config(), disposition="dental_care", now=at(WEDNESDAY, 22), load={})
    assert decision.channel is None
    assert "Nästa kanal öppnar i morgon 08:00." in decision.explanation_sv


def test_escalation_from_self_care_routes_as_a_visit_within_days() -> None:
    plain = route(config(), disposition="self_care", now=at(SATURDAY, 12), load={})
    assert plain.channel is not None
    assert plain.channel.kind is ChannelKind.SELF_CARE
    asked = route(config(), disposition="self_care", now=at(SATURDAY, 12), load={}, escalate=True)
    assert asked.escalated
    assert asked.channel is not None
    assert asked.channel.id == "chatt"
    assert asked.explanation_sv.startswith("Du har valt att ändå kontakta vården.")


def test_escalate_changes_nothing_for_other_dispositions() -> None:
    kwargs = {"disposition": "care_today", "now": at(WEDNESDAY, 10), "load": {}}
    assert route(config(), escalate=True, **kwargs) == route(config(), **kwargs)  # type: ignore[arg-type]


def test_utc_times_are_read_in_swedish_local_time() -> None:
    winter = datetime(2026, 12, 2, 6, 59, tzinfo=UTC)  # 07:59 CET
    summer = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)  # 08:00 CEST
    chat = config().channel("chatt")
    assert not is_open(chat, winter.astimezone(SWEDEN))
    assert is_open(chat, (winter + timedelta(minutes=1)).astimezone(SWEDEN))
    assert is_open(chat, summer.astimezone(SWEDEN))
    assert not is_open(chat, (summer - timedelta(minutes=1)).astimezone(SWEDEN))


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        route(config(), disposition="care_today", now=datetime(2026, 12, 2, 10), load={})


def test_unknown_disposition_is_refused() -> None:
    with pytest.raises(ValueError, match="not_a_disposition"):
        route(config(), disposition="not_a_disposition", now=at(WEDNESDAY, 10), load={})


def test_a_channel_open_until_midnight() -> None:
    hours = {"wed": ["20:00-24:00"]}
    data = config().model_dump(mode="json")
    data["channels"][0]["hours"] = hours
    chat = RoutingConfig.model_validate(data).channel("chatt")
    assert is_open(chat, at(WEDNESDAY, 23, 59))
    assert not is_open(chat, at(WEDNESDAY + 1, 0, 0))
    assert next_opening(chat, at(WEDNESDAY + 1, 0, 0)) == at(WEDNESDAY + 7, 20)


# --- properties against the reference -----------------------------------------------------

CARE = ["nurse_chat", "video", "physical"]
URGENT = [d for d in Disposition if d is not Disposition.SELF_CARE]


@st.composite
def intervals(draw: st.DrawFn) -> list[str]:
    # Cut on a half-hour grid, so generated times often fall exactly on a boundary.
    grid = st.integers(0, 48).map(lambda half_hours: half_hours * 30)
    cuts = sorted(draw(st.sets(grid | st.integers(0, 24 * 60), max_size=4)))
    pairs = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]

    def clock(m: int) -> str:
        return f"{m // 60:02d}:{m % 60:02d}"

    return [f"{clock(a)}-{clock(b)}" for a, b in pairs]


@st.composite
def configs(draw: st.DrawFn) -> RoutingConfig:
    count = draw(st.integers(1, 5))
    care = [
        {
            "id": f"c{i}",
            "kind": draw(st.sampled_from(CARE)),
            "name": f"Kanal {i}",
            "unit_hsaid": "SE2321000016-E0005",
            "hours": {day: draw(intervals()) for day in ("mon", "wed", "sat", "sun")},
            "capacity": draw(st.none() | st.integers(1, 3)),
        }
        for i in range(count)
    ]
    fixed = [
        {"id": "112", "kind": "call_112", "name": "Ring 112"},
        {"id": "akut", "kind": "emergency_department", "name": "Akuten"},
        {"id": "egen", "kind": "self_care", "name": "Egenvård"},
    ]
    ids = [c["id"] for c in care]

    def chain(extra: list[str]) -> list[str]:
        picked = draw(st.permutations(ids + extra))
        return picked[: draw(st.integers(1, len(picked)))]

    routes = {d.value: chain(["akut", "112"]) for d in URGENT}
    routes["call_112"] = ["112", *draw(st.permutations(ids))[: draw(st.integers(0, count))]]
    routes["emergency_department"] = [*chain([])[: draw(st.integers(0, count))], "akut"]
    routes["self_care"] = ["egen"]
    data = {"region_code": "01", "version": 1, "channels": care + fixed, "routes": routes}
    return RoutingConfig.model_validate(data)


on_the_grid = st.builds(
    lambda day, half_hours: (
        datetime(2026, 11, 30, tzinfo=SWEDEN) + timedelta(days=day, minutes=half_hours * 30)
    ),
    st.integers(0, 6),
    st.integers(0, 47),
)
moments = on_the_grid | st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)
)
loads = st.dictionaries(st.sampled_from(["c0", "c1", "c2", "c3", "c4"]), st.integers(0, 4))


@settings(max_examples=300, deadline=None)
@given(configs(), st.sampled_from(list(Disposition)), moments, loads, st.booleans())
def test_route_agrees_with_the_reference(
    cfg: RoutingConfig, disposition: Disposition, now: datetime, load: dict[str, int], up: bool
) -> None:
    decision = route(cfg, disposition=disposition, now=now, load=load, escalate=up)
    expected = reference_route(cfg, disposition.value, now, load, escalate=up)
    assert (decision.channel.id if decision.channel else None) == expected
    key = "care_within_days" if up and disposition is Disposition.SELF_CARE else disposition
    tried = cfg.routes[Disposition(key)]
    assert [c.id for c, _ in decision.skipped] == tried[: len(decision.skipped)]
    assert all(reason for _, reason in decision.skipped)
    if decision.next_opening is not None:
        assert decision.next_opening > now
        assert is_open(cfg.channel(tried[0]), decision.next_opening)


@settings(max_examples=300, deadline=None)
@given(configs(), st.sampled_from(list(Disposition)), st.data(), loads)
def test_route_agrees_with_the_reference_at_opening_and_closing(
    cfg: RoutingConfig, disposition: Disposition, data: st.DataObject, load: dict[str, int]
) -> None:
    edges = [
        (WEEKDAYS.index(day), minute)
        for channel in cfg.channels
        for day, spans in channel.hours.items()
        for span in spans
        for minute in parse_interval(span)
    ]
    assume(edges)
    day, minute = data.draw(st.sampled_from(edges))
    shift = data.draw(st.sampled_from([-1, 0, 1]))
    now = datetime(2026, 11, 30, tzinfo=SWEDEN) + timedelta(days=day, minutes=minute + shift)
    decision = route(cfg, disposition=disposition, now=now, load=load)
    expected = reference_route(cfg, disposition.value, now, load)
    assert (decision.channel.id if decision.channel else None) == expected


@settings(max_examples=200, deadline=None)
@given(configs(), st.sampled_from(URGENT), moments, loads, st.booleans())
def test_urgent_dispositions_never_end_in_self_care(
    cfg: RoutingConfig, disposition: Disposition, now: datetime, load: dict[str, int], up: bool
) -> None:
    decision = route(cfg, disposition=disposition, now=now, load=load, escalate=up)
    assert decision.channel is None or decision.channel.kind is not ChannelKind.SELF_CARE


@settings(max_examples=100, deadline=None)
@given(configs(), moments, loads)
def test_self_care_escalation_never_ends_in_self_care(
    cfg: RoutingConfig, now: datetime, load: dict[str, int]
) -> None:
    decision = route(cfg, disposition="self_care", now=now, load=load, escalate=True)
    assert (
        decision.channel is None
        or decision.channel.kind.is_care
        or decision.channel.kind
        in {
            ChannelKind.CALL_112,
            ChannelKind.EMERGENCY_DEPARTMENT,
        }
    )


@settings(max_examples=100, deadline=None)
@given(configs(), moments, loads, st.booleans())
def test_call_112_is_always_call_112(
    cfg: RoutingConfig, now: datetime, load: dict[str, int], up: bool
) -> None:
    decision = route(cfg, disposition="call_112", now=now, load=load, escalate=up)
    assert decision.channel is not None
    assert decision.channel.kind is ChannelKind.CALL_112
    emergency = route(cfg, disposition="emergency_department", now=now, load=load)
    assert emergency.channel is not None
    assert emergency.channel.kind.always_open or emergency.channel.kind.is_care
