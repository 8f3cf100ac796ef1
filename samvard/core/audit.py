"""The append-only, hash-chained audit log.

Every access to personal data, allowed or denied, is appended here in the same
transaction as the access itself. Each entry carries the hash of the previous one, so a
changed, removed or reordered entry breaks the chain and `verify` names the first bad one.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Index,
    String,
    Table,
    bindparam,
    exists,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from samvard.core import chain_tip
from samvard.core.context import current_request_id
from samvard.core.db import Base, UtcDateTime, utcnow

GENESIS = "0" * 64
# Any constant works; it names the one advisory lock that serialises chain appends.
_PG_CHAIN_LOCK = 0x53414D56


class AuditEntry(Base):
    """One access to personal data (or an attempt), linked to its predecessor by hash."""

    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_id: Mapped[str] = mapped_column(String(36), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    request_id: Mapped[str] = mapped_column(String(64))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str | None] = mapped_column(String(64))
    unit_hsaid: Mapped[str | None] = mapped_column(String(64))
    care_giver_hsaid: Mapped[str | None] = mapped_column(String(64))
    patient_id: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    resource: Mapped[str] = mapped_column(String(128))
    purpose: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64))
    # Whose information it was, when not the actor's own care giver: the producer of a
    # record read across organisations (coordinated care documentation).
    source_hsaid: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_entry_patient_seq", "patient_id", "seq"),
        # "Vem har läst om mig?" lists accesses by others; without this partial index a
        # patient's own page views, logged too, would be scanned on every visit.
        Index(
            "ix_audit_entry_by_others",
            "patient_id",
            "seq",
            sqlite_where=text("actor_id != patient_id"),
            postgresql_where=text("actor_id != patient_id"),
        ),
        Index("ix_audit_entry_care_giver_seq", "care_giver_hsaid", "seq"),
        # Log review covers disclosures of a care giver's records to others as well.
        Index("ix_audit_entry_source_seq", "source_hsaid", "seq"),
    )


@dataclass(frozen=True, kw_only=True)
class AuditRecord:
    """What the caller knows about one access; the log adds time, ids and the chain."""

    actor_kind: str
    actor_id: str
    action: str
    resource: str
    outcome: str
    reason: str
    actor_role: str | None = None
    unit_hsaid: str | None = None
    care_giver_hsaid: str | None = None
    patient_id: str | None = None
    purpose: str | None = None
    source_hsaid: str | None = None


_RECORD_FIELDS = tuple(f.name for f in fields(AuditRecord))


@dataclass(frozen=True)
class Appended:
    """Where an appended entry landed in the chain."""

    seq: int
    entry_id: str
    hash: str


_HASHED_FIELDS = (
    "seq",
    "entry_id",
    "recorded_at",
    "request_id",
    "actor_kind",
    "actor_id",
    "actor_role",
    "unit_hsaid",
    "care_giver_hsaid",
    "patient_id",
    "action",
    "resource",
    "purpose",
    "outcome",
    "reason",
    "prev_hash",
)
# Fields added after the chain's first version: hashed only when set, so entries written
# before they existed keep their hashes.
_OPTIONAL_HASHED_FIELDS = ("source_hsaid",)


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over a canonical JSON form of every field but the hash itself."""
    names = _HASHED_FIELDS + _OPTIONAL_HASHED_FIELDS
    return hash_values({name: getattr(entry, name) for name in names})


