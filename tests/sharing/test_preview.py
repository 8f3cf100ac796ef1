"""The citizen's "who could see what" preview: the pure sharing rules over a whole situation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samvard.access.schemas import InfoSet
from samvard.records.models import RecordKind
from samvard.sharing import preview as pv
from samvard.sharing.models import ConsentBasis
from samvard.sharing.policy import Ground
from samvard.sharing.schemas import BlockView, ConsentView, EmergencyView, SharingState

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
REGION, TOWN, CLINIC = "SE2321000016-VG", "SE2120001801-VG", "SE5565594230-VG"
HEALTH_CENTRE, HOSPITAL = "SE2321000016-E0005", "SE2321000016-E0002"
HOME_CARE = "SE2120001801-E0001"

READ_REGION = pv.Reader(care_giver_hsaid=REGION, health_care=True, has_relation=True)
READ_TOWN = pv.Reader(care_giver_hsaid=TOWN, health_care=False, has_relation=True)
READ_CLINIC = pv.Reader(care_giver_hsaid=CLINIC, health_care=True, has_relation=False)
MEDS = pv.Holding(care_giver_hsaid=REGION, unit_hsaid=HEALTH_CENTRE, info_set=RecordKind.MEDICATION)
NOTES = pv.Holding(care_giver_hsaid=REGION, unit_hsaid=HOSPITAL, info_set=RecordKind.NOTE)
HOME = pv.Holding(care_giver_hsaid=TOWN, unit_hsaid=HOME_CARE, info_set=RecordKind.SOCIAL_CARE)


def consent(
    accessor: str | None = None,
    sets: set[RecordKind] | None = None,
    basis: ConsentBasis = ConsentBasis.PATIENT,
    **kw: datetime | None,
) -> ConsentView:
    return ConsentView(
        accessor_hsaid=accessor,
        info_sets=frozenset(InfoSet.for_record(k).value for k in sets) if sets else None,
        basis=basis,
        valid_from=kw.get("valid_from") or NOW - timedelta(days=1),
        valid_until=kw.get("valid_until"),
    )


def state(**kw: object) -> SharingState:
    return SharingState(person_id="193804037483", as_of=NOW, **kw)  # type: ignore[arg-type]


V, B, C, R = (
    pv.Visibility.VISIBLE,
    pv.Visibility.BLOCKED,
    pv.Visibility.NO_CONSENT,
    pv.Visibility.NO_RELATION,
)
CASES = [
    # (why, state, reader, holding, visibility, ground)
    ("nothing given", state(), READ_TOWN, MEDS, C, None),
    ("consent to all", state(consents=(consent(),)), READ_TOWN, MEDS, V, Ground.CONSENT),
    ("consent to the reader", state(consents=(consent(TOWN),)), READ_TOWN, MEDS, V, Ground.CONSENT),
    ("consent to someone else", state(consents=(consent(CLINIC),)), READ_TOWN, MEDS, C, None),
    (
        "consent to other sets",
        state(consents=(consent(sets={RecordKind.NOTE}),)),
        READ_TOWN,
        MEDS,
        C,
        None,
    ),
    (
        "consent to this set",
        state(consents=(consent(sets={RecordKind.MEDICATION}),)),
        READ_TOWN,
        MEDS,
        V,
        Ground.CONSENT,
    ),
    (
        "consent not yet begun",
        state(consents=(consent(valid_from=NOW + timedelta(days=1)),)),
        READ_TOWN,
        MEDS,
        C,
        None,
    ),
    (
        "consent ended",
        state(consents=(consent(valid_until=NOW),)),
        READ_TOWN,
        MEDS,
        C,
        None,
    ),
    (
        "presumed consent",
        state(consents=(consent(basis=ConsentBasis.PRESUMED),)),
        READ_TOWN,
        MEDS,
        V,
        Ground.PRESUMED_CONSENT,
    ),
    (
        "child",
        state(child_without_capacity=True),
        READ_TOWN,
        MEDS,
        V,
        Ground.CHILD_WITHOUT_CAPACITY,
    ),
    (
        "care-giver block beats consent",
        state(consents=(consent(),), blocks=(BlockView(care_giver_hsaid=REGION),)),
        READ_TOWN,
        MEDS,
        B,
        None,
    ),
    (
        "unit block covers that unit",
        state(
            consents=(consent(),),
            blocks=(BlockView(care_giver_hsaid=REGION, unit_hsaid=HEALTH_CENTRE),),
        ),
        READ_TOWN,
        MEDS,
        B,
        None,
    ),
    (
        "unit block leaves other units",
        state(
            consents=(consent(),),
            blocks=(BlockView(care_giver_hsaid=REGION, unit_hsaid=HEALTH_CENTRE),),
        ),
        READ_TOWN,
        NOTES,
        V,
        Ground.CONSENT,
    ),
    (
        "block beats the child rule",
        state(child_without_capacity=True, blocks=(BlockView(care_giver_hsaid=REGION),)),
        READ_TOWN,
        MEDS,
        B,
        None,
    ),
    ("no relation, whatever the consent", state(consents=(consent(),)), READ_CLINIC, MEDS, R, None),
    (
        "social care shared with health care",
        state(consents=(consent(REGION),)),
        READ_REGION,
        HOME,
        V,
        Ground.CONSENT,
    ),
]


@pytest.mark.parametrize(
    ("why", "given_state", "reader", "holding", "visibility", "ground"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_what_a_reader_meets(
    why: str,
    given_state: SharingState,
    reader: pv.Reader,
    holding: pv.Holding,
    visibility: pv.Visibility,
    ground: Ground | None,
) -> None:
    seen = pv.see(given_state, reader, holding, now=NOW)
    assert (seen.visibility, seen.ground) == (visibility, ground)


def test_emergency_access_is_possible_only_for_health_care_and_not_past_a_block() -> None:
    assert pv.see(state(), READ_REGION, HOME, now=NOW).emergency_possible
    assert not pv.see(state(), READ_TOWN, MEDS, now=NOW).emergency_possible
    blocked = state(blocks=(BlockView(care_giver_hsaid=TOWN),))
    assert not pv.see(blocked, READ_REGION, HOME, now=NOW).emergency_possible


def test_one_member_of_staffs_emergency_access_is_not_the_organisations() -> None:
    open_access = EmergencyView(
        staff_hsaid="SE2321000016-P0002",
        care_giver_hsaid=REGION,
        expires_at=NOW + timedelta(hours=1),
    )
    seen = pv.see(state(emergencies=(open_access,)), READ_REGION, HOME, now=NOW)
    assert seen.visibility is C


def test_preview_leaves_out_the_readers_own_records() -> None:
    views = pv.preview(
        state(consents=(consent(),)), [READ_REGION, READ_TOWN], [MEDS, HOME], now=NOW
    )
    region, town = views
    assert [s.holding for s in region.sources] == [HOME]
    assert [s.holding for s in town.sources] == [MEDS]
    assert town.having(V) == town.sources


def test_a_pending_block_shows_what_the_reader_would_lose() -> None:
    now_state = state(consents=(consent(),))
    before = pv.preview(now_state, [READ_REGION, READ_TOWN], [MEDS, NOTES, HOME], now=NOW)
    after_state = pv.with_block(now_state, care_giver_hsaid=REGION, unit_hsaid=HEALTH_CENTRE)
    after = pv.preview(after_state, [READ_REGION, READ_TOWN], [MEDS, NOTES, HOME], now=NOW)
    assert pv.changes(before, after) == (
        pv.Change(reader=READ_TOWN, holding=MEDS, before=V, after=B),
    )
    lifted = pv.without_block(after_state, care_giver_hsaid=REGION, unit_hsaid=HEALTH_CENTRE)
    assert lifted == now_state


def test_a_pending_consent_shows_what_the_reader_would_gain() -> None:
    before = pv.preview(state(), [READ_REGION, READ_TOWN], [MEDS, HOME], now=NOW)
    after = pv.preview(
        pv.with_consent(state(), consent(TOWN)), [READ_REGION, READ_TOWN], [MEDS, HOME], now=NOW
    )
    assert pv.changes(before, after) == (
        pv.Change(reader=READ_TOWN, holding=MEDS, before=C, after=V),
    )


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "revoked_at", "status"),
    [
        (NOW - timedelta(days=1), None, None, pv.ConsentStatus.ACTIVE),
        (NOW, NOW + timedelta(seconds=1), None, pv.ConsentStatus.ACTIVE),
        (NOW + timedelta(days=1), None, None, pv.ConsentStatus.FUTURE),
        (NOW - timedelta(days=2), NOW, None, pv.ConsentStatus.EXPIRED),
        (NOW - timedelta(days=2), None, NOW, pv.ConsentStatus.REVOKED),
        (NOW - timedelta(days=2), NOW - timedelta(days=1), NOW, pv.ConsentStatus.REVOKED),
    ],
)
def test_consent_status(
    valid_from: datetime,
    valid_until: datetime | None,
    revoked_at: datetime | None,
    status: pv.ConsentStatus,
) -> None:
    found = pv.consent_status(
        valid_from=valid_from, valid_until=valid_until, revoked_at=revoked_at, now=NOW
    )
    assert found is status


GIVERS = [REGION, TOWN, CLINIC]
holdings_st = st.builds(
    pv.Holding,
    care_giver_hsaid=st.sampled_from(GIVERS),
    unit_hsaid=st.sampled_from([HEALTH_CENTRE, HOSPITAL, HOME_CARE]),
    info_set=st.sampled_from(list(RecordKind)),
)
readers_st = st.builds(
    pv.Reader,
    care_giver_hsaid=st.sampled_from(GIVERS),
    health_care=st.booleans(),
    has_relation=st.booleans(),
)


@given(
    reader=readers_st,
    holding=holdings_st,
    blocked_giver=st.sampled_from(GIVERS),
    with_consent=st.booleans(),
    child=st.booleans(),
)
def test_a_block_on_the_source_is_never_seen_through(
    reader: pv.Reader, holding: pv.Holding, blocked_giver: str, with_consent: bool, child: bool
) -> None:
    given_state = state(
        consents=(consent(),) if with_consent else (),
        blocks=(BlockView(care_giver_hsaid=blocked_giver),),
        child_without_capacity=child,
    )
    seen = pv.see(given_state, reader, holding, now=NOW)
    if holding.care_giver_hsaid == blocked_giver and reader.care_giver_hsaid != blocked_giver:
        assert seen.visibility in (B, R)
        assert not seen.emergency_possible
    if seen.visibility is V:
        assert reader.has_relation and (with_consent or child)
