"""Request assertions and sharing statements between nodes: every refusal has its code."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OKPKey

from samvard.core.config import Settings
from samvard.demo import personas
from samvard.federation import keys
from samvard.federation.assertions import (
    NodeAuthError,
    ReplayCache,
    VerifiedRequest,
    sign_request,
    sign_statement,
    verify_request,
    verify_statement,
)
from samvard.federation.registry import (
    RegistryError,
    build_local_node,
    parse_registry,
)
from samvard.sharing.models import ConsentBasis
from samvard.sharing.schemas import BlockView, ConsentView, SharingState
from tests.support.federation import home_care_requester

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
MUNICIPALITY = personas.STOCKHOLM_MUNICIPALITY
REGION = personas.STOCKHOLM_REGION
PATIENT = personas.ELDER.person_id

REQUESTER = home_care_requester(MUNICIPALITY)


def _pair() -> tuple[OKPKey, dict[str, Any]]:
    private, public = keys.generate_node_key()
    return keys.import_private_key(private), public


KOMMUN_KEY, KOMMUN_PUBLIC = _pair()
REGION_KEY, REGION_PUBLIC = _pair()
INDEX_KEY, INDEX_PUBLIC = _pair()


def _registry_data() -> dict[str, object]:
    return {
        "nodes": [
            {
                "id": "index",
                "base_url": "http://127.0.0.1:9000",
                "index": True,
                "public_key": INDEX_PUBLIC,
            },
            {
                "id": "kommun",
                "base_url": "http://127.0.0.1:9001",
                "care_givers": [MUNICIPALITY],
                "public_key": KOMMUN_PUBLIC,
            },
            {
                "id": "region",
                "base_url": "http://127.0.0.1:9002/",
                "care_givers": [REGION],
                "public_key": REGION_PUBLIC,
            },
        ]
    }


REGISTRY = parse_registry(_registry_data())


def _request(**overrides: object) -> str:
    values: dict[str, object] = {
        "issuer": "kommun",
        "audience": "region",
        "requester": REQUESTER,
        "person_id": PATIENT,
        "now": NOW,
    }
    values.update(overrides)
    key = values.pop("key", KOMMUN_KEY)
    return sign_request(key, **values)  # type: ignore[arg-type]


def _verify(token: str, **overrides: object) -> VerifiedRequest:
    values: dict[str, object] = {
        "registry": REGISTRY,
        "audience": "region",
        "now": NOW,
        "replay": ReplayCache(),
    }
    values.update(overrides)
    return verify_request(token, **values)  # type: ignore[arg-type]


def _code(token: str, **overrides: object) -> str:
    with pytest.raises(NodeAuthError) as caught:
        _verify(token, **overrides)
    return caught.value.code


def test_a_signed_request_verifies_with_its_requester_and_patient() -> None:
    verified = _verify(_request())
    assert verified.issuer == "kommun"
    assert verified.requester == REQUESTER
    assert verified.person_id == PATIENT


def test_a_node_may_ask_on_its_own_behalf_without_a_requester() -> None:
    verified = _verify(_request(requester=None, person_id=None))
    assert verified.requester is None


@pytest.mark.parametrize(
    ("overrides", "verify_overrides", "code"),
    [
        ({"issuer": "stranger"}, {}, "unknown_issuer"),
        ({"key": REGION_KEY}, {}, "bad_signature"),
        ({"audience": "index"}, {}, "wrong_audience"),
        ({"now": NOW - timedelta(seconds=70)}, {}, "expired"),
        ({"now": NOW + timedelta(seconds=30)}, {}, "not_yet_valid"),
        # The region node may not speak for the municipality's staff.
        (
            {"issuer": "region", "key": REGION_KEY, "audience": "kommun"},
            {"audience": "kommun"},
            "foreign_requester",
        ),
    ],
)
def test_refusals(
    overrides: dict[str, object], verify_overrides: dict[str, object], code: str
) -> None:
    assert _code(_request(**overrides), **verify_overrides) == code


def test_a_request_can_be_used_once() -> None:
    cache = ReplayCache()
    token = _request()
    _verify(token, replay=cache)
    assert _code(token, replay=cache) == "replayed"


def test_replay_cache_forgets_expired_entries_and_stays_bounded() -> None:
    cache = ReplayCache(max_entries=2)
    assert cache.first_use("a", expires=100, now=50)
    assert not cache.first_use("a", expires=100, now=60)
    assert cache.first_use("b", expires=200, now=60)
    assert cache.first_use("c", expires=200, now=60)  # evicts "a", the oldest
    assert len(cache._seen) == 2
    assert cache.first_use("d", expires=300, now=250)  # "b" and "c" expired
    assert list(cache._seen) == ["d"]


def test_garbage_and_the_wrong_kind_of_token_are_refused() -> None:
    assert _code("not a token") == "malformed"
    assert _code("a.b.c") == "malformed"
    statement = sign_statement(INDEX_KEY, issuer="index", state=_state(), now=NOW)
    assert _code(statement) == "wrong_type"


def test_an_unsigned_token_is_refused() -> None:
    header = base64.urlsafe_b64encode(
        json.dumps({"alg": "none", "typ": "samvard-request+jwt"}).encode()
    ).rstrip(b"=")
    assert _code(header.decode() + ".e30.") in {"wrong_type", "malformed"}


def test_a_long_lived_token_is_refused() -> None:
    iat = int(NOW.timestamp())
    claims = {
        "iss": "kommun",
        "aud": "region",
        "iat": iat,
        "exp": iat + 3600,
        "jti": "x",
        "samvard": {"requester": None, "person_id": None},
    }
    header = {"alg": "Ed25519", "typ": "samvard-request+jwt"}
    token = jwt.encode(header, claims, KOMMUN_KEY, algorithms=["Ed25519"])
    assert _code(token) == "too_long_lived"


@pytest.mark.parametrize(
    "requester",
    [
        {"staff_hsaid": "x"},
        {**REQUESTER.__dict__, "relation": "yes"},
        {**REQUESTER.__dict__, "role": ""},
        "nobody",
    ],
)
def test_a_malformed_requester_is_refused(requester: object) -> None:
    iat = int(NOW.timestamp())
    claims = {
        "iss": "kommun",
        "aud": "region",
        "iat": iat,
        "exp": iat + 60,
        "jti": "y",
        "samvard": {"requester": requester, "person_id": PATIENT},
    }
    header = {"alg": "Ed25519", "typ": "samvard-request+jwt"}
    token = jwt.encode(header, claims, KOMMUN_KEY, algorithms=["Ed25519"])
    assert _code(token) == "malformed"


def _state(person_id: str = PATIENT) -> SharingState:
    return SharingState(
        person_id=person_id,
        as_of=NOW,
        consents=(
            ConsentView(
                accessor_hsaid=MUNICIPALITY,
                info_sets=frozenset({"record.medication"}),
                basis=ConsentBasis.PATIENT,
                valid_from=NOW - timedelta(days=1),
                valid_until=None,
            ),
        ),
        blocks=(BlockView(care_giver_hsaid=REGION, unit_hsaid=personas.EMERGENCY_UNIT),),
    )


def test_a_statement_carries_the_sharing_state() -> None:
    token = sign_statement(INDEX_KEY, issuer="index", state=_state(), now=NOW)
    state = verify_statement(token, registry=REGISTRY, person_id=PATIENT, now=NOW)
    assert state == _state()


def _statement_code(token: str, *, person_id: str = PATIENT, now: datetime = NOW) -> str:
    with pytest.raises(NodeAuthError) as caught:
        verify_statement(token, registry=REGISTRY, person_id=person_id, now=now)
    return caught.value.code


def test_statement_refusals() -> None:
    good = sign_statement(INDEX_KEY, issuer="index", state=_state(), now=NOW)
    assert _statement_code(good, person_id=personas.CITIZEN.person_id) == "wrong_patient"
    assert _statement_code(good, now=NOW + timedelta(seconds=40)) == "expired"
    assert _statement_code(good, now=NOW - timedelta(seconds=30)) == "not_yet_valid"
    # Only the index and consent service speaks for the patient's choices.
    by_producer = sign_statement(REGION_KEY, issuer="region", state=_state(), now=NOW)
    assert _statement_code(by_producer) == "not_index"
    forged = sign_statement(REGION_KEY, issuer="index", state=_state(), now=NOW)
    assert _statement_code(forged) == "bad_signature"
    assert _statement_code(_request()) == "wrong_type"


def test_registry_refuses_bad_files() -> None:
    data = _registry_data()
    nodes = data["nodes"]
    assert isinstance(nodes, list)
    private, _ = keys.generate_node_key()
    cases: list[object] = [
        [],
        {"nodes": "x"},
        {"nodes": [nodes[0], nodes[0]]},
        {"nodes": [nodes[1]]},  # no index node
        {"nodes": [{**nodes[0], "id": "Index!"}]},
        {"nodes": [{**nodes[0], "base_url": "ftp://x"}]},
        {"nodes": [{**nodes[0], "care_givers": "SE1"}]},
        {"nodes": [{**nodes[0], "public_key": "x"}]},
        {"nodes": [{**nodes[0], "public_key": private}]},  # a private key must never be shared
        {"nodes": [{**nodes[0], "public_key": {"kty": "RSA"}}]},
    ]
    for case in cases:
        with pytest.raises(RegistryError):
            parse_registry(case)


def test_registry_lookups() -> None:
    assert REGISTRY.index_node().id == "index"
    assert REGISTRY.node_for_care_giver(REGION).id == "region"  # type: ignore[union-attr]
    assert REGISTRY.node_for_care_giver("SE0000000000") is None
    assert REGISTRY.get("region").base_url == "http://127.0.0.1:9002"  # type: ignore[union-attr]


def test_a_single_node_is_its_own_index_with_a_stable_key() -> None:
    settings = Settings(secret_key="k" * 40)
    node = build_local_node(settings)
    again = build_local_node(settings)
    assert node.single and node.is_index and node.holds(REGION)
    assert node.key.thumbprint() == again.key.thumbprint()
    token = sign_request(
        node.key, issuer=node.node_id, audience=node.node_id, requester=REQUESTER, person_id=PATIENT
    )
    assert verify_request(token, registry=node.registry, audience=node.node_id).requester


def test_a_federated_node_needs_its_registered_key(tmp_path: Path) -> None:
    registry_file = tmp_path / "federation.json"
    registry_file.write_text(json.dumps(_registry_data()))
    key_file = tmp_path / "region.jwk"
    private, _ = keys.generate_node_key()
    keys.write_key_file(key_file, private)
    assert key_file.stat().st_mode & 0o777 == 0o600
    settings = Settings(node_id="region", federation_file=registry_file, node_key_file=key_file)
    with pytest.raises(RegistryError, match="does not match"):
        build_local_node(settings)
    with pytest.raises(RegistryError, match="not in the federation file"):
        build_local_node(settings.model_copy(update={"node_id": "elsewhere"}))
    with pytest.raises(keys.NodeKeyError):
        build_local_node(settings.model_copy(update={"node_key_file": None}))
    key_file.write_text("{")
    with pytest.raises(keys.NodeKeyError):
        build_local_node(settings)
    assert build_local_node(
        settings.model_copy(update={"node_id": "kommun", "node_key_file": _key_file(tmp_path)})
    ).holds(MUNICIPALITY)


def _key_file(tmp_path: Path) -> Path:
    path = tmp_path / "kommun.jwk"
    path.write_text(json.dumps(KOMMUN_KEY.as_dict(private=True)))
    return path


def test_production_refuses_a_federated_node_without_its_key(tmp_path: Path) -> None:
    unsafe = Settings(federation_file=tmp_path / "federation.json")
    assert any("SAMVARD_NODE_KEY_FILE" in p for p in unsafe.production_problems())
    keyed = unsafe.model_copy(update={"node_key_file": tmp_path / "node.jwk"})
    assert not any("SAMVARD_NODE_KEY_FILE" in p for p in keyed.production_problems())