def hash_values(values: Mapping[str, Any]) -> str:
    """The hash of an entry given as a mapping of its hashed fields."""
    canonical_values = {name: values[name] for name in _HASHED_FIELDS}
    for name in _OPTIONAL_HASHED_FIELDS:
        if values.get(name) is not None:
            canonical_values[name] = values[name]
    canonical_values["recorded_at"] = values["recorded_at"].isoformat(timespec="microseconds")
    canonical = json.dumps(
        canonical_values, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def append(session: Session, record: AuditRecord) -> Appended:
    """Append `record` to the chain inside the caller's transaction.

    The caller commits; if this insert fails the whole transaction, and so the access,
    fails with it. See `chain_tip` for why the tip is usually not read first.
    """
    values: dict[str, Any] = {
        "entry_id": str(uuid.uuid4()),
        "recorded_at": utcnow(),
        "request_id": current_request_id(),
        # Not dataclasses.asdict: its deep copy costs more than hashing the entry.
        **{name: getattr(record, name) for name in _RECORD_FIELDS},
    }
    tip = chain_tip.known_tip(session)
    if tip is None or not _try_extend(session, values, tip):
        _lock_chain(session)
        _link(values, _read_tip(session))
        session.execute(insert(AuditEntry), values)
    chain_tip.remember(session, values["seq"], values["hash"])
    return Appended(values["seq"], values["entry_id"], values["hash"])


def _link(values: dict[str, Any], tip: tuple[int, str] | None) -> None:
    values["seq"] = tip[0] + 1 if tip else 1
    values["prev_hash"] = tip[1] if tip else GENESIS
    values["hash"] = hash_values(values)


def _read_tip(session: Session) -> tuple[int, str] | None:
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else None


def _try_extend(session: Session, values: dict[str, Any], tip: tuple[int, str]) -> bool:
    """Insert as the successor of `tip`; False (nothing written) if that place is taken."""
    _link(values, tip)
    statement = _extend_statement(session.get_bind().dialect.name)
    params = {**values, "tip_seq": tip[0]}
    return session.execute(statement, params).first() is not None


@cache
def _extend_statement(dialect: str) -> Any:
    # Built once: constructing and cache-keying the statement per append cost more than
    # the insert itself. The values arrive as bound parameters.
    table = cast(Table, AuditEntry.__table__)
    columns = list(table.columns)
    rows = select(*[bindparam(c.name, type_=c.type) for c in columns])
    # Only behind the remembered tip as it really stands: after a database restore the
    # remembered tip may be gone, and the append must then fall back to the real one.
    predecessor = select(table.c.seq).where(
        table.c.seq == bindparam("tip_seq"), table.c.hash == bindparam("prev_hash")
    )
    rows = rows.where(exists(predecessor))
    if dialect == "postgresql":
        # Take the chain lock in the same statement: one round trip, like a plain insert.
        lock = select(func.pg_advisory_xact_lock(_PG_CHAIN_LOCK).label("held")).cte("chain_lock")
        statement: Any = pg_insert(table).from_select(columns, rows.select_from(lock))
    else:
        statement = sqlite_insert(table).from_select(columns, rows)
    return statement.on_conflict_do_nothing(index_elements=["seq"]).returning(table.c.seq)


def _lock_chain(session: Session) -> None:
    # SQLite transactions already begin IMMEDIATE (one writer at a time). On PostgreSQL an
    # advisory lock held to the end of the transaction keeps two appends off the same tip.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of walking the chain: `first_bad` is None when every entry holds."""

    checked: int
    first_bad: int | None = None
    problem: str | None = None
    tip_seq: int = 0
    tip_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        """True when the whole chain verified."""
        return self.first_bad is None


def verify(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order and report the first entry that does not hold."""
    return verify_entries(_in_order(session, batch))


def verify_entries(entries: Iterable[AuditEntry]) -> VerifyResult:
    """Check entries given in sequence order (pure: no I/O)."""
    expected_seq, prev, checked = 1, GENESIS, 0
    for entry in entries:
        problem = _check(entry, expected_seq, prev)
        if problem:
            return VerifyResult(checked, first_bad=entry.seq, problem=problem)
        expected_seq, prev, checked = entry.seq + 1, entry.hash, checked + 1
    return VerifyResult(checked, tip_seq=expected_seq - 1, tip_hash=prev)


def _check(entry: AuditEntry, expected_seq: int, prev: str) -> str | None:
    if entry.seq != expected_seq:
        return f"entries {expected_seq}..{entry.seq - 1} are missing before entry {entry.seq}"
    if entry.prev_hash != prev:
        return f"entry {entry.seq} does not link to entry {entry.seq - 1} (removed or reordered)"
    if entry_hash(entry) != entry.hash:
        return f"entry {entry.seq} was changed after it was written"
    return None


def _in_order(session: Session, batch: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()
