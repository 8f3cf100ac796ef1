"""Signed assertions between nodes: who asks (request) and what the patient chose (statement).

A *request assertion* is a short-lived JWS the consumer node signs for one call: it names
the member of staff, their role, unit, care giver and purpose, the patient, and whether
the consumer checked a care or social-care relation. The producer cannot check those
itself (the staff member is not in its database), so it trusts the signing node for them
and logs the disclosure under that node's name.

A *sharing statement* is the patient's `SharingState`, signed by the index and consent
service and valid for 30 seconds, so a producer decides from the patient's current
consents and blocks without a call of its own.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import OrderedDict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from joserfc.jws import extract_compact

from samvard.federation.keys import ALGORITHM
from samvard.federation.registry import Registry
from samvard.sharing.schemas import SharingState

REQUEST_LIFETIME = 60
STATEMENT_LIFETIME = 30
# Clock difference tolerated between nodes, in seconds.
LEEWAY = 5
REQUEST_TYPE = "samvard-request+jwt"
STATEMENT_TYPE = "samvard-sharing+jwt"


class NodeAuthError(Exception):
    """A node-to-node credential was refused; `code` is stable, `text` Swedish."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(code)
        self.code = code
        self.text = text


@dataclass(frozen=True, kw_only=True)
class Requester:
    """The member of staff on whose behalf a consumer node asks, as that node asserts."""

    staff_hsaid: str
    role: str
    unit_hsaid: str
    care_giver_hsaid: str
    care_giver_kind: str
    purpose: str
    # The consumer asserts that it checked an active care or social-care relation.
    relation: bool


@dataclass(frozen=True, kw_only=True)
class VerifiedRequest:
    """A request assertion that passed every check."""

    issuer: str
    requester: Requester | None
    person_id: str | None


class ReplayCache:
    """The `jti` of every request seen while it is still valid, bounded in size.

    In memory and per process: a replay to another worker process of the same node is
    not caught; the 60-second lifetime bounds that window (see ADR 0008).
    """

    def __init__(self, max_entries: int = 100_000) -> None:
        self.max_entries = max_entries
        self._seen: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def first_use(self, jti: str, *, expires: int, now: int) -> bool:
        """Remember `jti`; False if it was already seen and has not expired."""
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < now - LEEWAY:
                self._seen.popitem(last=False)
            if jti in self._seen:
                return False
            if len(self._seen) >= self.max_entries:
                self._seen.popitem(last=False)
            self._seen[jti] = expires
            return True


REPLAY_CACHE = ReplayCache()


def _epoch(now: datetime | None) -> int:
    return int((now or datetime.now(UTC)).timestamp())


def _sign(key: OKPKey, typ: str, claims: dict[str, Any]) -> str:
    header = {"alg": ALGORITHM, "typ": typ, "kid": key.thumbprint()}
    return jwt.encode(header, claims, key, algorithms=[ALGORITHM])


def sign_request(
    key: OKPKey,
    *,
    issuer: str,
    audience: str,
    requester: Requester | None,
    person_id: str | None,
    now: datetime | None = None,
) -> str:
    """A request assertion from node `issuer` to node `audience`, valid for 60 seconds."""
    iat = _epoch(now)
    claims = {
        "iss": issuer,
        "aud": audience,
        "iat": iat,
        "exp": iat + REQUEST_LIFETIME,
        "jti": str(uuid.uuid4()),
        "sub": requester.staff_hsaid if requester else issuer,
        "samvard": {
            "requester": asdict(requester) if requester else None,
            "person_id": person_id,
        },
    }
    return _sign(key, REQUEST_TYPE, claims)


def sign_statement(
    key: OKPKey, *, issuer: str, state: SharingState, now: datetime | None = None
) -> str:
    """The patient's sharing state signed by the consent service, valid for 30 seconds."""
    iat = _epoch(now)
    claims = {
        "iss": issuer,
        "iat": iat,
        "exp": iat + STATEMENT_LIFETIME,
        "jti": str(uuid.uuid4()),
        "sub": state.person_id,
        "samvard": {"state": state.to_json()},
    }
    return _sign(key, STATEMENT_TYPE, claims)


def _decode(token: str, registry: Registry, typ: str) -> tuple[str, dict[str, Any]]:
    """Check form, type, issuer and signature; return the issuer and the claims."""
    try:
        unverified = extract_compact(token.encode("ascii"))
        header = unverified.headers()
        issuer = json.loads(unverified.payload).get("iss")
    except (JoseError, ValueError, UnicodeError, AttributeError):
        raise NodeAuthError("malformed", "Nodintyget kunde inte tolkas.") from None
    if header.get("typ") != typ or header.get("alg") != ALGORITHM:
        raise NodeAuthError("wrong_type", "Nodintyget är av fel slag.")
    key = registry.key_for(issuer) if isinstance(issuer, str) else None
    if key is None:
        raise NodeAuthError("unknown_issuer", "Noden som skickade förfrågan är okänd.")
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM]).claims
    except (JoseError, ValueError):
        raise NodeAuthError("bad_signature", "Nodintygets signatur stämmer inte.") from None
    return issuer, claims


