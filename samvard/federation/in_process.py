"""Sources this node holds itself: answered by the producer in-process, never over HTTP.

The producer applies its own policy and logs the disclosure exactly as it would for
another node; only the transport differs. The Bundle goes through the same parser as a
remote answer, so every source is read the same way.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session

from samvard.federation.assertions import Requester
from samvard.federation.fanout import Source, settle
from samvard.federation.producer import ProducerDenied, ProducerQuery, answer
from samvard.federation.remote import Parse
from samvard.federation.schemas import SharedEntry, SourceAnswer, SourceStatus
from samvard.federation.sources import Producer
from samvard.fhir.records import MalformedBundle, parse_bundle
from samvard.identity.models import Person
from samvard.records.models import RecordKind
from samvard.sharing.schemas import SharingState


def parse(kind: RecordKind) -> Parse:
    """The Bundle reader for `kind` (MalformedBundle is a ValueError)."""

    def read(data: dict[str, Any]) -> tuple[tuple[SharedEntry, ...], tuple[str, ...]]:
        parsed = parse_bundle(data, kind=kind)
        return parsed.entries, parsed.blocked_units

    return read


def answer_locally(
    session: Session,
    *,
    producer: Producer,
    requester: Requester,
    patient: Person,
    kind: RecordKind,
    sharing: SharingState | None,
) -> SourceAnswer:
    """This node's producer answers for `producer`'s care giver, in the caller's session."""
    started = time.perf_counter()
    query = ProducerQuery(requester=requester, person_id=patient.person_id, kind=kind,
                          care_giver_hsaid=producer.care_giver_hsaid)  # fmt: skip
    try:
        parsed = parse_bundle(answer(session, query, sharing=sharing), kind=kind)
    except ProducerDenied as denied:
        status = SourceStatus.BLOCKED if denied.code == "blocked" else SourceStatus.DENIED
        result = producer.answer(status, code=denied.code, text=denied.text)
    except MalformedBundle as error:
        result = producer.answer(SourceStatus.FAILED, code="malformed_fhir", text=error.text)
    else:
        result = producer.answer(SourceStatus.ANSWERED, entries=parsed.entries,
                                 blocked_units=parsed.blocked_units)  # fmt: skip
    source = Source(care_giver_hsaid=producer.care_giver_hsaid,
                    care_giver_name=producer.care_giver_name, node_id=producer.node_id)  # fmt: skip
    return settle(source, result, 1000 * (time.perf_counter() - started))
