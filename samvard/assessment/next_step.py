"""The next step after an outcome: the region's routing decision, and contacting care.

Routing decides where the citizen is sent now; a care channel (nurse chat, video or a
visit) opens a contact at its unit. From self-care advice the citizen may still ask to
contact care, routed as for a visit within days (escalation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.schemas import Action, Actor
from samvard.assessment.actions import authorize, record_assessment_event
from samvard.assessment.models import Assessment, AssessmentStatus
from samvard.assessment.schemas import AssessmentError
from samvard.contacts.actions import open_contact
from samvard.contacts.models import Contact
from samvard.core.db import utcnow
from samvard.followup.models import EventKind
from samvard.routing.engine import RoutingDecision
from samvard.routing.queries import decide_route
from samvard.triage.levels import Disposition


@dataclass(frozen=True)
class NextStep:
    """Where the outcome sends the citizen now, and where "contact care anyway" would."""

    decision: RoutingDecision
    escalation: RoutingDecision | None

    @property
    def can_contact(self) -> bool:
        """The decision is a care channel: a contact can be opened."""
        return is_care(self.decision)

    @property
    def can_escalate(self) -> bool:
        """Self-care advice, and a care channel is open to contact anyway."""
        return self.escalation is not None and is_care(self.escalation)


def is_care(decision: RoutingDecision) -> bool:
    """Whether the decision sends the citizen to staff at a unit."""
    return decision.channel is not None and decision.channel.kind.is_care


def next_step(session: Session, assessment: Assessment, *, now: datetime) -> NextStep:
    """The routing of the completed assessment's disposition in its region at `now`."""
    disposition = _disposition(assessment)
    decision = _route(session, assessment, disposition, now, escalate=False)
    escalation = None
    if disposition is Disposition.SELF_CARE:
        escalation = _route(session, assessment, disposition, now, escalate=True)
    return NextStep(decision, escalation)


def contact_care(
    session: Session,
    *,
    actor: Actor,
    assessment: Assessment,
    escalate: bool = False,
    now: datetime | None = None,
) -> Contact:
    """Open the contact the routing sends the citizen to; a retry finds the same contact."""
    authorize(session, actor, assessment.person_id, Action.WRITE)
    now = now or utcnow()
    disposition = _disposition(assessment)
    escalated = escalate and disposition is Disposition.SELF_CARE
    decision = _route(session, assessment, disposition, now, escalate=escalated)
    if not is_care(decision):
        raise AssessmentError("no_care_channel", decision.explanation_sv, status=409)
    existing = session.scalar(select(Contact).where(Contact.assessment_id == assessment.id))
    contact = open_contact(session, actor=actor, assessment=assessment, decision=decision, now=now)
    if existing is None:
        if escalated:
            record_assessment_event(session, assessment, EventKind.ESCALATED, now)
        assert decision.channel is not None
        record_assessment_event(
            session, assessment, EventKind.CHANNEL, now, channel=decision.channel.kind.value
        )
    return contact


def _disposition(assessment: Assessment) -> Disposition:
    if assessment.status is not AssessmentStatus.COMPLETED or assessment.disposition is None:
        raise AssessmentError(
            "not_completed", "Bedömningen är inte klar. Svara på frågorna först.", status=409
        )
    return Disposition(assessment.disposition)


def _route(
    session: Session,
    assessment: Assessment,
    disposition: Disposition,
    now: datetime,
    *,
    escalate: bool,
) -> RoutingDecision:
    return decide_route(
        session,
        region_code=assessment.region_code,
        disposition=disposition,
        now=now,
        escalate=escalate,
    )
