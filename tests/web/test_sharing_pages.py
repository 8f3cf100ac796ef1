"""The citizen's sharing pages and API: consents, blocks, the preview and the log extract."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from samvard.access.guard import check
from samvard.access.schemas import AccessRequest, InfoSet, Purpose
from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.records.models import RecordKind
from samvard.sharing import actions, inputs
from samvard.sharing.models import Block, Consent
from tests.conftest import Database
from tests.support.actors import citizen_actor, person_by_id, staff_actor
from tests.support.web import client_for, csrf, login_citizen

REGION = f"{personas.STOCKHOLM_REGION}-VG"
MUNICIPALITY = f"{personas.STOCKHOLM_MUNICIPALITY}-VG"
REGION_NAME, MUNICIPALITY_NAME = "Region Stockholm", "Socialnämnden i Stockholms kommun"


def _citizen(world: Database, persona: personas.CitizenPersona = personas.ELDER) -> TestClient:
    client = client_for(world)
    login_citizen(client, persona.person_id)
    return client


def _holdings(world: Database) -> None:
    """The health centre holds the elder's medication, home care her interventions."""
    with world.sessions.begin() as session:
        elder = personas.ELDER.person_id
        for giver, unit, kind in (
            (REGION, personas.VARDCENTRAL_UNIT, RecordKind.MEDICATION),
            (MUNICIPALITY, personas.HOME_CARE_UNIT, RecordKind.SOCIAL_CARE),
        ):
            actions.index_engagement(
                session,
                person_id=elder,
                care_giver_hsaid=giver,
                unit_hsaid=unit,
                info_set=kind,
                node_id="test",
            )


# The demo world may already hold consents (and records) of its own; tests look at what
# they add, by id, never at the whole table.
def _consents(world: Database, after: int = 0) -> list[Consent]:
    with world.sessions() as session:
        query = select(Consent).where(Consent.id > after).order_by(Consent.id)
        return list(session.scalars(query))


def _blocks(world: Database, after: int = 0) -> list[Block]:
    with world.sessions() as session:
        return list(session.scalars(select(Block).where(Block.id > after).order_by(Block.id)))


def _last_ids(world: Database) -> tuple[int, int]:
    with world.sessions() as session:
        consent = session.scalar(select(func.max(Consent.id))) or 0
        block = session.scalar(select(func.max(Block.id))) or 0
        return consent, block


def _give(client: TestClient, **form: object) -> Response:
    token = csrf(client, "/mina-sidor/samtycken")
    response: Response = client.post("/mina-sidor/samtycken", data={"csrf_token": token, **form})
    return response


# --- Consents on the page ---


def test_citizen_gives_and_revokes_a_consent(sqlite_world: Database) -> None:
    client = _citizen(sqlite_world)
    last, _ = _last_ids(sqlite_world)
    page = client.get("/mina-sidor/samtycken").text
    assert "En spärr går alltid före ett samtycke" in page and "Barn under 13" in page
    given = _give(client, mottagare=REGION, mangd=["medication", "note"], till="")
    assert given.status_code == 303
    page = client.get(given.headers["location"]).text
    assert "Ditt samtycke är registrerat" in page
    assert REGION_NAME in page and "Vårddokumentation, Läkemedel" in page and "tills vidare" in page
    [consent] = _consents(sqlite_world, last)
    assert consent.accessor_hsaid == REGION
    assert consent.info_sets == ["record.medication", "record.note"]

    token = csrf(client, "/mina-sidor/samtycken")
    revoke = f"/mina-sidor/samtycken/{consent.id}/aterkalla"
    assert client.post(revoke, data={"csrf_token": token}).status_code == 303
    [revoked] = _consents(sqlite_world, last)
    assert revoked.revoked_at is not None
    assert "Återkallat" in client.get("/mina-sidor/samtycken").text
    # A replayed revoke is harmless: same answer, same moment of revocation.
    assert client.post(revoke, data={"csrf_token": token}).status_code == 303
    assert _consents(sqlite_world, last)[0].revoked_at == revoked.revoked_at


