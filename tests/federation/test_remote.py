"""Reading producers' HTTP answers, and an index that cannot be reached."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from samvard.access.schemas import Purpose
from samvard.core.config import Settings
from samvard.federation import remote
from samvard.federation.assertions import Requester
from samvard.federation.fanout import SourceFailure, run_in_new_loop
from samvard.federation.keys import generate_node_key, write_key_file
from samvard.federation.registry import build_local_node
from samvard.federation.schemas import SourceStatus
from samvard.federation.sources import INDEX_SOURCE, ask_index
from samvard.identity.models import Person
from samvard.records.models import RecordKind
from tests.conftest import SECRET
from tests.support.processes import free_port

QUERY = remote.RemoteQuery(
    base_url="http://127.0.0.1:9",
    resource_type="MedicationStatement",
    category=None,
    patient="x|193804037483",
    care_giver_hsaid="SE2321000016-VG",
    care_giver_name="Region Stockholm",
    node_id="region",
    headers={},
)


def nothing(data: dict[str, object]) -> tuple[tuple[()], tuple[str, ...]]:
    return (), ()


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (401, "unauthorized"),
        (404, "not_found"),
        (500, "http_500"),
        (502, "http_502"),
        (418, "http_418"),
    ],
)
def test_http_statuses_become_failures_with_swedish_text(status: int, code: str) -> None:
    with pytest.raises(SourceFailure) as failure:
        remote.answer_from(QUERY, status, b"", nothing)
    assert failure.value.code == code
    assert failure.value.text.startswith("Källan")


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"resourceType": "Patient"}'])
def test_bodies_that_are_not_a_bundle_are_malformed(body: bytes) -> None:
    def strict(data: dict[str, object]) -> tuple[tuple[()], tuple[str, ...]]:
        raise ValueError("not a Bundle")

    with pytest.raises(SourceFailure) as failure:
        remote.answer_from(QUERY, 200, body, strict)
    assert failure.value.code == "malformed_fhir"


def test_refusals_carry_the_producers_reason() -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "forbidden",
                "diagnostics": "Spärrad hos källan.",
                "details": {"coding": [{"code": "blocked"}]},
            }
        ],
    }
    blocked = remote.answer_from(QUERY, 403, json.dumps(outcome).encode(), nothing)
    assert (blocked.status, blocked.code, blocked.text) == (
        SourceStatus.BLOCKED,
        "blocked",
        "Spärrad hos källan.",
    )
    unreadable = remote.answer_from(QUERY, 403, b"<html>", nothing)
    assert (unreadable.status, unreadable.code) == (SourceStatus.DENIED, "denied")
    assert unreadable.text


def test_answers_over_the_limit_are_refused() -> None:
    async def read(headers: dict[str, str], body: bytes) -> bytes:
        reply = httpx.Response(200, headers=headers, content=body)
        return await remote.read_limited(reply, limit=10)

    with pytest.raises(SourceFailure, match="too_large"):
        run_in_new_loop(read({"content-length": "11"}, b"x" * 11))
    with pytest.raises(SourceFailure, match="too_large"):
        run_in_new_loop(read({}, b"x" * 11))
    assert run_in_new_loop(read({}, b"x" * 10)) == b"x" * 10


def test_an_unreachable_index_is_reported_and_nobody_is_asked(tmp_path: Path) -> None:
    private, public = generate_node_key()
    write_key_file(tmp_path / "key.json", private)
    registry = {
        "nodes": [
            {
                "id": "index",
                "base_url": f"http://127.0.0.1:{free_port()}",
                "index": True,
                "care_givers": [],
                "public_key": generate_node_key()[1],
            },
            {
                "id": "me",
                "base_url": "http://127.0.0.1:9",
                "index": False,
                "care_givers": ["SE2120001801-VG"],
                "public_key": public,
            },
        ]
    }
    (tmp_path / "registry.json").write_text(json.dumps(registry), encoding="utf-8")
    node = build_local_node(
        Settings(
            secret_key=SECRET,
            node_id="me",
            federation_file=tmp_path / "registry.json",
            node_key_file=tmp_path / "key.json",
        )
    )
    requester = Requester(
        staff_hsaid="SE2120001801-P0001",
        role="care_staff",
        unit_hsaid="SE2120001801-E0001",
        care_giver_hsaid="SE2120001801-VG",
        care_giver_kind="municipality",
        purpose=Purpose.SOCIAL_CARE.value,
        relation=True,
    )
    patient = Person(person_id="193804037483", id_kind="personnummer")
    found = ask_index(node, requester, patient, RecordKind.MEDICATION, timeout=1.0)
    assert found.producers == ()
    assert found.failure is not None
    assert (found.failure.care_giver_hsaid, found.failure.status, found.failure.code) == (
        INDEX_SOURCE,
        SourceStatus.FAILED,
        "connection_refused",
    )
