"""Put the shared demo world back as it was after a test that commits into it.

On PostgreSQL every test shares one demo world; a test that commits consents, blocks or
records must not leave them for the next test. The audit log is append-only and stays.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from samvard.core.db import utcnow
from samvard.records.models import Record
from samvard.sharing.models import Block, Consent, EmergencyAccess, Engagement


@contextmanager
def preserved_sharing(engine: Engine) -> Iterator[None]:
    """Undo committed records, index lines, consents, blocks and emergency accesses."""
    started = utcnow()
    with Session(engine) as session:
        marks = {
            model: session.scalar(select(func.coalesce(func.max(model.id), 0)))
            for model in (Record, Engagement, Consent, Block, EmergencyAccess)
        }
    try:
        yield
    finally:
        with Session(engine) as session, session.begin():
            session.execute(
                update(Consent).where(Consent.revoked_at >= started).values(revoked_at=None)
            )
            session.execute(update(Block).where(Block.lifted_at >= started).values(lifted_at=None))
            session.execute(
                update(Record).where(Record.replaces_id > marks[Record]).values(replaces_id=None)
            )
            for model in (Record, Engagement, Consent, Block, EmergencyAccess):
                session.execute(delete(model).where(model.id > marks[model]))
