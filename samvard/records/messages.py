"""Swedish messages for details that fail validation, one per field."""

from __future__ import annotations

from pydantic import ValidationError

_MESSAGES = {
    "missing": "Uppgiften saknas.",
    "string_too_short": "Uppgiften får inte vara tom.",
    "string_too_long": "Texten är för lång.",
    "string_pattern_mismatch": "Koden har fel format.",
    "enum": "Välj ett av alternativen.",
    "literal_error": "Välj ett av alternativen.",
    "date_parsing": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_parsing": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_inexact": "Ange ett datum (ÅÅÅÅ-MM-DD).",
    "bool_parsing": "Ange ja eller nej.",
    "extra_forbidden": "Okänt fält.",
}
# A code in the wrong format says which format is wanted.
_PATTERN_HINTS = {
    "code": "Ange en ICD-10-SE-kod, till exempel E11.9.",
    "atc": "Ange en ATC-kod, till exempel C09AA02.",
    "npu_code": "Ange en NPU-kod, till exempel NPU27300.",
}


def swedish_errors(error: ValidationError, *, skip: set[str] | None = None) -> dict[str, str]:
    """Swedish messages keyed by the field each problem is about (first problem wins)."""
    errors: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "details"
        if field in (skip or set()) or field in errors:
            continue
        message = _MESSAGES.get(item["type"], "Ogiltigt värde.")
        if item["type"] == "string_pattern_mismatch":
            message = _PATTERN_HINTS.get(field, message)
        errors[field] = message
    return errors
