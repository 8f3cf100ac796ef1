"""Audit append rate: the hash chain against plain inserts of the same row shape.

The baseline is a table with the same columns, key, unique constraint and index as
`audit_entry`, written without the chain (no lock, no tip read, a constant hash), in the
same database and the same run. The difference between the two is what the chain costs.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, Index, MetaData, Table, create_engine, insert, text
from sqlalchemy.orm import Session, sessionmaker

from bench.support import median, progress, rate
from samvard.core import audit, migrate
from samvard.core.audit import AuditEntry, AuditRecord
from samvard.core.context import current_request_id
from samvard.core.db import make_engine, make_session_factory, transaction, utcnow

TARGET_OVERHEAD = 0.25
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WARMUP_OPS = 50
CONSTANT_HASH = "f" * 64

# A typical allowed read by a nurse: the row shape the web layer appends most often.
RECORD = AuditRecord(
    actor_kind="staff", actor_id="SE2321000016-P0001", actor_role="clinician",
    unit_hsaid="SE2321000016-E0005", care_giver_hsaid="SE2321000016",
    patient_id="198503022389", action="read", resource="demographics", purpose="care",
    outcome="allowed", reason="relation_at_unit",
)  # fmt: skip

Runner = Callable[[], float]


@dataclass(frozen=True)
class Pair:
    """One round: chain and plain rates in operations per second."""

    chain: float
    plain: float


class PlainInserts:
    """The baseline writer: same row shape as the chain, none of the chain's work."""

    def __init__(self, factory: sessionmaker[Session], table: Table) -> None:
        self.factory = factory
        self.table = table
        self._seq = itertools.count(1)

    def row(self) -> dict[str, Any]:
        """A row with everything `append` computes per entry except the chain itself."""
        return {
            "seq": next(self._seq), "entry_id": str(uuid.uuid4()), "recorded_at": utcnow(),
            "request_id": current_request_id(), "prev_hash": CONSTANT_HASH,
            "hash": CONSTANT_HASH, **asdict(RECORD),
        }  # fmt: skip

    def per_transaction(self, count: int) -> float:
        """Insert `count` rows, each in its own transaction; returns rows per second."""
        started = time.perf_counter()
        for _ in range(count):
            with transaction(self.factory) as session:
                session.execute(insert(self.table), self.row())
        return rate(count, time.perf_counter() - started)

    def batched(self, count: int) -> float:
        """Insert `count` rows in one transaction, one statement each (as `append` does)."""
        started = time.perf_counter()
        with transaction(self.factory) as session:
            for _ in range(count):
                session.execute(insert(self.table), self.row())
        return rate(count, time.perf_counter() - started)


def chain_per_transaction(factory: sessionmaker[Session], count: int) -> float:
    """`count` appends, one transaction each (one access = one transaction); appends/s."""
    started = time.perf_counter()
    for _ in range(count):
        with transaction(factory) as session:
            audit.append(session, RECORD)
    return rate(count, time.perf_counter() - started)


def chain_batched(factory: sessionmaker[Session], count: int) -> float:
    """`count` appends in one transaction (a bulk import); appends/s."""
    started = time.perf_counter()
    with transaction(factory) as session:
        for _ in range(count):
            audit.append(session, RECORD)
    return rate(count, time.perf_counter() - started)


def create_plain_table(engine: Engine) -> Table:
    """A chain-less copy of `audit_entry` (columns, key, unique, index) in the same DB."""
    metadata = MetaData()
    columns = [
        Column(c.name, c.type, primary_key=c.primary_key, unique=bool(c.unique),
               nullable=c.nullable, autoincrement=False)
        for c in AuditEntry.__table__.columns
    ]  # fmt: skip
    table = Table("bench_plain_audit", metadata, *columns)
    # The same secondary indexes as the real table (partial ones too): index maintenance
    # is not the chain's cost.
    for index in AuditEntry.__table__.indexes:
        Index(
            f"bench_{index.name}",
            *[table.c[c.name] for c in index.columns],
            **{k: v for k, v in index.dialect_kwargs.items() if k.endswith("_where")},
        )
    metadata.create_all(engine)
    return table


def alternate(blocks: int, chain: Runner, plain: Runner) -> list[Pair]:
    """Run both sides in `blocks` short blocks, swapping which goes first every block.

    Short alternating blocks (ABBAAB...) let a busy spell on this shared machine hit both
    sides alike, and swapping cancels a steady drift (a warming cache, a neighbour's load
    ramping up) instead of always charging it to the same side.
    """
    pairs = []
    for number in range(blocks):
        if number % 2 == 0:
            first_chain = chain()
            pairs.append(Pair(chain=first_chain, plain=plain()))
        else:
            first_plain = plain()
            pairs.append(Pair(chain=chain(), plain=first_plain))
    return pairs


def summarise(pairs: list[Pair]) -> dict[str, Any]:
    """Median rates over the blocks, the chain's overhead and its cost per operation.

    `chain_overhead_paired` compares each block with its neighbour only; when it is far
    from `chain_overhead`, the machine was too busy for the numbers to mean much.
    """
    chain = median([p.chain for p in pairs])
    plain = median([p.plain for p in pairs])
    paired = median([p.chain / p.plain for p in pairs])
    return {
        "chain_ops_per_s": round(chain, 1),
        "plain_ops_per_s": round(plain, 1),
        "chain_overhead": round(1 - chain / plain, 4),
        "chain_overhead_paired": round(1 - paired, 4),
        "chain_us_per_op": round(1e6 / chain, 1),
        "plain_us_per_op": round(1e6 / plain, 1),
        "extra_us_per_op": round(1e6 / chain - 1e6 / plain, 1),
        "blocks": [{"chain": round(p.chain, 1), "plain": round(p.plain, 1)} for p in pairs],
    }


