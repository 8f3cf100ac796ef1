"""The one hook every read or write of personal data passes: decide, then record.

`check` gathers the facts, asks the pure policy, appends the audit entry in the caller's
transaction and raises `AccessDenied` when the answer is no. The web layer commits the
transaction on `AccessDenied` too, so denied attempts are never lost.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from samvard.access.models import CareRelation
from samvard.access.policy import decide
from samvard.access.schemas import (
    AccessRequest,
    Action,
    Actor,
    ActorKind,
    Decision,
    Facts,
    InfoSet,
    Purpose,
)
from samvard.core import audit
from samvard.core.db import utcnow
from samvard.directory.models import Assignment, Unit
from samvard.identity.models import Person
from samvard.identity.queries import get_person, is_guardian_of
from samvard.sharing.policy import ground_for, is_blocked
from samvard.sharing.queries import get_sharing_state
from samvard.sharing.schemas import SharingState


class AccessDenied(Exception):  # noqa: N818 - the domain word reads better than "Error"
    """The policy said no; `decision` holds the reason (already recorded in the log)."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.reason)
        self.decision = decision


_RELATION_KIND = {Purpose.CARE: "care", Purpose.SOCIAL_CARE: "social_care"}


def check(
    session: Session, request: AccessRequest, *, sharing: SharingState | None = None
) -> Decision:
    """Decide `request`, record it if it concerns personal data, raise if denied.

    `sharing` is the patient's sharing state when it comes from elsewhere (a signed
    statement from the consent service); otherwise it is read from this database.
    """
    patient = get_person(session, request.patient_pk) if request.patient_pk else None
    decision = decide(request, gather_facts(session, request, patient, sharing=sharing))
    # Personal data is always logged; so is every write, personal or not.
    if request.info.is_personal or request.action is Action.WRITE:
        audit.append(session, _record(request, decision, patient))
    if not decision.allowed:
        raise AccessDenied(decision)
    return decision


def gather_facts(
    session: Session,
    request: AccessRequest,
    patient: Person | None,
    *,
    sharing: SharingState | None = None,
) -> Facts:
    """Read what the policy needs to know about actor, unit and patient."""
    actor = request.actor
    if actor is None or actor.kind is not ActorKind.STAFF:
        return Facts(
            patient_protected=bool(patient and patient.protected_identity),
            guardian_of_patient=_guardian_of(session, actor, patient),
        )
    facts = Facts(
        assignment_active=_assignment_active(session, actor),
        relation_at_unit=_has_relation(session, request, actor, whole_care_giver=False),
        relation_at_care_giver=_has_relation(session, request, actor, whole_care_giver=True),
        patient_protected=bool(patient and patient.protected_identity),
    )
    if request.info.record_kind is None or request.source_hsaid is None or patient is None:
        return facts
    state = sharing or get_sharing_state(session, patient, now=utcnow())
    return replace(facts, **sharing_facts(request, actor, state))


def sharing_facts(request: AccessRequest, actor: Actor, state: SharingState) -> dict[str, Any]:
    """Block and ground for reading the source's records (pure; see sharing.policy)."""
    assert request.source_hsaid is not None
    blocked = is_blocked(
        state,
        source_care_giver=request.source_hsaid,
        source_unit=request.source_unit_hsaid,
        reader_care_giver=actor.care_giver_hsaid or "",
        reader_unit=actor.unit_hsaid,
    )
    ground = ground_for(
        state,
        reader_care_giver=actor.care_giver_hsaid or "",
        reader_staff=actor.id,
        reader_is_health_care=bool(actor.care_giver_kind and actor.care_giver_kind.is_health_care),
        info_set=request.info.value,
        now=state.as_of,
    )
    return {"source_blocked": blocked, "sharing_ground": ground.value if ground else None}


def _guardian_of(session: Session, actor: Actor | None, patient: Person | None) -> bool:
    if actor is None or actor.kind is not ActorKind.CITIZEN or actor.person_pk is None:
        return False
    if patient is None or patient.id == actor.person_pk:
        return False
    return is_guardian_of(session, actor.person_pk, patient, today=utcnow().date())


