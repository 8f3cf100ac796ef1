"""The vocabulary of contacts: urgency ranks, Swedish labels, errors and result rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from samvard.contacts.models import Contact, Slot
from samvard.identity.models import Person

SWEDEN = ZoneInfo("Europe/Stockholm")
MAX_MESSAGE_LENGTH = 4000
MAX_ADVICE_LENGTH = 4000
MAX_CLIENT_ID_LENGTH = 64

# The queue is ordered by rank first: 0 is an emergency, 3 self-care (ADR 0012).
URGENCY_RANK = {"emergency": 0, "urgent": 1, "non_urgent": 2, "self_care": 3}
RANK_LABELS = {0: "Akut", 1: "Brådskande", 2: "Inom några dagar", 3: "Egenvård"}
STATUS_LABELS = {"waiting": "Väntar i kö", "claimed": "Pågår", "closed": "Avslutad"}
CHANNEL_KIND_LABELS = {
    "nurse_chat": "Chatt med sjuksköterska",
    "video": "Videobesök",
    "physical": "Besök på vårdenheten",
}
SLOT_KIND_LABELS = {"physical": "Besök", "video": "Video"}
# Only these channels lead to a contact that a unit handles; the others are advice.
CARE_CHANNEL_KINDS = frozenset(CHANNEL_KIND_LABELS)


def urgency_rank(urgency: str | None) -> int:
    """The queue rank of an urgency; an unknown one ranks as urgent, to be safe."""
    return URGENCY_RANK.get(urgency or "", 1)


class ContactError(ValueError):
    """A contact step that cannot be taken.

    `code` is stable (for instance already_claimed, slot_taken, contact_closed), `status`
    the HTTP status a page answers with, and `message` is Swedish.
    """

    def __init__(self, code: str, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class QueueRow:
    """A waiting contact in the unit's queue, with its patient and waiting time."""

    contact: Contact
    person: Person
    waiting: timedelta


@dataclass(frozen=True)
class ActiveRow:
    """A contact the clinician has claimed, with the patient and unread messages."""

    contact: Contact
    person: Person
    unread: int


@dataclass(frozen=True)
class CitizenRow:
    """A contact on the citizen's list: their own or a child's."""

    contact: Contact
    person: Person
    place: int | None
    booked: Slot | None


def local_text(value: datetime) -> str:
    """A UTC time as people in Sweden read it: 2026-11-24 14:30."""
    return value.astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M")
