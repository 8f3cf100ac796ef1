"""Writes of sharing choices, each decided by the policy hook and logged in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from samvard.access.guard import check, check_own
from samvard.access.schemas import AccessRequest, Action, Actor, ActorKind, InfoSet, Purpose
from samvard.core.db import utcnow
from samvard.identity.models import Person
from samvard.records.models import RecordKind
from samvard.sharing.models import Block, Consent, ConsentBasis, EmergencyAccess, Engagement

# Emergency access lasts long enough for one acute episode, then must be opened again.
EMERGENCY_ACCESS_DURATION = timedelta(hours=4)
MIN_REASON_LENGTH = 10


class SharingError(ValueError):
    """A sharing change that cannot be made; `message` is Swedish, `field` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check_write(
    session: Session, *, actor: Actor, patient: Person, purpose: Purpose, info: InfoSet
) -> None:
    request = AccessRequest(
        actor=actor,
        info=info,
        purpose=purpose,
        action=Action.WRITE,
        patient_pk=patient.id,
        unit_id=actor.unit_id,
    )
    check(session, request)


def _citizen_only(actor: Actor) -> None:
    # The patient decides about blocks and withdrawals; guardians and staff cannot.
    if actor.kind is not ActorKind.CITIZEN:
        raise SharingError(
            "actor", "Endast patienten själv kan ändra spärrar och återkalla samtycken."
        )


def _purpose_of(actor: Actor, purpose: Purpose | None) -> Purpose:
    if actor.kind is ActorKind.CITIZEN:
        return Purpose.OWN_RECORDS
    if purpose is None:
        raise SharingError("purpose", "Ange om du arbetar i vården eller omsorgen.")
    return purpose


def grant_consent(
    session: Session,
    *,
    actor: Actor,
    patient: Person,
    accessor_hsaid: str | None,
    info_sets: Iterable[InfoSet] | None = None,
    valid_until: datetime | None = None,
    basis: ConsentBasis = ConsentBasis.PATIENT,
    reason: str | None = None,
    purpose: Purpose | None = None,
) -> Consent:
    """Record the patient's consent that `accessor_hsaid` (None: everyone) may read.

    Citizens consent for themselves. Staff register a consent the patient gave them, or
    a presumed consent for a patient who cannot express a will, which needs a reason.
    """
    now = utcnow()
    if valid_until is not None and valid_until <= now:
        raise SharingError("valid_until", "Slutdatumet måste ligga i framtiden.")
    if basis is ConsentBasis.PRESUMED:
        if actor.kind is not ActorKind.STAFF:
            raise SharingError("basis", "Endast personal kan registrera antaget samtycke.")
        if not reason or len(reason.strip()) < MIN_REASON_LENGTH:
            raise SharingError("reason", "Beskriv varför patienten inte kan ta ställning.")
    sets = sorted({info.value for info in info_sets}) if info_sets is not None else None
    if sets is not None and not all(InfoSet(s).record_kind for s in sets):
        raise SharingError("info_sets", "Samtycke gäller bara journaluppgifter.")
    _check_write(
        session,
        actor=actor,
        patient=patient,
        purpose=_purpose_of(actor, purpose),
        info=InfoSet.SHARING,
    )
    consent = Consent(
        person_id=patient.id,
        accessor_hsaid=accessor_hsaid,
        info_sets=sets or None,
        basis=basis,
        valid_from=now,
        valid_until=valid_until,
        registered_at=now,
        registered_by=actor.id,
        reason=reason.strip() if reason else None,
    )
    session.add(consent)
    session.flush()
    return consent


def revoke_consent(session: Session, *, actor: Actor, patient: Person, consent_id: int) -> Consent:
    """Withdraw a consent; it stops the very next request."""
    _citizen_only(actor)
    consent = session.get(Consent, consent_id)
    if consent is None or consent.person_id != patient.id:
        raise SharingError("consent", "Samtycket finns inte.")
    check_own(
        session, actor=actor, info=InfoSet.SHARING, patient_pk=patient.id, action=Action.WRITE
    )
    if consent.revoked_at is None:
        consent.revoked_at = utcnow()
    return consent


def set_block(
    session: Session,
    *,
    actor: Actor,
    patient: Person,
    care_giver_hsaid: str,
    unit_hsaid: str | None = None,
) -> Block:
    """Block a care giver's (or one unit's) records from being shared. Idempotent."""
    _citizen_only(actor)
    check_own(
        session, actor=actor, info=InfoSet.SHARING, patient_pk=patient.id, action=Action.WRITE
    )
    existing = session.scalar(
        select(Block).where(
            Block.person_id == patient.id,
            Block.care_giver_hsaid == care_giver_hsaid,
            Block.unit_hsaid.is_(None) if unit_hsaid is None else Block.unit_hsaid == unit_hsaid,
            Block.lifted_at.is_(None),
        )
    )
    if existing is not None:
        return existing
    block = Block(
        person_id=patient.id,
        care_giver_hsaid=care_giver_hsaid,
        unit_hsaid=unit_hsaid,
        created_at=utcnow(),
        created_by=actor.id,
    )
    session.add(block)
    session.flush()
    return block


def lift_block(session: Session, *, actor: Actor, patient: Person, block_id: int) -> Block:
    """Lift a block; only the patient can."""
    _citizen_only(actor)
    block = session.get(Block, block_id)
    if block is None or block.person_id != patient.id:
        raise SharingError("block", "Spärren finns inte.")
    check_own(
        session, actor=actor, info=InfoSet.SHARING, patient_pk=patient.id, action=Action.WRITE
    )
    if block.lifted_at is None:
        block.lifted_at = utcnow()
    return block


def open_emergency_access(
    session: Session, *, actor: Actor, patient: Person, reason: str
) -> EmergencyAccess:
    """Open emergency access (nödåtkomst): health-care staff only, with a stated reason.

    The policy refuses social-care staff. Every read under it is logged with the reason
    code `emergency_access`, which puts it in the log reviewers' queue.
    """
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise SharingError("reason", "Ange skälet till nödåtkomsten (minst tio tecken).")
    _check_write(
        session,
        actor=actor,
        patient=patient,
        purpose=Purpose.CARE,
        info=InfoSet.EMERGENCY_ACCESS,
    )
    now = utcnow()
    access = EmergencyAccess(
        person_id=patient.id,
        staff_hsaid=actor.id,
        unit_hsaid=actor.unit_hsaid or "",
        care_giver_hsaid=actor.care_giver_hsaid or "",
        reason=reason.strip(),
        opened_at=now,
        expires_at=now + EMERGENCY_ACCESS_DURATION,
    )
    session.add(access)
    session.flush()
    return access


def index_engagement(
    session: Session,
    *,
    person_id: str,
    care_giver_hsaid: str,
    unit_hsaid: str,
    info_set: RecordKind,
    node_id: str,
) -> None:
    """Note in the engagement index that this unit holds `info_set` about the person.

    An upsert in one statement: two records written at once for the same patient and unit
    must not fail on the unique line they both want to create.
    """
    values = {
        "person_id": person_id,
        "care_giver_hsaid": care_giver_hsaid,
        "unit_hsaid": unit_hsaid,
        "info_set": info_set,
        "node_id": node_id,
        "updated_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Engagement).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["person_id", "unit_hsaid", "info_set"],
        set_={"updated_at": statement.excluded.updated_at, "node_id": statement.excluded.node_id},
    )
    session.execute(statement)
