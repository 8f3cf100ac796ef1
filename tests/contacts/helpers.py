"""Opening contacts in tests: a completed assessment and the routing decision it got."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from samvard.assessment.content import keep_snapshot
from samvard.assessment.models import Assessment, AssessmentStatus
from samvard.contacts import actions
from samvard.contacts.models import Contact
from samvard.core.db import utcnow
from samvard.demo import personas
from samvard.identity.models import Person
from samvard.routing.engine import RoutingDecision
from samvard.routing.schemas import Channel, ChannelKind
from samvard.triage.levels import Disposition
from samvard.triage.loader import load_content
from tests.support.actors import citizen_actor

NURSE_CHAT = Channel(
    id="sjukskoterskechatt",
    kind=ChannelKind.NURSE_CHAT,
    name="Sjuksköterskechatten",
    unit_hsaid=personas.VARDCENTRAL_UNIT,
)


def decision(channel: Channel | None = NURSE_CHAT) -> RoutingDecision:
    """The routing decision a citizen accepts: by default the nurse chat at the vårdcentral."""
    return RoutingDecision(
        disposition=Disposition.CARE_TODAY,
        channel=channel,
        skipped=(),
        explanation_sv="Sjuksköterskechatten är öppen.",
        next_opening=None,
    )


LEVEL_OF = {
    "emergency": "emergency_department",
    "urgent": "urgent_today",
    "non_urgent": "non_urgent_days",
    "self_care": "self_care",
}
DISPOSITION_OF = {
    "emergency": "emergency_department",
    "urgent": "care_today",
    "non_urgent": "care_within_days",
    "self_care": "self_care",
}


def assessment(
    session: Session,
    person: Person,
    *,
    urgency: str = "urgent",
    started_by: Person | None = None,
    now: datetime | None = None,
) -> Assessment:
    """A completed cough assessment of `person` with the given urgency (stored, flushed)."""
    now = now or utcnow()
    content = load_content()
    keep_snapshot(session, content, now=now)
    level = LEVEL_OF[urgency]
    row = Assessment(
        ref=str(uuid.uuid4()),
        person_id=person.id,
        started_by_id=(started_by or person).id,
        region_code="01",
        complaint_id="cough",
        content_version=content.version,
        age_days=14_600,
        sex="female",
        answers={"g_breathing": "no"},
        status=AssessmentStatus.COMPLETED,
        level=level,
        urgency=urgency,
        disposition=DISPOSITION_OF[urgency],
        trace={
            "rule_id": "cough_test",
            "rationale": "Testfall.",
            "steps": [{"rule": "cough_test", "level": level, "result": "true", "answers": {}}],
        },
        started_at=now,
        updated_at=now,
        completed_at=now,
        expires_at=now + timedelta(hours=24),
        version=1,
    )
    session.add(row)
    session.flush()
    return row


def open_for(
    session: Session,
    person: Person,
    *,
    urgency: str = "urgent",
    now: datetime | None = None,
    actor_person: Person | None = None,
) -> Contact:
    """Open a contact for `person` (by themselves, or by `actor_person` as guardian)."""
    return actions.open_contact(
        session,
        actor=citizen_actor(actor_person or person),
        assessment=assessment(session, person, urgency=urgency, started_by=actor_person, now=now),
        decision=decision(),
        now=now,
    )
