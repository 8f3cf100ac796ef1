"""Parsing and validation of Swedish person identifiers (pure functions, no I/O).

Accepted input (surrounding whitespace is ignored)
--------------------------------------------------
Personnummer and samordningsnummer:

* ``YYYYMMDDNNNC`` - twelve digits, the normalized form.
* ``YYYYMMDD-NNNC`` - twelve digits with a hyphen.
* ``YYMMDD-NNNC`` - ten digits. The century is inferred from ``today``: the hyphen means the
  person turns at most 99 during the current year.
* ``YYMMDD+NNNC`` - ten digits; Skatteverket switches the hyphen to a plus sign in the year a
  person turns 100, so the birth year is the hyphen year minus 100.
* ``YYMMDDNNNC`` - ten digits without separator, read as if written with a hyphen.

``C`` is a Luhn (mod 10) check digit over the ten-digit form ``YYMMDDNNN``. The century is
not covered by the check digit, which is why the ten-digit form needs the separator rule.
``NNN`` is the birth serial; its last digit is odd for men and even for women.

A samordningsnummer is written like a personnummer but with 60 added to the day of birth.
Skatteverket issues some with a (partly) unknown birth date: month ``00`` and/or day ``60``
(day ``00`` + 60). Those are valid, and their ``birth_date`` is ``None``. A personnummer must
always carry a real calendar date.

Reservnummer issued by Samvård
------------------------------
Regions each use their own local reservnummer format, and a reservnummer is only unique
together with the organisation that issued it. The format issued by this platform is
twelve characters::

    YYYYMMDD R NN C      e.g. 19700101R003 (shown with spaces only for readability)

* ``YYYYMMDD`` - the birth date, or the estimated birth date if the patient is unidentified.
  It must be a real date and not in the future.
* ``R`` - a literal letter R (lower case is accepted and normalized to upper case). A letter in
  position 9 can never occur in a personnummer or samordningsnummer, which are all digits, so
  the two can never be confused. Regional formats that put another letter in position 9 (for
  example K/M/X or S) and the national reserve-id format (whose first two characters are never
  18-21) do not collide either.
* ``NN`` - serial 00-99 per birth date, assigned by the issuing service.
* ``C`` - Luhn check digit over the ten digits ``YYYYMMDDNN``. The century is included, unlike
  for personnummer, so that a mistyped century is caught too.

``YYYYMMDD-RNNC`` (with a hyphen) is also accepted. Sex is never derived from a reservnummer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

Sex = Literal["male", "female"]

_LOOKS_RESERVE = re.compile(r"[0-9]{8}-?R", re.IGNORECASE)
_RESERVE = re.compile(r"([0-9]{8})-?R([0-9]{2})([0-9])", re.IGNORECASE)
_ALLOWED = re.compile(r"[0-9+-]*")
_NINE_DIGITS = re.compile(r"[0-9]{9}")
# Skatteverket's samordningsnummer add 60 to the day of birth.
_SAMORDNING_OFFSET = 60


class IdKind(StrEnum):
    """Which kind of identifier a :class:`PersonId` is."""

    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    RESERVNUMMER = "reservnummer"


class InvalidPersonId(ValueError):  # noqa: N818 - public name fixed by the API contract
    """The text is not a valid person identifier; ``reason`` says why, in Swedish.

    The reason never repeats the whole identifier, so it is safe to log.
    """

    def __init__(self, reason: str) -> None:
        """Create the error with a human-readable Swedish ``reason``."""
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True, repr=False)
class PersonId:
    """A parsed, valid person identifier.

    ``normalized`` is twelve digits (``YYYYMMDDNNNC``) for personnummer and samordningsnummer
    and ``YYYYMMDDRNNC`` for reservnummer. ``birth_date`` is ``None`` when a samordningsnummer
    has an unknown month or day. ``sex`` is ``None`` for reservnummer.
    """

    kind: IdKind
    normalized: str
    birth_date: date | None
    sex: Sex | None

    def __repr__(self) -> str:
        # Identifiers end up in logs and tracebacks through repr(); keep the number out.
        return f"PersonId(kind={self.kind.value!r}, normalized=<redacted>)"

    def age(self, on: date) -> int | None:
        """Return the age in whole years on the date ``on``, or ``None`` if birth date is unknown.

        Someone born on 29 February gets a year older on 1 March in common years.
        Raises :class:`ValueError` if ``on`` is before the birth date.
        """
        if self.birth_date is None:
            return None
        if on < self.birth_date:
            raise ValueError("Datumet ligger före födelsedatumet")
        born = self.birth_date
        before_birthday = (on.month, on.day) < (born.month, born.day)
        return on.year - born.year - int(before_birthday)


def _luhn(payload: str) -> int:
    # Standard Luhn: double every second digit starting with the rightmost payload digit, so
    # the result is the same whatever the payload length.
    total = 0
    for position, char in enumerate(reversed(payload)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def luhn_check_digit(digits9: str) -> int:
    """Return the Luhn (mod 10) check digit for nine digits.

    For a personnummer or samordningsnummer the nine digits are ``YYMMDDNNN``; the same
    algorithm gives the last digit of a Swedish organisation number.
    """
    # [0-9] rather than str.isdigit(), which also accepts e.g. superscript and Arabic digits.
    if _NINE_DIGITS.fullmatch(digits9) is None:
        raise ValueError("Exakt nio siffror krävs för att beräkna kontrollsiffran")
    return _luhn(digits9)


def parse_person_id(text: str, *, today: date | None = None) -> PersonId:
    """Parse and validate a personnummer, samordningsnummer or Samvård reservnummer.

    ``today`` (default: the current date) decides the century of ten-digit input and what
    counts as a birth date in the future. Raises :class:`InvalidPersonId` with a Swedish reason.
    """
    if today is None:
        today = date.today()
    cleaned = text.strip()
    if not cleaned:
        raise InvalidPersonId("Tomt värde")
    if _LOOKS_RESERVE.match(cleaned):
        return _parse_reserve(cleaned.upper(), today)
    digits, separator = _split(cleaned)
    full = _with_century(digits, separator, today)
    _check_luhn(full[2:])
    kind, birth_date = _birth(full, today)
    sex: Sex = "male" if int(full[10]) % 2 == 1 else "female"
    return PersonId(kind=kind, normalized=full, birth_date=birth_date, sex=sex)


def _split(cleaned: str) -> tuple[str, str]:
    # Returns the bare digits and the separator ("-" when absent) after checking its position.
    if _ALLOWED.fullmatch(cleaned) is None:
        raise InvalidPersonId("Otillåtna tecken")
    digits = cleaned.replace("-", "").replace("+", "")
    if len(digits) not in (10, 12):
        raise InvalidPersonId(f"Fel antal siffror: {len(digits)}, väntat 10 eller 12")
    separators = len(cleaned) - len(digits)
    if separators == 0:
        return digits, "-"
    separator = cleaned[len(digits) - 4]
    if separators > 1 or separator not in "+-":
        raise InvalidPersonId("Skiljetecknet står på fel plats (ska stå före de fyra sista)")
    if separator == "+" and len(digits) == 12:
        raise InvalidPersonId("Plustecken används bara med tio siffror (ÅÅMMDD+NNNN)")
    return digits, separator


def _with_century(digits: str, separator: str, today: date) -> str:
    # The separator encodes age in the current calendar year, not exact age: "-" for a person
    # who turns 0-99 this year, "+" from the year they turn 100.
    if len(digits) == 12:
        return digits
    two_digit_year = int(digits[:2])
    year = today.year - (today.year - two_digit_year) % 100
    if separator == "+":
        year -= 100
    return f"{year:04d}{digits[2:]}"


def _check_luhn(ten: str) -> None:
    expected = _luhn(ten[:9])
    given = int(ten[9])
    if expected != given:
        raise InvalidPersonId(f"Kontrollsiffran stämmer inte (väntad {expected}, angiven {given})")


def _birth(full: str, today: date) -> tuple[IdKind, date | None]:
    year, month, day = int(full[:4]), int(full[4:6]), int(full[6:8])
    if day >= _SAMORDNING_OFFSET:
        return IdKind.SAMORDNINGSNUMMER, _partial_date(year, month, day - _SAMORDNING_OFFSET, today)
    return IdKind.PERSONNUMMER, _real_date(year, month, day, today)


def _partial_date(year: int, month: int, day: int, today: date) -> date | None:
    # Samordningsnummer may leave month and/or day unknown (00); whatever is known must still
    # be possible, and even the earliest possible birth date must not lie in the future.
    if month > 12 or day > 31:
        raise InvalidPersonId(f"Ogiltigt datum: {year:04d}-{month:02d}-{day:02d}")
    if month == 0 or day == 0:
        _real_date(year, month or 1, day or 1, today)
        return None
    return _real_date(year, month, day, today)


def _real_date(year: int, month: int, day: int, today: date) -> date:
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidPersonId(f"Ogiltigt datum: {year:04d}-{month:02d}-{day:02d}") from None
    _not_future(born, today)
    return born


def _not_future(born: date, today: date) -> None:
    if born > today:
        raise InvalidPersonId("Födelsedatum i framtiden")


def _parse_reserve(cleaned: str, today: date) -> PersonId:
    match = _RESERVE.fullmatch(cleaned)
    if match is None:
        raise InvalidPersonId("Reservnummer ska ha formen ÅÅÅÅMMDDRNNC")
    birth, serial, check = match.groups()
    expected = _luhn(birth + serial)
    if expected != int(check):
        raise InvalidPersonId(f"Kontrollsiffran stämmer inte (väntad {expected}, angiven {check})")
    born = _real_date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]), today)
    normalized = f"{birth}R{serial}{check}"
    return PersonId(kind=IdKind.RESERVNUMMER, normalized=normalized, birth_date=born, sex=None)
