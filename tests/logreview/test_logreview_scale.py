"""The queue over a log of 100 000 entries: answered in seconds, with the right counts."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from samvard.core.audit import AuditEntry
from samvard.core.db import utcnow
from samvard.logreview.queries import day_bounds, list_queue
from samvard.logreview.triggers import Trigger, local_day
from tests.conftest import new_database

pytestmark = pytest.mark.slow

ENTRIES = 100_000
REGION = "SE2321000016-VG"
# Patient ids are placeholders, not personnummer: the queue must also cope with entries
# whose patient the register does not know.
PATIENTS = 5_000


def _rows(now: Any) -> list[dict[str, Any]]:
    # Written straight into the table (bypassing the chain): only the queue is measured.
    rows = []
    for i in range(ENTRIES):
        denied = i % 10 == 0
        rows.append(
            {
                "seq": i + 1,
                "entry_id": str(uuid.UUID(int=i)),
                "recorded_at": now - timedelta(minutes=i // 3),
                "request_id": "scale",
                "actor_kind": "staff",
                "actor_id": f"SE2321000016-P{1000 + i % 300:04d}",
                "actor_role": "clinician",
                "unit_hsaid": "SE2321000016-E0005",
                "care_giver_hsaid": REGION if i % 3 else "SE2321000131-VG",
                "patient_id": f"P{i % PATIENTS:05d}",
                "action": "read",
                "resource": "patient.demographics",
                "purpose": "care",
                "outcome": "denied" if denied else "allowed",
                "reason": "no_care_relation" if denied else "care_relation",
                "source_hsaid": None,
                "prev_hash": "0" * 64,
                "hash": "0" * 64,
            }
        )
    return rows


def test_a_week_of_a_large_log_is_queued_in_seconds(tmp_path: Path) -> None:
    database = new_database("sqlite", tmp_path)
    now = utcnow()
    rows = _rows(now)
    with database.sessions.begin() as session:
        for start in range(0, ENTRIES, 10_000):
            session.execute(insert(AuditEntry), rows[start : start + 10_000])
    first, last = local_day(now) - timedelta(days=6), local_day(now)
    since, until = day_bounds(first, last)
    with database.sessions() as session:
        started = time.perf_counter()
        queue = list_queue(
            session, care_giver_hsaid=REGION, since=since, until=until, sample_key=b"k", limit=50
        )
        elapsed = time.perf_counter() - started
    database.drop()
    expected = sum(
        1
        for r in rows
        if r["care_giver_hsaid"] == REGION
        and since <= r["recorded_at"] < until
        and r["outcome"] == "denied"
    )
    assert queue.counts[Trigger.NO_RELATION] == expected > 0
    assert len(queue.items) == 50
    assert elapsed < 10, f"queue took {elapsed:.1f} s"
