"""The pages as users meet them: citizen, staff, administrator."""

from __future__ import annotations

from sqlalchemy import func, select

from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.directory.models import Unit
from tests.conftest import Database
from tests.support.web import client_for, csrf, login_citizen, login_staff


def test_citizen_sees_who_read_and_why(sqlite_world: Database) -> None:
    nurse = client_for(sqlite_world)
    login_staff(nurse, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    token = csrf(nurse, "/personal")
    found = nurse.post(
        "/personal/sok", data={"personnummer": personas.CITIZEN.person_id, "csrf_token": token}
    )
    assert found.status_code == 303
    assert nurse.get(found.headers["location"]).status_code == 200

    citizen = client_for(sqlite_world)
    login_citizen(citizen, personas.CITIZEN.person_id)
    page = citizen.get("/mina-sidor/vem-har-last").text
    newest = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "Karin Sjöberg" in newest
    assert "Vårdcentralen Stockholm Centrum" in newest and "Region Stockholm" in newest
    assert "pågående vårdkontakt" in newest
    log = citizen.get("/api/v1/me/access-log?limit=5").json()
    assert log["items"][0]["who"] == "Karin Sjöberg" and log["total"] >= 1


def test_citizen_page_excludes_own_reads_and_pages(sqlite_world: Database) -> None:
    citizen = client_for(sqlite_world)
    login_citizen(citizen, personas.CITIZEN.person_id)
    first = citizen.get("/api/v1/me/access-log").json()["total"]
    citizen.get("/mina-sidor/uppgifter")
    citizen.get("/mina-sidor/vem-har-last")
    assert citizen.get("/api/v1/me/access-log").json()["total"] == first
    assert citizen.get("/mina-sidor/vem-har-last?sida=0").status_code == 422


def test_staff_search_rejects_bad_number_in_swedish(sqlite_world: Database) -> None:
    nurse = client_for(sqlite_world)
    login_staff(nurse, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    token = csrf(nurse, "/personal")
    bad = nurse.post("/personal/sok", data={"personnummer": "12345", "csrf_token": token})
    assert bad.status_code == 400 and "Ogiltigt personnummer" in bad.text


def test_ended_assignment_cannot_be_chosen(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_staff(client, personas.ENDED_STAFF.hsa_id)
    page = client.get("/personal/enhet")
    assert "inget giltigt uppdrag" in page.text
    forged = client.post(
        "/personal/enhet",
        data={"assignment_id": "1", "csrf_token": csrf(client, "/personal/enhet")},
    )
    assert forged.status_code == 400


def _unit_count(world: Database) -> int:
    with world.sessions() as session:
        return session.scalar(select(func.count()).select_from(Unit)) or 0


def test_administrator_sees_all_regions(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_staff(client, personas.ADMINISTRATOR.hsa_id, personas.ADMINISTRATION_UNIT)
    page = client.get("/admin/katalog").text
    assert "21 regioner, 290 kommuner" in page
    region = client.get("/admin/katalog/region/25").text
    assert "Luleå" in region and "Region Norrbotten" in region
    partial = client.get("/admin/katalog/region/01?q=Centrum", headers={"HX-Request": "true"})
    assert "<html" not in partial.text and "Vårdcentralen Stockholm Centrum" in partial.text


def test_administrator_registers_a_unit(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_staff(client, personas.ADMINISTRATOR.hsa_id, personas.ADMINISTRATION_UNIT)
    before = _unit_count(sqlite_world)
    form = {
        "hsa_id": "se2321000016-ny01",
        "namn": "Vårdcentralen Nya Staden",
        "kommun": "0180",
        "typ": "vardcentral",
    }
    token = csrf(client, "/admin/katalog/ny-enhet")
    created = client.post("/admin/katalog/ny-enhet", data={**form, "csrf_token": token})
    assert created.status_code == 303
    unit_page = client.get(created.headers["location"]).text
    assert "SE2321000016-NY01" in unit_page and "Vårdcentralen Nya Staden" in unit_page
    assert _unit_count(sqlite_world) == before + 1
    with sqlite_world.sessions() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last is not None and last.resource == "directory.unit/SE2321000016-NY01"


def test_unit_form_errors_are_swedish_and_write_nothing(sqlite_world: Database) -> None:
    client = client_for(sqlite_world)
    login_staff(client, personas.ADMINISTRATOR.hsa_id, personas.ADMINISTRATION_UNIT)
    before = _unit_count(sqlite_world)
    token = csrf(client, "/admin/katalog/ny-enhet")
    cases = [
        ({"hsa_id": "SE2321000017-X1"}, "HSA"),  # organisation number fails its check digit
        ({"hsa_id": personas.VARDCENTRAL_UNIT}, "finns redan"),
        ({"kommun": "2580"}, "Kommunen ligger inte i vårdgivarens region"),
        ({"kommun": "9999"}, "Välj en kommun"),
        ({"typ": "rymdstation"}, "Välj en verksamhetstyp"),
        ({"namn": "   "}, "måste ha ett namn"),
    ]
    for change, words in cases:
        form = {
            "hsa_id": "SE2321000016-NY02",
            "namn": "Ny enhet",
            "kommun": "0180",
            "typ": "vardcentral",
            "csrf_token": token,
            **change,
        }
        response = client.post("/admin/katalog/ny-enhet", data=form)
        assert response.status_code == 400, change
        assert words in response.text, (change, words)
        assert 'aria-invalid="true"' in response.text
    assert _unit_count(sqlite_world) == before


def test_first_login_registers_the_person(sqlite_world: Database) -> None:
    from samvard.identity.models import Person
    from samvard.reference import loaders

    with sqlite_world.sessions() as session:
        known = set(session.scalars(select(Person.person_id)))
    newcomer = next(n for n in reversed(loaders.test_personnummer()) if n not in known)
    client = client_for(sqlite_world)
    login_citizen(client, newcomer)
    assert client.get("/api/v1/me").json()["id"] == newcomer
    with sqlite_world.sessions() as session:
        person = session.scalar(select(Person).where(Person.person_id == newcomer))
        reasons = set(
            session.scalars(select(AuditEntry.reason).where(AuditEntry.patient_id == newcomer))
        )
    assert person is not None and person.birth_date is not None
    assert {"first_login", "test_eid"} <= reasons


def _entries_about(world: Database, person_id: str) -> list[tuple[str, str, str]]:
    with world.sessions() as session:
        rows = session.execute(
            select(AuditEntry.actor_id, AuditEntry.resource, AuditEntry.outcome)
            .where(AuditEntry.patient_id == person_id)
            .order_by(AuditEntry.seq)
        ).all()
    return [tuple(r) for r in rows]


def test_every_patient_on_a_unit_list_sees_the_listing(sqlite_world: Database) -> None:
    before = _entries_about(sqlite_world, personas.CITIZEN.person_id)
    nurse = client_for(sqlite_world)
    login_staff(nurse, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    assert personas.CITIZEN.family_name in nurse.get("/personal").text
    after = _entries_about(sqlite_world, personas.CITIZEN.person_id)
    assert after[len(before) :] == [(personas.NURSE.hsa_id, "unit.patient_list", "allowed")]
    citizen = client_for(sqlite_world)
    login_citizen(citizen, personas.CITIZEN.person_id)
    assert "enhetens patientlista" in citizen.get("/mina-sidor/vem-har-last").text


def test_staff_search_is_logged_with_the_patient(sqlite_world: Database) -> None:
    before = _entries_about(sqlite_world, personas.ELDER.person_id)
    nurse = client_for(sqlite_world)
    login_staff(nurse, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    nurse.post(
        "/personal/sok",
        data={"personnummer": personas.ELDER.person_id, "csrf_token": csrf(nurse, "/personal")},
    )
    after = _entries_about(sqlite_world, personas.ELDER.person_id)
    assert (personas.NURSE.hsa_id, "patient.lookup", "allowed") in after[len(before) :]


def test_citizen_searching_someone_else_is_logged_as_denied(sqlite_world: Database) -> None:
    before = _entries_about(sqlite_world, personas.ELDER.person_id)
    citizen = client_for(sqlite_world)
    login_citizen(citizen, personas.CITIZEN.person_id)
    assert citizen.get(f"/fhir/Patient?identifier={personas.ELDER.person_id}").status_code == 403
    after = _entries_about(sqlite_world, personas.ELDER.person_id)
    assert after[len(before) :] == [(personas.CITIZEN.person_id, "patient.demographics", "denied")]


def test_health_care_staff_cannot_use_a_social_care_relation(sqlite_world: Database) -> None:
    """Ingrid has home care from the municipality; that grounds no health-care access."""
    from samvard.access.models import CareRelation
    from samvard.identity.models import Person

    with sqlite_world.sessions.begin() as session:
        elder = session.scalar(select(Person).where(Person.person_id == personas.ELDER.person_id))
        assert elder is not None
        for relation in session.scalars(
            select(CareRelation).where(CareRelation.person_id == elder.id)
        ):
            if relation.kind == "care":
                session.delete(relation)
    care_staff = client_for(sqlite_world)
    login_staff(care_staff, personas.CARE_STAFF.hsa_id, personas.HOME_CARE_UNIT)
    assert care_staff.get(f"/api/v1/patients/{personas.ELDER.person_id}").status_code == 200
    nurse = client_for(sqlite_world)
    login_staff(nurse, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    assert nurse.get(f"/api/v1/patients/{personas.ELDER.person_id}").status_code == 403


def test_unit_patient_list_pages_are_disjoint_and_counted(sqlite_world: Database) -> None:
    from samvard.access.queries import list_unit_patients

    with sqlite_world.sessions() as session:
        unit = session.scalar(select(Unit).where(Unit.hsa_id == personas.VARDCENTRAL_UNIT))
        assert unit is not None
        everyone, total = list_unit_patients(session, unit_id=unit.id, limit=10_000)
        first, _ = list_unit_patients(session, unit_id=unit.id, limit=2)
        second, _ = list_unit_patients(session, unit_id=unit.id, limit=2, offset=2)
    assert total == len(everyone) >= 4
    assert [p.id for p in first + second] == [p.id for p in everyone[:4]]
    nurse = client_for(sqlite_world)
    login_staff(nurse, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    assert f"({total})" in nurse.get("/personal").text
    assert nurse.get("/personal?sida=0").status_code == 422
