"""Why a logged access belongs in the review queue: pure rules over an entry and its facts.

Each trigger is a stable code with a Swedish label. The rules take a small frozen view of
an audit entry and the facts the queries gathered about it (names, addresses, protected
identity, the actor's daily volume); they do no I/O, so the same input always gives the
same triggers.

Same address: the staff directory holds no addresses. A staff member's address is the one
the population register (the `person` table) holds for their own personnummer
(`Staff.person_number`), when they are registered there. Staff without a personnummer in
the directory, or without an address in the register, can never fire this trigger.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


class Trigger(StrEnum):
    """A reason to look at one access; the order is the order shown to reviewers."""

    EMERGENCY_ACCESS = "emergency_access"
    NO_RELATION = "no_relation"
    OWN_RECORD = "own_record"
    SAME_SURNAME = "same_surname"
    SAME_ADDRESS = "same_address"
    PROTECTED_IDENTITY = "protected_identity"
    UNUSUAL_VOLUME = "unusual_volume"
    SAMPLE = "sample"

    @property
    def label(self) -> str:
        """The trigger in Swedish."""
        return TRIGGER_LABELS[self]


TRIGGER_LABELS = {
    Trigger.EMERGENCY_ACCESS: "Nödåtkomst",
    Trigger.NO_RELATION: "Utan vårdrelation",
    Trigger.OWN_RECORD: "Egen journal",
    Trigger.SAME_SURNAME: "Samma efternamn som patienten",
    Trigger.SAME_ADDRESS: "Samma adress som patienten",
    Trigger.PROTECTED_IDENTITY: "Skyddade personuppgifter",
    Trigger.UNUSUAL_VOLUME: "Ovanligt många patienter samma dag",
    Trigger.SAMPLE: "Slumpmässigt urval",
}

_ORDER = tuple(Trigger)
EMERGENCY_REASONS = frozenset({"emergency_access", "emergency_access_opened"})
# Denials that say the actor had no relation with the patient.
NO_RELATION_DENIALS = frozenset({"no_care_relation"})
# Allowed reasons whose rule required a relation with the patient (see access.policy and
# sharing.policy). Any other allowed reason, such as a lookup by personnummer
# (`care_role_lookup`), was granted without one: whether a relation existed at the time
# is then a fact the queries look up (`had_relation`).
RELATION_GROUNDS = frozenset(
    {
        "care_relation",
        "social_care_relation",
        "documentation",
        "unit_patient_list",
        "consent",
        "presumed_consent",
        "child_without_capacity",
        *EMERGENCY_REASONS,
    }
)
# Name particles that say nothing about family ties ("von Essen" and "von Platen").
_PARTICLES = frozenset({"af", "av", "de", "del", "di", "du", "la", "le", "van", "von"})
_NAME_PARTS = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class Address:
    """A normalised street address and postal code, for comparison only."""

    street: str
    postal_code: str

    @classmethod
    def of(cls, street: str | None, postal_code: str | None) -> Address | None:
        """The comparable address, None unless both parts are known."""
        street_key = " ".join((street or "").casefold().split())
        postal_key = "".join(ch for ch in postal_code or "" if ch.isdigit())
        if not street_key or not postal_key:
            return None
        return cls(street_key, postal_key)


@dataclass(frozen=True, kw_only=True)
class EntryView:
    """What the rules need of one audit entry."""

    seq: int
    entry_id: str
    recorded_at: datetime
    actor_id: str
    patient_id: str
    resource: str
    outcome: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class EntryFacts:
    """What the database says around one entry; unknown facts never fire a trigger."""

    staff_surname: str | None = None
    staff_person_number: str | None = None
    staff_address: Address | None = None
    patient_surname: str | None = None
    patient_address: Address | None = None
    patient_protected: bool = False
    # Asked only for allowed accesses whose ground needs no relation (see RELATION_GROUNDS).
    had_relation: bool | None = None
    # Distinct patients the actor accessed that local day, and the median of their other days.
    day_patients: int = 0
    usual_day_patients: float | None = None


@dataclass(frozen=True)
class Rules:
    """The configurable thresholds: sample share and what counts as unusual volume.

    Volume fires when the day's distinct patients exceed `volume_ceiling`, or are at least
    `volume_floor` and more than `volume_factor` times the actor's own median day.
    """

    sample_rate: float = 0.01
    volume_floor: int = 10
    volume_factor: float = 3.0
    volume_ceiling: int = 40


DEFAULT_RULES = Rules()


def triggers_for(
    entry: EntryView, facts: EntryFacts, *, sample_key: bytes, rules: Rules = DEFAULT_RULES
) -> tuple[Trigger, ...]:
    """The triggers that fire for `entry`, in `Trigger` order."""
    own = facts.staff_person_number is not None and facts.staff_person_number == entry.patient_id
    fired = {
        Trigger.EMERGENCY_ACCESS: entry.reason in EMERGENCY_REASONS,
        Trigger.NO_RELATION: lacks_relation(entry, facts),
        Trigger.OWN_RECORD: own,
        # Reading one's own record is already flagged; the same name and home add nothing.
        Trigger.SAME_SURNAME: not own
        and surnames_match(facts.staff_surname, facts.patient_surname),
        Trigger.SAME_ADDRESS: not own
        and facts.staff_address is not None
        and facts.staff_address == facts.patient_address,
        Trigger.PROTECTED_IDENTITY: facts.patient_protected,
        Trigger.UNUSUAL_VOLUME: unusual_volume(facts, rules),
        Trigger.SAMPLE: in_sample(
            entry.entry_id, review_period(entry.recorded_at), sample_key, rules.sample_rate
        ),
    }
    return tuple(trigger for trigger in _ORDER if fired[trigger])


def lacks_relation(entry: EntryView, facts: EntryFacts) -> bool:
    """Denied for want of a relation, or allowed on a ground that needed none and had none."""
    if entry.outcome != "allowed":
        return entry.reason in NO_RELATION_DENIALS
    return needs_relation_fact(entry) and facts.had_relation is False


def needs_relation_fact(entry: EntryView) -> bool:
    """Whether the queries must look up if a relation existed at the time of `entry`."""
    return entry.outcome == "allowed" and entry.reason not in RELATION_GROUNDS


def surnames_match(staff: str | None, patient: str | None) -> bool:
    """True when the two family names share a part (double names, any case)."""
    return bool(_name_parts(staff) & _name_parts(patient))


def _name_parts(name: str | None) -> frozenset[str]:
    parts = _NAME_PARTS.split((name or "").casefold())
    return frozenset(p for p in parts if p and p not in _PARTICLES)


def unusual_volume(facts: EntryFacts, rules: Rules) -> bool:
    """The actor's day is far above the ceiling, or far above their own median day."""
    day = facts.day_patients
    if day > rules.volume_ceiling:
        return True
    usual = facts.usual_day_patients
    return day >= rules.volume_floor and usual is not None and day > rules.volume_factor * usual


