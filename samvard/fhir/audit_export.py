"""Audit entries as FHIR AuditEvent JSON, for export to log-analysis systems."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.core.audit import AuditEntry
from samvard.fhir.mapping import audit_event_resource, to_json


def iter_audit_events(
    session: Session,
    *,
    patient_id: str | None = None,
    care_giver_hsaid: str | None = None,
    limit: int = 10_000,
    batch: int = 1000,
) -> Iterator[dict[str, Any]]:
    """Entries in chain order as AuditEvent JSON, read in batches to bound memory."""
    last, sent = 0, 0
    while sent < limit:
        query = select(AuditEntry).where(AuditEntry.seq > last)
        if patient_id:
            query = query.where(AuditEntry.patient_id == patient_id)
        if care_giver_hsaid:
            query = query.where(AuditEntry.care_giver_hsaid == care_giver_hsaid)
        rows = session.scalars(query.order_by(AuditEntry.seq).limit(min(batch, limit - sent))).all()
        if not rows:
            return
        for entry in rows:
            yield to_json(audit_event_resource(entry))
        last, sent = rows[-1].seq, sent + len(rows)
