"""Node-to-node API: the producer's FHIR search, the index lookup and engagement updates.

These routes are called by other Samvård nodes, never by browsers. They authenticate by
a signed request assertion in `Authorization: Bearer …`, not by a session cookie, so
they need no CSRF token: a browser cannot make a cross-site request carry one.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from samvard.access.guard import AccessDenied
from samvard.directory.hsaid import is_valid_hsa_id
from samvard.federation import index
from samvard.federation.assertions import (
    NodeAuthError,
    VerifiedRequest,
    verify_request,
    verify_statement,
)
from samvard.federation.producer import (
    InvalidRequester,
    ProducerDenied,
    ProducerQuery,
    UnknownCareGiver,
    answer,
)
from samvard.federation.registry import LocalNode, load_local_node
from samvard.fhir.records import kind_for_search
from samvard.fhir.systems import LOCAL_BASE, PERSONNUMMER, SAMORDNINGSNUMMER
from samvard.web.deps import Db

router = APIRouter(prefix="/federation/v1", tags=["federation"], include_in_schema=False)
FHIR_JSON = "application/fhir+json"
SHARING_HEADER = "X-Samvard-Sharing"
DENIAL_REASON = f"{LOCAL_BASE}/CodeSystem/denial-reason"
_SEARCH_PARAMS = {"patient", "care_giver", "category"}


class _Refused(Exception):  # noqa: N818 - internal: becomes the answer directly
    def __init__(self, status: int, code: str, text: str) -> None:
        super().__init__(code)
        self.status, self.code, self.text = status, code, text


def _node(request: Request) -> LocalNode:
    return load_local_node(request.app.state.settings)


def _authenticate(request: Request, node: LocalNode) -> VerifiedRequest:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _Refused(401, "missing", "Förfrågan saknar nodintyg.")
    try:
        return verify_request(token.strip(), registry=node.registry, audience=node.node_id)
    except NodeAuthError as exc:
        raise _Refused(401, exc.code, exc.text) from None


def _outcome(refused: _Refused) -> JSONResponse:
    issue_code = {401: "login", 403: "forbidden", 404: "not-found"}.get(refused.status, "invalid")
    issue: dict[str, Any] = {"severity": "error", "code": issue_code, "diagnostics": refused.text}
    issue["details"] = {"coding": [{"system": DENIAL_REASON, "code": refused.code}]}
    body = {"resourceType": "OperationOutcome", "issue": [issue]}
    return JSONResponse(
        body, status_code=refused.status, media_type=FHIR_JSON, headers=_auth(refused)
    )


def _error(request: Request, refused: _Refused) -> JSONResponse:
    request_id = getattr(request.state, "request_id", "")
    body = {"error": {"code": refused.code, "message": refused.text, "request_id": request_id}}
    return JSONResponse(body, status_code=refused.status, headers=_auth(refused))


def _auth(refused: _Refused) -> dict[str, str] | None:
    return {"WWW-Authenticate": "Bearer"} if refused.status == 401 else None


ResourceType = Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z]+$")]


@router.get("/fhir/{resource_type}")
def search_records(request: Request, db: Db, resource_type: ResourceType) -> JSONResponse:
    """One care giver's shareable records about one patient, as a FHIR searchset Bundle."""
    try:
        node = _node(request)
        verified = _authenticate(request, node)
        query, statement = _producer_query(request, verified, resource_type)
        sharing = _statement(node, statement, query.person_id)
        if not node.holds(query.care_giver_hsaid):
            raise UnknownCareGiver(query.care_giver_hsaid)
        bundle = answer(
            db,
            query,
            sharing=sharing,
            node_id=node.node_id,
            base_url=str(request.app.state.settings.public_base_url).rstrip("/")
            + "/federation/v1/fhir",
        )
    except _Refused as refused:
        return _outcome(refused)
    except UnknownCareGiver:
        return _outcome(_Refused(404, "unknown_care_giver", "Vårdgivaren finns inte på noden."))
    except InvalidRequester:
        return _outcome(_Refused(400, "invalid_requester", "Beställarens uppgifter är ogiltiga."))
    except ProducerDenied as denied:
        return _outcome(_Refused(403, denied.code, denied.text))
    return JSONResponse(bundle, media_type=FHIR_JSON)


