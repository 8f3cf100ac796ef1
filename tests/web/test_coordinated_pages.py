"""The coordinated view for staff: every source's status, consent and emergency access."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.demo.personas import StaffPersona
from samvard.federation.schemas import (
    CoordinatedAnswer,
    SharedEntry,
    SourceAnswer,
    SourceStatus,
)
from samvard.records.models import RecordKind
from samvard.sharing.actions import revoke_consent, set_block
from samvard.sharing.models import Consent, ConsentBasis, EmergencyAccess
from samvard.sharing.queries import list_consents
from samvard.web.routes import coordinated_staff
from tests.conftest import Database
from tests.support.actors import citizen_actor, person_by_id, unit_by_hsaid
from tests.support.web import client_for, csrf, login_staff

REGION = f"{personas.STOCKHOLM_REGION}-VG"
MUNICIPALITY = f"{personas.STOCKHOLM_MUNICIPALITY}-VG"


def _as(world: Database, persona: StaffPersona) -> TestClient:
    client = client_for(world)
    login_staff(client, persona.hsa_id, persona.units[0])
    return client


def _elder(world: Database) -> int:
    with world.sessions() as session:
        return person_by_id(session, personas.ELDER.person_id).id


def _count(world: Database, model: type[Consent] | type[EmergencyAccess]) -> int:
    with world.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _url(pk: int, kind: str = "medication") -> str:
    return f"/personal/patient/{pk}/sammanhallen?mangd={kind}"


@pytest.mark.db
def test_municipal_care_staff_sees_the_health_centres_medications(world: Database) -> None:
    pk = _elder(world)
    page = _as(world, personas.CARE_STAFF).get(_url(pk))
    assert page.status_code == 200
    assert "Ingenting sparas hos oss." in page.text
    line = page.text.split(f'id="kalla-{REGION}"', 1)[1].split("</li>", 1)[0]
    assert "Region Stockholm" in line and "Svarade" in line
    assert (
        "Metformin 500 mg tablett" in page.text and "Vårdcentralen Stockholm Centrum" in page.text
    )
    assert "Patienten har inte samtyckt" not in page.text
    with world.sessions() as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.resource == "record.medication")
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).one()
    assert (entry.actor_id, entry.reason, entry.source_hsaid) == (
        personas.CARE_STAFF.hsa_id,
        "consent",
        REGION,
    )


def test_without_consent_the_nurse_is_offered_consent_and_emergency_access(
    sqlite_world: Database,
) -> None:
    pk = _elder(sqlite_world)
    nurse = _as(sqlite_world, personas.NURSE)
    page = nurse.get(_url(pk, "social_care"))
    assert page.status_code == 200
    line = page.text.split(f'id="kalla-{MUNICIPALITY}"', 1)[1].split("</li>", 1)[0]
    assert "Nekad" in line and "inte samtyckt" in line
    assert "Inga uppgifter</span>" not in line
    assert "Patienten har inte samtyckt" in page.text
    assert f'action="/personal/patient/{pk}/sammanhallen/samtycke"' in page.text
    assert "Öppna nödåtkomst" in page.text
    assert "Hemtjänst: personlig omvårdnad" not in page.text
    # Each offered form carries this browser's CSRF token.
    for action in ("samtycke", "nodatkomst"):
        form = page.text.split(f"/sammanhallen/{action}", 1)[1].split("</form>", 1)[0]
        assert re.search(r'name="csrf_token" value="[^"]+"', form), action


def test_registering_the_patients_consent_opens_the_source(sqlite_world: Database) -> None:
    pk = _elder(sqlite_world)
    nurse = _as(sqlite_world, personas.NURSE)
    token = csrf(nurse, _url(pk, "social_care"))
    response = nurse.post(
        f"/personal/patient/{pk}/sammanhallen/samtycke",
        data={
            "csrf_token": token,
            "mangd": "social_care",
            "grund": "patient",
            "omfattning": "mangd",
        },
    )
    assert response.status_code == 303
    page = nurse.get(response.headers["location"])
    assert "Samtycket är registrerat." in page.text
    assert "Hemtjänst: personlig omvårdnad" in page.text and "<dd>Äldre</dd>" in page.text
    # Individual and family care never leaves the municipality, consent or not.
    assert "Stödsamtal" not in page.text
    with sqlite_world.sessions() as session:
        consent = session.scalars(select(Consent).order_by(Consent.id.desc()).limit(1)).one()
    assert (consent.accessor_hsaid, consent.basis, consent.info_sets, consent.registered_by) == (
        REGION,
        ConsentBasis.PATIENT,
        ["record.social_care"],
        personas.NURSE.hsa_id,
    )


def test_presumed_consent_needs_a_reason_and_bad_input_writes_nothing(
    sqlite_world: Database,
) -> None:
    pk = _elder(sqlite_world)
    nurse = _as(sqlite_world, personas.NURSE)
    before = _count(sqlite_world, Consent)
    token = csrf(nurse, _url(pk, "social_care"))
    post = f"/personal/patient/{pk}/sammanhallen/samtycke"
    presumed = nurse.post(
        post, data={"csrf_token": token, "mangd": "social_care", "grund": "antaget", "skal": "x"}
    )
    assert presumed.status_code == 400
    assert "Ingenting är registrerat." in presumed.text
    assert "Beskriv varför patienten inte kan ta ställning." in presumed.text
    assert 'value="antaget" checked' in presumed.text
    unknown = nurse.post(post, data={"csrf_token": token, "mangd": "social_care", "grund": "?"})
    assert unknown.status_code == 400 and "Välj hur patienten har tagit ställning." in unknown.text
    assert _count(sqlite_world, Consent) == before
    reason = "Patienten är medvetslös efter en stroke; anhöriga nås inte."
    ok = nurse.post(
        post,
        data={"csrf_token": token, "mangd": "social_care", "grund": "antaget", "skal": reason},
    )
    assert ok.status_code == 303
    with sqlite_world.sessions() as session:
        consent = session.scalars(select(Consent).order_by(Consent.id.desc()).limit(1)).one()
    assert (consent.basis, consent.reason, consent.info_sets) == (
        ConsentBasis.PRESUMED,
        reason,
        None,
    )


def test_emergency_access_needs_a_reason_and_shows_its_expiry(sqlite_world: Database) -> None:
    pk = _elder(sqlite_world)
    nurse = _as(sqlite_world, personas.NURSE)
    before = _count(sqlite_world, EmergencyAccess)
    token = csrf(nurse, _url(pk, "social_care"))
    post = f"/personal/patient/{pk}/sammanhallen/nodatkomst"
    short = nurse.post(post, data={"csrf_token": token, "mangd": "social_care", "skal": "akut"})
    assert short.status_code == 400
    assert "Ange skälet till nödåtkomsten (minst tio tecken)." in short.text
    assert ">akut</textarea>" in short.text
    assert _count(sqlite_world, EmergencyAccess) == before
    reason = "Medvetslös på mottagningen, behöver veta vilka insatser hon har."
    opened = nurse.post(post, data={"csrf_token": token, "mangd": "social_care", "skal": reason})
    assert opened.status_code == 303
    page = nurse.get(opened.headers["location"])
    assert "Nödåtkomst är öppnad." in page.text
    assert "du har nödåtkomst till patientens uppgifter till" in page.text
    assert "Hemtjänst: personlig omvårdnad" in page.text
    with sqlite_world.sessions() as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.resource == "record.social_care")
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).one()
    assert (entry.reason, entry.source_hsaid) == ("emergency_access", MUNICIPALITY)


def test_social_care_staff_never_get_emergency_access(sqlite_world: Database) -> None:
    pk = _elder(sqlite_world)
    with sqlite_world.sessions() as session, session.begin():
        elder = person_by_id(session, personas.ELDER.person_id)
        for consent in list_consents(session, elder):
            revoke_consent(
                session, actor=citizen_actor(elder), patient=elder, consent_id=consent.id
            )
    before = _count(sqlite_world, EmergencyAccess)
    care = _as(sqlite_world, personas.CARE_STAFF)
    page = care.get(_url(pk))
    assert "Patienten har inte samtyckt" in page.text
    assert "Metformin" not in page.text
    assert "Öppna nödåtkomst" not in page.text and "nodatkomst" not in page.text
    token = csrf(care, _url(pk))
    forged = care.post(
        f"/personal/patient/{pk}/sammanhallen/nodatkomst",
        data={"csrf_token": token, "mangd": "medication", "skal": "Ett skäl som är långt nog."},
    )
    assert forged.status_code == 403
    assert _count(sqlite_world, EmergencyAccess) == before


def test_after_a_block_only_the_blocked_information_is_shown(sqlite_world: Database) -> None:
    pk = _elder(sqlite_world)
    with sqlite_world.sessions() as session, session.begin():
        elder = person_by_id(session, personas.ELDER.person_id)
        region = unit_by_hsaid(session, personas.VARDCENTRAL_UNIT).care_giver.hsa_id
        set_block(session, actor=citizen_actor(elder), patient=elder, care_giver_hsaid=region)
    page = _as(sqlite_world, personas.CARE_STAFF).get(_url(pk))
    line = page.text.split(f'id="kalla-{REGION}"', 1)[1].split("</li>", 1)[0]
    assert "Spärrad information finns" in line and "Innehållet visas inte." in line
    assert "Metformin" not in page.text
    assert '<span id="antal-poster"> (0)</span>' in page.text


def test_a_failed_source_can_be_asked_again_with_or_without_javascript(
    sqlite_world: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str | None] = []

    def fake_fetch(*_: object, only_source: str | None = None, **__: object) -> CoordinatedAnswer:
        asked.append(only_source)
        return _answer(retrying=only_source is not None)

    monkeypatch.setattr(coordinated_staff, "fetch", fake_fetch)
    pk = _elder(sqlite_world)
    care = _as(sqlite_world, personas.CARE_STAFF)
    page = care.get(_url(pk))
    line = page.text.split('id="kalla-SE5568000000-VG"', 1)[1].split("</li>", 1)[0]
    assert "Svarade inte i tid" in line and "Försök igen" in line
    assert f'hx-get="/personal/patient/{pk}/sammanhallen"' in line
    assert 'name="kalla" value="SE5568000000-VG"' in line
    assert "Svaret är ofullständigt" in page.text
    # Without JavaScript: the whole page, asking that one source.
    plain = care.get(_url(pk) + "&kalla=SE5568000000-VG")
    assert "Visar bara svaret från en källa." in plain.text and "<html" in plain.text
    # With htmx: only the source's line, and its entries added to the list.
    partial = care.get(_url(pk) + "&kalla=SE5568000000-VG", headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    assert partial.text.lstrip().startswith("<li") or 'id="kalla-SE5568000000-VG"' in partial.text
    assert 'hx-swap-oob="afterbegin:#poster"' in partial.text and "Omeprazol" in partial.text
    assert 'id="ofullstandigt" hx-swap-oob="true"' in partial.text
    assert "Läkargruppen: svarade." in partial.text
    assert asked == [None, "SE5568000000-VG", "SE5568000000-VG"]


def _answer(*, retrying: bool) -> CoordinatedAnswer:
    private = "SE5568000000-VG"
    late = SourceAnswer(
        care_giver_hsaid=private,
        care_giver_name="Läkargruppen",
        node_id="privat",
        status=SourceStatus.ANSWERED if retrying else SourceStatus.TIMED_OUT,
        entries=(
            SharedEntry(
                source_id="1",
                kind=RecordKind.MEDICATION,
                title="Omeprazol",
                occurred_on=date(2026, 1, 2),
                care_giver_hsaid=private,
                unit_hsaid=f"{private[:-3]}-E0001",
                unit_name="Läkargruppen City",
                details={
                    "name": "Omeprazol 20 mg",
                    "dosage": "1 dagligen",
                    "started_on": "2026-01-02",
                },
            ),
        )
        if retrying
        else (),
    )
    failed = SourceAnswer(
        care_giver_hsaid="SE2321000099-VG",
        care_giver_name="Region Annan",
        node_id="annan",
        status=SourceStatus.FAILED,
        code="http_500",
        text="Källan svarade med ett serverfel.",
    )
    sources = (late,) if retrying else (late, failed)
    return CoordinatedAnswer(
        person_id=personas.ELDER.person_id,
        kinds=(RecordKind.MEDICATION,),
        sources=sources,
        elapsed_ms=1.0,
    )


def test_roles_and_unknown_patients(sqlite_world: Database) -> None:
    pk = _elder(sqlite_world)
    assert _as(sqlite_world, personas.ADMINISTRATOR).get(_url(pk)).status_code == 403
    nurse = _as(sqlite_world, personas.NURSE)
    assert nurse.get(_url(2_147_483_000)).status_code == 404
    assert nurse.get(f"/personal/patient/{pk}/sammanhallen?mangd=x").status_code == 422
