"""Which producers to ask: the engagement index, local or at the index node.

A single node (or the index node itself) reads its own engagement index and the patient's
sharing state from its database. A federated node asks the index node over HTTP and gets
back the producers and a signed sharing statement. Where a producer lives comes from the
registry, never from the index's answer, so nobody can redirect a patient query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session

from samvard.access.guard import check, gather_facts
from samvard.access.policy import decide
from samvard.access.schemas import AccessRequest, Actor, InfoSet, Purpose
from samvard.core.db import utcnow
from samvard.federation.assertions import NodeAuthError, Requester, sign_request, verify_statement
from samvard.federation.queries import care_giver_names, list_holders
from samvard.federation.registry import LocalNode
from samvard.federation.schemas import SourceAnswer, SourceStatus
from samvard.fhir.systems import person_identifier_system
from samvard.identity.models import Person
from samvard.records.models import RecordKind
from samvard.sharing.queries import get_sharing_state
from samvard.sharing.schemas import SharingState

INDEX_SOURCE = "index"
"""The `care_giver_hsaid` of the status line that reports a failed index lookup."""
INDEX_NAME = "Engagemangsindex och samtyckestjänst"
LOOKUP_PATH = "/federation/v1/lookup"


@dataclass(frozen=True, kw_only=True)
class Producer:
    """A care giver that holds the information set, and the node that answers for it."""

    care_giver_hsaid: str
    care_giver_name: str
    node_id: str
    base_url: str

    def answer(self, status: SourceStatus, **values: Any) -> SourceAnswer:
        """This producer's status line."""
        return SourceAnswer(
            care_giver_hsaid=self.care_giver_hsaid,
            care_giver_name=self.care_giver_name,
            node_id=self.node_id,
            status=status,
            **values,
        )


@dataclass(frozen=True, kw_only=True)
class Found:
    """The index's answer: whom to ask, the patient's sharing state and its signed form."""

    producers: tuple[Producer, ...] = ()
    state: SharingState | None = None
    statement: str | None = None
    # Set when the index could not be asked: then nobody is, and the page says why.
    failure: SourceAnswer | None = None


def find_producers(
    session: Session,
    *,
    node: LocalNode,
    actor: Actor,
    purpose: Purpose,
    patient: Person,
    kind: RecordKind,
    timeout: float,
) -> Found:
    """The producers holding `kind` about `patient`, the actor's own care giver included.

    Raises AccessDenied (logged) when the actor may not read `kind` about the patient even
    at their own care giver, such as without a care relation: then nobody is asked.
    """
    ensure_may_read(session, actor=actor, purpose=purpose, patient=patient, kind=kind)
    if node.single or node.is_index:
        return _local_index(session, node, patient, kind)
    requester = Requester(
        staff_hsaid=actor.id,
        role=actor.role.value if actor.role else "",
        unit_hsaid=actor.unit_hsaid or "",
        care_giver_hsaid=actor.care_giver_hsaid or "",
        care_giver_kind=actor.care_giver_kind.value if actor.care_giver_kind else "",
        purpose=purpose.value,
        relation=True,  # ensure_may_read: the policy allows no read without one
    )
    return ask_index(node, requester, patient, kind, timeout)


def ensure_may_read(
    session: Session, *, actor: Actor, purpose: Purpose, patient: Person, kind: RecordKind
) -> None:
    """Refuse, through the policy hook, an actor with no right to `kind` at all.

    The decision is pure and logs nothing when it allows: every source is then decided
    and logged on its own. When it refuses, `check` logs the refusal and raises.
    """
    request = AccessRequest(
        actor=actor,
        info=InfoSet.for_record(kind),
        purpose=purpose,
        patient_pk=patient.id,
        unit_id=actor.unit_id,
    )
    if not decide(request, gather_facts(session, request, patient)).allowed:
        check(session, request)


def _local_index(session: Session, node: LocalNode, patient: Person, kind: RecordKind) -> Found:
    holders = list_holders(session, person_id=patient.person_id, kind=kind)
    names = care_giver_names(session, holders)
    producers = tuple(
        Producer(
            care_giver_hsaid=hsa_id,
            care_giver_name=names.get(hsa_id, hsa_id),
            node_id=node.node_id,
            base_url=node.me.base_url,
        )
        for hsa_id in holders
    )
    return Found(producers=producers, state=get_sharing_state(session, patient, now=utcnow()))


def _index_failure(node: LocalNode, status: SourceStatus, code: str, text: str) -> Found:
    failure = SourceAnswer(
        care_giver_hsaid=INDEX_SOURCE,
        care_giver_name=INDEX_NAME,
        node_id=node.registry.index_node().id,
        status=status,
        code=code,
        text=text,
    )
    return Found(failure=failure)


def ask_index(
    node: LocalNode, requester: Requester, patient: Person, kind: RecordKind, timeout: float
) -> Found:
    """POST a lookup to the index node; any failure is reported, never taken as "nothing"."""
    index = node.registry.index_node()
    token = sign_request(node.key, issuer=node.node_id, audience=index.id, requester=requester,
                         person_id=patient.person_id)  # fmt: skip
    body = {
        "patient": f"{person_identifier_system(patient.id_kind)}|{patient.person_id}",
        "kinds": [kind.value],
    }
    try:
        with httpx.Client(timeout=timeout, trust_env=False) as client:
            reply = client.post(f"{index.base_url}{LOOKUP_PATH}", json=body,
                                headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    except httpx.TimeoutException:
        text = f"Indexet svarade inte inom {timeout:g} sekunder."
        return _index_failure(node, SourceStatus.TIMED_OUT, "timeout", text)
    except httpx.TransportError:
        text = "Det gick inte att nå engagemangsindexet."
        return _index_failure(node, SourceStatus.FAILED, "connection_refused", text)
    if reply.status_code != 200:
        text = f"Engagemangsindexet svarade med fel ({reply.status_code})."
        return _index_failure(node, SourceStatus.FAILED, f"http_{reply.status_code}", text)
    try:
        return _read_lookup(node, reply.json(), patient)
    except NodeAuthError as error:
        return _index_failure(node, SourceStatus.FAILED, error.code, error.text)
    except (ValueError, KeyError, TypeError, AttributeError):
        text = "Engagemangsindexets svar kunde inte tolkas."
        return _index_failure(node, SourceStatus.FAILED, "malformed", text)


def _read_lookup(node: LocalNode, data: dict[str, Any], patient: Person) -> Found:
    state = verify_statement(data["statement"], registry=node.registry,
                             person_id=patient.person_id)  # fmt: skip
    producers: dict[str, Producer] = {}
    # Blocked holders are asked about too: the policy hook then says "blocked" and logs it.
    for item in [*data["producers"], *data.get("blocked", [])]:
        if not isinstance(item, dict):
            continue
        hsa_id = str(item["care_giver_hsaid"])
        registered = node.registry.node_for_care_giver(hsa_id)
        producers.setdefault(hsa_id, Producer(
            care_giver_hsaid=hsa_id,
            care_giver_name=str(item.get("care_giver_name") or hsa_id),
            node_id=registered.id if registered else str(item.get("node_id", "")),
            base_url=registered.base_url if registered else "",
        ))  # fmt: skip
    ordered = tuple(sorted(producers.values(), key=lambda p: p.care_giver_name))
    return Found(producers=ordered, state=state, statement=data["statement"])