def test_consent_to_everyone_until_a_date(sqlite_world: Database) -> None:
    client = _citizen(sqlite_world)
    last, _ = _last_ids(sqlite_world)
    last_day = inputs.today_in_sweden() + timedelta(days=30)
    kinds = [k.value for k in RecordKind]
    response = _give(client, mottagare="alla", mangd=kinds, till=last_day.isoformat())
    assert response.status_code == 303
    [consent] = _consents(sqlite_world, last)
    assert consent.accessor_hsaid is None and consent.info_sets is None
    assert consent.valid_until is not None
    assert consent.valid_until.astimezone(inputs.SWEDEN).date() == last_day + timedelta(days=1)
    page = client.get("/mina-sidor/samtycken").text
    assert "Alla vård- och omsorgsgivare" in page and "Alla uppgifter" in page
    assert f"till och med {last_day.isoformat()}" in page


def test_search_offers_care_givers_by_name(sqlite_world: Database) -> None:
    client = _citizen(sqlite_world)
    page = client.get("/mina-sidor/samtycken", params={"sok": "Uppsala"}).text
    assert "Region Uppsala" in page and "sökträff" in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"mottagare": "SE0000000000-VG", "mangd": ["note"]}, "ingen vård- eller omsorgsgivare"),
        ({"mottagare": REGION, "mangd": ["note"], "till": "2020-01-01"}, "redan passerat"),
        ({"mottagare": REGION, "mangd": ["note"], "till": "1 januari"}, "ÅÅÅÅ-MM-DD"),
        ({"mottagare": REGION, "mangd": ["note", "genome"]}, "Okänd sorts uppgifter"),
        ({"mottagare": REGION}, "Välj minst en sorts uppgifter"),
        ({"mangd": ["note"]}, "Välj vem samtycket ska gälla"),
    ],
)
def test_bad_consent_input_is_refused_in_swedish_and_writes_nothing(
    sqlite_world: Database, form: dict[str, object], message: str
) -> None:
    client = _citizen(sqlite_world)
    last, _ = _last_ids(sqlite_world)
    response = _give(client, **form)
    assert response.status_code == 400
    assert message in response.text
    assert 'role="alert"' in response.text
    assert _consents(sqlite_world, last) == []


def test_forms_without_csrf_write_nothing(sqlite_world: Database) -> None:
    client = _citizen(sqlite_world)
    last = _last_ids(sqlite_world)
    refused = client.post("/mina-sidor/samtycken", data={"mottagare": REGION, "mangd": ["note"]})
    assert refused.status_code == 403
    refused = client.post("/mina-sidor/sparrar", data={"vardgivare": REGION})
    assert refused.status_code == 403
    assert _last_ids(sqlite_world) == last


def test_someone_elses_consent_and_block_are_not_found(sqlite_world: Database) -> None:
    with sqlite_world.sessions.begin() as session:
        elder = person_by_id(session, personas.ELDER.person_id)
        me = citizen_actor(elder)
        consent = actions.grant_consent(session, actor=me, patient=elder, accessor_hsaid=None)
        block = actions.set_block(session, actor=me, patient=elder, care_giver_hsaid=REGION)
        ids = consent.id, block.id
    other = _citizen(sqlite_world, personas.CITIZEN)
    token = csrf(other, "/mina-sidor/samtycken")
    response = other.post(f"/mina-sidor/samtycken/{ids[0]}/aterkalla", data={"csrf_token": token})
    assert response.status_code == 404 and "Samtycket finns inte" in response.text
    response = other.post(f"/mina-sidor/sparrar/{ids[1]}/hav", data={"csrf_token": token})
    assert response.status_code == 404 and "Spärren finns inte" in response.text
    assert _consents(sqlite_world, ids[0] - 1)[0].revoked_at is None
    assert _blocks(sqlite_world, ids[1] - 1)[0].lifted_at is None
    assert ids[0] not in [c["id"] for c in other.get("/api/v1/me/consents").json()]


