"""Reads for log review: the queue, one entry with its triggers, and recorded reviews.

These only fetch; the routes decide access first (access.guard). The scope is always one
care giver: accesses made at it, and disclosures of its records to others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.core.audit import AuditEntry
from samvard.directory.models import CareGiver, Staff, Unit
from samvard.identity.models import Person
from samvard.logreview.facts import LISTING_RESOURCES, REVIEW_PURPOSE, gather, in_scope
from samvard.logreview.models import Review
from samvard.logreview.triggers import DEFAULT_RULES, SWEDEN, Rules, Trigger, local_day


@dataclass(frozen=True)
class QueueItem:
    """One logged access as reviewers see it: the entry, its triggers and the names."""

    entry: AuditEntry
    triggers: tuple[Trigger, ...]
    actor_name: str | None
    unit_name: str | None
    care_giver_name: str | None
    source_name: str | None


@dataclass(frozen=True)
class Queue:
    """A page of the queue, how many match the filter, and how many fire per trigger."""

    items: list[QueueItem]
    total: int
    counts: dict[Trigger, int]


@dataclass(frozen=True)
class EntryDetail:
    """One entry for review: the access, the patient, and the review if there is one."""

    item: QueueItem
    patient: Person | None
    review: Review | None
    reviewer_name: str | None


def list_queue(
    session: Session,
    *,
    care_giver_hsaid: str,
    since: datetime,
    until: datetime,
    sample_key: bytes,
    trigger: Trigger | None = None,
    limit: int = 50,
    offset: int = 0,
    rules: Rules = DEFAULT_RULES,
) -> Queue:
    """Unreviewed accesses in [since, until) with at least one trigger, newest first.

    `counts` covers every unreviewed triggered access of the period, whatever `trigger`
    filters; `total` is the number the filter leaves, for paging.
    """
    candidates = gather(
        session,
        care_giver_hsaid=care_giver_hsaid,
        since=since,
        until=until,
        sample_key=sample_key,
        rules=rules,
    )
    waiting = [c for c in candidates if c.triggers and not c.reviewed]
    counts = Counter(t for c in waiting for t in c.triggers)
    chosen = [c for c in reversed(waiting) if trigger is None or trigger in c.triggers]
    page = chosen[offset : offset + limit]
    items = _items(session, [(c.view.seq, c.triggers) for c in page])
    return Queue(items, len(chosen), {t: counts[t] for t in Trigger})


def get_entry(
    session: Session,
    *,
    care_giver_hsaid: str,
    seq: int,
    sample_key: bytes,
    rules: Rules = DEFAULT_RULES,
) -> EntryDetail | None:
    """One entry in the care giver's scope with its triggers and review; None if out of scope."""
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.seq == seq, in_scope(care_giver_hsaid))
    )
    if entry is None:
        return None
    triggers = _triggers_of(session, entry, care_giver_hsaid, sample_key, rules)
    (item,) = _items(session, [(entry.seq, triggers)])
    review = session.scalar(select(Review).where(Review.audit_seq == seq))
    reviewer = _staff_name(session, review.reviewer_hsaid) if review else None
    patient = session.scalar(select(Person).where(Person.person_id == entry.patient_id))
    return EntryDetail(item, patient if entry.patient_id else None, review, reviewer)


def is_reviewed(session: Session, seq: int) -> bool:
    """Whether the entry already has its review."""
    return session.scalar(select(Review.id).where(Review.audit_seq == seq)) is not None


def list_reviews(
    session: Session, *, care_giver_hsaid: str, since: datetime, until: datetime
) -> list[tuple[Review, AuditEntry]]:
    """The care giver's reviews recorded in [since, until), oldest first, with their entries."""
    query = (
        select(Review, AuditEntry)
        .join(AuditEntry, AuditEntry.seq == Review.audit_seq)
        .where(
            Review.care_giver_hsaid == care_giver_hsaid,
            Review.reviewed_at >= since,
            Review.reviewed_at < until,
        )
        .order_by(Review.reviewed_at, Review.id)
    )
    return [(row.Review, row.AuditEntry) for row in session.execute(query)]


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC bounds of the Swedish calendar days `first` to `last`, inclusive."""
    start = datetime.combine(first, time(), tzinfo=SWEDEN)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=SWEDEN)
    return start.astimezone(UTC), end.astimezone(UTC)


def _reviewable(entry: AuditEntry) -> bool:
    # The same accesses the queue considers (see facts._read).
    return (
        entry.actor_kind == "staff"
        and entry.patient_id is not None
        and entry.resource not in LISTING_RESOURCES
        and entry.purpose != REVIEW_PURPOSE
    )


def _triggers_of(
    session: Session, entry: AuditEntry, care_giver_hsaid: str, sample_key: bytes, rules: Rules
) -> tuple[Trigger, ...]:
    if not _reviewable(entry):
        return ()
    day = local_day(entry.recorded_at)
    since, until = day_bounds(day, day)
    candidates = gather(
        session,
        care_giver_hsaid=care_giver_hsaid,
        since=since,
        until=until,
        sample_key=sample_key,
        rules=rules,
        actor_id=entry.actor_id,
    )
    return next((c.triggers for c in candidates if c.view.seq == entry.seq), ())


def _items(session: Session, wanted: list[tuple[int, tuple[Trigger, ...]]]) -> list[QueueItem]:
    """Load a page of entries and resolve staff, unit and care giver names in one go."""
    seqs = [seq for seq, _ in wanted]
    entries = {
        e.seq: e for e in session.scalars(select(AuditEntry).where(AuditEntry.seq.in_(seqs)))
    }
    actors = {e.actor_id for e in entries.values()}
    units = {e.unit_hsaid for e in entries.values() if e.unit_hsaid}
    givers = {h for e in entries.values() for h in (e.care_giver_hsaid, e.source_hsaid) if h}
    staff = {
        s.hsa_id: s.display_name
        for s in session.scalars(select(Staff).where(Staff.hsa_id.in_(actors)))
    }
    unit_query = select(Unit.hsa_id, Unit.name).where(Unit.hsa_id.in_(units))
    unit_names: dict[str, str] = dict(session.execute(unit_query).all())
    giver_query = select(CareGiver.hsa_id, CareGiver.name).where(CareGiver.hsa_id.in_(givers))
    giver_names: dict[str, str] = dict(session.execute(giver_query).all())
    items = []
    for seq, triggers in wanted:
        entry = entries[seq]
        items.append(
            QueueItem(
                entry=entry,
                triggers=triggers,
                actor_name=staff.get(entry.actor_id),
                unit_name=unit_names.get(entry.unit_hsaid or ""),
                care_giver_name=giver_names.get(entry.care_giver_hsaid or ""),
                source_name=giver_names.get(entry.source_hsaid or ""),
            )
        )
    return items


def _staff_name(session: Session, hsa_id: str) -> str | None:
    staff = session.scalar(select(Staff).where(Staff.hsa_id == hsa_id))
    return staff.display_name if staff else None
