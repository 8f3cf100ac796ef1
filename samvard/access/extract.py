"""The citizen's access log as a file to keep: CSV for spreadsheets, JSON for programs.

Pure: rows in, text out. Columns and words are the ones "Vem har läst om mig?" shows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from samvard.access import explain
from samvard.access.queries import AccessLogRow

SWEDEN = ZoneInfo("Europe/Stockholm")
COLUMNS = (
    "Tid",
    "Utfall",
    "Vem",
    "Roll",
    "Enhet",
    "Vårdgivare",
    "Uppgifternas vårdgivare",
    "Vad",
    "Varför",
    "Nödåtkomst",
)
# The JSON extract's keys for the same columns: plain ASCII, for programs.
_JSON_KEYS = dict(
    zip(
        COLUMNS,
        (
            "tid",
            "utfall",
            "vem",
            "roll",
            "enhet",
            "vardgivare",
            "uppgifternas_vardgivare",
            "vad",
            "varfor",
            "nodatkomst",
        ),
        strict=True,
    )
)
_ROLES = {
    "clinician": "Vårdpersonal",
    "care_staff": "Omsorgspersonal",
    "administrator": "Administratör",
    "log_reviewer": "Loggranskare",
    "planner": "Planerare",
}
# A cell starting with one of these is a formula to a spreadsheet program; a leading
# apostrophe keeps a name like "=cmd" as the text it is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def row_values(row: AccessLogRow) -> dict[str, str]:
    """One access as the Swedish words of the page, keyed by column."""
    entry = row.entry
    source = row.source_name or entry.source_hsaid or ""
    return {
        "Tid": entry.recorded_at.astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M:%S"),
        "Utfall": "Tillåten" if entry.outcome == "allowed" else "Nekad",
        "Vem": row.staff_name or entry.actor_id,
        "Roll": _ROLES.get(entry.actor_role or "", entry.actor_role or ""),
        "Enhet": row.unit_name or entry.unit_hsaid or "",
        "Vårdgivare": row.care_giver_name or entry.care_giver_hsaid or "",
        "Uppgifternas vårdgivare": source,
        "Vad": f"{explain.outcome_text(entry)} {explain.explain_resource(entry)}",
        "Varför": explain.explain_reason(entry),
        "Nödåtkomst": "Ja" if explain.is_emergency(entry) else "Nej",
    }


def formula_safe(value: str) -> str:
    """A text a spreadsheet program will show as text, never run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(rows: Sequence[AccessLogRow]) -> str:
    """Semicolon-separated with a byte-order mark, as Swedish spreadsheet programs expect."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        values = row_values(row)
        writer.writerow([formula_safe(values[column]) for column in COLUMNS])
    return "\ufeff" + out.getvalue()


def to_json(rows: Sequence[AccessLogRow], *, person_id: str, made_at: datetime) -> dict[str, Any]:
    """The same content as the CSV, with the machine-readable codes alongside."""
    return {
        "personnummer": person_id,
        "skapad": made_at.isoformat(),
        "antal": len(rows),
        "atkomster": [_json_row(row) for row in rows],
    }


def _json_row(row: AccessLogRow) -> dict[str, Any]:
    entry = row.entry
    values: dict[str, Any] = {_JSON_KEYS[k]: v for k, v in row_values(row).items()}
    values["nodatkomst"] = explain.is_emergency(entry)
    values.update(
        tid_utc=entry.recorded_at.isoformat(),
        resurs=entry.resource,
        skal=entry.reason,
        uppgifternas_vardgivare_hsaid=entry.source_hsaid,
        loggpost=entry.entry_id,
    )
    return values
