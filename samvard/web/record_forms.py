"""The staff form for each kind of record, and how a record's details read in Swedish.

One table of fields per kind drives three things: the form the template draws, the
parsing of what was posted (into a `NewRecord`, or Swedish errors per field), and the
Swedish description of a record's details on the journal and coordinated pages. Field
names are the detail keys of `samvard.records.schemas`, so errors land on the right input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError

from samvard.records.messages import swedish_errors
from samvard.records.models import RecordKind
from samvard.records.schemas import NewRecord, parse_details

InputKind = Literal["text", "textarea", "date", "select", "checkbox"]
Options = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FormField:
    """One input of a record form."""

    name: str
    label: str
    input: InputKind = "text"
    required: bool = True
    options: Options = ()
    hint: str = ""
    max_length: int = 200


CONTACT_TYPES: Options = (
    ("besok", "Besök"),
    ("telefon", "Telefon"),
    ("video", "Video"),
    ("hembesok", "Hembesök"),
    ("inskrivning", "Inskrivning i slutenvård"),
)
ALERT_KINDS: Options = (
    ("overkanslighet", "Överkänslighet"),
    ("behandling", "Behandling eller tillstånd"),
    ("smitta", "Smitta"),
    ("vardbegransning", "Vårdbegränsning"),
)
ADL_ACTIVITIES: Options = (
    ("personlig_hygien", "Personlig hygien"),
    ("av_och_pakladning", "Av- och påklädning"),
    ("toalettbesok", "Toalettbesök"),
    ("forflyttning", "Förflyttning"),
    ("maltider", "Måltider"),
    ("kontinens", "Kontinens"),
)
ADL_LEVELS: Options = (
    ("sjalvstandig", "Självständig"),
    ("delvis_beroende", "Delvis beroende"),
    ("helt_beroende", "Helt beroende"),
)
LAWS: Options = (("SoL", "Socialtjänstlagen (SoL)"), ("LSS", "LSS"))
TARGET_GROUPS: Options = (
    ("aldre", "Äldre"),
    ("funktionsnedsattning", "Personer med funktionsnedsättning"),
    ("individ_och_familj", "Individ och familj"),
    ("missbruk", "Missbruk och beroende"),
    ("ekonomiskt_bistand", "Ekonomiskt bistånd"),
)

_F = FormField
FIELDS: dict[RecordKind, tuple[FormField, ...]] = {
    RecordKind.NOTE: (
        _F("profession", "Yrke", hint="Till exempel sjuksköterska eller undersköterska."),
        _F("text", "Anteckning", "textarea", max_length=4000),
    ),
    RecordKind.DIAGNOSIS: (
        _F("code", "Diagnoskod (ICD-10-SE)", hint="Till exempel E11.9.", max_length=10),
        _F("text", "Diagnos"),
        _F("main", "Huvuddiagnos", "checkbox", required=False),
    ),
    RecordKind.CONTACT: (
        _F("contact_type", "Typ av kontakt", "select", options=CONTACT_TYPES),
        _F("reason", "Orsak"),
        _F("ended_on", "Avslutad", "date", required=False),
    ),
    RecordKind.MEDICATION: (
        _F("name", "Läkemedel"),
        _F("atc", "ATC-kod", required=False, hint="Till exempel C09AA02.", max_length=10),
        _F("dosage", "Dosering"),
        _F("started_on", "Insatt", "date"),
        _F("ended_on", "Utsatt", "date", required=False),
    ),
    RecordKind.ALERT: (
        _F("alert_kind", "Slag", "select", options=ALERT_KINDS),
        _F("text", "Beskrivning"),
        _F("severe", "Allvarlig", "checkbox", required=False),
    ),
    RecordKind.LAB: (
        _F("analysis", "Analys"),
        _F("npu_code", "NPU-kod", required=False, hint="Till exempel NPU27300.", max_length=10),
        _F("value", "Resultat", max_length=40),
        _F("unit", "Enhet", required=False, max_length=20),
        _F("reference_range", "Referensintervall", required=False, max_length=40),
        _F("abnormal", "Avvikande", "checkbox", required=False),
    ),
    RecordKind.FUNCTIONAL: (
        _F("activity", "Aktivitet", "select", options=ADL_ACTIVITIES),
        _F("level", "Förmåga", "select", options=ADL_LEVELS),
        _F("comment", "Kommentar", "textarea", required=False, max_length=1000),
    ),
    RecordKind.SOCIAL_CARE: (
        _F("intervention", "Insats"),
        _F("law", "Lag", "select", options=LAWS),
        _F("target_group", "Målgrupp", "select", options=TARGET_GROUPS),
        _F("decided_on", "Beslutad", "date"),
        _F("ended_on", "Avslutad", "date", required=False),
        _F("scope", "Omfattning", "textarea", required=False, max_length=400),
    ),
}

COMMON_FIELDS = (
    _F("title", "Rubrik"),
    _F("occurred_on", "Datum", "date", hint="När besöket, beslutet eller provet ägde rum."),
)
SHARE_FIELD = _F("share", "Ingår i sammanhållen dokumentation", "checkbox", required=False)
LABELS = {
    f.name: f.label
    for f in (*COMMON_FIELDS, SHARE_FIELD, *(f for fs in FIELDS.values() for f in fs))
}

# Which date a closing date must not precede.
_STARTS = {"ended_on": ("started_on", "decided_on")}


def parse_form(
    kind: RecordKind, form: Mapping[str, str], *, today: date
) -> tuple[NewRecord | None, dict[str, str]]:
    """The record the form describes, or None and Swedish errors keyed by field name."""
    details = _details(kind, form)
    errors: dict[str, str] = {}
    new: NewRecord | None = None
    try:
        new = NewRecord.model_validate(
            {
                "kind": kind,
                "title": form.get("title", ""),
                "occurred_on": form.get("occurred_on", ""),
                "details": details,
                "share": bool(form.get("share")),
            }
        )
    except ValidationError as error:
        errors |= swedish_errors(error, skip={"details"})
    try:
        parse_details(kind, details)
    except ValidationError as error:
        errors |= swedish_errors(error)
    errors |= _date_order(details, new, today)
    return (new, {}) if new is not None and not errors else (None, errors)


def _details(kind: RecordKind, form: Mapping[str, str]) -> dict[str, object]:
    details: dict[str, object] = {}
    for field in FIELDS[kind]:
        raw = form.get(field.name, "").strip()
        if field.input == "checkbox":
            details[field.name] = bool(raw)
        elif raw or field.required:
            # An empty optional input means "not given": the schema's default applies.
            details[field.name] = raw
    return details


def _date_order(details: dict[str, object], new: NewRecord | None, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if new is not None and new.occurred_on > today:
        errors["occurred_on"] = "Datumet får inte ligga i framtiden."
    ended = _as_date(details.get("ended_on"))
    for start in _STARTS["ended_on"]:
        began = _as_date(details.get(start))
        if ended and began and ended < began:
            errors["ended_on"] = "Slutdatumet kan inte ligga före startdatumet."
    return errors


def _as_date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def describe(kind: RecordKind, details: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A record's details as (Swedish label, value) pairs, in form order; empty ones left out."""
    pairs = []
    for field in FIELDS[kind]:
        value = details.get(field.name)
        if value is None or value == "":
            continue
        if field.input == "checkbox":
            text = "ja" if value else "nej"
        elif field.options:
            text = dict(field.options).get(str(value), str(value))
        else:
            text = str(value)
        pairs.append((field.label, text))
    return pairs


def target_group_label(value: object) -> str:
    """The Swedish name of a social-care target group."""
    return dict(TARGET_GROUPS).get(str(value), str(value))
