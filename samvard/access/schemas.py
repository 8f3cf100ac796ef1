"""The vocabulary of access decisions: who asks, for what, why, and the answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from samvard.directory.models import CareGiverKind, Role


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

    @property
    def is_personal(self) -> bool:
        """Personal data is audited; the organisation directory is not."""
        return self not in (InfoSet.DIRECTORY, InfoSet.STAFF_DIRECTORY, InfoSet.DIRECTORY_ADMIN)


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


@dataclass(frozen=True, kw_only=True)
class Facts:
    """What the database says about the request; gathered before the pure decision."""

    assignment_active: bool = False
    relation_at_unit: bool = False
    relation_at_care_giver: bool = False
    patient_protected: bool = False


@dataclass(frozen=True)
class Decision:
    """Allowed or denied, with a stable reason code and a plain Swedish explanation."""

    allowed: bool
    reason: str
    explanation: str
