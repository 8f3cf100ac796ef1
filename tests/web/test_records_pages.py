"""The staff journal: reading the care giver's own records, and documenting new ones."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.demo.personas import StaffPersona
from samvard.records.models import Record
from samvard.sharing.actions import set_block
from tests.conftest import Database
from tests.support.actors import citizen_actor, person_by_id, unit_by_hsaid
from tests.support.web import client_for, csrf, login_staff

pytestmark = pytest.mark.db


def _pk(world: Database, person_id: str) -> int:
    with world.sessions() as session:
        return person_by_id(session, person_id).id


def _as(world: Database, persona: StaffPersona, unit: str | None = None) -> TestClient:
    client = client_for(world)
    login_staff(client, persona.hsa_id, unit or persona.units[0])
    return client


def _records(world: Database) -> int:
    with world.sessions() as session:
        return session.scalar(select(func.count()).select_from(Record)) or 0


def _post(client: TestClient, pk: int, kind: str, **fields: str) -> Any:
    token = csrf(client, f"/personal/patient/{pk}/journal?mangd={kind}")
    data = {"csrf_token": token, "mangd": kind, "occurred_on": "2026-11-02", **fields}
    return client.post(f"/personal/patient/{pk}/journal", data=data)


def test_nurse_sees_own_care_givers_records_only(world: Database) -> None:
    pk = _pk(world, personas.ELDER.person_id)
    page = _as(world, personas.NURSE).get(f"/personal/patient/{pk}/journal?mangd=medication")
    assert page.status_code == 200
    assert "Metformin 500 mg tablett" in page.text
    assert "Dosering" in page.text and "1 tablett 2 gånger dagligen" in page.text
    notes = _as(world, personas.NURSE).get(f"/personal/patient/{pk}/journal?mangd=note")
    # Home care's note belongs to the municipality: not in the region's journal.
    assert "Årskontroll" in notes.text
    assert "Genomförandeplan uppföljd" not in notes.text


def test_social_care_shows_target_group_and_whether_shared(world: Database) -> None:
    pk = _pk(world, personas.ELDER.person_id)
    page = _as(world, personas.CARE_STAFF).get(f"/personal/patient/{pk}/journal?mangd=social_care")
    assert page.status_code == 200
    assert "Målgrupp: Individ och familj" in page.text
    assert "Delas inte: insatsen ligger utanför sammanhållen dokumentation." in page.text
    assert "Målgrupp: Äldre" in page.text and "Ingår i sammanhållen dokumentation." in page.text
    assert 'name="target_group"' in page.text  # care staff document interventions


def test_reading_the_journal_is_logged_per_information_set(world: Database) -> None:
    pk = _pk(world, personas.ELDER.person_id)
    _as(world, personas.NURSE).get(f"/personal/patient/{pk}/journal?mangd=lab")
    with world.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (entry.actor_id, entry.resource, entry.outcome) == (
        personas.NURSE.hsa_id,
        "record.lab",
        "allowed",
    )
    assert entry.patient_id == personas.ELDER.person_id
    assert entry.source_hsaid is None  # own records: no other organisation's disclosure


def test_nurse_documents_a_medication_at_her_unit(world: Database) -> None:
    pk = _pk(world, personas.ELDER.person_id)
    nurse = _as(world, personas.NURSE)
    response = _post(
        nurse,
        pk,
        "medication",
        title="Kalciumtillskott",
        name="Calcichew D3",
        atc="A12AX00",
        dosage="1 tablett dagligen",
        started_on="2026-11-02",
        share="ja",
        unit_id="1",  # an unknown field names no other unit: the unit is the login's
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith("mangd=medication&klart=sparad")
    with world.sessions() as session:
        record = session.scalars(select(Record).order_by(Record.id.desc()).limit(1)).one()
        assert record.unit_id == unit_by_hsaid(session, personas.VARDCENTRAL_UNIT).id
        assert (record.title, record.shareable) == ("Kalciumtillskott", True)
        assert record.details["dosage"] == "1 tablett dagligen"
    page = nurse.get(response.headers["location"])
    assert "Uppgiften är dokumenterad." in page.text and "Calcichew D3" in page.text


def test_bad_input_keeps_the_input_shows_swedish_errors_and_writes_nothing(
    world: Database,
) -> None:
    pk = _pk(world, personas.ELDER.person_id)
    nurse = _as(world, personas.NURSE)
    before = _records(world)
    response = _post(nurse, pk, "diagnosis", title="", code="diabetes", text="Typ 2-diabetes")
    assert response.status_code == 400
    assert "Uppgiften är inte sparad" in response.text
    assert "Rubrik: Uppgiften får inte vara tom." in response.text
    assert "Ange en ICD-10-SE-kod, till exempel E11.9." in response.text
    assert 'value="diabetes"' in response.text and 'value="Typ 2-diabetes"' in response.text
    assert 'aria-invalid="true"' in response.text
    future = _post(nurse, pk, "note", title="X", occurred_on="2999-01-01", profession="Ssk")
    assert future.status_code == 400
    assert "Datumet får inte ligga i framtiden." in future.text
    bad_date = _post(nurse, pk, "note", title="X", occurred_on="i går", profession="Ssk", text="t")
    assert "Ange ett datum (ÅÅÅÅ-MM-DD)." in bad_date.text
    ended = _post(
        nurse,
        pk,
        "medication",
        title="X",
        name="X",
        dosage="1",
        started_on="2026-05-01",
        ended_on="2026-04-01",
    )
    assert "Slutdatumet kan inte ligga före startdatumet." in ended.text
    assert _records(world) == before


def test_care_staff_may_not_document_health_care_kinds(world: Database) -> None:
    pk = _pk(world, personas.ELDER.person_id)
    care = _as(world, personas.CARE_STAFF)
    page = care.get(f"/personal/patient/{pk}/journal?mangd=diagnosis")
    assert page.status_code == 200
    assert "Din roll dokumenterar inte den här sortens uppgifter." in page.text
    assert 'name="code"' not in page.text
    before = _records(world)
    forged = _post(care, pk, "diagnosis", title="Diabetes", code="E11.9", text="Diabetes")
    assert forged.status_code == 403
    assert _records(world) == before
    with world.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (entry.action, entry.outcome, entry.reason) == ("write", "denied", "wrong_record_kind")


def test_writes_need_a_relation_at_the_own_unit(world: Database) -> None:
    # Tomas has a relation at the emergency unit only: the same care giver, another unit.
    pk = _pk(world, personas.COORDINATION_NUMBER_HOLDER.person_id)
    nurse = _as(world, personas.NURSE)
    before = _records(world)
    token = csrf(nurse, "/personal")
    response = nurse.post(
        f"/personal/patient/{pk}/journal",
        data={
            "csrf_token": token,
            "mangd": "note",
            "title": "Anteckning",
            "occurred_on": "2026-11-02",
            "profession": "Sjuksköterska",
            "text": "Text",
        },
    )
    assert response.status_code == 403
    assert _records(world) == before


def test_roles_without_care_duty_are_refused(world: Database) -> None:
    pk = _pk(world, personas.ELDER.person_id)
    for persona in (personas.ADMINISTRATOR, personas.PLANNER, personas.LOG_REVIEWER):
        assert _as(world, persona).get(f"/personal/patient/{pk}/journal").status_code == 403
    # Unknown patients and kinds.
    nurse = _as(world, personas.NURSE)
    assert nurse.get("/personal/patient/2147483000/journal").status_code == 404
    assert nurse.get(f"/personal/patient/{pk}/journal?mangd=okand").status_code == 422
    unknown = _post(nurse, pk, "okand", title="X")
    assert unknown.status_code == 400 and "Okänd informationsmängd." in unknown.text


def test_a_unit_block_hides_that_units_records_from_the_care_givers_other_units(
    world: Database,
) -> None:
    pk = _pk(world, personas.CITIZEN.person_id)
    with world.sessions() as session, session.begin():
        sara = person_by_id(session, personas.CITIZEN.person_id)
        emergency = unit_by_hsaid(session, personas.EMERGENCY_UNIT)
        set_block(
            session,
            actor=citizen_actor(sara),
            patient=sara,
            care_giver_hsaid=emergency.care_giver.hsa_id,
            unit_hsaid=emergency.hsa_id,
        )
    try:
        page = _as(world, personas.NURSE).get(f"/personal/patient/{pk}/journal?mangd=diagnosis")
        assert page.status_code == 200
        assert "Spärrad information finns hos Akutmottagningen" in page.text
        assert "Distorsion av fotled" not in page.text
        inside = _as(world, personas.DOCTOR, personas.EMERGENCY_UNIT)
        assert (
            "Distorsion av fotled"
            in inside.get(f"/personal/patient/{pk}/journal?mangd=diagnosis").text
        )
    finally:
        _lift_blocks(world, personas.CITIZEN.person_id)


def _lift_blocks(world: Database, person_id: str) -> None:
    # The PostgreSQL world is shared between tests: leave it as it was.
    from samvard.sharing.actions import lift_block
    from samvard.sharing.queries import list_blocks

    with world.sessions() as session, session.begin():
        person = person_by_id(session, person_id)
        for block in list_blocks(session, person):
            if block.lifted_at is None:
                lift_block(session, actor=citizen_actor(person), patient=person, block_id=block.id)
