"""Access to one contact, through the policy hook: the unit's clinicians, or the citizen.

A clinician needs a care relation with the patient at their own unit (the contact made
one) and the contact must be handled by that unit. A citizen reaches their own contacts
and, as guardian, their child's (`InfoSet.CONTACT` is in the guardian's information).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from samvard.access.guard import check, check_own
from samvard.access.schemas import AccessRequest, Action, Actor, ActorKind, InfoSet, Purpose
from samvard.contacts.models import Contact
from samvard.contacts.schemas import ContactError


def check_staff(
    session: Session, *, actor: Actor, contact: Contact, action: Action = Action.READ
) -> None:
    """Decide and log a clinician's access; raise AccessDenied or ContactError."""
    request = AccessRequest(
        actor=actor,
        info=InfoSet.CONTACT,
        purpose=Purpose.CARE,
        action=action,
        patient_pk=contact.person_id,
        unit_id=contact.unit_id,
    )
    check(session, request)
    # The relation may come from another contact; only the contact's own unit handles it.
    if contact.unit_id != actor.unit_id:
        raise ContactError("other_unit", "Kontakten hanteras av en annan vårdenhet.", status=403)


def check_citizen(
    session: Session, *, actor: Actor, contact: Contact, action: Action = Action.READ
) -> None:
    """Decide and log a citizen's access to their own or their child's contact."""
    check_own(
        session, actor=actor, info=InfoSet.CONTACT, patient_pk=contact.person_id, action=action
    )


def check_any(
    session: Session, *, actor: Actor, contact: Contact, action: Action = Action.READ
) -> None:
    """`check_staff` or `check_citizen`, by who the actor is."""
    if actor.kind is ActorKind.STAFF:
        check_staff(session, actor=actor, contact=contact, action=action)
    else:
        check_citizen(session, actor=actor, contact=contact, action=action)
