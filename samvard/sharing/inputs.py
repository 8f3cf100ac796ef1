"""A citizen's sharing choices as typed on a page or sent to the API, checked before use.

Each function turns raw input into what the actions take, or raises `SharingError` with
the field and a Swedish message; nothing is written here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from samvard.access.schemas import InfoSet
from samvard.core.db import utcnow
from samvard.directory.queries import get_care_giver_by_hsa_id, get_unit_by_hsa_id
from samvard.records.models import RecordKind
from samvard.sharing.actions import SharingError

SWEDEN = ZoneInfo("Europe/Stockholm")
# The value meaning "every care and social-care giver" in forms and the API.
EVERYONE = "alla"
# A consent can be renewed at any time; a far-off end date is more likely a typing error.
MAX_YEARS_AHEAD = 10


def today_in_sweden() -> date:
    """The date it is now where the citizen lives."""
    return utcnow().astimezone(SWEDEN).date()


def parse_info_sets(values: Collection[str] | None) -> list[InfoSet] | None:
    """Record kinds by name (e.g. `medication`); None, or every kind, means all of them."""
    if values is None:
        return None
    if not values:
        raise SharingError("info_sets", "Välj minst en sorts uppgifter.")
    kinds = set()
    for value in values:
        try:
            kinds.add(RecordKind(value))
        except ValueError:
            raise SharingError(
                "info_sets", "Okänd sorts uppgifter. Välj bland de listade."
            ) from None
    if kinds == set(RecordKind):
        return None  # "all", so kinds added later are covered too
    return [InfoSet.for_record(kind) for kind in sorted(kinds)]


def parse_end_date(text: str | None) -> date | None:
    """An end date written as ÅÅÅÅ-MM-DD; empty means until further notice."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise SharingError("valid_until", "Skriv datumet som ÅÅÅÅ-MM-DD.") from None


def end_of_day(day: date | None) -> datetime | None:
    """The moment a consent that lasts "up to and including `day`" (Swedish time) ends."""
    if day is None:
        return None
    today = today_in_sweden()
    if day < today:
        raise SharingError("valid_until", "Slutdatumet har redan passerat. Välj ett senare datum.")
    if day > today + timedelta(days=365 * MAX_YEARS_AHEAD):
        raise SharingError(
            "valid_until", f"Ett samtycke kan gälla högst {MAX_YEARS_AHEAD} år framåt."
        )
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SWEDEN)


def resolve_accessor(session: Session, value: str | None) -> str | None:
    """The care giver's HSA-id to consent to, or None for everyone."""
    if value is None or value.strip() in ("", EVERYONE):
        return None
    hsa_id = value.strip()
    if get_care_giver_by_hsa_id(session, hsa_id) is None:
        raise SharingError(
            "accessor", "Det finns ingen vård- eller omsorgsgivare med det HSA-id:t."
        )
    return hsa_id


def resolve_block_target(
    session: Session, care_giver_hsaid: str, unit_hsaid: str | None
) -> tuple[str, str | None]:
    """A known care giver, and optionally one of its own units, to block."""
    care_giver = get_care_giver_by_hsa_id(session, care_giver_hsaid.strip())
    if care_giver is None:
        raise SharingError(
            "care_giver", "Det finns ingen vård- eller omsorgsgivare med det HSA-id:t."
        )
    if unit_hsaid is None or not unit_hsaid.strip():
        return care_giver.hsa_id, None
    unit = get_unit_by_hsa_id(session, unit_hsaid.strip())
    if unit is None or unit.care_giver_id != care_giver.id:
        raise SharingError("unit", "Enheten finns inte hos den vård- eller omsorgsgivaren.")
    return care_giver.hsa_id, unit.hsa_id
