"""The access policy: a pure function from a request and its facts to a decision.

Deny by default: every branch that allows names the legal ground (own records, a care
relation, a social-care relation, an administrative or log-review duty). Anything not
matched falls through to `no_rule`.
"""

from __future__ import annotations

from collections.abc import Callable

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
from samvard.directory.models import CareGiverKind, Role
from samvard.records.models import RecordKind

_PATIENT_INFO = {InfoSet.DEMOGRAPHICS, InfoSet.PROTECTED_DETAILS}
_OWN_INFO = _PATIENT_INFO | {InfoSet.ACCESS_LOG, InfoSet.SHARING, InfoSet.TRIAGE, InfoSet.CONTACT}
# A guardian acts for the child in first-line care only; the child's record stays the child's.
_GUARDIAN_INFO = {InfoSet.TRIAGE, InfoSet.CONTACT}
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
        return _decide_citizen(actor, request, facts)
    if actor.kind is ActorKind.STAFF:
        return _decide_staff(actor, request, facts)
    return _deny("no_rule", "Ingen regel ger åtkomst.")


def _decide_citizen(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    if request.info is InfoSet.DIRECTORY:
        return _allow("public_directory", "Vårdenheter är offentliga uppgifter.")
    if request.purpose is Purpose.OWN_RECORDS and request.patient_pk is not None:
        own = request.patient_pk == actor.person_pk
        if own and request.info in _OWN_INFO:
            return _allow("own_records", "Du läste dina egna uppgifter.")
        if not own and facts.guardian_of_patient and request.info in _GUARDIAN_INFO:
            return _allow("guardian", "Du är vårdnadshavare för barnet.")
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


def _decide_contact_queue(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    own_unit = request.unit_id is not None and request.unit_id == actor.unit_id
    if actor.role is Role.CLINICIAN and request.purpose is Purpose.CARE and own_unit:
        return _allow("unit_contact_queue", "Kön av vårdkontakter på din enhet.")
    return _deny("no_care_role", "Din roll ger inte tillgång till kön.")


def _decide_contact(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    # A contact routed to a unit is a care relation there; only that unit handles it.
    if actor.role is not Role.CLINICIAN or request.purpose is not Purpose.CARE:
        return _deny("no_care_role", "Din roll ger inte tillgång till vårdkontakter.")
    if not facts.relation_at_unit:
        return _deny("no_care_relation", "Patienten har ingen vårdrelation med din enhet.")
    return _allow("care_relation", "Vårdrelation vid den egna enheten.")


def _decide_routing_admin(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    if actor.role is Role.ADMINISTRATOR and request.purpose is Purpose.ADMINISTRATION:
        return _allow("routing_admin", "Administration av regionens styrning av vårdkontakter.")
    return _deny("not_administrator", "Endast administratörer får ändra styrningen.")


def _decide_followup(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    managers = (Role.ADMINISTRATOR, Role.PLANNER)
    if actor.role in managers and request.purpose is Purpose.ADMINISTRATION:
        return _allow("followup", "Uppföljning i form av sammanställd statistik.")
    return _deny("not_manager", "Endast chefer och planerare får se uppföljningen.")


# Production planning exists for the regions and for the national follow-up body.
_PLANNING_GIVERS = (CareGiverKind.REGION, CareGiverKind.NATIONAL)


def _decide_analytics(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    managers = (Role.ADMINISTRATOR, Role.PLANNER)
    if actor.role not in managers or request.purpose is not Purpose.ADMINISTRATION:
        return _deny(
            "not_planner",
            "Endast planerare och administratörer får använda produktionsplaneringen.",
        )
    if actor.care_giver_kind not in _PLANNING_GIVERS:
        return _deny(
            "not_planning_organisation",
            "Produktionsplaneringen finns för regioner och den nationella uppföljningen.",
        )
    if request.info is InfoSet.ANALYTICS_UPLOAD:
        return _allow("analytics_upload", "Inrapportering av månadens underlag för planeringen.")
    return _allow("analytics", "Planering och uppföljning i form av sammanställd statistik.")


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


def _decide_record(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    purpose = _CARE_PURPOSE.get(actor.role) if actor.role else None
    if purpose is None or request.purpose is not purpose:
        return _deny("no_care_role", "Din roll ger inte tillgång till journaluppgifter.")
    if request.action is Action.WRITE:
        return _decide_record_write(actor, request, facts, purpose)
    return _decide_record_read(actor, request, facts, purpose)


def _decide_record_read(
    actor: Actor, request: AccessRequest, facts: Facts, purpose: Purpose
) -> Decision:
    if not facts.relation_at_care_giver:
        return _deny("no_care_relation", "Det finns ingen vårdrelation eller omsorgsrelation.")
    if facts.source_blocked:
        return _deny("blocked", "Patienten har spärrat uppgifterna hos källan.")
    own = request.source_hsaid is None or request.source_hsaid == actor.care_giver_hsaid
    if own:
        return _allow(_relation_reason(purpose), _relation_text(purpose))
    if facts.sharing_ground is None:
        return _deny(
            "no_consent", "Patienten har inte samtyckt till att du tar del av uppgifterna."
        )
    return _allow(facts.sharing_ground, _GROUND_TEXT[facts.sharing_ground])


def _decide_record_write(
    actor: Actor, request: AccessRequest, facts: Facts, purpose: Purpose
) -> Decision:
    kind = request.info.record_kind
    # Health care documents under HSL, social care under SoL/LSS: each writes its own.
    allowed_kinds = _WRITABLE[purpose]
    if kind not in allowed_kinds:
        return _deny("wrong_record_kind", "Din roll får inte dokumentera den sortens uppgift.")
    if not facts.relation_at_unit:
        return _deny("no_care_relation", "Patienten har ingen relation till din enhet.")
    return _allow("documentation", "Dokumentation vid den egna enheten.")


_GROUND_TEXT = {
    "consent": "Patienten har samtyckt till sammanhållen dokumentation.",
    "presumed_consent": "Patienten kan inte ta ställning; antaget samtycke är registrerat.",
    "child_without_capacity": "Barnet kan inte själv samtycka; samtycke krävs inte.",
    "emergency_access": "Nödåtkomst: patientens samtycke kunde inte inhämtas.",
}
_HEALTH_KINDS = frozenset(RecordKind) - {RecordKind.SOCIAL_CARE}
_WRITABLE = {
    Purpose.CARE: _HEALTH_KINDS,
    Purpose.SOCIAL_CARE: frozenset(
        {RecordKind.NOTE, RecordKind.FUNCTIONAL, RecordKind.SOCIAL_CARE, RecordKind.CONTACT}
    ),
}
_RECORD_INFO = {InfoSet.for_record(kind) for kind in RecordKind}


def _decide_sharing(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    # Staff register a consent the patient gave them, or a presumed one; blocks and
    # revocations are the patient's own (the actions refuse staff those).
    purpose = _CARE_PURPOSE.get(actor.role) if actor.role else None
    if purpose is None or request.purpose is not purpose:
        return _deny("no_care_role", "Din roll ger inte tillgång till patientuppgifter.")
    if not facts.relation_at_care_giver:
        return _deny("no_care_relation", "Det finns ingen vårdrelation eller omsorgsrelation.")
    return _allow(_relation_reason(purpose), _relation_text(purpose))


def _decide_emergency(actor: Actor, request: AccessRequest, facts: Facts) -> Decision:
    health_care = actor.care_giver_kind is not None and actor.care_giver_kind.is_health_care
    if actor.role is not Role.CLINICIAN or not health_care:
        return _deny(
            "no_emergency_access", "Nödåtkomst finns bara för hälso- och sjukvårdspersonal."
        )
    if request.purpose is not Purpose.CARE or not facts.relation_at_care_giver:
        return _deny("no_care_relation", "Det finns ingen vårdrelation.")
    return _allow("emergency_access_opened", "Nödåtkomst öppnad med angivet skäl.")


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
    **dict.fromkeys(_RECORD_INFO, _decide_record),
    InfoSet.SHARING: _decide_sharing,
    InfoSet.EMERGENCY_ACCESS: _decide_emergency,
    InfoSet.CONTACT_QUEUE: _decide_contact_queue,
    InfoSet.CONTACT: _decide_contact,
    InfoSet.TRIAGE: _decide_contact,
    InfoSet.ROUTING_ADMIN: _decide_routing_admin,
    InfoSet.FOLLOWUP: _decide_followup,
    InfoSet.ANALYTICS: _decide_analytics,
    InfoSet.ANALYTICS_UPLOAD: _decide_analytics,
}


def _relation_reason(purpose: Purpose) -> str:
    return "care_relation" if purpose is Purpose.CARE else "social_care_relation"


def _relation_text(purpose: Purpose) -> str:
    if purpose is Purpose.CARE:
        return "Vårdrelation hos vårdgivaren."
    return "Omsorgsrelation hos omsorgsgivaren."
