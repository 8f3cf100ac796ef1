"""The consumer side of query-response: what the staff pages call to read other sources.

`fetch` asks the engagement index who holds the information set about the patient,
decides and logs every source through the one policy hook, answers the sources this
node holds in-process, and fans out to the other nodes in parallel. All database work
happens here, in the caller's session and thread; the fan-out thread only talks HTTP.
Nothing fetched is written anywhere: the answer is a window, not a copy.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied, check
from samvard.access.schemas import AccessRequest, Actor, InfoSet, Purpose
from samvard.core.config import Settings
from samvard.federation import fanout, remote
from samvard.federation.assertions import Requester, sign_request
from samvard.federation.fanout import Deadlines, Source
from samvard.federation.in_process import answer_locally, parse
from samvard.federation.registry import LocalNode, load_local_node
from samvard.federation.schemas import CoordinatedAnswer, SourceAnswer, SourceStatus
from samvard.federation.sources import INDEX_SOURCE, Found, Producer, find_producers
from samvard.fhir.records import search_for
from samvard.fhir.systems import person_identifier_system
from samvard.identity.models import Person
from samvard.records.models import RecordKind
from samvard.sharing.schemas import SharingState

__all__ = ["INDEX_SOURCE", "deadlines_for", "fetch"]


def deadlines_for(settings: Settings) -> Deadlines:
    """The fan-out deadlines from the settings (the per-source one never exceeds the other)."""
    overall = settings.federation_deadline
    return Deadlines(per_source=min(settings.federation_source_timeout, overall), overall=overall)


@dataclass(frozen=True)
class _Plan:
    """Each source in the order shown: settled now, answered here, or asked over HTTP."""

    order: tuple[str, ...]
    settled: dict[str, SourceAnswer]
    local: list[tuple[Producer, Requester]]
    remote: list[Source]


def fetch(
    session: Session,
    *,
    actor: Actor,
    purpose: Purpose,
    patient: Person,
    kind: RecordKind,
    only_source: str | None = None,
    settings: Settings,
) -> CoordinatedAnswer:
    """Every source's records of `kind` about `patient`, with a status for each source.

    `only_source` (a care giver's HSA-id) asks that one source again. Denied and blocked
    sources are never called; the decision for each is in the audit log either way.
    """
    started = time.perf_counter()
    node = load_local_node(settings)
    deadlines = deadlines_for(settings)
    found = find_producers(
        session, node=node, actor=actor, purpose=purpose, patient=patient, kind=kind,
        timeout=deadlines.per_source,
    )  # fmt: skip
    producers = [p for p in found.producers if only_source in (None, p.care_giver_hsaid)]
    plan = _plan(session, node, actor, purpose, patient, kind, producers, found)
    answers = _run(session, plan, patient, kind, found.state, deadlines)
    return CoordinatedAnswer(
        person_id=patient.person_id,
        kinds=(kind,),
        sources=tuple(answers[key] for key in plan.order),
        elapsed_ms=round(1000 * (time.perf_counter() - started), 1),
    )


def _plan(
    session: Session,
    node: LocalNode,
    actor: Actor,
    purpose: Purpose,
    patient: Person,
    kind: RecordKind,
    producers: Sequence[Producer],
    found: Found,
) -> _Plan:
    settled: dict[str, SourceAnswer] = {}
    if found.failure is not None:
        settled[INDEX_SOURCE] = found.failure
    local: list[tuple[Producer, Requester]] = []
    remote_sources: list[Source] = []
    for producer in producers:
        refused = _decide(session, actor, purpose, patient, kind, producer, found.state)
        if refused is not None:
            settled[producer.care_giver_hsaid] = refused
            continue
        requester = _requester(actor, purpose)
        if _is_here(node, producer):
            local.append((producer, requester))
        elif not producer.base_url:
            settled[producer.care_giver_hsaid] = producer.answer(
                SourceStatus.FAILED, code="unknown_node",
                text="Källans nod finns inte i förteckningen över noder.",
            )  # fmt: skip
        else:
            remote_sources.append(_remote(node, producer, requester, patient, kind, found))
    order = (*settled.keys(), *(p.care_giver_hsaid for p in producers if p.care_giver_hsaid
                                not in settled))  # fmt: skip
    return _Plan(tuple(dict.fromkeys(order)), settled, local, remote_sources)


def _decide(
    session: Session,
    actor: Actor,
    purpose: Purpose,
    patient: Person,
    kind: RecordKind,
    producer: Producer,
    state: SharingState | None,
) -> SourceAnswer | None:
    """None if the policy lets the actor read this source; else its denied/blocked status."""
    request = AccessRequest(
        actor=actor,
        info=InfoSet.for_record(kind),
        purpose=purpose,
        patient_pk=patient.id,
        unit_id=actor.unit_id,
        source_hsaid=producer.care_giver_hsaid,
    )
    try:
        check(session, request, sharing=state)
    except AccessDenied as denied:
        decision = denied.decision
        status = SourceStatus.BLOCKED if decision.reason == "blocked" else SourceStatus.DENIED
        return producer.answer(status, code=decision.reason, text=decision.explanation)
    return None


def _requester(actor: Actor, purpose: Purpose) -> Requester:
    # Only allowed sources are asked, and the policy allows none without a relation.
    return Requester(
        staff_hsaid=actor.id,
        role=actor.role.value if actor.role else "",
        unit_hsaid=actor.unit_hsaid or "",
        care_giver_hsaid=actor.care_giver_hsaid or "",
        care_giver_kind=actor.care_giver_kind.value if actor.care_giver_kind else "",
        purpose=purpose.value,
        relation=True,
    )


def _is_here(node: LocalNode, producer: Producer) -> bool:
    # The guard against calling ourselves: our own node id or base URL is never fetched
    # over HTTP, whatever the index says.
    own_url = node.me.base_url.rstrip("/")
    return (
        node.holds(producer.care_giver_hsaid)
        or producer.node_id == node.node_id
        or producer.base_url.rstrip("/") == own_url
    )


def _remote(
    node: LocalNode,
    producer: Producer,
    requester: Requester,
    patient: Person,
    kind: RecordKind,
    found: Found,
) -> Source:
    assertion = sign_request(
        node.key, issuer=node.node_id, audience=producer.node_id, requester=requester,
        person_id=patient.person_id,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {assertion}", "Accept": "application/fhir+json"}
    if found.statement:
        headers["X-Samvard-Sharing"] = found.statement
    resource_type, category = search_for(kind)
    query = remote.RemoteQuery(
        base_url=producer.base_url,
        resource_type=resource_type,
        category=category,
        patient=f"{person_identifier_system(patient.id_kind)}|{patient.person_id}",
        care_giver_hsaid=producer.care_giver_hsaid,
        care_giver_name=producer.care_giver_name,
        node_id=producer.node_id,
        headers=headers,
    )
    return Source(
        care_giver_hsaid=producer.care_giver_hsaid,
        care_giver_name=producer.care_giver_name,
        node_id=producer.node_id,
        fetch=remote.http_fetch(query, parse(kind)),
    )


def _run(
    session: Session,
    plan: _Plan,
    patient: Person,
    kind: RecordKind,
    state: SharingState | None,
    deadlines: Deadlines,
) -> dict[str, SourceAnswer]:
    """Remote sources in a helper thread's event loop while this thread answers local ones."""
    answers = dict(plan.settled)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="samvard-fanout") as pool:
        remote_answer = pool.submit(
            fanout.run, plan.remote, deadlines=deadlines, person_id=patient.person_id,
            kinds=(kind,),
        )  # fmt: skip
        for producer, requester in plan.local:
            answers[producer.care_giver_hsaid] = answer_locally(
                session, producer=producer, requester=requester, patient=patient, kind=kind,
                sharing=state,
            )  # fmt: skip
        for answer in remote_answer.result().sources:
            answers[answer.care_giver_hsaid] = answer
    return answers
