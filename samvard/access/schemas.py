"""The vocabulary of access decisions: who asks, for what, why, and the answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from samvard.directory.models import CareGiverKind, Role
from samvard.records.models import RecordKind


class ActorKind(StrEnum):
    """Citizens act for themselves; staff act in a role at a unit."""

    CITIZEN = "citizen"
    STAFF = "staff"
    SYSTEM = "system"


class InfoSet(StrEnum):
    """The information an access concerns; values are logged as the resource."""

    DEMOGRAPHICS = "patient.demographics"
    PROTECTED_DETAILS = "patient.protected_details"
    ACCESS_LOG = "patient.access_log"
    PATIENT_LIST = "unit.patient_list"
    PATIENT_LOOKUP = "patient.lookup"
    DIRECTORY = "directory"
    STAFF_DIRECTORY = "directory.staff"
    DIRECTORY_ADMIN = "directory.admin"
    AUDIT_REVIEW = "audit.review"
    SHARING = "patient.sharing"
    EMERGENCY_ACCESS = "patient.emergency_access"
    RECORD_NOTE = "record.note"
    RECORD_DIAGNOSIS = "record.diagnosis"
    RECORD_CONTACT = "record.contact"
    RECORD_MEDICATION = "record.medication"
    RECORD_ALERT = "record.alert"
    RECORD_LAB = "record.lab"
    RECORD_FUNCTIONAL = "record.functional"
    RECORD_SOCIAL_CARE = "record.social_care"
    # First-line care: a symptom assessment (egenbedömning), and the contact with care it
    # leads to (chat, anamnesis, booking); the queue of contacts at a unit.
    TRIAGE = "patient.triage"
    CONTACT = "patient.contact"
    CONTACT_QUEUE = "unit.contact_queue"
    # Organisation-level settings and aggregate statistics: no personal data.
    ROUTING_ADMIN = "routing.admin"
    FOLLOWUP = "followup.statistics"
    # Production planning: aggregate figures from the analytics warehouse, and uploading the
    # monthly reports behind them (visit statistics are pseudonymised, counts are suppressed).
    ANALYTICS = "analytics.statistics"
    ANALYTICS_UPLOAD = "analytics.upload"

    @property
    def is_personal(self) -> bool:
        """Personal data is audited; the organisation directory is not."""
        return self not in _NOT_PERSONAL

    @property
    def record_kind(self) -> RecordKind | None:
        """The kind of record this information set holds (None for the others)."""
        prefix, _, kind = self.value.partition(".")
        return RecordKind(kind) if prefix == "record" else None

    @classmethod
    def for_record(cls, kind: RecordKind) -> InfoSet:
        """The information set of records of `kind`."""
        return cls(f"record.{kind.value}")


_NOT_PERSONAL = frozenset(
    {
        InfoSet.DIRECTORY,
        InfoSet.STAFF_DIRECTORY,
        InfoSet.DIRECTORY_ADMIN,
        InfoSet.ROUTING_ADMIN,
        InfoSet.FOLLOWUP,
        InfoSet.ANALYTICS,
        InfoSet.ANALYTICS_UPLOAD,
    }
)


class Purpose(StrEnum):
    """Why the actor asks."""

    OWN_RECORDS = "own_records"
    CARE = "care"
    SOCIAL_CARE = "social_care"
    ADMINISTRATION = "administration"
    LOG_REVIEW = "log_review"


class Action(StrEnum):
    """What the actor does with the information."""

    READ = "read"
    WRITE = "write"
    # A producer node hands records to another organisation's node (logged on both sides).
    DISCLOSE = "disclose"
    LOGIN = "login"
    LOGOUT = "logout"


@dataclass(frozen=True, kw_only=True)
class Actor:
    """An authenticated person acting now; staff carry the unit they chose at login."""

    kind: ActorKind
    id: str
    person_pk: int | None = None
    staff_pk: int | None = None
    role: Role | None = None
    unit_id: int | None = None
    unit_hsaid: str | None = None
    care_giver_id: int | None = None
    care_giver_hsaid: str | None = None
    care_giver_kind: CareGiverKind | None = None


@dataclass(frozen=True, kw_only=True)
class AccessRequest:
    """One question to the policy."""

    actor: Actor | None
    info: InfoSet
    purpose: Purpose
    action: Action = Action.READ
    patient_pk: int | None = None
    unit_id: int | None = None
    # Whose records: the care giver (and unit) that documented them, when it matters.
    source_hsaid: str | None = None
    source_unit_hsaid: str | None = None


@dataclass(frozen=True, kw_only=True)
class Facts:
    """What the database says about the request; gathered before the pure decision."""

    assignment_active: bool = False
    relation_at_unit: bool = False
    relation_at_care_giver: bool = False
    patient_protected: bool = False
    # Coordinated documentation: a block on the source, and the ground (consent, the
    # rule for children, emergency access) that lets the actor read another's records.
    source_blocked: bool = False
    sharing_ground: str | None = None
    # A citizen acting for their child (vårdnadshavare of a person under 18).
    guardian_of_patient: bool = False


@dataclass(frozen=True)
class Decision:
    """Allowed or denied, with a stable reason code and a plain Swedish explanation."""

    allowed: bool
    reason: str
    explanation: str