def measure_verify(factory: sessionmaker[Session], rounds: int = 3) -> dict[str, Any]:
    """Walk the whole chain `rounds` times; median entries per second."""
    rates, result = [], None
    for _ in range(rounds):
        with factory() as session:
            started = time.perf_counter()
            result = audit.verify(session)
            rates.append(rate(result.checked, time.perf_counter() - started))
    assert result is not None
    return {
        "entries": result.checked, "ok": result.ok, "problem": result.problem,
        "entries_per_s": round(median(rates), 1), "rounds": [round(r, 1) for r in rates],
    }  # fmt: skip


def measure_backend(name: str, engine: Engine, appends: int, blocks: int) -> dict[str, Any]:
    """Per-transaction and batched appends against the baseline, then verification.

    Each side writes `appends` rows per mode, in `blocks` blocks; a batched block is one
    transaction.
    """
    size = max(1, appends // blocks)
    factory = make_session_factory(engine)
    plain = PlainInserts(factory, create_plain_table(engine))
    # Warm statement caches and the connection pool so the first block is not penalised.
    chain_per_transaction(factory, WARMUP_OPS)
    plain.per_transaction(WARMUP_OPS)
    progress(f"audit/{name}: {blocks} blocks of {size} appends, one transaction each")
    per_transaction = summarise(
        alternate(blocks, lambda: chain_per_transaction(factory, size),
                  lambda: plain.per_transaction(size))
    )  # fmt: skip
    progress(f"audit/{name}: overhead {per_transaction['chain_overhead']:.1%} per transaction")
    progress(f"audit/{name}: {blocks} transactions of {size} appends each")
    batched = summarise(
        alternate(blocks, lambda: chain_batched(factory, size),
                  lambda: plain.batched(size))
    )  # fmt: skip
    progress(f"audit/{name}: overhead {batched['chain_overhead']:.1%} batched; verifying")
    verify = measure_verify(factory)
    progress(f"audit/{name}: verified {verify['entries']} entries, ok={verify['ok']}")
    return {
        "appends_per_side": size * blocks, "blocks": blocks, "block_size": size,
        "per_transaction": per_transaction, "batched": {**batched, "batch_size": size},
        "target_overhead": TARGET_OVERHEAD,
        "target_met": per_transaction["chain_overhead"] < TARGET_OVERHEAD,
        "verify": verify,
    }  # fmt: skip


@contextmanager
def sqlite_engine(directory: Path) -> Iterator[Engine]:
    """A fresh, migrated SQLite file database, configured exactly as the app's."""
    engine = make_engine(f"sqlite:///{directory / 'audit-bench.db'}")
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def postgres_problem(url: str = POSTGRES_URL) -> str | None:
    """Why PostgreSQL cannot be used, or None when it answers."""
    try:
        probe = create_engine(url, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
    # Any failure (refused, no such database, bad credentials) means "not reachable".
    except Exception as exc:
        return f"PostgreSQL not reachable at {url}: {type(exc).__name__}"
    return None


@contextmanager
def postgres_engine(url: str = POSTGRES_URL) -> Iterator[Engine]:
    """A fresh, migrated schema of its own, dropped afterwards whatever happens."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in url else "?"
        engine = make_engine(f"{url}{separator}options=-csearch_path%3D{schema}")
        try:
            migrate.upgrade(engine)
            yield engine
        finally:
            engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def server_version(engine: Engine) -> str:
    """The database server's version string (for reading the report later)."""
    with engine.connect() as conn:
        return str(conn.execute(text("SHOW server_version")).scalar())


def run(directory: Path, *, appends: int, blocks: int, postgres: bool) -> dict[str, Any]:
    """The audit section of the report: SQLite always, PostgreSQL when asked and there."""
    report: dict[str, Any] = {"entry_hash_us": entry_hash_cost_us()}
    progress("audit/sqlite: fresh migrated database")
    with sqlite_engine(directory) as engine:
        report["sqlite"] = measure_backend("sqlite", engine, appends, blocks)
    if not postgres:
        return report
    problem = postgres_problem()
    if problem:
        progress(f"audit/postgresql: skipped ({problem})")
        report["postgresql"] = {"skipped": problem}
        return report
    progress("audit/postgresql: fresh migrated schema")
    with postgres_engine() as engine:
        report["postgresql"] = {
            "server_version": server_version(engine),
            **measure_backend("postgresql", engine, appends, blocks),
        }
    return report


def entry_hash_cost_us(count: int = 5000) -> float:
    """Microseconds to hash one entry: shows how much of the overhead is SHA-256 itself."""
    entry = AuditEntry(
        seq=1, entry_id=str(uuid.uuid4()), recorded_at=utcnow(), request_id="bench",
        prev_hash=CONSTANT_HASH, **asdict(RECORD),
    )  # fmt: skip
    started = time.perf_counter()
    for _ in range(count):
        audit.entry_hash(entry)
    return round(1e6 * (time.perf_counter() - started) / count, 2)


def measured_backends(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The backend sections that hold measurements (not skipped, not scalar extras)."""
    return {
        name: section for name, section in report.items()
        if isinstance(section, dict) and "target_met" in section
    }  # fmt: skip


def targets_met(report: dict[str, Any]) -> bool:
    """True when every measured backend kept the chain's overhead under the target."""
    measured = measured_backends(report).values()
    return bool(measured) and all(section["target_met"] for section in measured)


def chains_verified(report: dict[str, Any]) -> bool:
    """True when every measured chain verified after the benchmark wrote to it."""
    return all(section["verify"]["ok"] for section in measured_backends(report).values())
