"""A citizen's sharing choices: input checks, idempotent actions, and who may make them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied
from samvard.access.schemas import InfoSet
from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.records.models import RecordKind
from samvard.sharing import actions, inputs
from samvard.sharing.actions import SharingError
from samvard.sharing.models import Block, Consent
from samvard.sharing.queries import list_holdings, list_readers
from tests.support.actors import citizen_actor, person_by_id, staff_actor

REGION = f"{personas.STOCKHOLM_REGION}-VG"
MUNICIPALITY = f"{personas.STOCKHOLM_MUNICIPALITY}-VG"


@pytest.fixture
def session(world_session: Session) -> Session:
    """The shared world, rolled back after the test (see conftest)."""
    return world_session


# --- Input checks (no database) ---


def test_information_sets_by_name() -> None:
    assert inputs.parse_info_sets(None) is None
    assert inputs.parse_info_sets([k.value for k in RecordKind]) is None
    assert inputs.parse_info_sets(["medication", "note", "medication"]) == [
        InfoSet.RECORD_MEDICATION,
        InfoSet.RECORD_NOTE,
    ]
    with pytest.raises(SharingError, match="minst en") as empty:
        inputs.parse_info_sets([])
    assert empty.value.field == "info_sets"
    with pytest.raises(SharingError, match="Okänd sorts uppgifter"):
        inputs.parse_info_sets(["medication", "record.medication"])


def test_end_dates_are_inclusive_swedish_days_not_in_the_past() -> None:
    today = inputs.today_in_sweden()
    assert inputs.parse_end_date("  ") is None
    assert inputs.parse_end_date("2030-01-31") is not None
    with pytest.raises(SharingError, match="ÅÅÅÅ-MM-DD"):
        inputs.parse_end_date("31/1 2030")
    until = inputs.end_of_day(today)
    assert until is not None
    assert until.astimezone(inputs.SWEDEN).date() == today + timedelta(days=1)
    with pytest.raises(SharingError, match="redan passerat") as past:
        inputs.end_of_day(today - timedelta(days=1))
    assert past.value.field == "valid_until"
    with pytest.raises(SharingError, match="högst 10 år"):
        inputs.end_of_day(today + timedelta(days=365 * 10 + 1))
    assert inputs.end_of_day(None) is None


# --- Checks against the directory ---


def test_accessor_must_be_a_known_care_giver(session: Session) -> None:
    assert inputs.resolve_accessor(session, "alla") is None
    assert inputs.resolve_accessor(session, None) is None
    assert inputs.resolve_accessor(session, f" {REGION} ") == REGION
    with pytest.raises(SharingError, match="ingen vård- eller omsorgsgivare") as unknown:
        inputs.resolve_accessor(session, "SE0000000000-VG")
    assert unknown.value.field == "accessor"


def test_block_target_unit_must_belong_to_the_care_giver(session: Session) -> None:
    assert inputs.resolve_block_target(session, REGION, None) == (REGION, None)
    assert inputs.resolve_block_target(session, REGION, personas.VARDCENTRAL_UNIT) == (
        REGION,
        personas.VARDCENTRAL_UNIT,
    )
    with pytest.raises(SharingError) as foreign:
        inputs.resolve_block_target(session, MUNICIPALITY, personas.VARDCENTRAL_UNIT)
    assert foreign.value.field == "unit"
    with pytest.raises(SharingError) as unknown:
        inputs.resolve_block_target(session, "SE0000000000-VG", None)
    assert unknown.value.field == "care_giver"


# --- Actions ---


def _count(session: Session, model: type[Consent] | type[Block]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_revoking_and_lifting_twice_changes_nothing_the_second_time(session: Session) -> None:
    person = person_by_id(session, personas.COORDINATION_NUMBER_HOLDER.person_id)
    me = citizen_actor(person)
    consent = actions.grant_consent(session, actor=me, patient=person, accessor_hsaid=None)
    first = actions.revoke_consent(session, actor=me, patient=person, consent_id=consent.id)
    revoked_at = first.revoked_at
    again = actions.revoke_consent(session, actor=me, patient=person, consent_id=consent.id)
    assert again.id == consent.id and again.revoked_at == revoked_at

    block = actions.set_block(session, actor=me, patient=person, care_giver_hsaid=REGION)
    same = actions.set_block(session, actor=me, patient=person, care_giver_hsaid=REGION)
    assert same.id == block.id
    lifted = actions.lift_block(session, actor=me, patient=person, block_id=block.id).lifted_at
    assert lifted is not None
    assert actions.lift_block(session, actor=me, patient=person, block_id=block.id).lifted_at == (
        lifted
    )
    # A new block after lifting is a new line: the history stays readable.
    renewed = actions.set_block(session, actor=me, patient=person, care_giver_hsaid=REGION)
    assert renewed.id != block.id


def test_staff_may_not_block_lift_or_revoke(session: Session) -> None:
    person = person_by_id(session, personas.ELDER.person_id)
    me = citizen_actor(person)
    consent = actions.grant_consent(session, actor=me, patient=person, accessor_hsaid=None)
    block = actions.set_block(session, actor=me, patient=person, care_giver_hsaid=MUNICIPALITY)
    for persona in (personas.NURSE, personas.CARE_STAFF):
        staff = staff_actor(session, persona)
        with pytest.raises(SharingError, match="Endast patienten"):
            actions.set_block(session, actor=staff, patient=person, care_giver_hsaid=REGION)
        with pytest.raises(SharingError, match="Endast patienten"):
            actions.lift_block(session, actor=staff, patient=person, block_id=block.id)
        with pytest.raises(SharingError, match="Endast patienten"):
            actions.revoke_consent(session, actor=staff, patient=person, consent_id=consent.id)
    assert consent.revoked_at is None and block.lifted_at is None


def test_someone_elses_consent_or_block_is_not_found_and_untouched(session: Session) -> None:
    owner = person_by_id(session, personas.ELDER.person_id)
    other = person_by_id(session, personas.CITIZEN.person_id)
    consent = actions.grant_consent(
        session, actor=citizen_actor(owner), patient=owner, accessor_hsaid=None
    )
    block = actions.set_block(
        session, actor=citizen_actor(owner), patient=owner, care_giver_hsaid=REGION
    )
    entries = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(SharingError, match="finns inte"):
        actions.revoke_consent(
            session, actor=citizen_actor(other), patient=other, consent_id=consent.id
        )
    with pytest.raises(SharingError, match="finns inte"):
        actions.lift_block(session, actor=citizen_actor(other), patient=other, block_id=block.id)
    # Acting as oneself on another's record is refused by the policy hook, and logged.
    with pytest.raises(AccessDenied):
        actions.revoke_consent(
            session, actor=citizen_actor(other), patient=owner, consent_id=consent.id
        )
    assert consent.revoked_at is None and block.lifted_at is None
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == (entries or 0) + 1


def test_readers_and_holdings_for_the_preview(session: Session) -> None:
    elder = person_by_id(session, personas.ELDER.person_id)
    actions.index_engagement(
        session,
        person_id=elder.person_id,
        care_giver_hsaid=MUNICIPALITY,
        unit_hsaid=personas.HOME_CARE_UNIT,
        info_set=RecordKind.SOCIAL_CARE,
        node_id="test",
    )
    readers = {r.care_giver_hsaid: r for r in list_readers(session, elder)}
    assert readers[REGION].has_relation and readers[REGION].health_care
    assert readers[MUNICIPALITY].has_relation and not readers[MUNICIPALITY].health_care
    holdings = list_holdings(session, elder)
    assert any(
        h.unit_hsaid == personas.HOME_CARE_UNIT and h.info_set is RecordKind.SOCIAL_CARE
        for h in holdings
    )
