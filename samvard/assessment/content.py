"""The content an assessment uses: loaded once per version from its stored snapshot.

A content version is the hash of the content itself, so a version never changes meaning
and a snapshot can be cached for as long as the process lives.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from samvard.assessment.models import TriageContentVersion
from samvard.triage.loader import Content


def keep_snapshot(session: Session, content: Content, *, now: datetime) -> None:
    """Store `content` under its version unless it is stored already (in this transaction)."""
    if session.get(TriageContentVersion, content.version) is not None:
        return
    try:
        with session.begin_nested():
            session.add(
                TriageContentVersion(
                    version=content.version,
                    content=json.loads(content.to_json()),
                    first_used_at=now,
                )
            )
    except IntegrityError:
        # Another assessment stored the same version at the same moment: that row will do.
        if session.get(TriageContentVersion, content.version) is None:
            raise


_CACHE: dict[str, Content] = {}
_CACHE_SIZE = 16


def content_of(session: Session, version: str) -> Content:
    """The content of `version`, from its snapshot; LookupError if it was never stored."""
    cached = _CACHE.get(version)
    if cached is not None:
        return cached
    row = session.get(TriageContentVersion, version)
    if row is None:
        raise LookupError(f"no triage content snapshot {version!r}")
    content = Content.from_json(json.dumps(row.content, ensure_ascii=False))
    if content.version != version:
        raise LookupError(f"triage content snapshot {version!r} hashes to {content.version!r}")
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[version] = content
    return content
