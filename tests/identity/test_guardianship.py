"""Guardians act for their children under 18 in first-line care, and for nothing else."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from samvard.access.guard import AccessDenied, check
from samvard.access.schemas import AccessRequest, InfoSet, Purpose
from samvard.demo.personas import CHILD, CITIZEN, ELDER
from samvard.identity.models import Guardianship
from samvard.identity.queries import is_guardian_of, list_children
from tests.support.actors import citizen_actor, person_by_id

pytestmark = pytest.mark.db


def _ask(session: Session, who: str, whom: str, info: InfoSet) -> str:
    actor = citizen_actor(person_by_id(session, who))
    patient = person_by_id(session, whom)
    request = AccessRequest(
        actor=actor, info=info, purpose=Purpose.OWN_RECORDS, patient_pk=patient.id
    )
    try:
        return check(session, request).reason
    except AccessDenied as denied:
        return denied.decision.reason


def test_the_demo_guardian_sees_her_child_listed(world_session: Session) -> None:
    sara = person_by_id(world_session, CITIZEN.person_id)
    children = list_children(world_session, sara, today=date(2026, 11, 24))
    assert [c.person_id for c in children] == [CHILD.person_id]
    elder = person_by_id(world_session, ELDER.person_id)
    assert list_children(world_session, elder, today=date(2026, 11, 24)) == []


@pytest.mark.parametrize(
    ("info", "reason"),
    [
        (InfoSet.TRIAGE, "guardian"),
        (InfoSet.CONTACT, "guardian"),
        (InfoSet.DEMOGRAPHICS, "not_own_records"),
        (InfoSet.ACCESS_LOG, "not_own_records"),
        (InfoSet.SHARING, "not_own_records"),
    ],
)
def test_a_guardian_acts_for_the_child_in_first_line_care_only(
    world_session: Session, info: InfoSet, reason: str
) -> None:
    assert _ask(world_session, CITIZEN.person_id, CHILD.person_id, info) == reason


def test_someone_who_is_not_the_guardian_is_refused(world_session: Session) -> None:
    assert _ask(world_session, ELDER.person_id, CHILD.person_id, InfoSet.TRIAGE) == (
        "not_own_records"
    )


def test_guardianship_ends_with_its_end_date_and_at_18(world_session: Session) -> None:
    sara = person_by_id(world_session, CITIZEN.person_id)
    elias = person_by_id(world_session, CHILD.person_id)
    assert is_guardian_of(world_session, sara.id, elias, today=date(2026, 11, 24))
    # Elias (born 2019-05-03) turns 18 on 2037-05-03.
    assert is_guardian_of(world_session, sara.id, elias, today=date(2037, 5, 2))
    assert not is_guardian_of(world_session, sara.id, elias, today=date(2037, 5, 3))
    row = world_session.query(Guardianship).filter_by(child_id=elias.id).one()
    row.valid_to = date(2026, 1, 1)
    world_session.flush()
    assert not is_guardian_of(world_session, sara.id, elias, today=date(2026, 11, 24))