# --- Blocks and the preview ---


def test_a_block_is_previewed_confirmed_and_lifted(sqlite_world: Database) -> None:
    _holdings(sqlite_world)
    client = _citizen(sqlite_world)
    _, last = _last_ids(sqlite_world)
    assert _give(client, mottagare=MUNICIPALITY, mangd=["medication"]).status_code == 303
    page = client.get("/mina-sidor/sparrar").text
    assert "Vårdcentralen Stockholm Centrum" in page and "Hemtjänsten Stockholm" in page
    assert "aldrig vad de innehåller" in page and "även vid nödåtkomst" in page

    confirm = client.get("/mina-sidor/sparrar/ny", params={"vardgivare": REGION})
    assert confirm.status_code == 200
    lost = confirm.text.split("kan inte längre se:", 1)[1]
    assert MUNICIPALITY_NAME in confirm.text and "Läkemedel" in lost
    token = csrf(client, "/mina-sidor/sparrar")
    done = client.post("/mina-sidor/sparrar", data={"csrf_token": token, "vardgivare": REGION})
    assert done.status_code == 303
    assert "Spärren gäller från och med nu" in client.get(done.headers["location"]).text
    [block] = _blocks(sqlite_world, last)
    assert (block.care_giver_hsaid, block.unit_hsaid, block.lifted_at) == (REGION, None, None)
    preview = client.get("/mina-sidor/vem-kan-se").text
    assert "Spärrat av dig" in preview

    lift = f"/mina-sidor/sparrar/{block.id}/hav"
    assert client.post(lift, data={"csrf_token": token}).status_code == 303
    lifted = _blocks(sqlite_world, last)[0].lifted_at
    assert lifted is not None
    assert client.post(lift, data={"csrf_token": token}).status_code == 303
    assert _blocks(sqlite_world, last)[0].lifted_at == lifted
    assert "Hävd" in client.get("/mina-sidor/sparrar").text


def test_a_unit_block_and_bad_targets(sqlite_world: Database) -> None:
    _holdings(sqlite_world)
    client = _citizen(sqlite_world)
    _, last = _last_ids(sqlite_world)
    token = csrf(client, "/mina-sidor/sparrar")
    unit = {"vardgivare": REGION, "enhet": personas.VARDCENTRAL_UNIT}
    confirm = client.get("/mina-sidor/sparrar/ny", params=unit)
    assert "stannar på enheten" in confirm.text
    unknown = client.get("/mina-sidor/sparrar/ny", params={"vardgivare": "SE0000000000-VG"})
    assert unknown.status_code == 400 and "ingen vård- eller omsorgsgivare" in unknown.text
    foreign = {"csrf_token": token, "vardgivare": MUNICIPALITY, "enhet": personas.VARDCENTRAL_UNIT}
    refused = client.post("/mina-sidor/sparrar", data=foreign)
    assert refused.status_code == 400 and "Enheten finns inte hos" in refused.text
    assert _blocks(sqlite_world, last) == []
    assert client.post("/mina-sidor/sparrar", data={"csrf_token": token, **unit}).status_code == 303
    [block] = _blocks(sqlite_world, last)
    assert block.unit_hsaid == personas.VARDCENTRAL_UNIT


