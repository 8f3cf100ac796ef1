"""Writing records: checked by the policy hook, logged, and indexed in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, time

from pydantic import ValidationError
from sqlalchemy.orm import Session

from samvard.access.guard import check
from samvard.access.schemas import AccessRequest, Action, Actor, InfoSet, Purpose
from samvard.core.db import utcnow
from samvard.directory.models import Unit
from samvard.identity.models import Person
from samvard.records.messages import swedish_errors
from samvard.records.models import Record
from samvard.records.policy import in_scope
from samvard.records.schemas import NewRecord, parse_details
from samvard.sharing.actions import index_engagement


class RecordError(ValueError):
    """A record that cannot be written as given; `errors` name fields in Swedish."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def write(
    session: Session,
    *,
    actor: Actor,
    purpose: Purpose,
    patient: Person,
    unit: Unit,
    new: NewRecord,
    node_id: str,
) -> Record:
    """Document `new` about `patient` at the actor's `unit`.

    The policy decides (and logs) before anything is written; a rejected record writes
    nothing but the denied attempt. The engagement index learns that this unit now holds
    this information set, in the same transaction.
    """
    try:
        details = parse_details(new.kind, new.details).model_dump(mode="json")
    except ValidationError as error:
        raise RecordError(swedish_errors(error)) from error
    replaced = session.get(Record, new.replaces_id) if new.replaces_id else None
    if new.replaces_id and (replaced is None or replaced.person_id != patient.id):
        raise RecordError({"replaces_id": "Uppgiften som ska ersättas finns inte."})
    request = AccessRequest(
        actor=actor,
        info=InfoSet.for_record(new.kind),
        purpose=purpose,
        action=Action.WRITE,
        patient_pk=patient.id,
        unit_id=unit.id,
    )
    check(session, request)
    record = Record(
        person_id=patient.id,
        unit_id=unit.id,
        care_giver_id=unit.care_giver_id,
        author_id=actor.staff_pk,
        kind=new.kind,
        recorded_at=utcnow(),
        occurred_at=datetime.combine(new.occurred_on, time(12), tzinfo=UTC),
        shareable=in_scope(new.kind, details, share=new.share),
        title=new.title,
        details=details,
        replaces_id=new.replaces_id,
    )
    session.add(record)
    session.flush()
    if record.shareable:
        index_engagement(
            session,
            person_id=patient.person_id,
            care_giver_hsaid=unit.care_giver.hsa_id,
            unit_hsaid=unit.hsa_id,
            info_set=new.kind,
            node_id=node_id,
        )
    return record
