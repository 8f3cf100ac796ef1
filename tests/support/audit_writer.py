"""Audit records for the chain tests, and the worker that appends them in its own process.

Kept apart from the test module: a spawned worker imports this module to find its target,
and this one needs only the audit log and the database, not the tests' fixtures.
"""

from __future__ import annotations

from samvard.core import audit


def record(n: int, outcome: str = "allowed") -> audit.AuditRecord:
    """A staff member's read of one patient's demographics, numbered `n`."""
    return audit.AuditRecord(
        actor_kind="staff",
        actor_id=f"SE2321000016-T{n:04d}",
        action="read",
        resource="patient.demographics",
        outcome=outcome,
        reason="care_relation",
        patient_id="189001019802",
        actor_role="clinician",
    )


def append_in_new_process(url: str, count: int) -> None:
    """Append `count` records, each in its own transaction, from a process of its own."""
    from samvard.core.db import make_engine, make_session_factory

    sessions = make_session_factory(make_engine(url))
    for n in range(count):
        with sessions.begin() as session:
            audit.append(session, record(n))
