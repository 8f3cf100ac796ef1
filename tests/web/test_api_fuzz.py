"""Property-based fuzzing of the JSON API (/api/v1) with Schemathesis, in process.

The OpenAPI document is loaded from the app itself (/api/openapi.json) and every /api/v1
operation is exercised with valid and invalid input (Schemathesis' coverage and fuzzing phases,
positive and negative generation) as three users: anonymous, the citizen persona and the nurse
persona at her unit. Whatever is sent, the API must

- never answer 5xx,
- answer only statuses, content types and bodies that the OpenAPI document promises, and
- answer every 4xx with our error envelope `{"error": {"code", "message", "request_id"}}`.

Bodies and cookies that Schemathesis does not generate (wrong content type, broken JSON,
oversized bodies, a forged session cookie) are checked the same way by the tests further down.

Deterministic (derandomized Hypothesis, fixed Schemathesis seed) and bounded, so CI sends the
same requests on every run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from samvard.core.db import make_engine
from samvard.demo import personas
from samvard.reference import loaders
from samvard.web.app import create_app
from samvard.web.security import SESSION_COOKIE, cookie_name
from tests.conftest import Database, make_settings
from tests.support.web import client_for, login_citizen, login_staff

pytestmark = pytest.mark.slow

BASE_URL = "https://testserver"
MAX_EXAMPLES = 40
SEED = 20_240_601

# What every response must satisfy. `negative_data_rejection` additionally requires a 4xx for
# input that violates the schema (it only applies to negatively generated cases).
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ_CHECKS = [*CONFORMANCE, negative_data_rejection]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}},
    }
)

# The schema is loaded at import time, because pytest parametrizes one test per operation from
# it, from an app built exactly like the ones under test (serving /api/openapi.json never touches
# the database); `api_user` asserts that the app under test documents the very same API.
# (`schemathesis.pytest.from_fixture` would load it from a fixture instead, but Schemathesis
# 4.32.5's lazy loader sets `Function._nodeid`, which pytest 9.2 no longer has.)
schema = schemathesis.openapi.from_asgi(
    "/api/openapi.json", create_app(make_settings("sqlite://")), config=CONFIG
).include(path_regex=r"^/api/v1/")

Operation = schemathesis.APIOperation[Any, Any, Any, Any]


def _operations() -> list[Operation]:
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operations.append(result.ok())
    return operations


OPERATIONS = _operations()

# Random strings are practically never valid identity numbers, so the fuzzer also gets people of
# the demo world (reachable, protected, without a care relation to the nurse's unit), other
# spellings of them, and a valid number of nobody; that takes it past validation into lookup,
# access control and protected identity.
DEMO_PERSON_IDS = {p.person_id for p in personas.CITIZENS}
KNOWN_PERSON_IDS = [
    personas.CITIZEN.person_id,
    personas.PROTECTED_CITIZEN.person_id,
    personas.CHILD.person_id,
    personas.ELDER.person_id,
    personas.COORDINATION_NUMBER_HOLDER.person_id,
    "19850302-2389",
    "850302-2389",
    "8503022389",
    # Another official test number: valid, and most likely nobody in the small test world.
    next(n for n in reversed(loaders.test_personnummer()) if n not in DEMO_PERSON_IDS),
]


@schema.hook
def before_generate_path_parameters(
    context: schemathesis.HookContext, strategy: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    if context.operation is None or context.operation.path != "/api/v1/patients/{person_id}":
        return strategy
    known = st.fixed_dictionaries({"person_id": st.sampled_from(KNOWN_PERSON_IDS)})
    return strategy | known


@dataclass(frozen=True)
class ApiUser:
    """A client on an app on a private demo world, logged in as one kind of user."""

    name: str
    client: TestClient
    cookies: dict[str, str]

    @property
    def app(self) -> FastAPI:
        return app_of(self.client)


def app_of(client: TestClient) -> FastAPI:
    assert isinstance(client.app, FastAPI)
    return client.app


USERS = ["anonymous", "citizen", "nurse"]


def _logged_in(client: TestClient, kind: str) -> ApiUser:
    """`client` logged in as `kind`, checked with /api/v1/me."""
    if kind == "citizen":
        login_citizen(client, personas.CITIZEN.person_id)
    elif kind == "nurse":
        login_staff(client, personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)
    me = client.get("/api/v1/me")
    assert me.status_code == (401 if kind == "anonymous" else 200), me.text
    return ApiUser(kind, client, dict(client.cookies.items()))


@pytest.fixture(scope="module")
def _module_world(
    tmp_path_factory: pytest.TempPathFactory, _sqlite_world_template: Path
) -> Iterator[Database]:
    """A private copy of the demo world shared by the module's tests that change nothing."""
    directory = tmp_path_factory.mktemp("api-fuzz")
    shutil.copy(_sqlite_world_template, directory / "samvard.db")
    url = f"sqlite:///{directory / 'samvard.db'}"
    database = Database("sqlite", make_engine(url), url, [])
    yield database
    database.drop()


@pytest.fixture(scope="module")
def documented_api(_module_world: Database) -> None:
    """An app built exactly like the ones under test documents the very same API.

    Every app of this module is `client_for(a copy of the demo world)`: the settings differ
    only in the database file, and no route depends on it. Building the OpenAPI document
    takes FastAPI most of a second, so it is compared once here, not for every test.
    """
    with client_for(_module_world) as client:
        assert app_of(client).openapi() == schema.raw_schema


