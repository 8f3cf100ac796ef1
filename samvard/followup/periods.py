"""Calendar months in Swedish time: the periods the follow-up is counted in."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")
MAX_MONTHS = 36
DEFAULT_MONTHS = 6
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """A month range that cannot be counted, with a Swedish message for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def month_of(at: datetime) -> str:
    """The Swedish calendar month of a UTC timestamp, as YYYY-MM."""
    return at.astimezone(SWEDEN).strftime("%Y-%m")


def parse_month(text: str) -> date:
    """The first day of a YYYY-MM month; PeriodError for anything else."""
    match = _MONTH.match(text)
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise PeriodError("invalid_month", "Ogiltig månad. Skriv månaden som ÅÅÅÅ-MM.")
    return date(int(match.group(1)), int(match.group(2)), 1)


def add_months(first: date, months: int) -> date:
    """The first day of the month `months` after (or before) `first`'s month."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[str]:
    """Every month from `first` to `last`, both included, as YYYY-MM."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, step).strftime("%Y-%m") for step in range(count)]


def month_range(fran: str | None, till: str | None, *, now: datetime) -> tuple[date, date]:
    """The chosen months (by default the last six, this one included); errors in Swedish."""
    last = parse_month(till) if till else date(*_ym(now), 1)
    first = parse_month(fran) if fran else add_months(last, 1 - DEFAULT_MONTHS)
    if first > last:
        raise PeriodError("invalid_period", "Från-månaden måste vara före till-månaden.")
    if len(months_between(first, last)) > MAX_MONTHS:
        raise PeriodError("period_too_long", f"Välj en period på högst {MAX_MONTHS} månader.")
    return first, last


def _ym(now: datetime) -> tuple[int, int]:
    year, month = month_of(now).split("-")
    return int(year), int(month)


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants [since, until) that cover the months, in Swedish time."""
    since = datetime(first.year, first.month, 1, tzinfo=SWEDEN)
    end = add_months(last, 1)
    until = datetime(end.year, end.month, 1, tzinfo=SWEDEN)
    return since.astimezone(UTC), until.astimezone(UTC)