def _assignment_active(session: Session, actor: Actor) -> bool:
    if actor.staff_pk is None or actor.unit_id is None or actor.role is None:
        return False
    today = utcnow().date()
    rows = session.scalars(
        select(Assignment).where(
            Assignment.staff_id == actor.staff_pk,
            Assignment.unit_id == actor.unit_id,
            Assignment.role == actor.role,
        )
    )
    return any(row.active_on(today) for row in rows)


def _has_relation(
    session: Session, request: AccessRequest, actor: Actor, *, whole_care_giver: bool
) -> bool:
    if request.patient_pk is None or actor.unit_id is None:
        return False
    query = select(CareRelation.id).where(
        CareRelation.person_id == request.patient_pk, CareRelation.ended_at.is_(None)
    )
    # A health-care relation grounds health care only, a social-care relation social care.
    kind = _RELATION_KIND.get(request.purpose)
    if kind is not None:
        query = query.where(CareRelation.kind == kind)
    if whole_care_giver:
        query = query.join(Unit, Unit.id == CareRelation.unit_id).where(
            Unit.care_giver_id == actor.care_giver_id
        )
    else:
        query = query.where(CareRelation.unit_id == actor.unit_id)
    return bool(session.scalar(select(exists(query))))


def _record(
    request: AccessRequest, decision: Decision, patient: Person | None
) -> audit.AuditRecord:
    actor = request.actor
    return audit.AuditRecord(
        actor_kind=actor.kind.value if actor else "anonymous",
        actor_id=actor.id if actor else "anonymous",
        actor_role=actor.role.value if actor and actor.role else None,
        unit_hsaid=actor.unit_hsaid if actor else None,
        care_giver_hsaid=actor.care_giver_hsaid if actor else None,
        patient_id=patient.person_id if patient else None,
        action=request.action.value,
        resource=request.info.value,
        purpose=request.purpose.value,
        outcome="allowed" if decision.allowed else "denied",
        reason=decision.reason,
        source_hsaid=_foreign_source(request),
    )


def _foreign_source(request: AccessRequest) -> str | None:
    actor = request.actor
    own = actor.care_giver_hsaid if actor else None
    return request.source_hsaid if request.source_hsaid != own else None


def check_disclosure(
    session: Session,
    request: AccessRequest,
    *,
    sharing: SharingState,
    asserted_relation: bool,
    person_id: str | None = None,
) -> Decision:
    """`check` for a producer node disclosing records to another organisation's node.

    The remote member of staff is not in this database, so their assignment and their
    care or social-care relation are the facts the consumer node asserted in its signed
    request; consent and blocks come from the signed sharing statement. The same pure
    `decide` answers, and the disclosure is logged here with action `disclose` (the
    consumer logs its read too). `person_id` names a patient unknown to this node.
    """
    actor = request.actor
    patient = get_person(session, request.patient_pk) if request.patient_pk else None
    facts = Facts(
        # The consumer signs only for staff logged in at a unit they are assigned to.
        assignment_active=actor is not None and actor.role is not None,
        relation_at_unit=asserted_relation,
        relation_at_care_giver=asserted_relation,
        patient_protected=bool(patient and patient.protected_identity),
    )
    if actor is not None and request.source_hsaid is not None:
        facts = replace(facts, **sharing_facts(request, actor, sharing))
    decision = decide(replace(request, action=Action.DISCLOSE), facts)
    entry = _record(replace(request, action=Action.DISCLOSE), decision, patient)
    if patient is None and person_id is not None:
        entry = replace(entry, patient_id=person_id)
    audit.append(session, entry)
    if not decision.allowed:
        raise AccessDenied(decision)
    return decision


def check_own(
    session: Session,
    *,
    actor: Actor,
    info: InfoSet,
    patient_pk: int,
    action: Action = Action.READ,
) -> Decision:
    """`check` for a citizen's own information, or as guardian their child's."""
    request = AccessRequest(
        actor=actor, info=info, purpose=Purpose.OWN_RECORDS, action=action, patient_pk=patient_pk
    )
    return check(session, request)


def record_shown(
    session: Session, request: AccessRequest, decision: Decision, patients: list[Person]
) -> None:
    """Log one entry per patient shown under an allowed listing.

    A list of names and personnummer is an access to each of those patients, so each of
    them sees it on "Vem har läst om mig?".
    """
    for patient in patients:
        audit.append(session, _record(request, decision, patient))
