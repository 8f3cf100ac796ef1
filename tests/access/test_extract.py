"""The access-log extract: Swedish spreadsheet CSV and JSON from the same rows."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from samvard.access import extract
from samvard.access.queries import AccessLogRow
from samvard.core.audit import AuditEntry

WHEN = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)


def row(**values: object) -> AccessLogRow:
    fields: dict[str, object] = {
        "recorded_at": WHEN,
        "actor_kind": "staff",
        "actor_id": "SE2321000016-P0001",
        "actor_role": "clinician",
        "unit_hsaid": "SE2321000016-E0005",
        "care_giver_hsaid": "SE2321000016-VG",
        "action": "read",
        "resource": "record.social_care",
        "outcome": "allowed",
        "reason": "emergency_access",
        "source_hsaid": "SE2120001801-VG",
        "entry_id": "e1",
    }
    fields.update(values)
    return AccessLogRow(
        AuditEntry(**fields),
        "Karin Sjöberg",
        "Vårdcentralen Stockholm Centrum",
        "Region Stockholm",
        "Socialnämnden i Stockholms kommun",
    )


def test_csv_has_bom_semicolons_swedish_headings_and_local_time() -> None:
    text = extract.to_csv([row()])
    assert text.startswith("\ufeffTid;Utfall;Vem;Roll;")
    table = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    line = dict(zip(table[0], table[1], strict=True))
    assert line["Tid"] == "2026-11-24 13:30:00"  # Stockholm, winter time
    assert line["Roll"] == "Vårdpersonal" and line["Nödåtkomst"] == "Ja"
    assert line["Uppgifternas vårdgivare"] == "Socialnämnden i Stockholms kommun"
    assert line["Vad"] == "Läste dina insatser inom socialtjänsten"


def test_csv_cells_never_start_a_formula() -> None:
    shown = row(actor_id="=HYPERLINK(1)", reason="no_consent", outcome="denied")
    shown = AccessLogRow(shown.entry, "=cmd|' /C calc'!A0", "+1", "-2", "@3")
    table = list(csv.reader(io.StringIO(extract.to_csv([shown])[1:]), delimiter=";"))
    line = dict(zip(table[0], table[1], strict=True))
    assert line["Vem"] == "'=cmd|' /C calc'!A0"
    assert (line["Enhet"], line["Vårdgivare"], line["Uppgifternas vårdgivare"]) == (
        "'+1",
        "'-2",
        "'@3",
    )
    assert line["Utfall"] == "Nekad" and line["Nödåtkomst"] == "Nej"


def test_json_carries_the_codes_beside_the_words() -> None:
    data = extract.to_json([row()], person_id="193804037483", made_at=WHEN)
    assert data["antal"] == 1 and data["personnummer"] == "193804037483"
    [first] = data["atkomster"]
    assert first["nodatkomst"] is True and first["skal"] == "emergency_access"
    assert first["vad"] == "Läste dina insatser inom socialtjänsten"
    assert first["tid_utc"] == WHEN.isoformat() and first["loggpost"] == "e1"
