"""The review queue on both databases: scope, triggers from the demo story, filters, paging."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.core import audit
from samvard.core.db import utcnow
from samvard.demo import personas
from samvard.directory.models import Staff
from samvard.logreview.models import Review, ReviewOutcome
from samvard.logreview.queries import get_entry, list_queue
from samvard.logreview.triggers import DEFAULT_RULES, Trigger

pytestmark = pytest.mark.db

REGION = f"{personas.STOCKHOLM_REGION}-VG"
OTHER_REGION = "SE2321000131-VG"  # any care giver but Region Stockholm
KEY = b"queue test key"


@pytest.fixture
def session(world_session: Session) -> Session:
    """The shared world, rolled back after the test (see conftest)."""
    return world_session


def queue(session: Session, **kwargs: object):  # type: ignore[no-untyped-def]
    now = utcnow()
    args: dict[str, object] = {
        "care_giver_hsaid": REGION,
        "since": now - timedelta(days=2),
        "until": now + timedelta(days=1),
        "sample_key": KEY,
        "limit": 500,
    }
    args.update(kwargs)
    return list_queue(session, **args)  # type: ignore[arg-type]


def test_the_demo_story_fires_every_trigger_for_region_stockholm(session: Session) -> None:
    counts = queue(session).counts
    for trigger in Trigger:
        if trigger is not Trigger.SAMPLE:  # depends on the key; see the next test
            assert counts[trigger] >= 1, trigger
    assert counts[Trigger.EMERGENCY_ACCESS] >= 2
    assert counts[Trigger.UNUSUAL_VOLUME] >= 40


def test_sample_rate_one_puts_every_reviewable_access_in_the_queue(session: Session) -> None:
    everything = queue(session, rules=replace(DEFAULT_RULES, sample_rate=1.0))
    assert everything.counts[Trigger.SAMPLE] == everything.total
    assert everything.total > queue(session).total


def test_own_record_is_the_staff_members_own_personnummer(session: Session) -> None:
    items = queue(session, trigger=Trigger.OWN_RECORD).items
    assert items
    for item in items:
        staff = session.scalar(select(Staff).where(Staff.hsa_id == item.entry.actor_id))
        assert staff is not None and staff.person_number == item.entry.patient_id


def test_filter_counts_and_paging_agree(session: Session) -> None:
    full = queue(session)
    assert [i.entry.seq for i in full.items] == sorted(
        (i.entry.seq for i in full.items), reverse=True
    )
    for trigger in Trigger:
        filtered = queue(session, trigger=trigger)
        assert filtered.total == full.counts[trigger]
        assert all(trigger in item.triggers for item in filtered.items)
    first, second = queue(session, limit=5), queue(session, limit=5, offset=5)
    assert len(first.items) == 5
    assert not {i.entry.seq for i in first.items} & {i.entry.seq for i in second.items}
    assert first.total == full.total


def test_only_the_reviewers_care_giver_and_disclosures_of_its_records(session: Session) -> None:
    mine = queue(session)
    assert all(
        i.entry.care_giver_hsaid == REGION or i.entry.source_hsaid == REGION for i in mine.items
    )
    elsewhere = _append(session, care_giver=OTHER_REGION, source=None, reason="no_care_relation")
    disclosure = _append(session, care_giver=OTHER_REGION, source=REGION, reason="consent")
    seqs = {i.entry.seq for i in queue(session, trigger=Trigger.PROTECTED_IDENTITY).items}
    assert disclosure.seq in seqs and elsewhere.seq not in seqs
    other = queue(session, care_giver_hsaid=OTHER_REGION)
    assert elsewhere.seq in {i.entry.seq for i in other.items}


def test_a_reviewed_entry_leaves_the_queue(session: Session) -> None:
    before = queue(session, trigger=Trigger.EMERGENCY_ACCESS)
    seq = before.items[0].entry.seq
    session.add(
        Review(
            audit_seq=seq,
            triggers="emergency_access",
            outcome=ReviewOutcome.JUSTIFIED,
            note="",
            reviewer_hsaid=personas.LOG_REVIEWER.hsa_id,
            care_giver_hsaid=REGION,
            reviewed_at=utcnow(),
        )
    )
    session.flush()
    after = queue(session, trigger=Trigger.EMERGENCY_ACCESS)
    assert after.total == before.total - 1
    assert seq not in {i.entry.seq for i in after.items}


def test_get_entry_gives_the_queues_triggers_and_names(session: Session) -> None:
    for item in queue(session).items[:20]:
        detail = get_entry(session, care_giver_hsaid=REGION, seq=item.entry.seq, sample_key=KEY)
        assert detail is not None
        assert detail.item.triggers == item.triggers
        assert detail.review is None
        assert detail.patient is not None and detail.patient.person_id == item.entry.patient_id
    assert queue(session).items[0].actor_name


def test_get_entry_outside_the_care_giver_is_none(session: Session) -> None:
    elsewhere = _append(session, care_giver=OTHER_REGION, source=None, reason="care_relation")
    assert get_entry(session, care_giver_hsaid=REGION, seq=elsewhere.seq, sample_key=KEY) is None
    assert get_entry(session, care_giver_hsaid=REGION, seq=10**9, sample_key=KEY) is None


def _append(
    session: Session, *, care_giver: str, source: str | None, reason: str
) -> audit.Appended:
    # An access by staff of another care giver to the persona with protected identity.
    return audit.append(
        session,
        audit.AuditRecord(
            actor_kind="staff",
            actor_id="SE2321000131-P0001",
            actor_role="clinician",
            unit_hsaid="SE2321000131-E0001",
            care_giver_hsaid=care_giver,
            patient_id=personas.PROTECTED_CITIZEN.person_id,
            action="read",
            resource="record.medication",
            purpose="care",
            outcome="allowed" if reason != "no_care_relation" else "denied",
            reason=reason,
            source_hsaid=source,
        ),
    )
