"""The pure sharing rules: blocks, consent coverage and the order of the grounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from samvard.sharing.models import ConsentBasis
from samvard.sharing.policy import Ground, covers, ground_for, is_blocked
from samvard.sharing.schemas import BlockView, ConsentView, EmergencyView, SharingState

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
GIVERS = ["SE2321000016-VG", "SE2120001801-VG", "SE5565594230-VG"]
UNITS = ["U1", "U2", None]
SETS = ["record.medication", "record.note", "record.social_care"]


def _consent(**kw: object) -> ConsentView:
    values: dict[str, object] = {
        "accessor_hsaid": None,
        "info_sets": None,
        "basis": ConsentBasis.PATIENT,
        "valid_from": NOW - timedelta(days=1),
        "valid_until": None,
    }
    values.update(kw)
    return ConsentView(**values)  # type: ignore[arg-type]


def test_a_care_giver_block_keeps_records_inside_the_care_giver() -> None:
    state = SharingState(person_id="x", as_of=NOW, blocks=(BlockView(care_giver_hsaid="A"),))
    assert is_blocked(
        state, source_care_giver="A", source_unit="A1", reader_care_giver="B", reader_unit="B1"
    )
    assert not is_blocked(
        state, source_care_giver="A", source_unit="A1", reader_care_giver="A", reader_unit="A2"
    )
    assert not is_blocked(
        state, source_care_giver="B", source_unit="B1", reader_care_giver="C", reader_unit="C1"
    )


def test_a_unit_block_keeps_records_inside_the_unit() -> None:
    state = SharingState(
        person_id="x", as_of=NOW, blocks=(BlockView(care_giver_hsaid="A", unit_hsaid="A1"),)
    )
    assert is_blocked(
        state, source_care_giver="A", source_unit="A1", reader_care_giver="A", reader_unit="A2"
    )
    assert is_blocked(
        state, source_care_giver="A", source_unit="A1", reader_care_giver="B", reader_unit="B1"
    )
    assert not is_blocked(
        state, source_care_giver="A", source_unit="A1", reader_care_giver="A", reader_unit="A1"
    )
    assert not is_blocked(
        state, source_care_giver="A", source_unit="A2", reader_care_giver="B", reader_unit="B1"
    )


def test_consent_coverage_respects_period_accessor_and_sets() -> None:
    assert covers(_consent(), reader_care_giver="B", info_set="record.note", now=NOW)
    assert not covers(
        _consent(valid_from=NOW + timedelta(seconds=1)),
        reader_care_giver="B",
        info_set="record.note",
        now=NOW,
    )
    assert not covers(
        _consent(valid_until=NOW), reader_care_giver="B", info_set="record.note", now=NOW
    )
    assert not covers(
        _consent(accessor_hsaid="C"), reader_care_giver="B", info_set="record.note", now=NOW
    )
    narrow = _consent(info_sets=frozenset({"record.medication"}))
    assert covers(narrow, reader_care_giver="B", info_set="record.medication", now=NOW)
    assert not covers(narrow, reader_care_giver="B", info_set="record.note", now=NOW)


def test_emergency_access_counts_for_health_care_and_its_owner_only() -> None:
    state = SharingState(
        person_id="x",
        as_of=NOW,
        emergencies=(
            EmergencyView(
                staff_hsaid="S1", care_giver_hsaid="B", expires_at=NOW + timedelta(hours=1)
            ),
        ),
    )
    common = {"reader_care_giver": "B", "info_set": "record.note", "now": NOW}
    assert (
        ground_for(state, reader_staff="S1", reader_is_health_care=True, **common)
        is Ground.EMERGENCY_ACCESS
    )  # type: ignore[arg-type]
    assert ground_for(state, reader_staff="S1", reader_is_health_care=False, **common) is None  # type: ignore[arg-type]
    assert ground_for(state, reader_staff="S2", reader_is_health_care=True, **common) is None  # type: ignore[arg-type]
    later = {**common, "now": NOW + timedelta(hours=2)}
    assert ground_for(state, reader_staff="S1", reader_is_health_care=True, **later) is None  # type: ignore[arg-type]


consents = st.builds(
    _consent,
    accessor_hsaid=st.sampled_from([None, *GIVERS]),
    info_sets=st.one_of(st.none(), st.frozensets(st.sampled_from(SETS), min_size=1)),
    basis=st.sampled_from(ConsentBasis),
    valid_from=st.sampled_from([NOW - timedelta(days=1), NOW + timedelta(days=1)]),
    valid_until=st.sampled_from([None, NOW - timedelta(hours=1), NOW + timedelta(hours=1)]),
)
emergencies = st.builds(
    EmergencyView,
    staff_hsaid=st.sampled_from(["S1", "S2"]),
    care_giver_hsaid=st.sampled_from(GIVERS),
    expires_at=st.sampled_from([NOW - timedelta(minutes=1), NOW + timedelta(hours=1)]),
)
states = st.builds(
    SharingState,
    person_id=st.just("193804037483"),
    as_of=st.just(NOW),
    consents=st.lists(consents, max_size=3).map(tuple),
    blocks=st.lists(
        st.builds(
            BlockView, care_giver_hsaid=st.sampled_from(GIVERS), unit_hsaid=st.sampled_from(UNITS)
        ),
        max_size=2,
    ).map(tuple),
    emergencies=st.lists(emergencies, max_size=2).map(tuple),
    child_without_capacity=st.booleans(),
)


def _naive_ground(
    state: SharingState, giver: str, staff: str, health: bool, info: str
) -> str | None:
    """A flat restatement: list every ground that holds, then take the first by rank."""
    holding = []
    for c in state.consents:
        started = c.valid_from <= NOW
        not_ended = c.valid_until is None or c.valid_until > NOW
        for_me = c.accessor_hsaid in (None, giver)
        for_set = c.info_sets is None or info in c.info_sets
        if started and not_ended and for_me and for_set:
            holding.append("consent" if c.basis == ConsentBasis.PATIENT else "presumed_consent")
    if state.child_without_capacity:
        holding.append("child_without_capacity")
    for e in state.emergencies:
        if health and e.staff_hsaid == staff and e.care_giver_hsaid == giver and e.expires_at > NOW:
            holding.append("emergency_access")
    rank = ["consent", "presumed_consent", "child_without_capacity", "emergency_access"]
    return min(holding, key=rank.index) if holding else None


@given(
    states,
    st.sampled_from(GIVERS),
    st.sampled_from(["S1", "S2"]),
    st.booleans(),
    st.sampled_from(SETS),
)
def test_ground_agrees_with_the_naive_reference(
    state: SharingState, giver: str, staff: str, health: bool, info: str
) -> None:
    ground = ground_for(
        state,
        reader_care_giver=giver,
        reader_staff=staff,
        reader_is_health_care=health,
        info_set=info,
        now=NOW,
    )
    assert (ground.value if ground else None) == _naive_ground(state, giver, staff, health, info)


@given(states)
def test_sharing_state_survives_its_json_form(state: SharingState) -> None:
    assert SharingState.from_json(state.to_json()) == state
