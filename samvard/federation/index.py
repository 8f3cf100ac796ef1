"""The national index and consent service: who holds what about whom, and the patient's choices.

A consumer node asks the index which producers hold information about a patient (the
engagement index) and gets, in the same answer, the patient's sharing state signed by
the index for 30 seconds; it forwards that statement to every producer it calls.
Producer nodes keep the index current by sending their engagement lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from samvard.access.guard import check_disclosure
from samvard.access.schemas import AccessRequest, Action, InfoSet, Purpose
from samvard.core import audit
from samvard.core.db import utcnow
from samvard.directory.hsaid import is_valid_hsa_id
from samvard.directory.queries import get_care_giver_by_hsa_id
from samvard.federation.assertions import Requester, sign_statement
from samvard.federation.producer import InvalidRequester, remote_actor
from samvard.federation.registry import LocalNode
from samvard.fhir.systems import PERSONNUMMER, SAMORDNINGSNUMMER
from samvard.identity.numbers import IdKind, InvalidPersonId, parse_person_id
from samvard.identity.queries import get_person_by_person_id
from samvard.records.models import RecordKind
from samvard.sharing.actions import index_engagement
from samvard.sharing.policy import is_blocked
from samvard.sharing.queries import get_sharing_state, list_engagements
from samvard.sharing.schemas import SharingState

MAX_LINES = 1000


class IndexInputError(ValueError):
    """A lookup or engagement message that cannot be used; `text` is Swedish."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class EngagementLine:
    """One line a producer sends: this unit holds this information set about this person."""

    person_id: str
    care_giver_hsaid: str
    unit_hsaid: str
    info_set: RecordKind

    def to_json(self) -> dict[str, str]:
        """The wire form."""
        return {
            "person_id": self.person_id,
            "care_giver_hsaid": self.care_giver_hsaid,
            "unit_hsaid": self.unit_hsaid,
            "info_set": self.info_set.value,
        }


_PERSON_SYSTEMS = (PERSONNUMMER, SAMORDNINGSNUMMER)


def normalized_person_id(value: Any) -> str:
    """A personnummer or samordningsnummer in its 12-digit form (raises IndexInputError).

    Accepts the bare number or FHIR's token form `system|value`; a reservnummer is local
    to one node and never identifies a patient across nodes.
    """
    if isinstance(value, str) and "|" in value:
        system, _, value = value.rpartition("|")
        if system not in _PERSON_SYSTEMS:
            raise IndexInputError("Ange personnummer eller samordningsnummer.")
    try:
        parsed = parse_person_id(value) if isinstance(value, str) else None
    except InvalidPersonId as exc:
        raise IndexInputError(f"Ogiltigt personnummer: {exc.reason}") from None
    if parsed is None:
        raise IndexInputError("Personnummer saknas.")
    if parsed.kind is IdKind.RESERVNUMMER:
        raise IndexInputError("Ett reservnummer gäller bara hos den egna vårdgivaren.")
    return parsed.normalized


def parse_kinds(value: Any) -> list[RecordKind]:
    """The information sets asked for; none given means all of them."""
    if value is None:
        return list(RecordKind)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise IndexInputError("kinds ska vara en lista med informationsmängder.")
    try:
        return [RecordKind(v) for v in dict.fromkeys(value)]
    except ValueError:
        raise IndexInputError("Okänd informationsmängd.") from None


def parse_engagement_lines(data: Any) -> list[EngagementLine]:
    """The lines of an engagement message (raises IndexInputError)."""
    lines = data.get("engagements") if isinstance(data, dict) else None
    if not isinstance(lines, list) or len(lines) > MAX_LINES:
        raise IndexInputError(f"engagements ska vara en lista med högst {MAX_LINES} rader.")
    return [_line(item) for item in lines]


