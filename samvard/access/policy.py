"""The access policy: a pure function from a request and its facts to a decision.

Deny by default: every branch that allows names the legal ground (own records, a care
relation, a social-care relation, an administrative or log-review duty). Anything not
matched falls through to `no_rule`.
"""

from __future__ import annotations

from collections.abc import Callable

from samvard.access.schemas import (
    AccessRequest,
    Actor,
    ActorKind,
    Decision,
    Facts,
    InfoSet,
    Purpose,
)
from samvard.directory.models import Role

_PATIENT_INFO = {InfoSet.DEMOGRAPHICS, InfoSet.PROTECTED_DETAILS}
_CARE_PURPOSE = {Role.CLINICIAN: Purpose.CARE, Role.CARE_STAFF: Purpose.SOCIAL_CARE}


def _deny(reason: str, explanation: str) -> Decision:
    return Decision(False, reason, explanation)


def _allow(reason: str, explanation: str) -> Decision:
    return Decision(True, reason, explanation)


def decide(request: AccessRequest, facts: Facts) -> Decision:
    """Decide one access. Pure: no I/O, same answer for the same input."""
    actor = request.actor
    if actor is None:
        return _deny("not_authenticated", "Du måste logga in.")
    if actor.kind is ActorKind.CITIZEN:
        return _decide_citizen(actor, request)
    if actor.kind is ActorKind.STAFF:
        return _decide_staff(actor, request, facts)
    return _deny("no_rule", "Ingen regel ger åtkomst.")


def _decide_citizen(actor: Actor, request: AccessRequest) -> Decision:
    if request.info is InfoSet.DIRECTORY:
        return _allow("public_directory", "Vårdenheter är offentliga uppgifter.")
    own = request.patient_pk is not None and request.patient_pk == actor.person_pk
    if (
        own
        and request.purpose is Purpose.OWN_RECORDS
        and request.info in (_PATIENT_INFO | {InfoSet.ACCESS_LOG})
    ):
        return _allow("own_records", "Du läste dina egna uppgifter.")
    return _deny("not_own_records", "Invånare kan bara se sina egna uppgifter.")


def _decide_staff(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    if not facts.assignment_active or actor.role is None:
        return _deny("no_active_assignment", "Du saknar ett giltigt uppdrag på enheten.")
    rule = _STAFF_RULES.get(request.info)
    if rule is None:
        return _deny("no_rule", "Ingen regel ger åtkomst.")
    return rule(actor, request, facts)


def _decide_directory(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    return _allow("directory", "Katalogen över organisationer får läsas av personal.")


def _decide_directory_admin(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    if actor.role is Role.ADMINISTRATOR and request.purpose is Purpose.ADMINISTRATION:
        return _allow("directory_admin", "Administration av organisationskatalogen.")
    return _deny("not_administrator", "Endast administratörer får administrera katalogen.")


def _decide_log_review(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    if actor.role is Role.LOG_REVIEWER and request.purpose is Purpose.LOG_REVIEW:
        return _allow("log_review", "Systematisk logguppföljning hos vårdgivaren.")
    return _deny("not_log_reviewer", "Endast loggranskare får granska loggar.")


def _decide_patient_list(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    own_unit = request.unit_id is not None and request.unit_id == actor.unit_id
    purpose = _CARE_PURPOSE.get(actor.role) if actor.role else None
    if own_unit and purpose is not None and request.purpose is purpose:
        return _allow("unit_patient_list", "Patienter med relation till din enhet.")
    return _deny("no_care_role", "Din roll ger inte tillgång till patientlistan.")


def _decide_patient_lookup(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    listing = _decide_patient_list(actor, request, facts)
    if not listing.allowed:
        return listing
    return _allow("care_role_lookup", "Sökning på personnummer i vårdande roll på din enhet.")


def _decide_patient_info(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    purpose = _CARE_PURPOSE.get(actor.role) if actor.role else None
    if purpose is None or request.purpose is not purpose:
        return _deny("no_care_role", "Din roll ger inte tillgång till patientuppgifter.")
    if not facts.relation_at_care_giver:
        return _deny("no_care_relation", "Det finns ingen vårdrelation eller omsorgsrelation.")
    hidden = request.info is InfoSet.PROTECTED_DETAILS and facts.patient_protected
    if hidden and not facts.relation_at_unit:
        return _deny(
            "protected_identity", "Skyddade personuppgifter visas bara för patientens enhet."
        )
    return _allow(_relation_reason(purpose), _relation_text(purpose))


_StaffRule = Callable[[Actor, AccessRequest, Facts], Decision]
# Which rule answers for which information set; an information set not listed is denied.
_STAFF_RULES: dict[InfoSet, _StaffRule] = {
    InfoSet.DIRECTORY: _decide_directory,
    InfoSet.STAFF_DIRECTORY: _decide_directory,
    InfoSet.DIRECTORY_ADMIN: _decide_directory_admin,
    InfoSet.AUDIT_REVIEW: _decide_log_review,
    InfoSet.PATIENT_LIST: _decide_patient_list,
    # Looking a patient up by identifier reveals whether they exist: care roles only.
    InfoSet.PATIENT_LOOKUP: _decide_patient_lookup,
    InfoSet.DEMOGRAPHICS: _decide_patient_info,
    InfoSet.PROTECTED_DETAILS: _decide_patient_info,
}


def _relation_reason(purpose: Purpose) -> str:
    return "care_relation" if purpose is Purpose.CARE else "social_care_relation"


def _relation_text(purpose: Purpose) -> str:
    if purpose is Purpose.CARE:
        return "Vårdrelation hos vårdgivaren."
    return "Omsorgsrelation hos omsorgsgivaren."
