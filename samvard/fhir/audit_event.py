"""Audit log entries -> FHIR R4 AuditEvent.

Who (agent: HSA-id or personnummer, role, unit as location, purpose), where (source: this
Samvård node on behalf of the care giver), whom and what (entities: the patient and the
information set), when (recorded) and the outcome. The entry's place in the hash chain
travels in `entity.detail` so a reader can check it against `samvard.core.audit.verify`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from fhir.resources.R4B.auditevent import (
    AuditEvent,
    AuditEventAgent,
    AuditEventEntity,
    AuditEventEntityDetail,
    AuditEventSource,
)
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.reference import Reference

from samvard.core.audit import AuditEntry
from samvard.fhir import systems
from samvard.fhir.elements import by_identifier, coding, concept

OBSERVER_NAME: Final = "Samvård"

# R4 AuditEvent.outcome: 0 success, 4 minor failure, 8 serious failure, 12 major failure.
# A denied access is the system working as intended, hence "minor failure".
OUTCOME_CODES: Final = {"allowed": "0", "denied": "4", "error": "8"}

# R4 AuditEvent.action: C create, R read, U update, D delete, E execute.
ACTION_CODES: Final = {"create": "C", "read": "R", "write": "U", "delete": "D"}

_SESSION_ACTIONS: Final = {"login": "110122", "logout": "110123", "choose_unit": None}
_ACTION_SV: Final = {
    "read": "Läsning",
    "write": "Skrivning",
    "login": "Inloggning",
    "logout": "Utloggning",
    "choose_unit": "Val av enhet",
}
_PURPOSE_SV: Final = {
    "own_records": "Egna uppgifter",
    "care": "Vård och behandling",
    "social_care": "Socialtjänst",
    "administration": "Administration",
    "log_review": "Loggranskning",
}


def audit_event_resource(entry: AuditEntry) -> AuditEvent:
    """Map one audit log entry to an AuditEvent (id = the entry's uuid)."""
    if entry.outcome not in OUTCOME_CODES:
        raise ValueError(f"unknown audit outcome: {entry.outcome!r}")
    return AuditEvent(
        id=entry.entry_id,
        type=_event_type(entry.action),
        subtype=_subtypes(entry.action),
        action=ACTION_CODES.get(entry.action, "E"),
        recorded=_as_utc(entry.recorded_at),
        outcome=OUTCOME_CODES[entry.outcome],
        outcomeDesc=entry.reason,
        agent=[_agent(entry)],
        source=_source(entry),
        entity=_entities(entry),
    )


def _event_type(action: str) -> Coding:
    if action in _SESSION_ACTIONS:
        return coding(systems.DICOM, "110114", "User Authentication")
    return coding(systems.AUDIT_EVENT_TYPE, "rest", "RESTful Operation")


def _subtypes(action: str) -> list[Coding]:
    ours = coding(systems.ACTION, action, _ACTION_SV.get(action))
    dicom_code = _SESSION_ACTIONS.get(action)
    if dicom_code is None:
        return [ours]
    return [ours, coding(systems.DICOM, dicom_code, action.capitalize())]


def _as_utc(moment: datetime) -> datetime:
    # The column stores UTC; a naive value (never expected) is read as UTC, not local time.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _agent(entry: AuditEntry) -> AuditEventAgent:
    return AuditEventAgent(
        type=concept(systems.ACTOR_KIND, entry.actor_kind),
        role=[CodeableConcept(text=entry.actor_role)] if entry.actor_role else None,
        who=_actor_reference(entry.actor_kind, entry.actor_id),
        requestor=True,
        location=by_identifier(systems.HSA_ID, entry.unit_hsaid) if entry.unit_hsaid else None,
        purposeOfUse=[_purpose(entry.purpose, entry.reason)] if entry.purpose else None,
    )


def _actor_reference(kind: str, actor_id: str) -> Reference:
    if kind == "staff":
        return by_identifier(systems.HSA_ID, actor_id)
    if kind == "citizen":
        return by_identifier(systems.infer_person_id_system(actor_id), actor_id)
    return Reference(display=actor_id)


def _purpose(purpose: str, reason: str) -> CodeableConcept:
    # Our purpose as the code; the policy's reason (relation, consent, ...) as the text.
    return CodeableConcept(
        coding=[coding(systems.PURPOSE, purpose, _PURPOSE_SV.get(purpose))], text=reason
    )


def _source(entry: AuditEntry) -> AuditEventSource:
    observer = (
        by_identifier(systems.HSA_ID, entry.care_giver_hsaid, OBSERVER_NAME)
        if entry.care_giver_hsaid
        else Reference(display=OBSERVER_NAME)
    )
    return AuditEventSource(
        site=OBSERVER_NAME,
        observer=observer,
        type=[coding(systems.SECURITY_SOURCE_TYPE, "4", "Application Server")],
    )


def _entities(entry: AuditEntry) -> list[AuditEventEntity]:
    information = AuditEventEntity(
        type=coding(systems.AUDIT_ENTITY_TYPE, "2", "System Object"),
        name=entry.resource,
        detail=[
            _detail("seq", str(entry.seq)),
            _detail("request_id", entry.request_id),
            _detail("prev_hash", entry.prev_hash),
            _detail("hash", entry.hash),
        ],
    )
    if not entry.patient_id:
        return [information]
    patient = AuditEventEntity(
        what=by_identifier(systems.infer_person_id_system(entry.patient_id), entry.patient_id),
        type=coding(systems.AUDIT_ENTITY_TYPE, "1", "Person"),
        role=coding(systems.OBJECT_ROLE, "1", "Patient"),
    )
    return [patient, information]


def _detail(kind: str, value: str) -> AuditEventEntityDetail:
    return AuditEventEntityDetail(type=kind, valueString=value)
