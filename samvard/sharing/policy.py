"""The rules of coordinated documentation, as pure functions of a `SharingState`.

Order matters and is the law's: a block beats everything, including emergency access;
otherwise another organisation's records need the patient's consent, the special rule for
children who cannot consent, or (health care only) an open emergency access. The care or
social-care relation is checked by the caller, before any of this.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from samvard.sharing.models import ConsentBasis
from samvard.sharing.schemas import ConsentView, SharingState


class Ground(StrEnum):
    """The legal ground for reading another organisation's records."""

    CONSENT = "consent"
    PRESUMED_CONSENT = "presumed_consent"
    CHILD_WITHOUT_CAPACITY = "child_without_capacity"
    EMERGENCY_ACCESS = "emergency_access"


def is_blocked(
    state: SharingState,
    *,
    source_care_giver: str,
    source_unit: str | None,
    reader_care_giver: str,
    reader_unit: str | None,
) -> bool:
    """True if a block keeps the source's records from this reader.

    A care-giver block keeps the records inside that care giver; a unit block keeps them
    inside that unit, also from the same care giver's other units (inre spärr).
    """
    for block in state.blocks:
        if block.care_giver_hsaid != source_care_giver:
            continue
        if block.unit_hsaid is None and reader_care_giver != source_care_giver:
            return True
        unit_block = block.unit_hsaid is not None and block.unit_hsaid == source_unit
        if unit_block and reader_unit != source_unit:
            return True
    return False


def covers(consent: ConsentView, *, reader_care_giver: str, info_set: str, now: datetime) -> bool:
    """True if `consent` lets `reader_care_giver` read `info_set` at `now`."""
    if consent.valid_from > now:
        return False
    if consent.valid_until is not None and consent.valid_until <= now:
        return False
    if consent.accessor_hsaid is not None and consent.accessor_hsaid != reader_care_giver:
        return False
    return consent.info_sets is None or info_set in consent.info_sets


def ground_for(
    state: SharingState,
    *,
    reader_care_giver: str,
    reader_staff: str,
    reader_is_health_care: bool,
    info_set: str,
    now: datetime,
) -> Ground | None:
    """The ground that lets this reader see another organisation's `info_set`, if any."""
    consents = [
        c
        for c in state.consents
        if covers(c, reader_care_giver=reader_care_giver, info_set=info_set, now=now)
    ]
    if any(c.basis is ConsentBasis.PATIENT for c in consents):
        return Ground.CONSENT
    if consents:
        return Ground.PRESUMED_CONSENT
    if state.child_without_capacity:
        return Ground.CHILD_WITHOUT_CAPACITY
    # Emergency access exists in health care only; social care never has it.
    if reader_is_health_care and any(
        e.staff_hsaid == reader_staff
        and e.care_giver_hsaid == reader_care_giver
        and e.expires_at > now
        for e in state.emergencies
    ):
        return Ground.EMERGENCY_ACCESS
    return None
