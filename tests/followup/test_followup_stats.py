"""Counting assessments from their events: cases, and Hypothesis against a naive reference."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from samvard.followup.models import EventKind
from samvard.followup.stats import Event, Tally, group, resolved_digitally, tally

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
K = EventKind


def story(ref: str, *steps: tuple[EventKind, dict[str, str]], gap: float = 1.0) -> list[Event]:
    """One assessment's events, `gap` minutes apart."""
    return [
        Event(ref, kind, "01", T0 + timedelta(minutes=gap * i), **fields)
        for i, (kind, fields) in enumerate(steps)
    ]


SELF_CARE = {"urgency": "self_care", "disposition": "self_care"}
TODAY = {"urgency": "urgent", "disposition": "care_today"}


def test_self_care_without_escalation_is_resolved_digitally() -> None:
    events = story("a", (K.STARTED, {}), (K.OUTCOME, SELF_CARE), (K.COMPLETED, SELF_CARE))
    assert resolved_digitally(events)


def test_self_care_then_contact_anyway_counts_by_how_the_contact_ended() -> None:
    steps = [(K.STARTED, {}), (K.OUTCOME, SELF_CARE), (K.COMPLETED, SELF_CARE), (K.ESCALATED, {})]
    open_contact = story("a", *steps, (K.CHANNEL, {"channel": "nurse_chat"}))
    assert not resolved_digitally(open_contact)
    advice = story("a", *steps, (K.CHANNEL, {"channel": "nurse_chat"}), (K.CLOSED, {}))
    assert resolved_digitally(advice)
    booked = story(
        "a", *steps, (K.CHANNEL, {"channel": "nurse_chat"}), (K.CLOSED, {"channel": "physical"})
    )
    assert not resolved_digitally(booked)


def test_a_contact_closed_with_a_video_booking_is_digital() -> None:
    events = story(
        "a",
        (K.STARTED, {}),
        (K.OUTCOME, TODAY),
        (K.COMPLETED, TODAY),
        (K.CHANNEL, {"channel": "nurse_chat"}),
        (K.CLOSED, {"channel": "video"}),
    )
    assert resolved_digitally(events)


def test_tally_counts_steps_urgency_channels_and_waits() -> None:
    dropped = story("a", (K.STARTED, {}))
    asked = story("b", (K.STARTED, {}), (K.COMPLAINT_CHOSEN, {}))
    chat = story(
        "c",
        (K.STARTED, {}),
        (K.COMPLAINT_CHOSEN, {}),
        (K.OUTCOME, TODAY),
        (K.COMPLETED, TODAY),
        (K.CHANNEL, {"channel": "nurse_chat"}),
        (K.FIRST_STAFF_RESPONSE, {}),
        gap=12,
    )
    result = tally(group(dropped + asked + chat).values())
    assert result.started == 3
    assert result.stopped_at == Counter({"started": 1, "complaint_chosen": 1, "outcome": 1})
    assert (result.with_outcome, result.self_care, result.completed, result.digital) == (1, 0, 1, 0)
    assert result.urgency == Counter({"urgent": 1})
    assert result.channels == Counter({"nurse_chat": 1})
    assert result.median_wait == 12


def test_a_changed_answer_counts_the_last_outcome() -> None:
    events = story(
        "a", (K.STARTED, {}), (K.OUTCOME, TODAY), (K.COMPLETED, TODAY), (K.OUTCOME, SELF_CARE)
    )
    result = tally([events])
    assert result.urgency == Counter({"self_care": 1}) and result.self_care == 1


# A deliberately naive reference: every figure computed on its own, straight from the
# definitions, one assessment at a time.


def reference(assessments: list[list[Event]]) -> Tally:
    result = Tally()
    for events in assessments:
        ordered = sorted(events, key=lambda e: e.at)
        kinds = [e.kind for e in ordered]
        outcomes = [e for e in ordered if e.kind == K.OUTCOME]
        channels = [e for e in ordered if e.kind == K.CHANNEL]
        responses = [e for e in ordered if e.kind == K.FIRST_STAFF_RESPONSE]
        closes = [e for e in ordered if e.kind == K.CLOSED]
        result.started += 1
        if outcomes:
            result.stopped_at["outcome"] += 1
        elif K.COMPLAINT_CHOSEN in kinds:
            result.stopped_at["complaint_chosen"] += 1
        else:
            result.stopped_at["started"] += 1
        if outcomes:
            result.with_outcome += 1
            result.urgency[outcomes[-1].urgency or "unknown"] += 1
            if outcomes[-1].disposition == "self_care":
                result.self_care += 1
        if channels:
            result.channels[channels[0].channel or "unknown"] += 1
        if K.COMPLETED in kinds:
            result.completed += 1
            self_care_only = (
                outcomes
                and outcomes[-1].disposition == "self_care"
                and K.ESCALATED not in kinds
                and all(c.channel == "self_care" for c in channels)
            )
            closed_unbooked = bool(closes) and closes[-1].channel != "physical"
            if self_care_only or closed_unbooked:
                result.digital += 1
        if channels and responses and responses[0].at >= channels[0].at:
            minutes = (responses[0].at - channels[0].at).total_seconds() / 60
            result.waits_minutes.append(minutes)
    return result


LEVELS = st.sampled_from(["emergency", "urgent", "non_urgent", "self_care", None])
DISPOSITIONS = st.sampled_from(["call_112", "care_today", "self_care", None])
CHANNELS = st.sampled_from(["nurse_chat", "video", "physical", "self_care", None])
LATER_KINDS = st.sampled_from([k for k in EventKind if k is not K.STARTED])


@st.composite
def assessments(draw: st.DrawFn) -> list[Event]:
    ref = draw(st.uuids()).hex
    later = draw(st.lists(LATER_KINDS, max_size=9))
    gaps = draw(st.lists(st.integers(1, 600), min_size=len(later), max_size=len(later)))
    events = [Event(ref, K.STARTED, "01", T0)]
    at = T0
    for kind, gap in zip(later, gaps, strict=True):
        at += timedelta(minutes=gap)
        fields = {"urgency": draw(LEVELS), "disposition": draw(DISPOSITIONS)}
        events.append(Event(ref, kind, "01", at, channel=draw(CHANNELS), **fields))
    return events


@given(st.lists(assessments(), max_size=25, unique_by=lambda e: e[0].ref), st.randoms())
def test_tally_matches_the_reference(stories: list[list[Event]], rng: object) -> None:
    flat = [event for events in stories for event in events]
    rng.shuffle(flat)  # type: ignore[attr-defined]
    expected = reference(stories)
    actual = tally(group(flat).values())
    assert actual.started == expected.started
    assert +actual.stopped_at == +expected.stopped_at
    assert actual.urgency == expected.urgency and actual.channels == expected.channels
    assert (actual.with_outcome, actual.self_care) == (expected.with_outcome, expected.self_care)
    assert (actual.completed, actual.digital) == (expected.completed, expected.digital)
    assert sorted(actual.waits_minutes) == sorted(expected.waits_minutes)
    if expected.waits_minutes:
        assert actual.median_wait == statistics.median(expected.waits_minutes)
    else:
        assert actual.median_wait is None
