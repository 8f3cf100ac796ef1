"""Reads of the patient's sharing choices and of the engagement index."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from samvard.access.models import CareRelation
from samvard.directory.models import CareGiver, Unit
from samvard.identity.models import Person
from samvard.sharing.models import Block, Consent, EmergencyAccess, Engagement
from samvard.sharing.preview import Holding, Reader
from samvard.sharing.schemas import BlockView, ConsentView, EmergencyView, SharingState

# Below this age a child is presumed unable to take a position on sharing; from it, the
# child decides (as a mature minor would). Documented in docs/coordinated-care.md.
CONSENT_AGE = 13


def get_sharing_state(session: Session, person: Person, *, now: datetime) -> SharingState:
    """The patient's consents, blocks and open emergency accesses in force at `now`."""
    consents = session.scalars(
        select(Consent).where(
            Consent.person_id == person.id,
            Consent.revoked_at.is_(None),
            or_(Consent.valid_until.is_(None), Consent.valid_until > now),
        )
    )
    blocks = session.scalars(
        select(Block).where(Block.person_id == person.id, Block.lifted_at.is_(None))
    )
    emergencies = session.scalars(
        select(EmergencyAccess).where(
            EmergencyAccess.person_id == person.id, EmergencyAccess.expires_at > now
        )
    )
    age = person.age_on(now.date())
    return SharingState(
        person_id=person.person_id,
        as_of=now,
        consents=tuple(
            ConsentView(
                accessor_hsaid=c.accessor_hsaid,
                info_sets=frozenset(c.info_sets) if c.info_sets is not None else None,
                basis=c.basis,
                valid_from=c.valid_from,
                valid_until=c.valid_until,
            )
            for c in consents
        ),
        blocks=tuple(
            BlockView(care_giver_hsaid=b.care_giver_hsaid, unit_hsaid=b.unit_hsaid) for b in blocks
        ),
        emergencies=tuple(
            EmergencyView(
                staff_hsaid=e.staff_hsaid,
                care_giver_hsaid=e.care_giver_hsaid,
                expires_at=e.expires_at,
            )
            for e in emergencies
        ),
        child_without_capacity=age is not None and age < CONSENT_AGE,
    )


def list_consents(session: Session, person: Person) -> Sequence[Consent]:
    """Every consent the person has given, newest first, revoked ones included."""
    return session.scalars(
        select(Consent).where(Consent.person_id == person.id).order_by(Consent.id.desc())
    ).all()


def list_blocks(session: Session, person: Person) -> Sequence[Block]:
    """Every block, newest first, lifted ones included."""
    return session.scalars(
        select(Block).where(Block.person_id == person.id).order_by(Block.id.desc())
    ).all()


def list_engagements(session: Session, person_id: str) -> Sequence[Engagement]:
    """Index lines for a person (by personnummer): who holds which information set."""
    return session.scalars(
        select(Engagement)
        .where(Engagement.person_id == person_id)
        .order_by(Engagement.care_giver_hsaid, Engagement.unit_hsaid, Engagement.info_set)
    ).all()


def list_readers(session: Session, person: Person) -> list[Reader]:
    """Care givers with an active relation to the person, and those that only hold records.

    The second kind reads nothing today (consent never stands in for a relation), but the
    citizen should see them in the preview all the same.
    """
    related = set(
        session.execute(
            select(CareGiver.hsa_id, CareGiver.kind)
            .join(Unit, Unit.care_giver_id == CareGiver.id)
            .join(CareRelation, CareRelation.unit_id == Unit.id)
            .where(CareRelation.person_id == person.id, CareRelation.ended_at.is_(None))
        )
    )
    holders = select(Engagement.care_giver_hsaid).where(Engagement.person_id == person.person_id)
    held = set(
        session.execute(
            select(CareGiver.hsa_id, CareGiver.kind).where(CareGiver.hsa_id.in_(holders))
        )
    )
    return [
        Reader(
            care_giver_hsaid=hsa,
            health_care=kind.is_health_care,
            has_relation=(hsa, kind) in related,
        )
        for hsa, kind in sorted(related | held)
    ]


def list_holdings(session: Session, person: Person) -> list[Holding]:
    """The engagement index for the person as plain values for the preview."""
    return [
        Holding(care_giver_hsaid=e.care_giver_hsaid, unit_hsaid=e.unit_hsaid, info_set=e.info_set)
        for e in list_engagements(session, person.person_id)
    ]
