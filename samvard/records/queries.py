"""Reads of records. Callers decide access first (access.guard); these only fetch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.directory.models import CareGiver, Unit
from samvard.records.models import Record, RecordKind


def list_records(
    session: Session,
    *,
    person_pk: int,
    kinds: Iterable[RecordKind],
    care_giver_id: int | None = None,
    shareable_only: bool = False,
) -> Sequence[tuple[Record, Unit]]:
    """The person's records of `kinds`, newest first, each with its unit.

    `shareable_only` is for disclosure to other organisations: records out of scope for
    coordinated documentation are filtered here, in the query, and never leave.
    """
    query = (
        select(Record, Unit)
        .join(Unit, Unit.id == Record.unit_id)
        .where(Record.person_id == person_pk, Record.kind.in_(list(kinds)))
        .order_by(Record.occurred_at.desc(), Record.id.desc())
    )
    if care_giver_id is not None:
        query = query.where(Record.care_giver_id == care_giver_id)
    if shareable_only:
        query = query.where(Record.shareable.is_(True))
    return [(row.Record, row.Unit) for row in session.execute(query)]


def list_source_care_givers(session: Session, *, person_pk: int) -> Sequence[CareGiver]:
    """Care givers on this node that hold any shareable record about the person."""
    ids = select(Record.care_giver_id).where(
        Record.person_id == person_pk, Record.shareable.is_(True)
    )
    return session.scalars(
        select(CareGiver).where(CareGiver.id.in_(ids)).order_by(CareGiver.name)
    ).all()
