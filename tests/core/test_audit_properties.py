"""Property tests of the hash chain, in memory: any single change is caught where it is."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from samvard.core import audit

START = datetime(2026, 1, 1, tzinfo=UTC)
TEXT_FIELDS = ["request_id", "actor_kind", "actor_id", "action", "resource", "outcome", "reason"]
OPTIONAL_FIELDS = ["actor_role", "unit_hsaid", "care_giver_hsaid", "patient_id", "purpose"]


def chain(length: int) -> list[audit.AuditEntry]:
    entries, prev = [], audit.GENESIS
    for n in range(1, length + 1):
        entry = audit.AuditEntry(
            seq=n, entry_id=f"id-{n}", recorded_at=START + timedelta(seconds=n),
            request_id=f"r{n}", actor_kind="staff", actor_id=f"SE2321000016-P{n:04d}",
            actor_role="clinician", unit_hsaid=None, care_giver_hsaid=None,
            patient_id="189001019802", action="read", resource="patient.demographics",
            purpose="care", outcome="allowed", reason="care_relation", prev_hash=prev,
        )  # fmt: skip
        entry.hash = audit.entry_hash(entry)
        entries.append(entry)
        prev = entry.hash
    return entries


@given(st.integers(1, 30))
def test_an_untouched_chain_verifies(length: int) -> None:
    result = audit.verify_entries(chain(length))
    assert result.ok and result.checked == length and result.tip_seq == length


@given(st.data())
def test_any_changed_field_is_caught_at_that_entry(data: st.DataObject) -> None:
    entries = chain(data.draw(st.integers(1, 20)))
    victim = data.draw(st.sampled_from(entries))
    field = data.draw(st.sampled_from(TEXT_FIELDS + OPTIONAL_FIELDS + ["recorded_at"]))
    if field == "recorded_at":
        victim.recorded_at += timedelta(microseconds=data.draw(st.integers(1, 10**9)))
    else:
        old = getattr(victim, field)
        new = data.draw(st.one_of(st.none(), st.text(max_size=20)).filter(lambda v: v != old))
        setattr(victim, field, new)
    result = audit.verify_entries(entries)
    assert result.first_bad == victim.seq


@given(st.data())
def test_removing_or_swapping_entries_is_caught(data: st.DataObject) -> None:
    entries = chain(data.draw(st.integers(3, 20)))
    i = data.draw(st.integers(0, len(entries) - 2))
    tampered = copy.copy(entries)
    if data.draw(st.booleans()):
        del tampered[i]
    else:
        tampered[i], tampered[i + 1] = tampered[i + 1], tampered[i]
    result = audit.verify_entries(tampered)
    assert result.first_bad is not None and result.first_bad == tampered[i].seq


@given(st.data())
def test_rewriting_one_entry_with_a_fresh_hash_breaks_the_next_link(data: st.DataObject) -> None:
    """An attacker who recomputes the changed entry's own hash is caught by its successor."""
    entries = chain(data.draw(st.integers(2, 20)))
    victim = entries[data.draw(st.integers(0, len(entries) - 2))]
    victim.outcome = "denied"
    victim.hash = audit.entry_hash(victim)
    assert audit.verify_entries(entries).first_bad == victim.seq + 1