def in_sample(entry_id: str, period: str, key: bytes, rate: float) -> bool:
    """A keyed hash of the entry and its review period, below `rate`.

    Reproducible for whoever holds the key, unpredictable without it, and fixed per
    period (the calendar month), so choosing another date range cannot reshuffle it.
    """
    digest = hmac.new(key, f"{period}|{entry_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") < rate * 2**64


def sample_key(secret: str) -> bytes:
    """The sampling key derived from the installation's secret (never the secret itself)."""
    return hmac.new(secret.encode(), b"samvard log review sample", hashlib.sha256).digest()


def review_period(at: datetime) -> str:
    """The calendar month (Swedish time) an entry is sampled in, as YYYY-MM."""
    return at.astimezone(SWEDEN).strftime("%Y-%m")


def local_day(at: datetime) -> date:
    """The Swedish calendar day of a UTC timestamp."""
    return at.astimezone(SWEDEN).date()


def daily_volumes(accesses: Iterable[tuple[str, date, str]]) -> dict[tuple[str, date], int]:
    """Distinct patients per (actor, day) from (actor, day, patient) triples."""
    seen: dict[tuple[str, date], set[str]] = defaultdict(set)
    for actor, day, patient in accesses:
        seen[(actor, day)].add(patient)
    return {key: len(patients) for key, patients in seen.items()}


def usual_volumes(volumes: Mapping[tuple[str, date], int]) -> dict[tuple[str, date], float]:
    """For each (actor, day), the median of that actor's other days (absent if none)."""
    by_actor: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for (actor, day), count in volumes.items():
        by_actor[actor].append((day, count))
    usual: dict[tuple[str, date], float] = {}
    for actor, days in by_actor.items():
        for day, _ in days:
            others = [count for other, count in days if other != day]
            if others:
                usual[(actor, day)] = float(statistics.median(others))
    return usual


def parse_triggers(text: str) -> tuple[Trigger, ...]:
    """Triggers stored as comma-separated codes; unknown codes are skipped."""
    known = {t.value for t in Trigger}
    return tuple(Trigger(code) for code in text.split(",") if code in known)


def format_triggers(triggers: Iterable[Trigger]) -> str:
    """Triggers as stored with a review: comma-separated codes."""
    return ",".join(t.value for t in triggers)
