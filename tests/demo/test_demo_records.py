"""The demo's records story: written through the actions, indexed, consented, deterministic."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied, check
from samvard.access.schemas import AccessRequest, InfoSet, Purpose
from samvard.core.audit import AuditEntry
from samvard.core.db import make_engine, make_session_factory, transaction
from samvard.core.migrate import upgrade
from samvard.demo import personas
from samvard.demo.world import build_demo
from samvard.directory.models import Unit
from samvard.identity.models import Person
from samvard.records.models import Record, RecordKind
from samvard.sharing.models import Consent, ConsentBasis, Engagement
from tests.conftest import Database
from tests.support.actors import person_by_id, staff_actor, unit_by_hsaid

pytestmark = pytest.mark.db


def _records_of(session: Session, person_id: str) -> list[tuple[Record, Unit]]:
    person = person_by_id(session, person_id)
    rows = session.execute(
        select(Record, Unit)
        .join(Unit, Unit.id == Record.unit_id)
        .where(Record.person_id == person.id)
    )
    return [(row.Record, row.Unit) for row in rows]


def test_elder_is_documented_by_the_health_centre_and_home_care(world: Database) -> None:
    with world.sessions() as session:
        rows = _records_of(session, personas.ELDER.person_id)
        kinds = {(unit.hsa_id, record.kind) for record, unit in rows}
        health = {k for u, k in kinds if u == personas.VARDCENTRAL_UNIT}
        home = {k for u, k in kinds if u == personas.HOME_CARE_UNIT}
        assert health == {
            RecordKind.DIAGNOSIS,
            RecordKind.MEDICATION,
            RecordKind.ALERT,
            RecordKind.LAB,
            RecordKind.CONTACT,
            RecordKind.NOTE,
        }
        assert home == {
            RecordKind.SOCIAL_CARE,
            RecordKind.FUNCTIONAL,
            RecordKind.CONTACT,
            RecordKind.NOTE,
        }
        medications = [r for r, _ in rows if r.kind is RecordKind.MEDICATION]
        assert len(medications) >= 3
        assert all(r.author_id is not None for r, _ in rows)


def test_only_elderly_and_disability_interventions_are_shared(world: Database) -> None:
    with world.sessions() as session:
        interventions = [
            record
            for record, _ in _records_of(session, personas.ELDER.person_id)
            if record.kind is RecordKind.SOCIAL_CARE
        ]
        scope = {r.details["target_group"]: r.shareable for r in interventions}
        assert scope == {"aldre": True, "individ_och_familj": False}
        all_social = session.scalars(select(Record).where(Record.kind == RecordKind.SOCIAL_CARE))
        for record in all_social:
            in_scope = record.details["target_group"] in {"aldre", "funktionsnedsattning"}
            assert record.shareable is in_scope


def test_every_record_was_written_through_the_policy_hook(world: Database) -> None:
    with world.sessions() as session:
        records = list(session.scalars(select(Record)))
        writes = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "write", AuditEntry.resource.like("record.%")
            )
        ).all()
        assert len(records) >= 30
        # (The PostgreSQL world is shared: other tests may add refused writes to it.)
        assert sum(w.outcome == "allowed" for w in writes) == len(records)
        # The engagement index knows every shareable record's unit and information set.
        lines = {
            (e.person_id, e.unit_hsaid, e.info_set) for e in session.scalars(select(Engagement))
        }
        units = {u.id: u for u in session.scalars(select(Unit))}
        for record in records:
            if record.shareable:
                person = _person_id(session, record.person_id)
                assert (person, units[record.unit_id].hsa_id, record.kind) in lines


def _person_id(session: Session, pk: int) -> str:
    person = session.get(Person, pk)
    assert person is not None
    return person.person_id


def test_elder_consents_to_the_municipality(world: Database) -> None:
    with world.sessions() as session:
        elder = person_by_id(session, personas.ELDER.person_id)
        consents = session.scalars(
            select(Consent).where(
                Consent.person_id == elder.id, Consent.registered_by == elder.person_id
            )
        ).all()
        home_care = unit_by_hsaid(session, personas.HOME_CARE_UNIT)
        assert [(c.accessor_hsaid, c.basis, c.info_sets) for c in consents] == [
            (home_care.care_giver.hsa_id, ConsentBasis.PATIENT, None)
        ]


def _medication_read(session: Session, persona: personas.StaffPersona) -> AccessRequest:
    elder = person_by_id(session, personas.ELDER.person_id)
    region = unit_by_hsaid(session, personas.VARDCENTRAL_UNIT).care_giver.hsa_id
    actor = staff_actor(session, persona)
    return AccessRequest(
        actor=actor,
        info=InfoSet.RECORD_MEDICATION,
        purpose=Purpose.SOCIAL_CARE,
        patient_pk=elder.id,
        unit_id=actor.unit_id,
        source_hsaid=region,
    )


def test_the_municipal_care_staff_may_read_the_health_centres_medications(
    world: Database,
) -> None:
    with world.sessions() as session, session.begin():
        decision = check(session, _medication_read(session, personas.CARE_STAFF))
        assert (decision.allowed, decision.reason) == (True, "consent")
        session.rollback()


def test_without_consent_the_other_shared_patients_are_denied(world: Database) -> None:
    # Two of the other shared patients consented to everyone, the others to no one.
    with world.sessions() as session:
        # The patients' own consents (staff register theirs under an HSA-id).
        consents = [c for c in session.scalars(select(Consent)) if c.registered_by.isdigit()]
        assert Counter(c.accessor_hsaid is None for c in consents) == {True: 2, False: 1}
        with_records = set(session.scalars(select(Record.person_id)))
        consenting = {c.person_id for c in consents}
        assert with_records - consenting, "some shared patient has not consented"


def _snapshot(url: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            units = dict(session.execute(select(Unit.id, Unit.hsa_id)).all())
            return sorted(
                (r.person_id, units[r.unit_id], r.kind, r.title, r.shareable, r.occurred_at)
                for r in session.scalars(select(Record))
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("citizens", [100])
def test_same_seed_gives_the_same_records(tmp_path: Path, citizens: int) -> None:
    urls = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.db"
        engine = make_engine(url)
        upgrade(engine)
        with transaction(make_session_factory(engine)) as session:
            build_demo(session, citizens=citizens)
        engine.dispose()
        urls.append(url)
    first = _snapshot(urls[0])
    assert first == _snapshot(urls[1])
    assert first


def test_no_relation_means_no_read_even_with_records_in_the_demo(world: Database) -> None:
    # Sara has no home care: the municipality's staff may not read her region's records.
    with world.sessions() as session, session.begin():
        request = _medication_read(session, personas.CARE_STAFF)
        citizen = person_by_id(session, personas.CITIZEN.person_id)
        outside = AccessRequest(
            actor=request.actor,
            info=request.info,
            purpose=request.purpose,
            patient_pk=citizen.id,
            unit_id=request.unit_id,
            source_hsaid=request.source_hsaid,
        )
        with pytest.raises(AccessDenied):
            check(session, outside)
        session.rollback()
