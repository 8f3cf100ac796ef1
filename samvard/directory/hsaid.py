"""Validation of HSA-id, the national identifier for staff, units and functions in HSA.

Format: ``SE`` + the ten-digit organisation number of the organisation that owns the entry
in the HSA catalogue + ``-`` + a suffix of at least one letter or digit, at most 31 characters
in total, e.g. ``SE2321000131-E000000000001`` or ``SE2321000016-7P8K``. Å, Ä, Ö, ``@`` and
other characters are not allowed.

HSA-id are compared case-insensitively, so this module normalizes to upper case. The
organisation number's last digit is a Luhn check digit (the same algorithm as for
personnummer); region numbers such as 232100-0131 and 232100-0016 pass it, so it is enforced.
"""

from __future__ import annotations

import re

from samvard.identity.numbers import luhn_check_digit

_MAX_LENGTH = 31
_PREFIX = re.compile(r"SE([0-9]{10})-")
_SUFFIX = re.compile(r"[A-Z0-9]+")


class InvalidHsaId(ValueError):  # noqa: N818 - public name fixed by the API contract
    """The text is not a valid HSA-id; ``reason`` says why, in Swedish."""

    def __init__(self, reason: str) -> None:
        """Create the error with a human-readable Swedish ``reason``."""
        super().__init__(reason)
        self.reason = reason


def parse_hsa_id(text: str) -> str:
    """Validate an HSA-id and return it normalized (trimmed, upper case).

    Raises :class:`InvalidHsaId` with a Swedish reason.
    """
    stripped = text.strip()
    if not stripped:
        raise InvalidHsaId("Tomt värde")
    # Checked before upper-casing: "ß".upper() is "SS", which would let a bad id become valid.
    if not stripped.isascii():
        raise InvalidHsaId("Otillåtna tecken (endast A–Z, 0–9 och bindestreck)")
    hsa_id = stripped.upper()
    if len(hsa_id) > _MAX_LENGTH:
        raise InvalidHsaId(f"För långt: {len(hsa_id)} tecken, högst {_MAX_LENGTH} tillåts")
    if not hsa_id.startswith("SE"):
        raise InvalidHsaId("Ska börja med landskoden SE")
    prefix = _PREFIX.match(hsa_id)
    if prefix is None:
        raise InvalidHsaId("Ska ha tio siffror organisationsnummer efter SE, följt av bindestreck")
    _check_organisation_number(prefix.group(1))
    _check_suffix(hsa_id[prefix.end() :])
    return hsa_id


def is_valid_hsa_id(text: str) -> bool:
    """Return whether ``text`` is a valid HSA-id (see :func:`parse_hsa_id`)."""
    try:
        parse_hsa_id(text)
    except InvalidHsaId:
        return False
    return True


def _check_organisation_number(number: str) -> None:
    expected = luhn_check_digit(number[:9])
    given = int(number[9])
    if expected != given:
        raise InvalidHsaId(
            f"Organisationsnumrets kontrollsiffra stämmer inte (väntad {expected}, angiven {given})"
        )


def _check_suffix(suffix: str) -> None:
    if not suffix:
        raise InvalidHsaId("Minst ett tecken krävs efter bindestrecket")
    # [A-Z0-9] after upper-casing: rejects Å/Ä/Ö, '@', spaces and a second hyphen.
    if _SUFFIX.fullmatch(suffix) is None:
        raise InvalidHsaId("Otillåtna tecken efter bindestrecket (endast A–Z och 0–9)")
