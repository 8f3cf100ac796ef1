"""The node-to-node API in-process: two generated node keys, a temporary registry file.

The app under test plays the region's node (producer) or the index node; the test signs
as the municipality's node (consumer) and as the index, exactly as those nodes would.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import OKPKey
from sqlalchemy import func, select

from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.directory.models import Unit
from samvard.federation import keys, push
from samvard.federation.assertions import (
    sign_request,
    sign_statement,
    verify_statement,
)
from samvard.federation.registry import parse_registry
from samvard.fhir.records import parse_bundle
from samvard.fhir.systems import PERSONNUMMER, RESERVNUMMER
from samvard.identity.models import Person
from samvard.records.models import Record, RecordKind
from samvard.reference import loaders
from samvard.sharing.actions import index_engagement
from samvard.sharing.models import ConsentBasis, Engagement
from samvard.sharing.schemas import BlockView, ConsentView, SharingState
from tests.conftest import Database, make_settings
from tests.support.federation import home_care_requester
from tests.support.web import client_for

REGION_CG = f"{personas.STOCKHOLM_REGION}-VG"
MUNI_CG = f"{personas.STOCKHOLM_MUNICIPALITY}-VG"
PATIENT = personas.ELDER.person_id
SECRET_NOTE = "Hemlig anteckning från akuten"
URL = "/federation/v1/fhir/MedicationStatement"

REQUESTER = home_care_requester(MUNI_CG)


class Nodes:
    """Keys and registry of a three-node federation: index, region, municipality."""

    def __init__(self, directory: Path) -> None:
        self.keys: dict[str, OKPKey] = {}
        entries = []
        for node_id, index, care_givers in (
            ("index", True, []),
            ("region", False, [REGION_CG]),
            ("kommun", False, [MUNI_CG]),
        ):
            private, public = keys.generate_node_key()
            keys.write_key_file(directory / f"{node_id}.jwk", private)
            self.keys[node_id] = keys.import_private_key(private)
            entries.append({"id": node_id, "base_url": f"https://{node_id}.test", "index": index,
                            "care_givers": care_givers, "public_key": public})  # fmt: skip
        self.registry_data = {"nodes": entries}
        self.registry = parse_registry(self.registry_data)
        self.file = directory / "federation.json"
        self.file.write_text(json.dumps(self.registry_data))
        self.directory = directory

    def settings_for(self, node_id: str) -> dict[str, object]:
        return {
            "node_id": node_id,
            "federation_file": self.file,
            "node_key_file": self.directory / f"{node_id}.jwk",
        }

    def request(self, audience: str, *, issuer: str = "kommun", **values: Any) -> str:
        values.setdefault("requester", REQUESTER)
        values.setdefault("person_id", PATIENT)
        return sign_request(self.keys[issuer], issuer=issuer, audience=audience, **values)

    def statement(self, state: SharingState, *, issuer: str = "index") -> str:
        return sign_statement(self.keys[issuer], issuer=issuer, state=state)


@pytest.fixture
def nodes(tmp_path: Path) -> Nodes:
    return Nodes(tmp_path)


def _consent(accessor: str | None = MUNI_CG) -> ConsentView:
    yesterday = datetime.now(UTC) - timedelta(days=1)
    return ConsentView(accessor_hsaid=accessor, info_sets=None, basis=ConsentBasis.PATIENT,
                       valid_from=yesterday, valid_until=None)  # fmt: skip


def _state(**values: Any) -> SharingState:
    return SharingState(person_id=PATIENT, as_of=datetime.now(UTC), **values)


def _add_medication(world: Database, unit_hsa: str, name: str) -> int:
    with world.sessions.begin() as session:
        person = session.scalars(select(Person).where(Person.person_id == PATIENT)).one()
        unit = session.scalars(select(Unit).where(Unit.hsa_id == unit_hsa)).one()
        details = {"name": name, "atc": None, "dosage": "1 x 1", "started_on": "2026-01-01",
                   "ended_on": None}  # fmt: skip
        record = Record(
            person_id=person.id, unit_id=unit.id, care_giver_id=unit.care_giver_id,
            author_id=None, kind=RecordKind.MEDICATION, recorded_at=datetime.now(UTC),
            occurred_at=datetime.combine(datetime.now(UTC).date(), time(12), UTC),
            shareable=True, title=name, details=details,
        )  # fmt: skip
        session.add(record)
        session.flush()
        return record.id


def _get(client: TestClient, nodes: Nodes, state: SharingState, **params: str) -> httpx.Response:
    query = {"patient": f"{PERSONNUMMER}|{PATIENT}", "care_giver": REGION_CG, **params}
    headers = {
        "Authorization": f"Bearer {nodes.request('region')}",
        "X-Samvard-Sharing": nodes.statement(state),
    }
    return client.get(URL, params=query, headers=headers)


def _last_audit(world: Database) -> AuditEntry:
    with world.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry is not None
        session.expunge(entry)
        return entry


def _reason(response: httpx.Response) -> str:
    issue = response.json()["issue"][0]
    return str(issue["details"]["coding"][0]["code"])


def test_with_consent_the_records_leave_and_the_disclosure_is_logged(
    sqlite_world: Database, nodes: Nodes
) -> None:
    record_id = _add_medication(sqlite_world, personas.VARDCENTRAL_UNIT, "Enalapril")
    client = client_for(sqlite_world, **nodes.settings_for("region"))
    response = _get(client, nodes, _state(consents=(_consent(),)))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    parsed = parse_bundle(response.json(), kind=RecordKind.MEDICATION)
    assert f"{REGION_CG}-{record_id}" in {e.source_id for e in parsed.entries}
    entry = _last_audit(sqlite_world)
    assert (entry.action, entry.outcome, entry.reason) == ("disclose", "allowed", "consent")
    assert entry.actor_id == personas.CARE_STAFF.hsa_id
    assert entry.care_giver_hsaid == MUNI_CG and entry.source_hsaid == REGION_CG
    assert entry.patient_id == PATIENT


def test_denials_are_forbidden_outcomes_with_our_reason(
    sqlite_world: Database, nodes: Nodes
) -> None:
    client = client_for(sqlite_world, **nodes.settings_for("region"))
    no_consent = _get(client, nodes, _state())
    assert no_consent.status_code == 403
    assert no_consent.json()["issue"][0]["code"] == "forbidden"
    assert _reason(no_consent) == "no_consent"
    assert _last_audit(sqlite_world).outcome == "denied"
    whole = (BlockView(care_giver_hsaid=REGION_CG),)
    blocked = _get(client, nodes, _state(consents=(_consent(),), blocks=whole))
    assert (blocked.status_code, _reason(blocked)) == (403, "blocked")
    headers = {
        "Authorization": "Bearer "
        + nodes.request("region", requester=replace(REQUESTER, relation=False)),
        "X-Samvard-Sharing": nodes.statement(_state(consents=(_consent(),))),
    }
    query = {"patient": f"{PERSONNUMMER}|{PATIENT}", "care_giver": REGION_CG}
    no_relation = client.get(URL, params=query, headers=headers)
    assert (no_relation.status_code, _reason(no_relation)) == (403, "no_care_relation")


def test_a_blocked_unit_is_named_and_its_content_stays(
    sqlite_world: Database, nodes: Nodes
) -> None:
    kept = _add_medication(sqlite_world, personas.EMERGENCY_UNIT, SECRET_NOTE)
    shown = _add_medication(sqlite_world, personas.VARDCENTRAL_UNIT, "Omeprazol")
    client = client_for(sqlite_world, **nodes.settings_for("region"))
    unit_block = BlockView(care_giver_hsaid=REGION_CG, unit_hsaid=personas.EMERGENCY_UNIT)
    state = _state(consents=(_consent(),), blocks=(unit_block,))
    response = _get(client, nodes, state)
    assert response.status_code == 200
    assert SECRET_NOTE not in response.text
    parsed = parse_bundle(response.json(), kind=RecordKind.MEDICATION)
    ids = {e.source_id for e in parsed.entries}
    assert f"{REGION_CG}-{shown}" in ids and f"{REGION_CG}-{kept}" not in ids
    assert parsed.blocked_units == (personas.EMERGENCY_UNIT,)


def test_node_authentication_failures_are_401(sqlite_world: Database, nodes: Nodes) -> None:
    client = client_for(sqlite_world, **nodes.settings_for("region"))
    query = {"patient": f"{PERSONNUMMER}|{PATIENT}", "care_giver": REGION_CG}
    statement = nodes.statement(_state(consents=(_consent(),)))
    missing = client.get(URL, params=query)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["resourceType"] == "OperationOutcome"
    token = nodes.request("region")
    cases = {
        "bad_signature": token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
        "wrong_audience": nodes.request("kommun"),
        "missing_statement": None,
    }
    for code, bearer in cases.items():
        headers = {"Authorization": f"Bearer {bearer or nodes.request('region')}"}
        if code != "missing_statement":
            headers["X-Samvard-Sharing"] = statement
        response = client.get(URL, params=query, headers=headers)
        assert (response.status_code, _reason(response)) == (401, code)
    headers = {"Authorization": f"Bearer {token}", "X-Samvard-Sharing": statement}
    assert client.get(URL, params=query, headers=headers).status_code == 200
    replayed = client.get(URL, params=query, headers=headers)
    assert (replayed.status_code, _reason(replayed)) == (401, "replayed")
    forged = nodes.statement(_state(consents=(_consent(),)), issuer="region")
    headers = {"Authorization": f"Bearer {nodes.request('region')}", "X-Samvard-Sharing": forged}
    assert _reason(client.get(URL, params=query, headers=headers)) == "not_index"


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        (URL, {"extra": "1"}, 400, "invalid_parameter"),
        ("/federation/v1/fhir/Observation", {}, 400, "unsupported_search"),
        ("/federation/v1/fhir/Patient", {}, 400, "unsupported_search"),
        (URL, {"patient": f"{RESERVNUMMER}|{PATIENT}"}, 400, "invalid_patient"),
        (URL, {"patient": f"{PERSONNUMMER}|12345"}, 400, "invalid_patient"),
        (URL, {"care_giver": "nobody"}, 400, "invalid_care_giver"),
        (URL, {"care_giver": f"{personas.STOCKHOLM_MUNICIPALITY}-VG"}, 404, "unknown_care_giver"),
        (URL, {"patient": f"{PERSONNUMMER}|{personas.CITIZEN.person_id}"}, 403, "wrong_patient"),
    ],
)
def test_bad_searches(
    sqlite_world: Database, nodes: Nodes, path: str, params: dict[str, str], status: int, code: str
) -> None:
    client = client_for(sqlite_world, **nodes.settings_for("region"))
    query = {"patient": f"{PERSONNUMMER}|{PATIENT}", "care_giver": REGION_CG, **params}
    headers = {
        "Authorization": f"Bearer {nodes.request('region')}",
        "X-Samvard-Sharing": nodes.statement(_state(consents=(_consent(),))),
    }
    response = client.get(path, params=query, headers=headers)
    assert (response.status_code, _reason(response)) == (status, code)


def _index_line(world: Database, unit: str, kind: RecordKind, node_id: str = "region") -> None:
    with world.sessions.begin() as session:
        index_engagement(session, person_id=PATIENT, care_giver_hsaid=REGION_CG, unit_hsaid=unit,
                         info_set=kind, node_id=node_id)  # fmt: skip


def _lookup(client: TestClient, nodes: Nodes, body: Any, **values: Any) -> httpx.Response:
    token = nodes.request("index", **values)
    return client.post("/federation/v1/lookup", json=body,
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip


def test_lookup_names_producers_blocks_and_signs_the_state(
    sqlite_world: Database, nodes: Nodes
) -> None:
    _index_line(sqlite_world, personas.VARDCENTRAL_UNIT, RecordKind.MEDICATION)
    _index_line(sqlite_world, personas.EMERGENCY_UNIT, RecordKind.MEDICATION)
    _index_line(sqlite_world, personas.EMERGENCY_UNIT, RecordKind.LAB)
    client = client_for(sqlite_world, **nodes.settings_for("index"))
    body = {"patient": f"{PERSONNUMMER}|{PATIENT}", "kinds": ["medication"]}
    response = _lookup(client, nodes, body)
    assert response.status_code == 200, response.text
    data = response.json()
    [producer] = [p for p in data["producers"] if p["care_giver_hsaid"] == REGION_CG]
    assert producer["node_id"] == "region" and producer["base_url"] == "https://region.test"
    assert producer["kinds"] == ["medication"]
    state = verify_statement(data["statement"], registry=nodes.registry, person_id=PATIENT)
    assert state.person_id == PATIENT
    entry = _last_audit(sqlite_world)
    assert (entry.action, entry.resource, entry.outcome) == (
        "disclose",
        "patient.sharing",
        "allowed",
    )


def test_lookup_of_an_unknown_patient_still_signs_an_empty_state(
    sqlite_world: Database, nodes: Nodes
) -> None:
    client = client_for(sqlite_world, **nodes.settings_for("index"))
    with sqlite_world.sessions() as session:
        known = set(session.scalars(select(Person.person_id)))
    # An official test number the demo world did not use: unknown to this node.
    stranger = next(n for n in loaders.test_personnummer() if n not in known)
    response = _lookup(client, nodes, {"patient": stranger}, person_id=stranger)
    assert response.status_code == 200, response.text
    assert response.json()["producers"] == []
    state = verify_statement(response.json()["statement"], registry=nodes.registry,
                             person_id=stranger)  # fmt: skip
    assert state.consents == ()


@pytest.mark.parametrize(
    ("node", "body", "values", "status", "code"),
    [
        ("region", {"patient": PATIENT}, {}, 404, "not_index"),
        ("index", {"patient": PATIENT}, {"requester": None}, 403, "no_requester"),
        ("index", {"patient": PATIENT}, {"requester": replace(REQUESTER, relation=False)}, 403,
         "no_care_relation"),
        ("index", {"patient": "12"}, {}, 400, "invalid_request"),
        ("index", ["x"], {}, 400, "invalid_request"),
        ("index", {"patient": PATIENT, "kinds": ["gossip"]}, {}, 400, "invalid_request"),
        ("index", {"patient": personas.CITIZEN.person_id}, {}, 403, "wrong_patient"),
    ],
)  # fmt: skip
def test_lookup_refusals(
    sqlite_world: Database,
    nodes: Nodes,
    node: str,
    body: Any,
    values: dict[str, Any],
    status: int,
    code: str,
) -> None:
    client = client_for(sqlite_world, **nodes.settings_for(node))
    token = nodes.request(node, **values)
    response = client.post("/federation/v1/lookup", json=body,
                           headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def _line(unit: str = personas.VARDCENTRAL_UNIT, care_giver: str = REGION_CG) -> dict[str, str]:
    return {"person_id": PATIENT, "care_giver_hsaid": care_giver, "unit_hsaid": unit,
            "info_set": "medication"}  # fmt: skip


def _engagement_rows(world: Database) -> int:
    with world.sessions() as session:
        query = select(func.count()).select_from(Engagement).where(Engagement.person_id == PATIENT)
        return int(session.scalar(query) or 0)


def test_engagements_from_a_producer_are_upserted(sqlite_world: Database, nodes: Nodes) -> None:
    client = client_for(sqlite_world, **nodes.settings_for("index"))
    before = _engagement_rows(sqlite_world)
    body = {"engagements": [_line(), _line(personas.EMERGENCY_UNIT)]}
    for _ in range(2):  # idempotent: the second time changes nothing
        token = nodes.request("index", issuer="region", requester=None, person_id=None)
        response = client.post("/federation/v1/engagements", json=body,
                               headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert response.json() == {"received": 2, "indexed": 2}
    assert before <= _engagement_rows(sqlite_world) <= before + 2
    token = nodes.request("index", issuer="region", requester=None, person_id=None)
    foreign = {"engagements": [_line(care_giver=MUNI_CG)]}
    refused = client.post("/federation/v1/engagements", json=foreign,
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "foreign_care_giver")
    for bad in (b"{", b"[]", json.dumps({"engagements": [{"person_id": PATIENT}]}).encode()):
        token = nodes.request("index", issuer="region", requester=None, person_id=None)
        response = client.post("/federation/v1/engagements", content=bad,
                               headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert response.status_code == 400


def test_push_sends_this_nodes_lines_to_the_index(sqlite_world: Database, nodes: Nodes) -> None:
    _index_line(sqlite_world, personas.VARDCENTRAL_UNIT, RecordKind.NOTE)
    index_client = client_for(sqlite_world, **nodes.settings_for("index"))
    settings = make_settings(sqlite_world.url, **nodes.settings_for("region"))
    sent = push.push_engagements(sqlite_world.sessions, settings,
                                 transport=index_client._transport)  # fmt: skip
    assert sent >= 1
    index_settings = make_settings(sqlite_world.url, **nodes.settings_for("index"))
    assert push.push_engagements(sqlite_world.sessions, index_settings) == 0


def test_a_failed_push_is_retried_then_logged_without_patient_data(
    sqlite_world: Database,
    nodes: Nodes,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _index_line(sqlite_world, personas.VARDCENTRAL_UNIT, RecordKind.NOTE)
    monkeypatch.setattr(push.time, "sleep", lambda _: None)
    calls: list[int] = []

    def failing(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503)

    settings = make_settings(sqlite_world.url, **nodes.settings_for("region"))
    with caplog.at_level(logging.WARNING, logger="samvard.federation"):
        sent = push.push_engagements(sqlite_world.sessions, settings,
                                     transport=httpx.MockTransport(failing))  # fmt: skip
    assert sent == 0 and len(calls) == push.ATTEMPTS
    assert "engagement push to index failed" in caplog.text
    assert PATIENT not in caplog.text
