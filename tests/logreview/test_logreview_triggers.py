"""The pure trigger rules: a table of cases, and Hypothesis against simple references."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samvard.logreview.triggers import (
    Address,
    EntryFacts,
    EntryView,
    Rules,
    Trigger,
    daily_volumes,
    format_triggers,
    in_sample,
    local_day,
    parse_triggers,
    review_period,
    surnames_match,
    triggers_for,
    unusual_volume,
    usual_volumes,
)

# Official Skatteverket test personnummer (samvard/reference/data).
PATIENT = "189001019802"
OTHER = "189001029819"
KEY = b"test-sample-key"
# A key and period under which this entry id is not sampled (checked below), so the table
# shows only the triggers each case is about.
ENTRY = EntryView(
    seq=1,
    entry_id="00000000-0000-4000-8000-000000000001",
    recorded_at=datetime(2026, 3, 10, 9, 30, tzinfo=UTC),
    actor_id="SE2321000016-P0001",
    patient_id=PATIENT,
    resource="patient.demographics",
    outcome="allowed",
    reason="care_relation",
)
HOME = Address.of("Storgatan 1", "111 22")
NO_FACTS = EntryFacts()


def fire(entry: EntryView = ENTRY, facts: EntryFacts = NO_FACTS, **rules: float) -> set[Trigger]:
    return set(triggers_for(entry, facts, sample_key=KEY, rules=Rules(**rules)))  # type: ignore[arg-type]


def test_the_plain_entry_is_not_sampled() -> None:
    assert fire() == set()


CASES = [
    ("emergency read", {"reason": "emergency_access"}, {}, {Trigger.EMERGENCY_ACCESS}),
    ("emergency opened", {"reason": "emergency_access_opened"}, {}, {Trigger.EMERGENCY_ACCESS}),
    ("denied emergency", {"reason": "no_emergency_access", "outcome": "denied"}, {}, set()),
    (
        "denied without relation",
        {"reason": "no_care_relation", "outcome": "denied"},
        {},
        {Trigger.NO_RELATION},
    ),
    ("denied for a block", {"reason": "blocked", "outcome": "denied"}, {}, set()),
    (
        "lookup without relation",
        {"reason": "care_role_lookup"},
        {"had_relation": False},
        {Trigger.NO_RELATION},
    ),
    ("lookup with relation", {"reason": "care_role_lookup"}, {"had_relation": True}, set()),
    ("lookup, relation unknown", {"reason": "care_role_lookup"}, {}, set()),
    ("relation ground", {}, {"had_relation": False}, set()),
    ("consent ground", {"reason": "consent"}, {"had_relation": False}, set()),
    (
        "own record",
        {},
        {"staff_person_number": PATIENT, "staff_surname": "Holm", "patient_surname": "Holm"},
        {Trigger.OWN_RECORD},
    ),
    ("another's number", {}, {"staff_person_number": OTHER}, set()),
    (
        "same surname",
        {},
        {"staff_surname": "Holm", "patient_surname": "holm"},
        {Trigger.SAME_SURNAME},
    ),
    (
        "double surname",
        {},
        {"staff_surname": "Lind-Holm", "patient_surname": "Holm"},
        {Trigger.SAME_SURNAME},
    ),
    ("particle only", {}, {"staff_surname": "von Essen", "patient_surname": "von Platen"}, set()),
    ("other surname", {}, {"staff_surname": "Holm", "patient_surname": "Berg"}, set()),
    (
        "same address",
        {},
        {"staff_address": HOME, "patient_address": Address.of(" storgatan  1", "11122")},
        {Trigger.SAME_ADDRESS},
    ),
    (
        "own address is not flagged twice",
        {},
        {"staff_person_number": PATIENT, "staff_address": HOME, "patient_address": HOME},
        {Trigger.OWN_RECORD},
    ),
    ("staff address unknown", {}, {"patient_address": HOME}, set()),
    ("protected", {}, {"patient_protected": True}, {Trigger.PROTECTED_IDENTITY}),
    (
        "protected, denied",
        {"outcome": "denied", "reason": "protected_identity"},
        {"patient_protected": True},
        {Trigger.PROTECTED_IDENTITY},
    ),
    ("above the ceiling", {}, {"day_patients": 41}, {Trigger.UNUSUAL_VOLUME}),
    ("at the ceiling, no history", {}, {"day_patients": 40}, set()),
    (
        "far above own median",
        {},
        {"day_patients": 13, "usual_day_patients": 4.0},
        {Trigger.UNUSUAL_VOLUME},
    ),
    ("three times the median", {}, {"day_patients": 12, "usual_day_patients": 4.0}, set()),
    ("below the floor", {}, {"day_patients": 9, "usual_day_patients": 1.0}, set()),
]


@pytest.mark.parametrize(
    ("entry_changes", "facts", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_trigger_table(
    entry_changes: dict[str, str], facts: dict[str, object], expected: set[Trigger]
) -> None:
    assert fire(replace(ENTRY, **entry_changes), EntryFacts(**facts)) == expected  # type: ignore[arg-type]


def test_every_trigger_has_a_swedish_label() -> None:
    assert {t.label for t in Trigger} and all(t.label for t in Trigger)
    assert Trigger.OWN_RECORD.label == "Egen journal"


def test_sample_rate_one_samples_everything_and_zero_nothing() -> None:
    assert Trigger.SAMPLE in fire(sample_rate=1.0)
    assert Trigger.SAMPLE not in fire(sample_rate=0.0)


def test_stored_triggers_round_trip_and_skip_unknown_codes() -> None:
    stored = format_triggers([Trigger.NO_RELATION, Trigger.SAMPLE])
    assert stored == "no_relation,sample"
    assert parse_triggers(stored + ",retired_code") == (Trigger.NO_RELATION, Trigger.SAMPLE)
    assert parse_triggers("") == ()


def test_period_and_day_are_swedish_time() -> None:
    late = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 April in Sweden
    assert review_period(late) == "2026-04"
    assert local_day(late) == date(2026, 4, 1)


def test_address_needs_both_parts() -> None:
    assert Address.of("Storgatan 1", None) is None
    assert Address.of("", "11122") is None
    assert Address.of("Storgatan 1", "111 22") == Address.of("STORGATAN 1", "11122")


# --- Hypothesis -------------------------------------------------------------------------

names = st.text(alphabet="abcdefgåäöABC -", min_size=0, max_size=20)
uuids = st.uuids().map(str)


@given(names, names)
def test_surname_match_is_symmetric_and_ignores_case(a: str, b: str) -> None:
    assert surnames_match(a, b) == surnames_match(b, a)
    assert surnames_match(a.upper(), b) == surnames_match(a, b)


@given(st.text(alphabet="abcdefgåäö", min_size=3, max_size=12), names)
def test_a_shared_part_always_matches(part: str, other: str) -> None:
    assert surnames_match(f"{other}-{part}", part.title())


@given(uuids, st.sampled_from(["2026-01", "2026-02"]), st.floats(0, 1))
def test_sample_is_reproducible_and_monotone_in_rate(
    entry_id: str, period: str, rate: float
) -> None:
    chosen = in_sample(entry_id, period, KEY, rate)
    assert chosen == in_sample(entry_id, period, KEY, rate)
    if chosen:
        assert in_sample(entry_id, period, KEY, min(1.0, rate + 0.1))


def test_sample_is_near_its_rate_and_depends_on_the_key() -> None:
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(20_000)]
    one = {i for i in ids if in_sample(i, "2026-03", KEY, 0.01)}
    other_key = {i for i in ids if in_sample(i, "2026-03", b"another key", 0.01)}
    other_month = {i for i in ids if in_sample(i, "2026-04", KEY, 0.01)}
    assert 140 <= len(one) <= 260
    assert len(one & other_key) < len(one) / 4
    assert len(one & other_month) < len(one) / 4


accesses = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C"]),
        st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 1, 10)),
        st.sampled_from([PATIENT, OTHER, "189001039800"]),
    ),
    max_size=40,
)


@given(accesses)
def test_daily_volumes_count_distinct_patients(rows: list[tuple[str, date, str]]) -> None:
    volumes = daily_volumes(rows)
    for (actor, day), count in volumes.items():
        assert count == len({p for a, d, p in rows if (a, d) == (actor, day)})
    assert set(volumes) == {(a, d) for a, d, _ in rows}


@given(accesses)
def test_usual_volume_is_the_median_of_the_other_days(rows: list[tuple[str, date, str]]) -> None:
    volumes = daily_volumes(rows)
    usual = usual_volumes(volumes)
    for (actor, day), count in volumes.items():
        others = [c for (a, d), c in volumes.items() if a == actor and d != day]
        if others:
            assert usual[(actor, day)] == statistics.median(others)
        else:
            assert (actor, day) not in usual
        assert count >= 1


def naive_volume(day: int, usual: float | None, rules: Rules) -> bool:
    if day > rules.volume_ceiling:
        return True
    if usual is None or day < rules.volume_floor:
        return False
    return day > rules.volume_factor * usual


@given(
    st.integers(0, 200),
    st.none() | st.floats(0, 100),
    st.integers(1, 20),
    st.floats(1, 5),
    st.integers(20, 100),
)
def test_unusual_volume_against_reference(
    day: int, usual: float | None, floor: int, factor: float, ceiling: int
) -> None:
    rules = Rules(volume_floor=floor, volume_factor=factor, volume_ceiling=ceiling)
    facts = EntryFacts(day_patients=day, usual_day_patients=usual)
    assert unusual_volume(facts, rules) == naive_volume(day, usual, rules)


reasons = st.sampled_from(
    [
        "care_relation",
        "care_role_lookup",
        "consent",
        "emergency_access",
        "emergency_access_opened",
        "no_care_relation",
        "blocked",
        "no_consent",
    ]
)
UNGROUNDED = {"care_role_lookup", "blocked", "no_care_relation", "no_consent"}
maybe_names = st.none() | st.sampled_from(["Holm", "Berg", "Lind-Holm"])
maybe_addresses = st.none() | st.sampled_from([HOME, Address.of("Kyrkvägen 2", "11122")])


@given(
    reasons,
    st.sampled_from(["allowed", "denied"]),
    st.none() | st.sampled_from([PATIENT, OTHER]),
    maybe_names,
    maybe_names,
    maybe_addresses,
    maybe_addresses,
    st.booleans(),
    st.none() | st.booleans(),
    st.integers(0, 60),
)
def test_triggers_against_reference(
    reason: str,
    outcome: str,
    number: str | None,
    staff_name: str | None,
    patient_name: str | None,
    staff_home: Address | None,
    patient_home: Address | None,
    protected: bool,
    had_relation: bool | None,
    day: int,
) -> None:
    entry = replace(ENTRY, reason=reason, outcome=outcome, recorded_at=ENTRY.recorded_at)
    facts = EntryFacts(
        staff_surname=staff_name,
        staff_person_number=number,
        staff_address=staff_home,
        patient_surname=patient_name,
        patient_address=patient_home,
        patient_protected=protected,
        had_relation=had_relation,
        day_patients=day,
    )
    own = number == PATIENT
    expected = set()
    if reason.startswith("emergency_access"):
        expected.add(Trigger.EMERGENCY_ACCESS)
    if (outcome == "denied" and reason == "no_care_relation") or (
        # Any allowed ground but a relation, consent or emergency access needed no relation.
        outcome == "allowed" and reason in UNGROUNDED and had_relation is False
    ):
        expected.add(Trigger.NO_RELATION)
    if own:
        expected.add(Trigger.OWN_RECORD)
    if not own and staff_name and patient_name and "Holm" in staff_name and "Holm" in patient_name:
        expected.add(Trigger.SAME_SURNAME)
    if not own and staff_name and patient_name and staff_name == patient_name:
        expected.add(Trigger.SAME_SURNAME)
    if not own and staff_home is not None and staff_home == patient_home:
        expected.add(Trigger.SAME_ADDRESS)
    if protected:
        expected.add(Trigger.PROTECTED_IDENTITY)
    if day > 40:
        expected.add(Trigger.UNUSUAL_VOLUME)
    assert fire(entry, facts) == expected


def test_triggers_come_in_a_stable_order() -> None:
    facts = EntryFacts(patient_protected=True, day_patients=100, had_relation=False)
    entry = replace(ENTRY, reason="care_role_lookup", recorded_at=ENTRY.recorded_at + timedelta(0))
    assert triggers_for(entry, facts, sample_key=KEY) == (
        Trigger.NO_RELATION,
        Trigger.PROTECTED_IDENTITY,
        Trigger.UNUSUAL_VOLUME,
    )
