"""The last committed entry of the audit chain, remembered per database in this process.

Reading the tip before every append cost more than the insert itself. Instead each
process remembers the tip it last saw committed, and an append *tries* to extend that
tip with an `INSERT … ON CONFLICT (seq) DO NOTHING`. If another process appended in the
meantime, sequence number tip+1 is taken, nothing is inserted, and the caller falls back
to reading the real tip under the chain lock. The primary key on `seq` is what makes a
fork impossible; the cache only saves a round trip.

The cache is updated only after a commit, so an append that is rolled back never becomes
anybody's tip.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

_PENDING = "samvard.audit.pending_tip"
_lock = threading.Lock()
_committed: dict[str, tuple[int, str]] = {}
_keys: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def database_key(session: Session) -> str:
    """Which database a session writes to (its URL, password hidden)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = _keys.get(engine)
    if key is None:
        # Rendering the URL costs more than hashing an entry; do it once per engine.
        key = _keys[engine] = str(engine.url)
    return key


def known_tip(session: Session) -> tuple[int, str] | None:
    """This transaction's own newest entry, else the newest committed one we know of."""
    pending = session.info.get(_PENDING)
    if pending is not None:
        return pending[1]  # type: ignore[no-any-return]
    with _lock:
        return _committed.get(database_key(session))


def remember(session: Session, seq: int, entry_hash: str) -> None:
    """Note the entry just appended; it becomes the known tip when the session commits."""
    session.info[_PENDING] = (database_key(session), (seq, entry_hash))


def forget(key: str) -> None:
    """Drop what we know about one database (its chain was replaced or tampered with)."""
    with _lock:
        _committed.pop(key, None)


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    pending: Any = session.info.pop(_PENDING, None)
    if pending is None:
        return
    key, (seq, entry_hash) = pending
    with _lock:
        current = _committed.get(key)
        if current is None or current[0] < seq:
            _committed[key] = (seq, entry_hash)


@event.listens_for(Session, "after_soft_rollback")
def _discard(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_PENDING, None)