def _producer_query(
    request: Request, verified: VerifiedRequest, resource_type: str
) -> tuple[ProducerQuery, str | None]:
    params = request.query_params
    if set(params) - _SEARCH_PARAMS or any(len(params.getlist(p)) > 1 for p in params):
        raise _Refused(400, "invalid_parameter", "Okänd eller upprepad sökparameter.")
    kind = kind_for_search(resource_type, params.get("category"))
    if kind is None:
        raise _Refused(400, "unsupported_search", "Sökningen stöds inte.")
    system, _, value = params.get("patient", "").rpartition("|")
    if system not in (PERSONNUMMER, SAMORDNINGSNUMMER):
        raise _Refused(
            400, "invalid_patient", "Ange patient som personnummer eller samordningsnummer."
        )
    try:
        person_id = index.normalized_person_id(value)
    except index.IndexInputError as exc:
        raise _Refused(400, "invalid_patient", exc.text) from None
    care_giver = params.get("care_giver", "")
    if not is_valid_hsa_id(care_giver):
        raise _Refused(400, "invalid_care_giver", "Ange vårdgivarens HSA-id.")
    if verified.requester is None:
        raise _Refused(403, "no_requester", "Förfrågan anger ingen beställare.")
    if verified.person_id != person_id:
        raise _Refused(403, "wrong_patient", "Nodintyget gäller en annan patient.")
    query = ProducerQuery(verified.requester, person_id, kind, care_giver)
    return query, request.headers.get(SHARING_HEADER)


def _statement(node: LocalNode, token: str | None, person_id: str) -> Any:
    if not token:
        raise _Refused(401, "missing_statement", "Förfrågan saknar samtyckesintyg.")
    try:
        return verify_statement(token, registry=node.registry, person_id=person_id)
    except NodeAuthError as exc:
        raise _Refused(401, exc.code, exc.text) from None


async def raw_body(request: Request) -> bytes:
    """The request body, read before the (synchronous) route runs."""
    return await request.body()


Body = Annotated[bytes, Depends(raw_body)]


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise _Refused(400, "invalid_json", "Förfrågan är inte giltig JSON.") from None


def _index_node(request: Request) -> tuple[LocalNode, VerifiedRequest]:
    node = _node(request)
    verified = _authenticate(request, node)
    if not node.is_index:
        raise _Refused(404, "not_index", "Den här noden är ingen indextjänst.")
    return node, verified


@router.post("/lookup")
def lookup(request: Request, db: Db, body: Body) -> JSONResponse:
    """Which producers hold information about the patient, with the signed sharing state."""
    try:
        node, verified = _index_node(request)
        if verified.requester is None:
            raise _Refused(403, "no_requester", "Förfrågan anger ingen beställare.")
        data = _json(body)
        if not isinstance(data, dict):
            raise _Refused(400, "invalid_request", "Förfrågan ska vara ett JSON-objekt.")
        person_id = index.normalized_person_id(data.get("patient"))
        if verified.person_id != person_id:
            raise _Refused(403, "wrong_patient", "Nodintyget gäller en annan patient.")
        found = index.lookup(
            db,
            node=node,
            requester=verified.requester,
            person_id=person_id,
            kinds=index.parse_kinds(data.get("kinds")),
        )
    except _Refused as refused:
        return _error(request, refused)
    except index.IndexInputError as exc:
        return _error(request, _Refused(400, "invalid_request", exc.text))
    except InvalidRequester:
        return _error(
            request, _Refused(400, "invalid_requester", "Beställarens uppgifter är ogiltiga.")
        )
    except AccessDenied as denied:
        decision = denied.decision
        return _error(request, _Refused(403, decision.reason, decision.explanation))
    return JSONResponse(found)


@router.post("/engagements")
def engagements(request: Request, db: Db, body: Body) -> JSONResponse:
    """Engagement lines from a registered producer node, upserted into the index."""
    try:
        node, verified = _index_node(request)
        lines = index.parse_engagement_lines(_json(body))
        producer = node.registry.get(verified.issuer)
        foreign = [
            line
            for line in lines
            if not (node.single or (producer and line.care_giver_hsaid in producer.care_givers))
        ]
        if foreign:
            raise _Refused(
                403, "foreign_care_giver", "Noden får bara anmäla sina egna vårdgivares uppgifter."
            )
        count = index.record_engagements(db, node=verified.issuer, lines=lines)
    except _Refused as refused:
        return _error(request, refused)
    except index.IndexInputError as exc:
        return _error(request, _Refused(400, "invalid_request", exc.text))
    return JSONResponse({"received": len(lines), "indexed": count})
