"""An access history produced by the real access guard.

Every entry comes from `samvard.access.guard.check`, so the audit chain holds entries the
policy really decided (allowed and denied) and `samvard.core.audit.verify` accepts it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied, check
from samvard.access.schemas import AccessRequest, Action, Actor, ActorKind, InfoSet, Purpose
from samvard.demo import personas
from samvard.demo.people import Resident
from samvard.demo.relations import Relation
from samvard.demo.review_story import review_story
from samvard.demo.staff import Post
from samvard.directory.models import Role

_CARE_PURPOSE = {Role.CLINICIAN: Purpose.CARE, Role.CARE_STAFF: Purpose.SOCIAL_CARE}
# Share of generated events of each sort (the rest are ordinary reads within a relation).
_OWN_RECORDS, _LOG_REVIEW, _OUTSIDER, _ENDED, _WRONG_ROLE = 0.05, 0.03, 0.05, 0.02, 0.02

Progress = Callable[[int, int], None]


@dataclass
class HistoryCounts:
    """How many checks were allowed and denied."""

    allowed: int = 0
    denied: int = 0


@dataclass
class _World:
    """Lookups over the posts, relations and people the events are drawn from."""

    residents: list[Resident]
    relations: list[Relation]
    care_posts: dict[int, list[Post]]
    ended_posts: list[Post]
    outsiders: list[Post]
    other_posts: list[Post]
    reviewers: list[Post]
    by_hsa: dict[tuple[str, str], Post]

    @classmethod
    def of(cls, posts: list[Post], residents: list[Resident], relations: list[Relation]) -> _World:
        care: dict[int, list[Post]] = defaultdict(list)
        for post in posts:
            if post.active and post.actor.role in _CARE_PURPOSE:
                care[post.unit_id].append(post)
        return cls(
            residents=residents,
            relations=[r for r in relations if r.active and r.unit_id in care],
            care_posts=dict(care),
            ended_posts=[p for p in posts if not p.active],
            outsiders=[p for p in posts if p.active and p.actor.role is Role.CLINICIAN],
            other_posts=[p for p in posts if p.active and p.actor.role not in _CARE_PURPOSE],
            reviewers=[p for p in posts if p.active and p.actor.role is Role.LOG_REVIEWER],
            by_hsa={(p.actor.id, p.actor.unit_hsaid or ""): p for p in posts},
        )


def default_event_count(citizens: int) -> int:
    """A third of the citizens, between 100 and 3 500 checks (each is a few queries)."""
    return max(100, min(3_500, citizens // 3))


def build_history(
    session: Session,
    posts: list[Post],
    residents: list[Resident],
    relations: list[Relation],
    *,
    rng: random.Random,
    events: int,
    progress: Progress,
) -> HistoryCounts:
    """Run the persona story and then `events` generated accesses through the guard."""
    world = _World.of(posts, residents, relations)
    counts = HistoryCounts()
    for request in _persona_story(world, residents):
        _run(session, request, counts)
    for request in review_story(session, posts):
        _run(session, request, counts)
    for done in range(1, events + 1):
        _run(session, _generated(world, rng), counts)
        if done % 250 == 0 or done == events:
            progress(done, events)
    return counts


def _run(session: Session, request: AccessRequest, counts: HistoryCounts) -> None:
    try:
        check(session, request)
    except AccessDenied:
        counts.denied += 1
    else:
        counts.allowed += 1


def _read(post: Post, patient_pk: int, purpose: Purpose | None = None) -> AccessRequest:
    role = post.actor.role
    wanted = purpose or (_CARE_PURPOSE.get(role) if role else None) or Purpose.ADMINISTRATION
    return AccessRequest(
        actor=post.actor, info=InfoSet.DEMOGRAPHICS, purpose=wanted, patient_pk=patient_pk
    )


def _citizen_read(resident: Resident, info: InfoSet) -> AccessRequest:
    actor = Actor(kind=ActorKind.CITIZEN, id=resident.person_id, person_pk=resident.pk)
    return AccessRequest(
        actor=actor, info=info, purpose=Purpose.OWN_RECORDS, patient_pk=resident.pk
    )


def _log_review(post: Post, patient_pk: int) -> AccessRequest:
    return AccessRequest(
        actor=post.actor,
        info=InfoSet.AUDIT_REVIEW,
        purpose=Purpose.LOG_REVIEW,
        action=Action.READ,
        patient_pk=patient_pk,
    )


def _persona_story(world: _World, residents: list[Resident]) -> list[AccessRequest]:
    """Fixed accesses for the personas, so their logs show allowed and denied entries."""
    people = {r.person_id: r.pk for r in residents}
    citizen, protected = (
        people[personas.CITIZEN.person_id],
        people[personas.PROTECTED_CITIZEN.person_id],
    )
    child, elder = people[personas.CHILD.person_id], people[personas.ELDER.person_id]
    nurse = world.by_hsa[(personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)]
    doctor_vc = world.by_hsa[(personas.DOCTOR.hsa_id, personas.VARDCENTRAL_UNIT)]
    doctor_er = world.by_hsa[(personas.DOCTOR.hsa_id, personas.EMERGENCY_UNIT)]
    ended = world.by_hsa[(personas.ENDED_STAFF.hsa_id, personas.VARDCENTRAL_UNIT)]
    care = world.by_hsa[(personas.CARE_STAFF.hsa_id, personas.HOME_CARE_UNIT)]
    reviewer = world.by_hsa[(personas.LOG_REVIEWER.hsa_id, personas.ADMINISTRATION_UNIT)]
    outsider = next(
        p for p in world.outsiders if p.actor.care_giver_hsaid != nurse.actor.care_giver_hsaid
    )
    me = next(r for r in residents if r.pk == citizen)
    return [
        _read(nurse, citizen),
        _read(doctor_vc, citizen),
        _read(doctor_er, citizen),
        _read(ended, citizen),
        _read(outsider, citizen),
        _read(care, citizen),
        _read(nurse, protected),
        _read(doctor_vc, child),
        _read(care, elder),
        _read(nurse, citizen),
        _citizen_read(me, InfoSet.ACCESS_LOG),
        _log_review(reviewer, citizen),
    ]


def _generated(world: _World, rng: random.Random) -> AccessRequest:
    """One random access: mostly reads within a relation, some that the policy refuses."""
    draw = rng.random()
    for share, make in (
        (_OWN_RECORDS, _own_records),
        (_LOG_REVIEW, _review),
        (_OUTSIDER, _outsider),
        (_ENDED, _ended),
        (_WRONG_ROLE, _wrong_role),
    ):
        if draw < share:
            return make(world, rng)
        draw -= share
    return _within_relation(world, rng)


def _within_relation(world: _World, rng: random.Random) -> AccessRequest:
    relation = rng.choice(world.relations)
    return _read(rng.choice(world.care_posts[relation.unit_id]), relation.person_pk)


def _own_records(world: _World, rng: random.Random) -> AccessRequest:
    info = rng.choice((InfoSet.DEMOGRAPHICS, InfoSet.ACCESS_LOG))
    return _citizen_read(rng.choice(world.residents), info)


def _review(world: _World, rng: random.Random) -> AccessRequest:
    return _log_review(rng.choice(world.reviewers), rng.choice(world.residents).pk)


def _outsider(world: _World, rng: random.Random) -> AccessRequest:
    # A clinician anywhere reading anyone: almost always without a relation, so denied.
    return _read(rng.choice(world.outsiders), rng.choice(world.residents).pk)


def _ended(world: _World, rng: random.Random) -> AccessRequest:
    return _read(rng.choice(world.ended_posts), rng.choice(world.residents).pk)


def _wrong_role(world: _World, rng: random.Random) -> AccessRequest:
    # Administrators and planners have no care duty, so patient details are refused.
    return _read(rng.choice(world.other_posts), rng.choice(world.residents).pk, Purpose.CARE)