@pytest.fixture(params=USERS)
def api_user(
    request: pytest.FixtureRequest, sqlite_world: Any, documented_api: None
) -> Iterator[ApiUser]:
    """A fresh app on a private demo world for each test: the fuzzed requests change data."""
    with client_for(sqlite_world) as client:
        yield _logged_in(client, request.param)


@pytest.fixture(scope="module", params=USERS)
def refused_user(
    request: pytest.FixtureRequest, _module_world: Database, documented_api: None
) -> Iterator[ApiUser]:
    """One app and login per user for the module's tests whose every request is refused (4xx).

    A refused request changes nothing, so these tests share one world, app and session.
    """
    with client_for(_module_world) as client:
        yield _logged_in(client, request.param)


def assert_error_envelope(status: int, content_type: str, request_id: str, body: bytes) -> None:
    """A 4xx is exactly `{"error": {"code", "message", "request_id"}}`, all non-empty strings."""
    if not 400 <= status < 500:
        return
    assert content_type.startswith("application/json"), (status, content_type, body)
    envelope = httpx.Response(status, content=body).json()
    assert isinstance(envelope, dict), envelope
    assert set(envelope) == {"error"}, envelope
    error = envelope["error"]
    assert isinstance(error, dict), envelope
    assert set(error) == {"code", "message", "request_id"}, envelope
    assert all(isinstance(error[key], str) and error[key] for key in error), envelope
    assert error["request_id"] == request_id, (envelope, request_id)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # `api_user` is one login shared by all inputs of an operation, on purpose: no answer may
    # depend on a fresh session, and logging in for every input would be needlessly slow.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_api_answers_documented_responses_and_never_5xx(
    case: schemathesis.Case[Any], api_user: ApiUser
) -> None:
    response = case.call_and_validate(
        base_url=BASE_URL, app=api_user.app, cookies=api_user.cookies, checks=FUZZ_CHECKS
    )
    assert_error_envelope(
        response.status_code,
        response.headers.get("content-type", [""])[0],
        response.headers.get("x-request-id", [""])[0],
        response.content,
    )


def test_access_log_offset_beyond_int64_is_rejected(sqlite_world: Any) -> None:
    with client_for(sqlite_world) as client:
        login_citizen(client, personas.CITIZEN.person_id)
        response = client.get("/api/v1/me/access-log", params={"offset": str(2**63)})
    assert response.status_code == 422, response.text


def _with_body(operation: Operation) -> bool:
    return "requestBody" in operation.definition.raw


BODY_OPERATIONS = [op for op in OPERATIONS if _with_body(op)]
assert BODY_OPERATIONS, (
    "the API has no operation with a body any more: drop test_bad_bodies_get_documented_errors"
)

BAD_BODIES = [
    pytest.param({"content-type": "text/plain"}, b'{"identifiers": []}', id="text-plain"),
    pytest.param(
        {"content-type": "application/x-www-form-urlencoded"}, b"identifiers=1", id="form"
    ),
    pytest.param({"content-type": "application/json"}, b'{"identifiers": [', id="broken-json"),
    pytest.param({"content-type": "application/json"}, b"\xff\xfe\x00", id="not-utf8"),
    pytest.param(
        {"content-type": "application/json"}, b"[" * 100_000 + b"]" * 100_000, id="deep-json"
    ),
    pytest.param({"content-type": "application/json"}, b"[" + b"1" * 5000 + b"]", id="huge-int"),
    pytest.param(
        {"content-type": "application/json"},
        b'{"identifiers": ["' + b"x" * 2_000_000 + b'"]}',  # the default limit is 1 MB
        id="oversized",
    ),
    pytest.param(
        {"content-type": "application/json"},
        # A generator has no length: sent chunked, without Content-Length.
        lambda: iter([b'{"identifiers": ["', *[b"x" * 65_536] * 20, b'"]}']),
        id="oversized-streamed",
    ),
]


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=lambda op: op.label)
@pytest.mark.parametrize(("headers", "content"), BAD_BODIES)
def test_bad_bodies_get_documented_errors(
    refused_user: ApiUser, operation: Operation, headers: dict[str, str], content: Any
) -> None:
    response = refused_user.client.request(
        operation.method.upper(),
        operation.path,
        headers=headers,
        content=content() if callable(content) else content,
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    operation.Case().validate_response(response, checks=CONFORMANCE)
    assert_error_envelope(
        response.status_code,
        response.headers.get("content-type", ""),
        response.headers.get("x-request-id", ""),
        response.content,
    )


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
@pytest.mark.parametrize("forged", ["garbage", "a.b.c", '"\\x"', ""])
def test_forged_session_cookie_gets_documented_error(
    sqlite_world: Any, operation: Operation, forged: str
) -> None:
    with client_for(sqlite_world) as client:
        app = app_of(client)
        name = cookie_name(app.state.settings, SESSION_COOKIE)
        data: dict[str, Any] = {"headers": {"cookie": f"{name}={forged}"}}
        known = {
            "person_id": personas.CITIZEN.person_id,
            "consent_id": 1,
            "block_id": 1,
            "ref": "no-such-assessment",
            "view": "oversikt",
        }
        path_parameters = {k: v for k, v in known.items() if f"{{{k}}}" in operation.path}
        if path_parameters:
            data["path_parameters"] = path_parameters
        if _with_body(operation):
            data["body"] = {"identifiers": [personas.CITIZEN.person_id]}
            data["media_type"] = "application/json"
        case = operation.Case(**data)
        response = case.call_and_validate(base_url=BASE_URL, app=app, checks=CONFORMANCE)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert_error_envelope(
        response.status_code,
        response.headers.get("content-type", [""])[0],
        response.headers.get("x-request-id", [""])[0],
        response.content,
    )
