"""Reads the consumer needs from this node's database. Callers decide access first."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.directory.models import CareGiver
from samvard.records.models import RecordKind
from samvard.sharing.models import Engagement


def list_holders(session: Session, *, person_id: str, kind: RecordKind) -> list[str]:
    """HSA-ids of the care givers the local engagement index says hold `kind` about the person."""
    rows = session.scalars(
        select(Engagement.care_giver_hsaid)
        .where(Engagement.person_id == person_id, Engagement.info_set == kind)
        .distinct()
        .order_by(Engagement.care_giver_hsaid)
    )
    return list(rows)


def care_giver_names(session: Session, hsa_ids: Iterable[str]) -> dict[str, str]:
    """Names of the care givers this node's directory knows, by HSA-id."""
    wanted = sorted(set(hsa_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(CareGiver.hsa_id, CareGiver.name).where(CareGiver.hsa_id.in_(wanted))
    )
    return {row.hsa_id: row.name for row in rows}
