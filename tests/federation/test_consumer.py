"""The consumer on a single node: every source decided and logged here, answered in-process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from samvard.access.guard import AccessDenied
from samvard.access.schemas import Purpose
from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.federation import consumer
from samvard.federation.demo_seed import REGION_CARE_GIVER
from samvard.federation.schemas import SourceStatus
from samvard.records.actions import write
from samvard.records.models import RecordKind
from samvard.records.schemas import NewRecord
from samvard.sharing.actions import grant_consent, revoke_consent, set_block
from samvard.sharing.queries import list_consents
from tests.conftest import Database, make_settings
from tests.support.actors import citizen_actor, person_by_id, staff_actor, unit_by_hsaid
from tests.support.world_state import preserved_sharing

pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def _restore_world(world: Database) -> Iterator[None]:
    # These tests commit; the PostgreSQL demo world is shared with every other test.
    with preserved_sharing(world.engine):
        yield


KIND = RecordKind.MEDICATION
TITLE = "Testmedicin för konsumenten"


def _prepare(world: Database, *, consent: bool, block: bool = False) -> None:
    with world.sessions.begin() as session:
        elder = person_by_id(session, personas.ELDER.person_id)
        new = NewRecord(
            kind=KIND,
            title=TITLE,
            occurred_on=date(2026, 1, 2),
            details={"name": "Furosemid 40 mg", "dosage": "1 dagligen", "started_on": "2026-01-02"},
        )
        write(
            session,
            actor=staff_actor(session, personas.NURSE),
            purpose=Purpose.CARE,
            patient=elder,
            unit=unit_by_hsaid(session, personas.VARDCENTRAL_UNIT),
            new=new,
            node_id="samvard",
        )
        me = citizen_actor(elder)
        for existing in list_consents(session, elder):
            if existing.revoked_at is None:
                revoke_consent(session, actor=me, patient=elder, consent_id=existing.id)
        if consent:
            grant_consent(session, actor=me, patient=elder, accessor_hsaid=None)
        if block:
            set_block(session, actor=me, patient=elder, care_giver_hsaid=REGION_CARE_GIVER)


def _fetch(
    world: Database,
    persona: personas.StaffPersona = personas.CARE_STAFF,
    patient: str = personas.ELDER.person_id,
    only: str | None = None,
):  # type: ignore[no-untyped-def]
    with world.sessions.begin() as session:
        actor = staff_actor(session, persona)
        purpose = Purpose.SOCIAL_CARE if persona is personas.CARE_STAFF else Purpose.CARE
        answer = consumer.fetch(
            session,
            actor=actor,
            purpose=purpose,
            patient=person_by_id(session, patient),
            kind=KIND,
            only_source=only,
            settings=make_settings(world.url),
        )
    return answer, {s.care_giver_hsaid: s for s in answer.sources}


def _entries(world: Database, action: str) -> list[AuditEntry]:
    with world.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == action,
                    AuditEntry.resource == "record.medication",
                    AuditEntry.source_hsaid == REGION_CARE_GIVER,
                )
            )
        )


def test_with_consent_the_region_answers_and_both_sides_log(world: Database) -> None:
    _prepare(world, consent=True)
    answer, sources = _fetch(world)
    region = sources[REGION_CARE_GIVER]
    assert region.status is SourceStatus.ANSWERED
    assert TITLE in [e.title for e in region.entries]
    assert all(e.care_giver_hsaid == REGION_CARE_GIVER for e in region.entries)
    assert answer.complete
    assert [e.outcome for e in _entries(world, "read")][-1:] == ["allowed"]
    assert [e.outcome for e in _entries(world, "disclose")][-1:] == ["allowed"]


def test_without_consent_the_source_is_denied_and_never_asked(world: Database) -> None:
    _prepare(world, consent=False)
    disclosed_before = len(_entries(world, "disclose"))
    _, sources = _fetch(world)
    region = sources[REGION_CARE_GIVER]
    assert (region.status, region.code) == (SourceStatus.DENIED, "no_consent")
    assert region.entries == () and region.text
    assert len(_entries(world, "disclose")) == disclosed_before
    assert _entries(world, "read")[-1].reason == "no_consent"


def test_a_block_shows_that_information_exists_never_its_content(world: Database) -> None:
    _prepare(world, consent=True, block=True)
    _, sources = _fetch(world)
    region = sources[REGION_CARE_GIVER]
    assert region.status is SourceStatus.BLOCKED
    assert region.entries == ()
    assert region.care_giver_name  # from whom: named


def test_the_own_care_giver_is_included(world: Database) -> None:
    _prepare(world, consent=False)
    _, sources = _fetch(world, persona=personas.NURSE)
    assert sources[REGION_CARE_GIVER].status is SourceStatus.ANSWERED


def test_only_source_asks_one_source(world: Database) -> None:
    _prepare(world, consent=True)
    _, sources = _fetch(world, only=REGION_CARE_GIVER)
    assert list(sources) == [REGION_CARE_GIVER]
    _, none = _fetch(world, only="SE0000000000-VG")
    assert none == {}


def test_no_relation_is_refused_before_anyone_is_asked(world: Database) -> None:
    _prepare(world, consent=True)
    with pytest.raises(AccessDenied) as denied:
        _fetch(world, patient=personas.CITIZEN.person_id)
    assert denied.value.decision.reason == "no_care_relation"
