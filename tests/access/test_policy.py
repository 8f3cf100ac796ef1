"""The pure access policy: a table of cases, and Hypothesis against a naive reference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samvard.access.policy import decide
from samvard.access.schemas import (
    AccessRequest,
    Action,
    Actor,
    ActorKind,
    Facts,
    InfoSet,
    Purpose,
)
from samvard.directory.models import CareGiverKind, Role

CITIZEN = Actor(kind=ActorKind.CITIZEN, id="189001019802", person_pk=1)


def staff(role: Role | None, unit_id: int | None = 10) -> Actor:
    return Actor(
        kind=ActorKind.STAFF,
        id="SE2321000016-A1",
        staff_pk=5,
        role=role,
        unit_id=unit_id,
        care_giver_id=3,
        care_giver_kind=CareGiverKind.REGION,
    )


ACTIVE = Facts(assignment_active=True)
RELATION = Facts(assignment_active=True, relation_at_care_giver=True)
UNIT_RELATION = Facts(assignment_active=True, relation_at_care_giver=True, relation_at_unit=True)
PROTECTED_FAR = Facts(assignment_active=True, relation_at_care_giver=True, patient_protected=True)
PROTECTED_NEAR = Facts(
    assignment_active=True,
    relation_at_care_giver=True,
    relation_at_unit=True,
    patient_protected=True,
)


def planning_staff(role: Role, kind: CareGiverKind | None) -> Actor:
    return Actor(
        kind=ActorKind.STAFF,
        id="SE2021009994-P0001",
        staff_pk=6,
        role=role,
        unit_id=12,
        care_giver_id=4,
        care_giver_kind=kind,
    )


CASES = [
    # (actor, info, purpose, patient, unit, facts, allowed, reason)
    (None, InfoSet.DEMOGRAPHICS, Purpose.CARE, 1, None, Facts(), False, "not_authenticated"),
    (CITIZEN, InfoSet.DEMOGRAPHICS, Purpose.OWN_RECORDS, 1, None, Facts(), True, "own_records"),
    (CITIZEN, InfoSet.ACCESS_LOG, Purpose.OWN_RECORDS, 1, None, Facts(), True, "own_records"),
    (
        CITIZEN,
        InfoSet.DEMOGRAPHICS,
        Purpose.OWN_RECORDS,
        2,
        None,
        Facts(),
        False,
        "not_own_records",
    ),
    (CITIZEN, InfoSet.DEMOGRAPHICS, Purpose.CARE, 1, None, Facts(), False, "not_own_records"),
    (
        CITIZEN,
        InfoSet.AUDIT_REVIEW,
        Purpose.LOG_REVIEW,
        None,
        None,
        Facts(),
        False,
        "not_own_records",
    ),
    (
        CITIZEN,
        InfoSet.DIRECTORY,
        Purpose.ADMINISTRATION,
        None,
        None,
        Facts(),
        True,
        "public_directory",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.DEMOGRAPHICS,
        Purpose.CARE,
        1,
        None,
        Facts(),
        False,
        "no_active_assignment",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.DEMOGRAPHICS,
        Purpose.CARE,
        1,
        None,
        ACTIVE,
        False,
        "no_care_relation",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.DEMOGRAPHICS,
        Purpose.CARE,
        1,
        None,
        RELATION,
        True,
        "care_relation",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.DEMOGRAPHICS,
        Purpose.SOCIAL_CARE,
        1,
        None,
        RELATION,
        False,
        "no_care_role",
    ),
    (
        staff(Role.CARE_STAFF),
        InfoSet.DEMOGRAPHICS,
        Purpose.SOCIAL_CARE,
        1,
        None,
        RELATION,
        True,
        "social_care_relation",
    ),
    (
        staff(Role.CARE_STAFF),
        InfoSet.DEMOGRAPHICS,
        Purpose.CARE,
        1,
        None,
        RELATION,
        False,
        "no_care_role",
    ),
    (
        staff(Role.ADMINISTRATOR),
        InfoSet.DEMOGRAPHICS,
        Purpose.CARE,
        1,
        None,
        RELATION,
        False,
        "no_care_role",
    ),
    (
        staff(Role.LOG_REVIEWER),
        InfoSet.DEMOGRAPHICS,
        Purpose.CARE,
        1,
        None,
        RELATION,
        False,
        "no_care_role",
    ),
    (
        staff(Role.PLANNER),
        InfoSet.DEMOGRAPHICS,
        Purpose.CARE,
        1,
        None,
        RELATION,
        False,
        "no_care_role",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.PROTECTED_DETAILS,
        Purpose.CARE,
        1,
        None,
        PROTECTED_FAR,
        False,
        "protected_identity",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.PROTECTED_DETAILS,
        Purpose.CARE,
        1,
        None,
        PROTECTED_NEAR,
        True,
        "care_relation",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.PROTECTED_DETAILS,
        Purpose.CARE,
        1,
        None,
        RELATION,
        True,
        "care_relation",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.ACCESS_LOG,
        Purpose.CARE,
        1,
        None,
        UNIT_RELATION,
        False,
        "no_rule",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.PATIENT_LIST,
        Purpose.CARE,
        None,
        10,
        ACTIVE,
        True,
        "unit_patient_list",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.PATIENT_LIST,
        Purpose.CARE,
        None,
        11,
        ACTIVE,
        False,
        "no_care_role",
    ),
    (
        staff(Role.ADMINISTRATOR),
        InfoSet.PATIENT_LIST,
        Purpose.CARE,
        None,
        10,
        ACTIVE,
        False,
        "no_care_role",
    ),
    (
        staff(Role.LOG_REVIEWER),
        InfoSet.AUDIT_REVIEW,
        Purpose.LOG_REVIEW,
        None,
        None,
        ACTIVE,
        True,
        "log_review",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.AUDIT_REVIEW,
        Purpose.LOG_REVIEW,
        None,
        None,
        ACTIVE,
        False,
        "not_log_reviewer",
    ),
    (
        staff(Role.ADMINISTRATOR),
        InfoSet.DIRECTORY_ADMIN,
        Purpose.ADMINISTRATION,
        None,
        None,
        ACTIVE,
        True,
        "directory_admin",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.DIRECTORY_ADMIN,
        Purpose.ADMINISTRATION,
        None,
        None,
        ACTIVE,
        False,
        "not_administrator",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.DIRECTORY,
        Purpose.ADMINISTRATION,
        None,
        None,
        ACTIVE,
        True,
        "directory",
    ),
    (
        staff(None),
        InfoSet.DIRECTORY,
        Purpose.ADMINISTRATION,
        None,
        None,
        ACTIVE,
        False,
        "no_active_assignment",
    ),
    (
        CITIZEN,
        InfoSet.STAFF_DIRECTORY,
        Purpose.ADMINISTRATION,
        None,
        None,
        Facts(),
        False,
        "not_own_records",
    ),
    (
        staff(Role.PLANNER),
        InfoSet.STAFF_DIRECTORY,
        Purpose.ADMINISTRATION,
        None,
        None,
        ACTIVE,
        True,
        "directory",
    ),
    (
        staff(Role.CLINICIAN),
        InfoSet.PATIENT_LOOKUP,
        Purpose.CARE,
        1,
        10,
        ACTIVE,
        True,
        "care_role_lookup",
    ),
    (
        staff(Role.PLANNER),
        InfoSet.PATIENT_LOOKUP,
        Purpose.CARE,
        1,
        10,
        ACTIVE,
        False,
        "no_care_role",
    ),
    (
        planning_staff(Role.PLANNER, CareGiverKind.NATIONAL),
        InfoSet.ANALYTICS,
        Purpose.ADMINISTRATION,
        None,
        None,
        ACTIVE,
        True,
        "analytics",
    ),
    (
        planning_staff(Role.ADMINISTRATOR, CareGiverKind.REGION),
        InfoSet.ANALYTICS_UPLOAD,
        Purpose.ADMINISTRATION,
        None,
        None,
        ACTIVE,
        True,
        "analytics_upload",
    ),
    (
        planning_staff(Role.PLANNER, CareGiverKind.REGION),
        InfoSet.ANALYTICS,
        Purpose.CARE,
        None,
        None,
        ACTIVE,
        False,
        "not_planner",
    ),
    (
        planning_staff(Role.CLINICIAN, CareGiverKind.REGION),
        InfoSet.ANALYTICS,
        Purpose.ADMINISTRATION,
        None,
        None,
        ACTIVE,
        False,
        "not_planner",
    ),
    (
        planning_staff(Role.PLANNER, CareGiverKind.MUNICIPALITY),
        InfoSet.ANALYTICS,
        Purpose.ADMINISTRATION,
        None,
        None,
        ACTIVE,
        False,
        "not_planning_organisation",
    ),
    (
        planning_staff(Role.PLANNER, CareGiverKind.PRIVATE),
        InfoSet.ANALYTICS_UPLOAD,
        Purpose.ADMINISTRATION,
        None,
        None,
        ACTIVE,
        False,
        "not_planning_organisation",
    ),
    (
        planning_staff(Role.PLANNER, CareGiverKind.NATIONAL),
        InfoSet.ANALYTICS,
        Purpose.ADMINISTRATION,
        None,
        None,
        Facts(),
        False,
        "no_active_assignment",
    ),
    (
        CITIZEN,
        InfoSet.ANALYTICS,
        Purpose.ADMINISTRATION,
        None,
        None,
        Facts(),
        False,
        "not_own_records",
    ),
    (
        Actor(kind=ActorKind.SYSTEM, id="x"),
        InfoSet.DEMOGRAPHICS,
        Purpose.CARE,
        1,
        None,
        RELATION,
        False,
        "no_rule",
    ),
]


@pytest.mark.parametrize(
    ("actor", "info", "purpose", "patient", "unit", "facts", "allowed", "reason"), CASES
)
def test_decision_table(
    actor: Actor | None,
    info: InfoSet,
    purpose: Purpose,
    patient: int | None,
    unit: int | None,
    facts: Facts,
    allowed: bool,
    reason: str,
) -> None:
    request = AccessRequest(
        actor=actor, info=info, purpose=purpose, patient_pk=patient, unit_id=unit
    )
    decision = decide(request, facts)
    assert (decision.allowed, decision.reason) == (allowed, reason)
    assert decision.explanation  # every answer explains itself in Swedish


def reference_allows(request: AccessRequest, facts: Facts) -> bool:
    """A deliberately naive restatement of the rules, written as one flat list of grants."""
    a = request.actor
    if a is None:
        return False
    if a.kind == ActorKind.CITIZEN:
        if request.info == InfoSet.DIRECTORY:
            return True
        if request.patient_pk is None or request.purpose != Purpose.OWN_RECORDS:
            return False
        if request.patient_pk == a.person_pk:
            return request.info in (
                InfoSet.DEMOGRAPHICS,
                InfoSet.PROTECTED_DETAILS,
                InfoSet.ACCESS_LOG,
                InfoSet.SHARING,
                InfoSet.TRIAGE,
                InfoSet.CONTACT,
            )
        return facts.guardian_of_patient and request.info in (InfoSet.TRIAGE, InfoSet.CONTACT)
    if a.kind != ActorKind.STAFF or a.role is None or not facts.assignment_active:
        return False
    grants = {
        (InfoSet.DIRECTORY, None, None),
        (InfoSet.STAFF_DIRECTORY, None, None),
        (InfoSet.DIRECTORY_ADMIN, Role.ADMINISTRATOR, Purpose.ADMINISTRATION),
        (InfoSet.AUDIT_REVIEW, Role.LOG_REVIEWER, Purpose.LOG_REVIEW),
        (InfoSet.ROUTING_ADMIN, Role.ADMINISTRATOR, Purpose.ADMINISTRATION),
        (InfoSet.FOLLOWUP, Role.ADMINISTRATOR, Purpose.ADMINISTRATION),
        (InfoSet.FOLLOWUP, Role.PLANNER, Purpose.ADMINISTRATION),
    }
    if (request.info, None, None) in grants or (request.info, a.role, request.purpose) in grants:
        return True
    if request.info in (InfoSet.ANALYTICS, InfoSet.ANALYTICS_UPLOAD):
        return (
            a.role in (Role.ADMINISTRATOR, Role.PLANNER)
            and request.purpose == Purpose.ADMINISTRATION
            and a.care_giver_kind in (CareGiverKind.REGION, CareGiverKind.NATIONAL)
        )
    if request.info == InfoSet.EMERGENCY_ACCESS:
        return (
            a.role == Role.CLINICIAN
            and a.care_giver_kind in (CareGiverKind.REGION, CareGiverKind.PRIVATE)
            and request.purpose == Purpose.CARE
            and facts.relation_at_care_giver
        )
    if request.info == InfoSet.CONTACT_QUEUE:
        return (
            a.role == Role.CLINICIAN
            and request.purpose == Purpose.CARE
            and request.unit_id is not None
            and request.unit_id == a.unit_id
        )
    if request.info in (InfoSet.CONTACT, InfoSet.TRIAGE):
        return (
            a.role == Role.CLINICIAN and request.purpose == Purpose.CARE and facts.relation_at_unit
        )
    care = {(Role.CLINICIAN, Purpose.CARE), (Role.CARE_STAFF, Purpose.SOCIAL_CARE)}
    if (a.role, request.purpose) not in care:
        return False
    if request.info == InfoSet.SHARING:
        return facts.relation_at_care_giver
    if request.info.value.startswith("record.") and request.action == Action.WRITE:
        social_care_writes = {
            "record.note",
            "record.functional",
            "record.social_care",
            "record.contact",
        }
        if a.role == Role.CARE_STAFF and request.info.value not in social_care_writes:
            return False
        if a.role == Role.CLINICIAN and request.info == InfoSet.RECORD_SOCIAL_CARE:
            return False
        return facts.relation_at_unit
    if request.info.value.startswith("record."):
        own = request.source_hsaid in (None, a.care_giver_hsaid)
        return (
            facts.relation_at_care_giver
            and not facts.source_blocked
            and (own or facts.sharing_ground is not None)
        )
    if request.info in (InfoSet.PATIENT_LIST, InfoSet.PATIENT_LOOKUP):
        return request.unit_id is not None and request.unit_id == a.unit_id
    if request.info == InfoSet.DEMOGRAPHICS:
        return facts.relation_at_care_giver
    if request.info == InfoSet.PROTECTED_DETAILS:
        if not facts.relation_at_care_giver:
            return False
        return facts.relation_at_unit or not facts.patient_protected
    return False


actors = st.one_of(
    st.none(),
    st.builds(
        Actor,
        kind=st.just(ActorKind.CITIZEN),
        id=st.just("p"),
        person_pk=st.sampled_from([None, 1, 2]),
    ),
    st.builds(
        Actor,
        kind=st.sampled_from([ActorKind.STAFF, ActorKind.SYSTEM]),
        id=st.just("s"),
        staff_pk=st.just(5),
        role=st.sampled_from([None, *Role]),
        unit_id=st.sampled_from([None, 10, 11]),
        care_giver_id=st.just(3),
        care_giver_hsaid=st.just("SE2321000016-A"),
        care_giver_kind=st.sampled_from([None, *CareGiverKind]),
    ),
)
requests = st.builds(
    AccessRequest,
    actor=actors,
    info=st.sampled_from(InfoSet),
    purpose=st.sampled_from(Purpose),
    patient_pk=st.sampled_from([None, 1, 2]),
    unit_id=st.sampled_from([None, 10, 11]),
    action=st.sampled_from(Action),
    source_hsaid=st.sampled_from([None, "SE2321000016-A", "SE2120001801-B"]),
)
facts = st.builds(
    Facts,
    assignment_active=st.booleans(),
    relation_at_unit=st.booleans(),
    relation_at_care_giver=st.booleans(),
    patient_protected=st.booleans(),
    source_blocked=st.booleans(),
    guardian_of_patient=st.booleans(),
    sharing_ground=st.sampled_from(
        [None, "consent", "presumed_consent", "child_without_capacity", "emergency_access"]
    ),
)


@given(requests, facts)
def test_policy_agrees_with_the_naive_reference(request: AccessRequest, facts: Facts) -> None:
    assert decide(request, facts).allowed == reference_allows(request, facts)


@given(requests, facts)
def test_denied_unless_a_named_ground_allows(request: AccessRequest, facts: Facts) -> None:
    decision = decide(request, facts)
    grounds = {
        "care_role_lookup",
        "own_records",
        "public_directory",
        "directory",
        "directory_admin",
        "log_review",
        "unit_patient_list",
        "care_relation",
        "social_care_relation",
        "documentation",
        "emergency_access_opened",
        "consent",
        "presumed_consent",
        "child_without_capacity",
        "emergency_access",
        "guardian",
        "unit_contact_queue",
        "routing_admin",
        "followup",
        "analytics",
        "analytics_upload",
    }
    assert decision.allowed == (decision.reason in grounds)
