"""What a consumer gets back: every source's status, and what the answering ones sent.

A source that did not answer is never "no information": `status` says which it was.
Fetched entries live only in this answer object; nothing here is ever written to disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from samvard.records.models import RecordKind


class SourceStatus(StrEnum):
    """The outcome for one producer (care giver) in one query."""

    ANSWERED = "answered"
    NO_DATA = "no_data"
    TIMED_OUT = "timed_out"
    FAILED = "failed"
    BLOCKED = "blocked"
    # The producer refused: no consent, no relation. Shown, never confused with no data.
    DENIED = "denied"


@dataclass(frozen=True, kw_only=True)
class SharedEntry:
    """One record as disclosed by its producer."""

    source_id: str
    kind: RecordKind
    title: str
    occurred_on: date
    care_giver_hsaid: str
    unit_hsaid: str
    unit_name: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SourceAnswer:
    """One producer's part of the answer."""

    care_giver_hsaid: str
    care_giver_name: str
    node_id: str
    status: SourceStatus
    entries: tuple[SharedEntry, ...] = ()
    # Units whose records exist but are blocked (spärrade): named, never their content.
    blocked_units: tuple[str, ...] = ()
    code: str | None = None
    text: str | None = None
    elapsed_ms: float = 0.0


@dataclass(frozen=True, kw_only=True)
class CoordinatedAnswer:
    """The merged answer to one consumer query about one patient."""

    person_id: str
    kinds: tuple[RecordKind, ...]
    sources: tuple[SourceAnswer, ...]
    elapsed_ms: float

    @property
    def complete(self) -> bool:
        """True when every source either answered or said it holds nothing."""
        return all(s.status in (SourceStatus.ANSWERED, SourceStatus.NO_DATA) for s in self.sources)
