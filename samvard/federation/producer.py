"""The producer side: one care giver's shareable records about one patient, for another node.

The decision goes through the one policy hook (`access.guard.check_disclosure`), which
logs the disclosure here whatever the answer. Only records in scope for coordinated
documentation leave; the records of units the patient has blocked are replaced by a
marker naming the unit. Nothing is kept of the request beyond that audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied, check_disclosure
from samvard.access.schemas import AccessRequest, Action, Actor, ActorKind, InfoSet, Purpose
from samvard.core.config import get_settings
from samvard.core.db import utcnow
from samvard.directory.models import CareGiver, CareGiverKind, Role, Unit
from samvard.directory.queries import get_care_giver_by_hsa_id
from samvard.federation.assertions import Requester
from samvard.federation.schemas import SharedEntry
from samvard.fhir.records import bundle_for
from samvard.identity.queries import get_person_by_person_id
from samvard.records.models import Record, RecordKind
from samvard.records.policy import in_scope
from samvard.records.queries import list_records
from samvard.sharing.policy import is_blocked
from samvard.sharing.queries import get_sharing_state
from samvard.sharing.schemas import SharingState


class ProducerDenied(Exception):  # noqa: N818 - the outcome's name, as the consumer sees it
    """The policy refused the disclosure; `code` is the reason (e.g. `blocked`)."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(code)
        self.code = code
        self.text = text


class UnknownCareGiver(LookupError):  # noqa: N818 - reads as the 404 it becomes
    """The care giver asked for has no records on this node."""


class InvalidRequester(ValueError):  # noqa: N818 - reads as the 400 it becomes
    """The asserted role, purpose or kind of care giver is not one we know."""


@dataclass(frozen=True)
class ProducerQuery:
    """One consumer's question to this node about one care giver's records."""

    requester: Requester
    person_id: str
    kind: RecordKind
    care_giver_hsaid: str


_E = TypeVar("_E", bound=StrEnum)


def _enum(kind: type[_E], value: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        raise InvalidRequester(f"unknown {kind.__name__}") from None


def remote_actor(requester: Requester) -> Actor:
    """The policy's view of a member of staff at another node, as that node asserts."""
    return Actor(
        kind=ActorKind.STAFF,
        id=requester.staff_hsaid,
        role=_enum(Role, requester.role),
        unit_hsaid=requester.unit_hsaid,
        care_giver_hsaid=requester.care_giver_hsaid,
        care_giver_kind=_enum(CareGiverKind, requester.care_giver_kind),
    )


def answer(
    session: Session,
    query: ProducerQuery,
    *,
    sharing: SharingState | None,
    node_id: str | None = None,
    base_url: str | None = None,
) -> dict[str, Any]:
    """The FHIR searchset Bundle of `query.care_giver_hsaid`'s records on this node.

    Raises UnknownCareGiver (404), InvalidRequester (400) or ProducerDenied (403: no
    relation asserted, no consent, the whole care giver blocked). Exactly one audit entry
    is appended for every decision, allowed or denied. `sharing` None (a consumer on this
    same node) reads the patient's choices from this database; `node_id` defaults to
    this node's.
    """
    care_giver = get_care_giver_by_hsa_id(session, query.care_giver_hsaid)
    if care_giver is None:
        raise UnknownCareGiver(query.care_giver_hsaid)
    actor = remote_actor(query.requester)
    person = get_person_by_person_id(session, query.person_id)
    if sharing is None:
        now = utcnow()
        sharing = (
            get_sharing_state(session, person, now=now)
            if person
            else SharingState(person_id=query.person_id, as_of=now)
        )
    if sharing.person_id != query.person_id:
        raise ValueError("the sharing state is about another patient")
    request = AccessRequest(
        actor=actor,
        info=InfoSet.for_record(query.kind),
        purpose=_enum(Purpose, query.requester.purpose),
        action=Action.DISCLOSE,
        patient_pk=person.id if person else None,
        source_hsaid=care_giver.hsa_id,
    )
    try:
        check_disclosure(
            session,
            request,
            sharing=sharing,
            asserted_relation=query.requester.relation,
            person_id=query.person_id,
        )
    except AccessDenied as denied:
        raise ProducerDenied(denied.decision.reason, denied.decision.explanation) from None
    rows = (
        list_records(
            session,
            person_pk=person.id,
            kinds=[query.kind],
            care_giver_id=care_giver.id,
            shareable_only=True,
        )
        if person
        else []
    )
    entries, blocked = disclosed(rows, care_giver=care_giver, actor=actor, sharing=sharing)
    return bundle_for(
        entries,
        blocked_units=blocked,
        person_id=query.person_id,
        node_id=node_id or get_settings().node_id,
        base_url=base_url,
    )


def disclosed(
    rows: Sequence[tuple[Record, Unit]],
    *,
    care_giver: CareGiver,
    actor: Actor,
    sharing: SharingState,
) -> tuple[list[SharedEntry], list[str]]:
    """What may leave (pure): in-scope, current records of units not blocked for `actor`.

    Scope is checked again here although the query filters on it: a record must never
    leave because of one wrong flag.
    """
    replaced = {record.replaces_id for record, _ in rows if record.replaces_id}
    entries: list[SharedEntry] = []
    blocked: dict[str, None] = {}
    for record, unit in rows:
        if record.id in replaced or not in_scope(
            record.kind, record.details, share=record.shareable
        ):
            continue
        if is_blocked(
            sharing,
            source_care_giver=care_giver.hsa_id,
            source_unit=unit.hsa_id,
            reader_care_giver=actor.care_giver_hsaid or "",
            reader_unit=actor.unit_hsaid,
        ):
            blocked[unit.hsa_id] = None
            continue
        entries.append(shared_entry(record, unit, care_giver))
    return entries, list(blocked)


def shared_entry(record: Record, unit: Unit, care_giver: CareGiver) -> SharedEntry:
    """One record as it is disclosed; its id is unique across the federation."""
    return SharedEntry(
        source_id=f"{care_giver.hsa_id}-{record.id}",
        kind=record.kind,
        title=record.title,
        occurred_on=record.occurred_at.date(),
        care_giver_hsaid=care_giver.hsa_id,
        unit_hsaid=unit.hsa_id,
        unit_name=unit.name,
        details=dict(record.details),
    )