def _check_times(claims: dict[str, Any], *, now: int, lifetime: int) -> None:
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int):
        raise NodeAuthError("malformed", "Nodintyget saknar giltighetstid.")
    if iat > now + LEEWAY:
        raise NodeAuthError("not_yet_valid", "Nodintyget är utfärdat i framtiden.")
    if exp - iat > lifetime:
        raise NodeAuthError("too_long_lived", "Nodintyget gäller för länge.")
    if exp <= now - LEEWAY:
        raise NodeAuthError("expired", "Nodintyget har gått ut.")


def verify_request(
    token: str,
    *,
    registry: Registry,
    audience: str,
    now: datetime | None = None,
    replay: ReplayCache | None = None,
) -> VerifiedRequest:
    """Check a request assertion addressed to node `audience` (raises NodeAuthError).

    Refused: unknown issuer, bad signature, another audience, expired, issued in the
    future, valid for longer than 60 s, a `jti` already used, and a requester whose care
    giver the issuing node does not serve (a node speaks only for its own staff).
    """
    issuer, claims = _decode(token, registry, REQUEST_TYPE)
    if claims.get("aud") != audience:
        raise NodeAuthError("wrong_audience", "Förfrågan är ställd till en annan nod.")
    moment = _epoch(now)
    _check_times(claims, now=moment, lifetime=REQUEST_LIFETIME)
    body = claims.get("samvard")
    jti = claims.get("jti")
    if not isinstance(body, dict) or not isinstance(jti, str) or not jti:
        raise NodeAuthError("malformed", "Nodintyget saknar uppgifter.")
    requester = _requester(body.get("requester"))
    person_id = body.get("person_id")
    if person_id is not None and not isinstance(person_id, str):
        raise NodeAuthError("malformed", "Nodintyget har en ogiltig patientuppgift.")
    if requester is not None:
        _check_speaks_for(registry, issuer, requester)
    if not (replay or REPLAY_CACHE).first_use(jti, expires=claims["exp"], now=moment):
        raise NodeAuthError("replayed", "Nodintyget har redan använts.")
    return VerifiedRequest(issuer=issuer, requester=requester, person_id=person_id)


_REQUESTER_TEXT = (
    "staff_hsaid",
    "role",
    "unit_hsaid",
    "care_giver_hsaid",
    "care_giver_kind",
    "purpose",
)


def _requester(data: Any) -> Requester | None:
    if data is None:
        return None
    valid = (
        isinstance(data, dict)
        and all(isinstance(data.get(name), str) and data[name] for name in _REQUESTER_TEXT)
        and isinstance(data.get("relation"), bool)
    )
    if not valid:
        raise NodeAuthError("malformed", "Nodintyget har en ogiltig beställare.")
    return Requester(**{name: data[name] for name in (*_REQUESTER_TEXT, "relation")})


def _check_speaks_for(registry: Registry, issuer: str, requester: Requester) -> None:
    node = registry.get(issuer)
    alone = len(registry.nodes) == 1
    if node is None or not (alone or requester.care_giver_hsaid in node.care_givers):
        raise NodeAuthError(
            "foreign_requester", "Noden får inte fråga för den vårdgivaren eller omsorgsgivaren."
        )


def verify_statement(
    token: str, *, registry: Registry, person_id: str, now: datetime | None = None
) -> SharingState:
    """The sharing state in a statement from an index node about `person_id`.

    Refused (NodeAuthError): not signed by a registered index node, about another
    patient, expired or issued in the future.
    """
    issuer, claims = _decode(token, registry, STATEMENT_TYPE)
    node = registry.get(issuer)
    if node is None or not node.index:
        raise NodeAuthError("not_index", "Samtyckesintyget kommer inte från indexnoden.")
    _check_times(claims, now=_epoch(now), lifetime=STATEMENT_LIFETIME)
    body = claims.get("samvard")
    try:
        state = SharingState.from_json(body["state"] if isinstance(body, dict) else {})
    except (KeyError, TypeError, ValueError, AttributeError):
        raise NodeAuthError("malformed", "Samtyckesintyget kunde inte tolkas.") from None
    if claims.get("sub") != person_id or state.person_id != person_id:
        raise NodeAuthError("wrong_patient", "Samtyckesintyget gäller en annan patient.")
    return state