def test_who_could_see_what(sqlite_world: Database) -> None:
    _holdings(sqlite_world)
    client = _citizen(sqlite_world)
    before = client.get("/mina-sidor/vem-kan-se").text
    assert (
        "Kan inte se utan ditt samtycke" in before
        and "kan deras hälso- och sjukvårdspersonal öppna nödåtkomst" in before
    )
    assert _give(client, mottagare=MUNICIPALITY, mangd=["medication"]).status_code == 303
    after = client.get("/mina-sidor/vem-kan-se").text
    municipality_card = after.split(f"<h2>{MUNICIPALITY_NAME}</h2>", 1)[1].split("</section>")[0]
    assert "Kan se" in municipality_card and "Läkemedel" in municipality_card
    assert "med ditt samtycke" in municipality_card
    region_card = after.split(f"<h2>{REGION_NAME}</h2>", 1)[1].split("</section>")[0]
    assert "Insatser inom socialtjänsten" in region_card and "Kan se" not in region_card


# --- The access log ---


def _cross_organisation_reads(world: Database) -> None:
    """Home care reads the region's medication list by consent; a nurse uses emergency access."""
    with world.sessions.begin() as session:
        elder = person_by_id(session, personas.ELDER.person_id)
        actions.grant_consent(
            session, actor=citizen_actor(elder), patient=elder, accessor_hsaid=MUNICIPALITY
        )
        carer = staff_actor(session, personas.CARE_STAFF)
        nurse = staff_actor(session, personas.NURSE)
        actions.open_emergency_access(
            session, actor=nurse, patient=elder, reason="Medvetslös, behöver veta insatser"
        )
        for actor, purpose, kind, source in (
            (carer, Purpose.SOCIAL_CARE, RecordKind.MEDICATION, REGION),
            (nurse, Purpose.CARE, RecordKind.SOCIAL_CARE, MUNICIPALITY),
        ):
            request = AccessRequest(
                actor=actor,
                info=InfoSet.for_record(kind),
                purpose=purpose,
                patient_pk=elder.id,
                source_hsaid=source,
            )
            check(session, request)


def test_access_log_names_the_source_and_marks_emergency_access(sqlite_world: Database) -> None:
    _cross_organisation_reads(sqlite_world)
    client = _citizen(sqlite_world)
    page = client.get("/mina-sidor/vem-har-last").text
    rows = page.split("<tbody>", 1)[1].split("</tr>")
    emergency_read, consent_read, opened = rows[0], rows[1], rows[2]
    assert 'class="allowed emergency"' in emergency_read and "Nödåtkomst</span>" in emergency_read
    assert f"från {MUNICIPALITY_NAME}" in emergency_read
    assert "dina insatser inom socialtjänsten" in emergency_read
    assert "dina läkemedel" in consent_read and f"från {REGION_NAME}" in consent_read
    assert "Du har samtyckt" in consent_read and "emergency" not in consent_read
    assert "Öppnade" in opened and "nödåtkomst till dina uppgifter" in opened
    assert "utdrag.csv" in page and "utdrag.json" in page


def _own_log_reads(world: Database) -> int:
    with world.sessions() as session:
        query = select(func.count()).where(
            AuditEntry.actor_id == personas.ELDER.person_id,
            AuditEntry.resource == InfoSet.ACCESS_LOG.value,
        )
        return session.scalar(query) or 0


def test_access_log_extract_as_csv_and_json(sqlite_world: Database) -> None:
    _cross_organisation_reads(sqlite_world)
    client = _citizen(sqlite_world)
    reads = _own_log_reads(sqlite_world)
    response = client.get("/mina-sidor/vem-har-last/utdrag.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Tid", "Utfall", "Vem"] and "Nödåtkomst" in table[0]
    newest = dict(zip(table[0], table[1], strict=True))
    assert newest["Nödåtkomst"] == "Ja"
    assert newest["Uppgifternas vårdgivare"] == MUNICIPALITY_NAME
    assert newest["Vad"] == "Läste dina insatser inom socialtjänsten"

    data = client.get("/mina-sidor/vem-har-last/utdrag.json").json()
    assert data["personnummer"] == personas.ELDER.person_id
    assert data["antal"] == len(table) - 1
    first = data["atkomster"][0]
    assert first["nodatkomst"] is True and first["skal"] == "emergency_access"
    assert first["uppgifternas_vardgivare_hsaid"] == MUNICIPALITY
    # Each download is a read of one's own log, and logged as one.
    assert _own_log_reads(sqlite_world) == reads + 2


