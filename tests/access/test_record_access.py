"""Coordinated documentation through the one policy hook, on both databases.

The story of the issue: the health centre and the municipality's home care both care
for the same elderly patient; consent opens, a block closes, revocation stops at once,
emergency access is health care's alone, and every attempt is logged with its source.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied, check
from samvard.access.schemas import AccessRequest, Actor, InfoSet, Purpose
from samvard.core.audit import AuditEntry
from samvard.core.db import utcnow
from samvard.demo import personas
from samvard.identity.models import Person
from samvard.records import actions as records
from samvard.records.models import RecordKind
from samvard.records.schemas import NewRecord
from samvard.sharing import actions as sharing
from samvard.sharing.actions import SharingError
from samvard.sharing.queries import get_sharing_state, list_consents
from tests.support.actors import citizen_actor, person_by_id, staff_actor, unit_by_hsaid

REGION = f"{personas.STOCKHOLM_REGION}-VG"
MUNICIPALITY = f"{personas.STOCKHOLM_MUNICIPALITY}-VG"


def _read(session: Session, actor: Actor, patient: Person, kind: RecordKind, source: str) -> str:
    purpose = (
        Purpose.SOCIAL_CARE if actor.role and actor.role.value == "care_staff" else Purpose.CARE
    )
    request = AccessRequest(
        actor=actor,
        info=InfoSet.for_record(kind),
        purpose=purpose,
        patient_pk=patient.id,
        source_hsaid=source,
    )
    try:
        return check(session, request).reason
    except AccessDenied as denied:
        return f"denied:{denied.decision.reason}"


def _elder_without_consents(session: Session) -> Person:
    """The demo's elderly patient, with the demo's consents withdrawn (rolled back after)."""
    elder = person_by_id(session, personas.ELDER.person_id)
    for consent in list_consents(session, elder):
        if consent.revoked_at is None:
            sharing.revoke_consent(
                session, actor=citizen_actor(elder), patient=elder, consent_id=consent.id
            )
    return elder


def _medication(session: Session, patient: Person) -> None:
    nurse = staff_actor(session, personas.NURSE)
    records.write(
        session,
        actor=nurse,
        purpose=Purpose.CARE,
        patient=patient,
        unit=unit_by_hsaid(session, personas.VARDCENTRAL_UNIT),
        new=NewRecord(
            kind=RecordKind.MEDICATION,
            title="Waran",
            occurred_on=date(2026, 10, 1),
            details={
                "name": "Waran 2,5 mg",
                "atc": "B01AA03",
                "dosage": "1 x 1",
                "started_on": "2026-10-01",
            },
        ),
        node_id="test",
    )


def test_consent_opens_block_closes_revocation_stops(world_session: Session) -> None:
    elder = _elder_without_consents(world_session)
    _medication(world_session, elder)
    carer = staff_actor(world_session, personas.CARE_STAFF)
    me = citizen_actor(elder)
    med = RecordKind.MEDICATION

    assert _read(world_session, carer, elder, med, REGION) == "denied:no_consent"
    consent = sharing.grant_consent(
        world_session, actor=me, patient=elder, accessor_hsaid=MUNICIPALITY
    )
    assert _read(world_session, carer, elder, med, REGION) == "consent"

    block = sharing.set_block(world_session, actor=me, patient=elder, care_giver_hsaid=REGION)
    assert _read(world_session, carer, elder, med, REGION) == "denied:blocked"
    # The region's own staff are not stopped by a block that keeps records inside it.
    nurse = staff_actor(world_session, personas.NURSE)
    assert _read(world_session, nurse, elder, med, REGION) == "care_relation"

    sharing.lift_block(world_session, actor=me, patient=elder, block_id=block.id)
    assert _read(world_session, carer, elder, med, REGION) == "consent"
    sharing.revoke_consent(world_session, actor=me, patient=elder, consent_id=consent.id)
    assert _read(world_session, carer, elder, med, REGION) == "denied:no_consent"

    logged = world_session.scalars(
        select(AuditEntry)
        .where(AuditEntry.patient_id == elder.person_id, AuditEntry.actor_id == carer.id)
        .order_by(AuditEntry.seq)
    ).all()
    reads = [(e.outcome, e.reason, e.source_hsaid) for e in logged if e.action == "read"]
    assert reads[-5:] == [
        ("denied", "no_consent", REGION),
        ("allowed", "consent", REGION),
        ("denied", "blocked", REGION),
        ("allowed", "consent", REGION),
        ("denied", "no_consent", REGION),
    ]


def test_consent_to_another_organisation_or_set_does_not_count(world_session: Session) -> None:
    elder = _elder_without_consents(world_session)
    carer = staff_actor(world_session, personas.CARE_STAFF)
    me = citizen_actor(elder)
    sharing.grant_consent(
        world_session, actor=me, patient=elder, accessor_hsaid="SE2321000016-XXXX"
    )
    sharing.grant_consent(
        world_session,
        actor=me,
        patient=elder,
        accessor_hsaid=MUNICIPALITY,
        info_sets=[InfoSet.RECORD_DIAGNOSIS],
    )
    assert _read(world_session, carer, elder, RecordKind.MEDICATION, REGION) == "denied:no_consent"
    assert _read(world_session, carer, elder, RecordKind.DIAGNOSIS, REGION) == "consent"


def test_emergency_access_is_health_care_only_and_a_block_beats_it(world_session: Session) -> None:
    elder = _elder_without_consents(world_session)
    carer = staff_actor(world_session, personas.CARE_STAFF)
    nurse = staff_actor(world_session, personas.NURSE)
    note = RecordKind.NOTE

    with pytest.raises(AccessDenied) as refused:
        sharing.open_emergency_access(
            world_session, actor=carer, patient=elder, reason="Akut försämring i hemmet"
        )
    assert refused.value.decision.reason == "no_emergency_access"
    with pytest.raises(SharingError):
        sharing.open_emergency_access(world_session, actor=nurse, patient=elder, reason="kort")

    assert _read(world_session, nurse, elder, note, MUNICIPALITY) == "denied:no_consent"
    opened = sharing.open_emergency_access(
        world_session, actor=nurse, patient=elder, reason="Medvetslös, anhöriga nås inte"
    )
    assert opened.expires_at > utcnow()
    assert _read(world_session, nurse, elder, note, MUNICIPALITY) == "emergency_access"
    sharing.set_block(
        world_session, actor=citizen_actor(elder), patient=elder, care_giver_hsaid=MUNICIPALITY
    )
    assert _read(world_session, nurse, elder, note, MUNICIPALITY) == "denied:blocked"


def test_only_the_patient_blocks_and_revokes(world_session: Session) -> None:
    elder = _elder_without_consents(world_session)
    nurse = staff_actor(world_session, personas.NURSE)
    with pytest.raises(SharingError):
        sharing.set_block(world_session, actor=nurse, patient=elder, care_giver_hsaid=MUNICIPALITY)
    other = person_by_id(world_session, personas.CITIZEN.person_id)
    with pytest.raises(AccessDenied):
        sharing.set_block(
            world_session, actor=citizen_actor(other), patient=elder, care_giver_hsaid=REGION
        )


def test_children_under_the_consent_age_need_no_consent(world_session: Session) -> None:
    child = person_by_id(world_session, personas.CHILD.person_id)
    elder = _elder_without_consents(world_session)
    assert get_sharing_state(world_session, child, now=utcnow()).child_without_capacity
    assert not get_sharing_state(world_session, elder, now=utcnow()).child_without_capacity


def test_presumed_consent_needs_staff_and_a_reason(world_session: Session) -> None:
    elder = _elder_without_consents(world_session)
    carer = staff_actor(world_session, personas.CARE_STAFF)
    from samvard.sharing.models import ConsentBasis

    with pytest.raises(SharingError):
        sharing.grant_consent(
            world_session,
            actor=citizen_actor(elder),
            patient=elder,
            accessor_hsaid=None,
            basis=ConsentBasis.PRESUMED,
            reason="Kan inte ta ställning",
        )
    with pytest.raises(SharingError):
        sharing.grant_consent(
            world_session,
            actor=carer,
            patient=elder,
            accessor_hsaid=MUNICIPALITY,
            basis=ConsentBasis.PRESUMED,
            reason="",
            purpose=Purpose.SOCIAL_CARE,
        )
    sharing.grant_consent(
        world_session,
        actor=carer,
        patient=elder,
        accessor_hsaid=MUNICIPALITY,
        basis=ConsentBasis.PRESUMED,
        reason="Långt framskriden demenssjukdom",
        purpose=Purpose.SOCIAL_CARE,
    )
    assert _read(world_session, carer, elder, RecordKind.LAB, REGION) == "presumed_consent"
