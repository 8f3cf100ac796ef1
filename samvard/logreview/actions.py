"""Recording the outcome of a log review: once per entry, decided and logged like any access."""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy.orm import Session

from samvard.access.guard import check, gather_facts
from samvard.access.policy import decide
from samvard.access.schemas import AccessRequest, Action, Actor, InfoSet, Purpose
from samvard.core.db import utcnow
from samvard.logreview.models import Review, ReviewOutcome
from samvard.logreview.queries import EntryDetail, get_entry
from samvard.logreview.triggers import DEFAULT_RULES, Rules, format_triggers

MAX_NOTE_LENGTH = 2000
# A finding that is not plainly justified must say what was found and what happens next.
NOTE_REQUIRED = frozenset({ReviewOutcome.FOLLOW_UP, ReviewOutcome.UNJUSTIFIED})


class ReviewError(ValueError):
    """A review that cannot be recorded.

    `code` is stable (unknown_entry, already_reviewed, invalid_outcome, invalid_note),
    `field` names the input and `message` is Swedish.
    """

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def record_review(
    session: Session,
    *,
    actor: Actor,
    audit_seq: int,
    outcome: str,
    note: str,
    sample_key: bytes,
    rules: Rules = DEFAULT_RULES,
) -> Review:
    """Record the reviewer's finding about one audit entry of their care giver.

    Only log reviewers may (the policy hook decides, InfoSet.AUDIT_REVIEW); the review is
    appended to the audit log as a write of `audit.review` about the reviewed entry's
    patient, in the caller's transaction. An entry is reviewed once: a second attempt, an
    entry outside the reviewer's care giver, or bad input raise `ReviewError` and write
    nothing. `sample_key` is needed to store the triggers the entry had.
    """
    chosen = _outcome(outcome)
    text = _note(note, chosen)
    detail = get_entry(
        session,
        care_giver_hsaid=actor.care_giver_hsaid or "",
        seq=audit_seq,
        sample_key=sample_key,
        rules=rules,
    )
    patient = detail.patient if detail else None
    request = AccessRequest(
        actor=actor,
        info=InfoSet.AUDIT_REVIEW,
        purpose=Purpose.LOG_REVIEW,
        action=Action.WRITE,
        patient_pk=patient.id if patient else None,
    )
    if detail is None:
        _refuse(
            session,
            request,
            ReviewError("unknown_entry", "audit_seq", "Loggposten finns inte hos din vårdgivare."),
        )
    elif detail.review is not None:
        _refuse(
            session,
            request,
            ReviewError("already_reviewed", "audit_seq", "Loggposten är redan granskad."),
        )
    check(session, request)
    return _insert(session, actor, detail, chosen, text)


def _refuse(session: Session, request: AccessRequest, error: ReviewError) -> NoReturn:
    """Raise `error` without writing anything, unless the actor may not review at all.

    Deciding first keeps the error from telling a non-reviewer anything about the log;
    their attempt is denied and recorded like any other.
    """
    # The log-review rule looks only at the actor's assignment, never at the patient.
    facts = gather_facts(session, request, None)
    if not decide(request, facts).allowed:
        check(session, request)  # records the denial and raises AccessDenied
    raise error


def _insert(
    session: Session, actor: Actor, detail: EntryDetail, outcome: ReviewOutcome, note: str
) -> Review:
    review = Review(
        audit_seq=detail.item.entry.seq,
        triggers=format_triggers(detail.item.triggers),
        outcome=outcome,
        note=note,
        reviewer_hsaid=actor.id,
        care_giver_hsaid=actor.care_giver_hsaid or "",
        reviewed_at=utcnow(),
    )
    session.add(review)
    session.flush()
    return review


_OUTCOME_ERROR = "Välj ett utfall: motiverad, följs upp eller omotiverad."


def _outcome(value: str) -> ReviewOutcome:
    try:
        return ReviewOutcome(value)
    except ValueError:
        raise ReviewError("invalid_outcome", "outcome", _OUTCOME_ERROR) from None


def _note(value: str, outcome: ReviewOutcome) -> str:
    text = value.strip()
    if len(text) > MAX_NOTE_LENGTH:
        raise ReviewError(
            "invalid_note", "note", f"Anteckningen får vara högst {MAX_NOTE_LENGTH} tecken."
        )
    if not text and outcome in NOTE_REQUIRED:
        raise ReviewError(
            "invalid_note", "note", "Skriv vad granskningen visade och vad som ska göras."
        )
    return text