def _line(item: Any) -> EngagementLine:
    if not isinstance(item, dict):
        raise IndexInputError("Varje rad ska vara ett objekt.")
    care_giver, unit = item.get("care_giver_hsaid"), item.get("unit_hsaid")
    if not (isinstance(care_giver, str) and is_valid_hsa_id(care_giver)):
        raise IndexInputError("Ogiltigt HSA-id för vårdgivaren.")
    if not (isinstance(unit, str) and is_valid_hsa_id(unit)):
        raise IndexInputError("Ogiltigt HSA-id för enheten.")
    info_set = item.get("info_set")
    if not isinstance(info_set, str):
        raise IndexInputError("Informationsmängd saknas.")
    [kind] = parse_kinds([info_set])
    return EngagementLine(normalized_person_id(item.get("person_id")), care_giver, unit, kind)


def record_engagements(session: Session, *, node: str, lines: Sequence[EngagementLine]) -> int:
    """Upsert `lines` from producer node `node` into the index (idempotent); one audit entry.

    The entry names no patient: it records that the node updated the index, not an
    access to anyone's information.
    """
    for line in lines:
        index_engagement(
            session,
            person_id=line.person_id,
            care_giver_hsaid=line.care_giver_hsaid,
            unit_hsaid=line.unit_hsaid,
            info_set=line.info_set,
            node_id=node,
        )
    audit.append(
        session,
        audit.AuditRecord(
            actor_kind="system",
            actor_id=node,
            action=Action.WRITE.value,
            resource="engagement_index",
            outcome="allowed",
            reason="registered_producer_node",
        ),
    )
    return len(lines)


def lookup(
    session: Session,
    *,
    node: LocalNode,
    requester: Requester,
    person_id: str,
    kinds: Iterable[RecordKind],
) -> dict[str, Any]:
    """Producers holding `kinds` about the patient, blocks in force, and the signed state.

    Which organisations hold information about a patient is personal data too: the lookup
    passes the policy hook (a care or social-care relation, as the consumer asserts) and
    is logged here. Raises AccessDenied or InvalidRequester.
    """
    person = get_person_by_person_id(session, person_id)
    now = utcnow()
    state = (
        get_sharing_state(session, person, now=now)
        if person
        else SharingState(person_id=person_id, as_of=now)
    )
    actor = remote_actor(requester)
    try:
        purpose = Purpose(requester.purpose)
    except ValueError:
        raise InvalidRequester("unknown purpose") from None
    request = AccessRequest(
        actor=actor,
        info=InfoSet.SHARING,
        purpose=purpose,
        action=Action.DISCLOSE,
        patient_pk=person.id if person else None,
    )
    check_disclosure(
        session, request, sharing=state, asserted_relation=requester.relation, person_id=person_id
    )
    wanted = set(kinds)
    lines = [e for e in list_engagements(session, person_id) if e.info_set in wanted]
    producers: dict[str, dict[str, Any]] = {}
    blocked: dict[tuple[str, str], None] = {}
    for line in lines:
        target = node.registry.get(line.node_id) or (node.me if node.single else None)
        if target is None:
            continue  # a node no longer in the registry cannot be asked
        if is_blocked(
            state,
            source_care_giver=line.care_giver_hsaid,
            source_unit=line.unit_hsaid,
            reader_care_giver=requester.care_giver_hsaid,
            reader_unit=requester.unit_hsaid,
        ):
            blocked[(line.care_giver_hsaid, line.unit_hsaid)] = None
        producer = producers.setdefault(
            line.care_giver_hsaid,
            _producer(session, line.care_giver_hsaid, target.id, target.base_url),
        )
        if line.info_set.value not in producer["kinds"]:
            producer["kinds"].append(line.info_set.value)
    return {
        "producers": list(producers.values()),
        "blocked": [{"care_giver_hsaid": cg, "unit_hsaid": unit} for cg, unit in blocked],
        "statement": sign_statement(node.key, issuer=node.node_id, state=state),
    }


def _producer(session: Session, hsa_id: str, node_id: str, base_url: str) -> dict[str, Any]:
    care_giver = get_care_giver_by_hsa_id(session, hsa_id)
    return {
        "care_giver_hsaid": hsa_id,
        "care_giver_name": care_giver.name if care_giver else hsa_id,
        "node_id": node_id,
        "base_url": base_url,
        "kinds": [],
    }
