"""Recording reviews: only log reviewers, once per entry, logged; errors write nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied
from samvard.core.audit import AuditEntry
from samvard.core.db import utcnow
from samvard.demo import personas
from samvard.logreview.actions import ReviewError, record_review
from samvard.logreview.models import Review, ReviewOutcome
from samvard.logreview.queries import get_entry, list_queue
from samvard.logreview.triggers import Trigger, format_triggers
from tests.support.actors import staff_actor

pytestmark = pytest.mark.db

REGION = f"{personas.STOCKHOLM_REGION}-VG"
KEY = b"action test key"


@pytest.fixture
def session(world_session: Session) -> Session:
    """The shared world, rolled back after the test (see conftest)."""
    return world_session


def _waiting(session: Session, trigger: Trigger = Trigger.OWN_RECORD) -> AuditEntry:
    now = utcnow()
    found = list_queue(
        session,
        care_giver_hsaid=REGION,
        since=now - timedelta(days=2),
        until=now + timedelta(days=1),
        sample_key=KEY,
        trigger=trigger,
    )
    return found.items[0].entry


def _counts(session: Session) -> tuple[int, int]:
    entries = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    reviews = session.scalar(select(func.count()).select_from(Review)) or 0
    return entries, reviews


def _review(session: Session, seq: int, **changes: object) -> Review:
    args: dict[str, object] = {
        "actor": staff_actor(session, personas.LOG_REVIEWER),
        "audit_seq": seq,
        "outcome": "follow_up",
        "note": "Samtal med chefen bokat.",
        "sample_key": KEY,
    }
    args.update(changes)
    return record_review(session, **args)  # type: ignore[arg-type]


def test_a_review_is_stored_with_its_triggers_and_logged(session: Session) -> None:
    entry = _waiting(session)
    expected = get_entry(session, care_giver_hsaid=REGION, seq=entry.seq, sample_key=KEY)
    assert expected is not None
    entries_before, reviews_before = _counts(session)
    review = _review(session, entry.seq)
    assert review.outcome is ReviewOutcome.FOLLOW_UP
    assert review.triggers == format_triggers(expected.item.triggers)
    assert Trigger.OWN_RECORD.value in review.triggers
    assert review.reviewer_hsaid == personas.LOG_REVIEWER.hsa_id
    assert review.care_giver_hsaid == REGION
    assert _counts(session) == (entries_before + 1, reviews_before + 1)
    logged = session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert logged is not None
    assert (logged.resource, logged.action, logged.outcome) == ("audit.review", "write", "allowed")
    assert logged.patient_id == entry.patient_id
    assert logged.actor_id == personas.LOG_REVIEWER.hsa_id


def test_a_second_review_of_the_same_entry_is_refused_and_writes_nothing(session: Session) -> None:
    seq = _waiting(session).seq
    _review(session, seq, outcome="justified", note="")
    before = _counts(session)
    with pytest.raises(ReviewError) as raised:
        _review(session, seq, outcome="unjustified", note="Ändrar mig.")
    assert raised.value.code == "already_reviewed"
    assert raised.value.message == "Loggposten är redan granskad."
    assert _counts(session) == before


def test_a_non_reviewer_is_denied_and_the_attempt_logged(session: Session) -> None:
    seq = _waiting(session).seq
    nurse = staff_actor(session, personas.NURSE)
    entries, reviews = _counts(session)
    with pytest.raises(AccessDenied) as denied:
        _review(session, seq, actor=nurse)
    assert denied.value.decision.reason == "not_log_reviewer"
    assert _counts(session) == (entries + 1, reviews)
    # A non-reviewer learns nothing about unknown or reviewed entries either.
    with pytest.raises(AccessDenied):
        _review(session, 10**9, actor=nurse)
    _review(session, seq)
    with pytest.raises(AccessDenied):
        _review(session, seq, actor=nurse)


def test_an_entry_outside_the_reviewers_care_giver_is_unknown(session: Session) -> None:
    foreign = session.scalar(
        select(AuditEntry.seq)
        .where(AuditEntry.care_giver_hsaid != REGION, AuditEntry.actor_kind == "staff")
        .where((AuditEntry.source_hsaid.is_(None)) | (AuditEntry.source_hsaid != REGION))
        .limit(1)
    )
    assert foreign is not None
    before = _counts(session)
    for seq in (foreign, 10**9):
        with pytest.raises(ReviewError) as raised:
            _review(session, seq)
        assert raised.value.code == "unknown_entry"
        assert raised.value.message == "Loggposten finns inte hos din vårdgivare."
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("outcome", "note", "code"),
    [
        ("", "", "invalid_outcome"),
        ("maybe", "Oklart.", "invalid_outcome"),
        ("unjustified", "   ", "invalid_note"),
        ("follow_up", "", "invalid_note"),
        ("justified", "x" * 2001, "invalid_note"),
    ],
)
def test_bad_input_gives_a_swedish_error_and_writes_nothing(
    session: Session, outcome: str, note: str, code: str
) -> None:
    seq = _waiting(session).seq
    before = _counts(session)
    with pytest.raises(ReviewError) as raised:
        _review(session, seq, outcome=outcome, note=note)
    assert raised.value.code == code
    assert raised.value.message[0].isupper() and raised.value.message.endswith(".")
    assert _counts(session) == before


def test_a_justified_review_needs_no_note(session: Session) -> None:
    review = _review(
        session, _waiting(session, Trigger.EMERGENCY_ACCESS).seq, outcome="justified", note="  "
    )
    assert review.note == ""