# --- The JSON API ---


def _api(world: Database) -> tuple[TestClient, dict[str, str]]:
    client = _citizen(world)
    token = client.get("/api/v1/me").json()["csrf_token"]
    return client, {"X-CSRF-Token": token}


def test_api_consents(sqlite_world: Database) -> None:
    client, headers = _api(sqlite_world)
    body = {"accessor_hsa_id": REGION, "info_sets": ["medication"]}
    created = client.post("/api/v1/me/consents", json=body, headers=headers)
    assert created.status_code == 201, created.text
    consent = created.json()
    assert consent["accessor_name"] == REGION_NAME and consent["info_sets"] == ["medication"]
    assert consent["status"] == "active"
    assert client.get("/api/v1/me/consents").json()[0]["id"] == consent["id"]
    url = f"/api/v1/me/consents/{consent['id']}"
    revoked = client.delete(url, headers=headers).json()
    assert revoked["status"] == "revoked"
    assert client.delete(url, headers=headers).json()["revoked_at"] == revoked["revoked_at"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"accessor_hsa_id": "SE0000000000-VG"}, 400, "invalid_accessor"),
        ({"valid_until": "2020-01-01"}, 400, "invalid_valid_until"),
        ({"info_sets": ["genome"]}, 400, "invalid_info_sets"),
        ({"info_sets": []}, 400, "invalid_info_sets"),
        ({"valid_until": "snart"}, 422, "invalid_request"),
        ({"scope": "all"}, 422, "invalid_request"),
    ],
)
def test_api_refuses_bad_consents_with_structured_errors(
    sqlite_world: Database, body: dict[str, object], status: int, code: str
) -> None:
    client, headers = _api(sqlite_world)
    last = _last_ids(sqlite_world)
    response = client.post("/api/v1/me/consents", json=body, headers=headers)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and error["request_id"]
    assert _last_ids(sqlite_world) == last


def test_api_writes_need_the_csrf_header(sqlite_world: Database) -> None:
    client, _ = _api(sqlite_world)
    last = _last_ids(sqlite_world)
    refused = client.post("/api/v1/me/consents", json={}, headers={"X-CSRF-Token": "forged"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    assert client.post("/api/v1/me/blocks", json={"care_giver_hsa_id": REGION}).status_code == 403
    forged = {"X-CSRF-Token": "å".encode()}
    assert client.delete("/api/v1/me/blocks/1", headers=forged).status_code == 403
    assert _last_ids(sqlite_world) == last


def test_api_blocks(sqlite_world: Database) -> None:
    client, headers = _api(sqlite_world)
    body = {"care_giver_hsa_id": REGION, "unit_hsa_id": personas.VARDCENTRAL_UNIT}
    created = client.post("/api/v1/me/blocks", json=body, headers=headers)
    assert created.status_code == 201, created.text
    block = created.json()
    assert block["unit_name"] == "Vårdcentralen Stockholm Centrum" and block["in_force"]
    again = client.post("/api/v1/me/blocks", json=body, headers=headers).json()
    assert again["id"] == block["id"]
    foreign = {"care_giver_hsa_id": MUNICIPALITY, "unit_hsa_id": personas.VARDCENTRAL_UNIT}
    refused = client.post("/api/v1/me/blocks", json=foreign, headers=headers)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_unit"
    lifted = client.delete(f"/api/v1/me/blocks/{block['id']}", headers=headers).json()
    assert lifted["in_force"] is False
    listed = {b["id"]: b["in_force"] for b in client.get("/api/v1/me/blocks").json()}
    assert listed[block["id"]] is False
    missing = client.delete("/api/v1/me/blocks/999999", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_block"
