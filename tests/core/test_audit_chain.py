"""The audit log: appended in the caller's transaction, hash-chained, append-only."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from samvard.core import audit, chain_tip
from tests.conftest import Database
from tests.support.audit_writer import append_in_new_process, record


def _append(db: Database, count: int) -> None:
    for n in range(count):
        with db.sessions.begin() as session:
            audit.append(session, record(n))


def _verify(db: Database) -> audit.VerifyResult:
    with db.sessions() as session:
        return audit.verify(session, batch=3)


@pytest.mark.db
def test_chain_links_each_entry_to_the_previous(db: Database) -> None:
    _append(db, 7)
    with db.sessions() as session:
        entries = session.query(audit.AuditEntry).order_by(audit.AuditEntry.seq).all()
    assert [e.seq for e in entries] == list(range(1, 8))
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    result = _verify(db)
    assert result.ok and result.checked == 7 and result.tip_seq == 7


@pytest.mark.db
def test_rolled_back_access_leaves_no_entry(db: Database) -> None:
    def failing_access() -> None:
        with db.sessions.begin() as session:
            audit.append(session, record(1))
            raise RuntimeError("the access failed")

    with pytest.raises(RuntimeError):
        failing_access()
    assert _verify(db).checked == 0


@pytest.mark.db
def test_database_refuses_update_and_delete(db: Database) -> None:
    _append(db, 2)
    for statement in (
        "UPDATE audit_entry SET outcome = 'denied' WHERE seq = 1",
        "DELETE FROM audit_entry WHERE seq = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.sessions.begin() as session:
            session.execute(text(statement))
    assert _verify(db).ok


def _tamper(db: Database, statement: str) -> None:
    """Change the log behind the application's back, as a rogue DBA could."""
    with db.engine.begin() as conn:
        if db.backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
            conn.execute(text(statement))
            conn.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_delete"))
            conn.execute(text(statement))


@pytest.mark.db
@pytest.mark.parametrize(
    ("statement", "first_bad", "words"),
    [
        ("UPDATE audit_entry SET outcome = 'denied' WHERE seq = 4", 4, "changed"),
        ("DELETE FROM audit_entry WHERE seq = 3", 4, "missing"),
        (
            "UPDATE audit_entry SET prev_hash = (SELECT prev_hash FROM audit_entry WHERE seq = 6)"
            " WHERE seq = 5",
            5,
            "does not link",
        ),
    ],
    ids=["changed", "removed", "relinked"],
)
def test_verify_names_the_first_bad_entry(
    db: Database, statement: str, first_bad: int, words: str
) -> None:
    _append(db, 8)
    _tamper(db, statement)
    result = _verify(db)
    assert not result.ok
    assert result.first_bad == first_bad
    assert words in (result.problem or "")


@pytest.mark.db
def test_verify_detects_swapped_entries(db: Database) -> None:
    """Reordering: entries 3 and 4 trade places (their seq numbers swapped)."""
    _append(db, 6)
    _tamper(db, "UPDATE audit_entry SET seq = -3 WHERE seq = 3")
    _tamper(db, "UPDATE audit_entry SET seq = 3 WHERE seq = 4")
    _tamper(db, "UPDATE audit_entry SET seq = 4 WHERE seq = -3")
    result = _verify(db)
    assert result.first_bad == 3


@pytest.mark.db
def test_two_appends_cannot_share_a_sequence_number(db: Database) -> None:
    _append(db, 1)
    with db.sessions.begin() as session:
        entry = audit.AuditEntry(
            seq=1,
            entry_id="dup",
            recorded_at=audit.utcnow(),
            request_id="r",
            actor_kind="x",
            actor_id="x",
            action="read",
            resource="x",
            outcome="allowed",
            reason="x",
            prev_hash=audit.GENESIS,
            hash="0" * 64,
        )
        session.add(entry)
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


@pytest.mark.db
def test_append_after_another_process_extended_the_chain(db: Database) -> None:
    """A stale remembered tip must never fork the chain: the next place is taken."""
    _append(db, 2)
    with db.sessions() as session:
        stale = chain_tip.known_tip(session)
    _append(db, 3)
    with db.sessions.begin() as session:
        key = chain_tip.database_key(session)
    chain_tip._committed[key] = stale  # as if the last three were written elsewhere
    _append(db, 1)
    result = _verify(db)
    assert result.ok and result.checked == 6


@pytest.mark.db
def test_rolled_back_append_is_not_remembered(db: Database) -> None:
    _append(db, 1)

    def failing_access() -> None:
        with db.sessions.begin() as session:
            audit.append(session, record(9))
            raise RuntimeError("the access failed")

    with pytest.raises(RuntimeError):
        failing_access()
    _append(db, 1)
    result = _verify(db)
    assert result.ok and result.checked == 2


@pytest.mark.db
def test_many_appends_in_one_transaction_and_a_cold_process(db: Database) -> None:
    with db.sessions.begin() as session:
        for n in range(5):
            audit.append(session, record(n))
        key = chain_tip.database_key(session)
    chain_tip.forget(key)  # as a freshly started worker knows nothing
    _append(db, 2)
    assert _verify(db).checked == 7


@pytest.mark.db
@pytest.mark.slow
def test_parallel_processes_keep_one_linear_chain(db: Database) -> None:
    """Four worker processes append at once: every entry lands, in one unbroken chain."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=append_in_new_process, args=(db.url, 40)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    result = _verify(db)
    assert result.ok and result.checked == 160


@pytest.mark.db
def test_remembered_tip_gone_after_a_restore_does_not_break_the_chain(db: Database) -> None:
    """The database went back to an older state while this process kept running."""
    _append(db, 2)
    with db.sessions.begin() as session:
        key = chain_tip.database_key(session)
    chain_tip._committed[key] = (7, "f" * 64)  # a tip the restored database never had
    _append(db, 1)
    result = _verify(db)
    assert result.ok and result.checked == 3
