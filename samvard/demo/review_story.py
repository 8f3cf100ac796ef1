"""A fixed part of the demo history for log review: an access for each reason to look.

Region Stockholm's log reviewer (the persona) finds every trigger in the queue: a
clinician reading her own record and her partner's (same surname, same address), the
nurse reading a patient who shares her surname, emergency accesses, a lookup and a read
without a relation, a patient with protected identity, and one clinician's busy day. The
clinician's personnummer is an official Skatteverket test number: the one the demo world
gave the resident she is. The random sample depends on the installation's secret key, so
which entries it holds is not fixed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.models import CareRelation
from samvard.access.schemas import AccessRequest, InfoSet, Purpose
from samvard.demo import personas
from samvard.demo.names import MALE_GIVEN_NAMES
from samvard.demo.staff import Post
from samvard.directory.models import CareGiver, Role, Staff, Unit
from samvard.identity.models import Person
from samvard.sharing.actions import open_emergency_access

# Distinct patients read in one day by one clinician: above the review's ceiling (40).
BUSY_DAY_PATIENTS = 45
EMERGENCY_REASONS = (
    "Medvetslös vid ankomst, behöver läkemedelslistan.",
    "Akut andningssvikt, tidigare diagnoser behövs.",
)


@dataclass
class _Cast:
    """The staff of the story, as the posts they act through."""

    colleague: Post
    nurse: Post
    doctor: Post
    emergency_doctor: Post
    emergency_nurse: Post


def review_story(session: Session, posts: list[Post]) -> list[AccessRequest]:
    """Prepare the story's people, open its emergency accesses, and return its reads.

    A very small world may lack some of the people; those parts of the story are left out.
    """
    cast = _cast(posts)
    region = cast.colleague.actor.care_giver_hsaid or ""
    people = {p.person_id: p for p in _all_people(session)}
    related = _related_people(session, region)
    reads = _household(session, cast, [*related, *_addressed(people)])
    elder, citizen = people[personas.ELDER.person_id], people[personas.CITIZEN.person_id]
    open_emergency_access(
        session, actor=cast.emergency_doctor.actor, patient=elder, reason=EMERGENCY_REASONS[0]
    )
    open_emergency_access(
        session, actor=cast.emergency_nurse.actor, patient=citizen, reason=EMERGENCY_REASONS[1]
    )
    reads.append(_read(cast.doctor, people[personas.PROTECTED_CITIZEN.person_id]))
    stranger = _without_relation(session, people, region)
    if stranger is not None:
        reads += [_lookup(cast.nurse, stranger), _read(cast.nurse, stranger)]
    # Mostly patients with a relation; in a small world, strangers fill the day up.
    cast_aside = {read.patient_pk for read in reads}
    busy = [p for p in dict.fromkeys([*related, *people.values()]) if p.id not in cast_aside]
    return reads + [_read(cast.emergency_nurse, p) for p in busy[:BUSY_DAY_PATIENTS]]


def _household(session: Session, cast: _Cast, candidates: list[Person]) -> list[AccessRequest]:
    """The clinician reads her own record and her partner's; the nurse reads a namesake."""
    staff = session.get(Staff, cast.colleague.actor.staff_pk)
    assert staff is not None
    people = list(dict.fromkeys(candidates))
    if len(people) < 3:
        return []
    male = staff.given_name in MALE_GIVEN_NAMES
    me = next((p for p in people if (p.sex == "male") == male), people[0])
    partner, namesake = [p for p in people if p is not me][:2]
    _make_household(staff, me, partner)
    namesake.family_name = personas.NURSE.family_name
    return [
        _read(cast.colleague, me),
        _read(cast.colleague, partner),
        _read(cast.nurse, namesake),
    ]


def _addressed(people: dict[str, Person]) -> list[Person]:
    """Residents (not personas) with an address, for worlds too small for `_related_people`."""
    persona_ids = {p.person_id for p in personas.CITIZENS}
    return [p for p in people.values() if p.street_address and p.person_id not in persona_ids]


def _cast(posts: list[Post]) -> _Cast:
    persona_ids = {p.hsa_id for p in personas.STAFF}

    def post(unit: str, hsa_id: str | None = None) -> Post:
        return next(
            p
            for p in posts
            if p.active
            and p.actor.unit_hsaid == unit
            and p.actor.role is Role.CLINICIAN
            and (p.actor.id == hsa_id if hsa_id else p.actor.id not in persona_ids)
        )

    return _Cast(
        colleague=post(personas.VARDCENTRAL_UNIT),
        nurse=post(personas.VARDCENTRAL_UNIT, personas.NURSE.hsa_id),
        doctor=post(personas.VARDCENTRAL_UNIT, personas.DOCTOR.hsa_id),
        emergency_doctor=post(personas.EMERGENCY_UNIT, personas.DOCTOR.hsa_id),
        emergency_nurse=post(personas.EMERGENCY_UNIT),
    )


def _related_people(session: Session, care_giver_hsaid: str) -> list[Person]:
    """Residents (not personas) with an address and a care relation in Region Stockholm."""
    persona_ids = [p.person_id for p in personas.CITIZENS]
    related = (
        select(CareRelation.person_id)
        .join(Unit, Unit.id == CareRelation.unit_id)
        .join(CareGiver, CareGiver.id == Unit.care_giver_id)
        .where(
            CareGiver.hsa_id == care_giver_hsaid,
            CareRelation.kind == "care",
            CareRelation.ended_at.is_(None),
        )
    )
    query = (
        select(Person)
        .where(
            Person.id.in_(related),
            Person.person_id.not_in(persona_ids),
            Person.street_address.is_not(None),
        )
        .order_by(Person.id)
    )
    return list(session.scalars(query))


def _all_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).order_by(Person.id)))


def _without_relation(
    session: Session, people: dict[str, Person], care_giver_hsaid: str
) -> Person | None:
    """The first resident with no relation at all in Region Stockholm."""
    in_region = set(
        session.scalars(
            select(CareRelation.person_id)
            .join(Unit, Unit.id == CareRelation.unit_id)
            .join(CareGiver, CareGiver.id == Unit.care_giver_id)
            .where(CareGiver.hsa_id == care_giver_hsaid)
        )
    )
    persona_ids = {p.person_id for p in personas.CITIZENS}
    return next(
        (p for p in people.values() if p.id not in in_region and p.person_id not in persona_ids),
        None,
    )


def _make_household(staff: Staff, me: Person, partner: Person) -> None:
    """The clinician is the resident `me`; the partner shares her surname and home."""
    staff.person_number = me.person_id
    me.given_name, me.family_name = staff.given_name, staff.family_name
    partner.family_name = staff.family_name
    partner.street_address, partner.postal_code = me.street_address, me.postal_code
    partner.city, partner.municipality_code = me.city, me.municipality_code


def _read(post: Post, person: Person) -> AccessRequest:
    return AccessRequest(
        actor=post.actor, info=InfoSet.DEMOGRAPHICS, purpose=Purpose.CARE, patient_pk=person.id
    )


def _lookup(post: Post, person: Person) -> AccessRequest:
    return AccessRequest(
        actor=post.actor,
        info=InfoSet.PATIENT_LOOKUP,
        purpose=Purpose.CARE,
        unit_id=post.actor.unit_id,
        patient_pk=person.id,
    )
