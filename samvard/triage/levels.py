"""Urgency, the finer levels the content uses, and the next step (disposition)."""

from __future__ import annotations

from enum import StrEnum


class Urgency(StrEnum):
    """The four urgency levels every outcome maps to, most urgent first."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    NON_URGENT = "non_urgent"
    SELF_CARE = "self_care"

    @property
    def rank(self) -> int:
        """0 for emergency up to 3 for self-care: lower is more urgent."""
        return _URGENCY_ORDER.index(self)

    @property
    def label(self) -> str:
        """Swedish label."""
        return _URGENCY_LABELS[self]


class Level(StrEnum):
    """Finer levels of the content, most urgent first; each maps to one urgency."""

    EMERGENCY_112 = "emergency_112"
    EMERGENCY_DEPARTMENT = "emergency_department"
    URGENT_HOURS = "urgent_hours"
    URGENT_TODAY = "urgent_today"
    NON_URGENT_DAYS = "non_urgent_days"
    NON_URGENT_WEEKS = "non_urgent_weeks"
    SELF_CARE = "self_care"

    @property
    def rank(self) -> int:
        """0 for emergency_112 up to 6 for self-care: lower is more urgent."""
        return _LEVEL_ORDER.index(self)

    @property
    def urgency(self) -> Urgency:
        """The one of the four urgency levels this level belongs to."""
        return _LEVEL_URGENCY[self]

    @property
    def label(self) -> str:
        """Swedish label."""
        return _LEVEL_LABELS[self]


class Disposition(StrEnum):
    """The next step, independent of the channel a region routes it to."""

    CALL_112 = "call_112"
    EMERGENCY_DEPARTMENT = "emergency_department"
    CARE_NOW = "care_now"
    CARE_TODAY = "care_today"
    CARE_WITHIN_DAYS = "care_within_days"
    DENTAL_CARE = "dental_care"
    SELF_CARE = "self_care"

    @property
    def label(self) -> str:
        """Swedish label."""
        return _DISPOSITION_LABELS[self]


_URGENCY_ORDER = list(Urgency)
_LEVEL_ORDER = list(Level)
_LEVEL_URGENCY = {
    Level.EMERGENCY_112: Urgency.EMERGENCY,
    Level.EMERGENCY_DEPARTMENT: Urgency.EMERGENCY,
    Level.URGENT_HOURS: Urgency.URGENT,
    Level.URGENT_TODAY: Urgency.URGENT,
    Level.NON_URGENT_DAYS: Urgency.NON_URGENT,
    Level.NON_URGENT_WEEKS: Urgency.NON_URGENT,
    Level.SELF_CARE: Urgency.SELF_CARE,
}
_URGENCY_LABELS = {
    Urgency.EMERGENCY: "Akut: ring 112 eller åk till akuten nu",
    Urgency.URGENT: "Brådskande: kontakta vården i dag",
    Urgency.NON_URGENT: "Inte brådskande: kontakta vården inom några dagar",
    Urgency.SELF_CARE: "Egenvård: du kan behandla besvären själv",
}
_LEVEL_LABELS = {
    Level.EMERGENCY_112: "Ring 112 nu",
    Level.EMERGENCY_DEPARTMENT: "Åk till en akutmottagning nu",
    Level.URGENT_HOURS: "Kontakta vården inom några timmar",
    Level.URGENT_TODAY: "Kontakta vården i dag",
    Level.NON_URGENT_DAYS: "Kontakta vården inom några dagar",
    Level.NON_URGENT_WEEKS: "Kontakta vården inom några veckor",
    Level.SELF_CARE: "Egenvård",
}
_DISPOSITION_LABELS = {
    Disposition.CALL_112: "Ring 112",
    Disposition.EMERGENCY_DEPARTMENT: "Akutmottagning",
    Disposition.CARE_NOW: "Vård inom några timmar",
    Disposition.CARE_TODAY: "Vård i dag",
    Disposition.CARE_WITHIN_DAYS: "Vård inom några dagar",
    Disposition.DENTAL_CARE: "Tandvård",
    Disposition.SELF_CARE: "Egenvård",
}
