"""Anchors: the last verified tip of the audit chain, kept outside the database.

A hash chain alone cannot show that its newest entries were cut off. Saving the tip
after each verification somewhere else (a file on another volume, a ticket, a print-out)
closes that gap: the next verification checks that the anchored entry is still there,
unchanged.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from samvard.core.audit import AuditEntry


def save(path: Path, seq: int, entry_hash: str) -> None:
    """Write the anchor atomically (a crash leaves the old anchor intact)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".anchor-")
    with os.fdopen(fd, "w") as handle:
        json.dump({"seq": seq, "hash": entry_hash}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def check(session: Session, path: Path) -> str | None:
    """None if the anchored entry is still in the chain; otherwise what is wrong."""
    if not path.exists():
        return None
    anchor = json.loads(path.read_text())
    seq, expected = int(anchor["seq"]), str(anchor["hash"])
    if seq == 0:
        return None
    entry = session.get(AuditEntry, seq)
    if entry is None:
        return f"entry {seq} (anchored earlier) is missing: the log was cut off"
    if entry.hash != expected:
        return f"entry {seq} no longer matches its anchored hash"
    return None
