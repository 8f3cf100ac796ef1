"""Writing records: the policy decides first, bad details write nothing, the index learns."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied
from samvard.access.schemas import Purpose
from samvard.demo import personas
from samvard.records.actions import RecordError, write
from samvard.records.models import Record, RecordKind
from samvard.records.schemas import NewRecord
from samvard.sharing.models import Engagement
from tests.support.actors import person_by_id, staff_actor, unit_by_hsaid


def _count(session: Session, model: type[Record] | type[Engagement]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _intervention(group: str) -> NewRecord:
    return NewRecord(
        kind=RecordKind.SOCIAL_CARE,
        title="Hemtjänst",
        occurred_on=date(2026, 9, 1),
        details={
            "intervention": "Hemtjänst, 20 timmar per månad",
            "law": "SoL",
            "target_group": group,
            "decided_on": "2026-09-01",
        },
    )


def test_a_record_is_written_logged_and_indexed(world_session: Session) -> None:
    elder = person_by_id(world_session, personas.ELDER.person_id)
    carer = staff_actor(world_session, personas.CARE_STAFF)
    home_care = unit_by_hsaid(world_session, personas.HOME_CARE_UNIT)
    kw = {"actor": carer, "purpose": Purpose.SOCIAL_CARE, "patient": elder, "unit": home_care}
    shared = write(world_session, new=_intervention("aldre"), node_id="n1", **kw)  # type: ignore[arg-type]
    assert shared.shareable and shared.care_giver_id == home_care.care_giver_id
    kept = write(world_session, new=_intervention("missbruk"), node_id="n1", **kw)  # type: ignore[arg-type]
    assert not kept.shareable

    def lines() -> list[tuple[str, str]]:
        world_session.expire_all()  # the index is upserted in SQL, behind the identity map
        rows = world_session.scalars(
            select(Engagement).where(
                Engagement.person_id == elder.person_id,
                Engagement.info_set == RecordKind.SOCIAL_CARE,
            )
        )
        return [(e.unit_hsaid, e.node_id) for e in rows]

    # One line per unit and information set; the out-of-scope record adds none.
    assert lines() == [(personas.HOME_CARE_UNIT, "n1")]
    write(world_session, new=_intervention("funktionsnedsattning"), node_id="n2", **kw)  # type: ignore[arg-type]
    assert lines() == [(personas.HOME_CARE_UNIT, "n2")]


def test_bad_details_write_nothing_and_say_why_in_swedish(world_session: Session) -> None:
    elder = person_by_id(world_session, personas.ELDER.person_id)
    nurse = staff_actor(world_session, personas.NURSE)
    before = _count(world_session, Record)
    bad = NewRecord(
        kind=RecordKind.DIAGNOSIS,
        title="Högt blodtryck",
        occurred_on=date(2026, 1, 1),
        details={"code": "hypertoni", "text": "Hypertoni"},
    )
    with pytest.raises(RecordError) as error:
        write(
            world_session,
            actor=nurse,
            purpose=Purpose.CARE,
            patient=elder,
            unit=unit_by_hsaid(world_session, personas.VARDCENTRAL_UNIT),
            new=bad,
            node_id="n",
        )
    assert error.value.errors == {"code": "Ange en ICD-10-SE-kod, till exempel E11.9."}
    assert _count(world_session, Record) == before


def test_roles_write_only_their_own_kinds_at_their_own_unit(world_session: Session) -> None:
    elder = person_by_id(world_session, personas.ELDER.person_id)
    carer = staff_actor(world_session, personas.CARE_STAFF)
    nurse = staff_actor(world_session, personas.NURSE)
    medication = NewRecord(
        kind=RecordKind.MEDICATION,
        title="Waran",
        occurred_on=date(2026, 1, 1),
        details={"name": "Waran", "dosage": "1 x 1", "started_on": "2026-01-01"},
    )
    before = _count(world_session, Record)
    with pytest.raises(AccessDenied) as denied:
        write(
            world_session,
            actor=carer,
            purpose=Purpose.SOCIAL_CARE,
            patient=elder,
            unit=unit_by_hsaid(world_session, personas.HOME_CARE_UNIT),
            new=medication,
            node_id="n",
        )
    assert denied.value.decision.reason == "wrong_record_kind"
    citizen = person_by_id(world_session, personas.COORDINATION_NUMBER_HOLDER.person_id)
    with pytest.raises(AccessDenied) as no_relation:
        write(
            world_session,
            actor=nurse,
            purpose=Purpose.CARE,
            patient=citizen,
            unit=unit_by_hsaid(world_session, personas.VARDCENTRAL_UNIT),
            new=medication,
            node_id="n",
        )
    assert no_relation.value.decision.reason == "no_care_relation"
    assert _count(world_session, Record) == before


def test_a_correction_must_replace_a_record_of_the_same_patient(world_session: Session) -> None:
    elder = person_by_id(world_session, personas.ELDER.person_id)
    nurse = staff_actor(world_session, personas.NURSE)
    unit = unit_by_hsaid(world_session, personas.VARDCENTRAL_UNIT)
    first = write(
        world_session,
        actor=nurse,
        purpose=Purpose.CARE,
        patient=elder,
        unit=unit,
        node_id="n",
        new=NewRecord(
            kind=RecordKind.ALERT,
            title="Penicillinallergi",
            occurred_on=date(2026, 1, 1),
            details={"alert_kind": "overkanslighet", "text": "Penicillin", "severe": True},
        ),
    )
    other = person_by_id(world_session, personas.CITIZEN.person_id)
    fix = NewRecord(
        kind=RecordKind.ALERT,
        title="Rättelse",
        occurred_on=date(2026, 1, 2),
        details={"alert_kind": "overkanslighet", "text": "Amoxicillin"},
        replaces_id=first.id,
    )
    with pytest.raises(RecordError):
        write(
            world_session,
            actor=nurse,
            purpose=Purpose.CARE,
            patient=other,
            unit=unit,
            new=fix,
            node_id="n",
        )
    fixed = write(
        world_session,
        actor=nurse,
        purpose=Purpose.CARE,
        patient=elder,
        unit=unit,
        new=fix,
        node_id="n",
    )
    assert fixed.replaces_id == first.id
