"""What the demo's care givers have documented: fixed entries for the personas, and a small
catalogue the other shared patients draw from.

Ingrid Holm (the ELDER persona) is the coordinated-care story: the region's vårdcentral
treats her diabetes, hypertension and atrial fibrillation, and the municipality's home care
helps her at home. One home-care intervention is under individual and family care, which
lag 2022:913 never lets out of the municipality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from samvard.records.models import RecordKind

_K = RecordKind


@dataclass(frozen=True)
class Entry:
    """One record to write: which kind, its title, when it happened, and its details."""

    kind: RecordKind
    title: str
    occurred_on: date
    details: dict[str, object] = field(default_factory=dict)


def _medication(name: str, atc: str, dosage: str, started: date) -> Entry:
    details: dict[str, object] = {
        "name": name,
        "atc": atc,
        "dosage": dosage,
        "started_on": started.isoformat(),
    }
    return Entry(_K.MEDICATION, name, started, details)


def _diagnosis(code: str, text: str, on: date, *, main: bool = True) -> Entry:
    return Entry(_K.DIAGNOSIS, text, on, {"code": code, "text": text, "main": main})


def _lab(
    analysis: str, npu: str, value: str, unit: str, ref: str, on: date, *, high: bool
) -> Entry:
    details: dict[str, object] = {
        "analysis": analysis,
        "npu_code": npu,
        "value": value,
        "unit": unit,
        "reference_range": ref,
        "abnormal": high,
    }
    return Entry(_K.LAB, analysis, on, details)


def _adl(activity: str, level: str, comment: str, on: date) -> Entry:
    details: dict[str, object] = {"activity": activity, "level": level, "comment": comment}
    return Entry(_K.FUNCTIONAL, "Bedömning av ADL", on, details)


def _intervention(name: str, group: str, decided: date, scope: str) -> Entry:
    details: dict[str, object] = {
        "intervention": name,
        "law": "SoL",
        "target_group": group,
        "decided_on": decided.isoformat(),
        "scope": scope,
    }
    return Entry(_K.SOCIAL_CARE, name, decided, details)


ELDER_HEALTH_CENTRE: tuple[Entry, ...] = (
    _diagnosis("E11.9", "Typ 2-diabetes utan komplikationer", date(2019, 5, 14)),
    _diagnosis("I10", "Essentiell hypertoni", date(2016, 9, 2), main=False),
    _diagnosis("I48.9", "Förmaksflimmer, ospecificerat", date(2024, 2, 20), main=False),
    _medication(
        "Metformin 500 mg tablett", "A10BA02", "1 tablett 2 gånger dagligen", date(2019, 5, 14)
    ),
    _medication("Enalapril 10 mg tablett", "C09AA02", "1 tablett på morgonen", date(2016, 9, 2)),
    _medication(
        "Apixaban 5 mg tablett", "B01AF02", "1 tablett 2 gånger dagligen", date(2024, 2, 20)
    ),
    _medication(
        "Paracetamol 500 mg tablett",
        "N02BE01",
        "1–2 tabletter vid behov, högst 6 per dygn",
        date(2025, 11, 3),
    ),
    Entry(
        _K.ALERT,
        "Överkänslighet mot penicillin",
        date(2011, 4, 8),
        {
            "alert_kind": "overkanslighet",
            "text": "Penicillin: anafylaktisk reaktion 2011",
            "severe": True,
        },
    ),
    Entry(
        _K.ALERT,
        "Behandlas med blodförtunnande läkemedel",
        date(2024, 2, 20),
        {
            "alert_kind": "behandling",
            "text": "Apixaban (antikoagulantia): ökad blödningsrisk",
            "severe": False,
        },
    ),
    _lab("B-HbA1c", "NPU27300", "54", "mmol/mol", "31–46", date(2026, 9, 29), high=True),
    _lab("P-Kreatinin", "NPU04998", "92", "µmol/L", "45–90", date(2026, 9, 29), high=True),
    _lab("P-Kalium", "NPU03230", "4,1", "mmol/L", "3,5–4,6", date(2026, 9, 29), high=False),
    Entry(
        _K.CONTACT,
        "Årskontroll diabetes",
        date(2026, 10, 6),
        {"contact_type": "besok", "reason": "Årskontroll diabetes och blodtryck"},
    ),
    Entry(
        _K.CONTACT,
        "Telefonsamtal om provsvar",
        date(2026, 10, 13),
        {"contact_type": "telefon", "reason": "Besked om provsvar och ändrad dos"},
    ),
    Entry(
        _K.NOTE,
        "Årskontroll",
        date(2026, 10, 6),
        {
            "profession": "Läkare",
            "text": "Blodtryck 138/82. HbA1c 54, något högre än målet. Njurfunktionen lätt "
            "nedsatt; metformin behålls i oförändrad dos. Ny kontroll om sex månader.",
        },
    ),
)

ELDER_HOME_CARE: tuple[Entry, ...] = (
    _intervention(
        "Hemtjänst: personlig omvårdnad",
        "aldre",
        date(2024, 3, 15),
        "Hjälp morgon och kväll med hygien, påklädning och läkemedel, 30 timmar i månaden",
    ),
    _intervention("Trygghetslarm", "aldre", date(2024, 3, 15), "Larm dygnet runt"),
    _intervention(
        "Stödsamtal inom individ- och familjeomsorgen",
        "individ_och_familj",
        date(2025, 6, 2),
        "Samtal om familjesituationen, varannan vecka",
    ),
    _adl("personlig_hygien", "delvis_beroende", "Behöver hjälp i duschen", date(2026, 8, 18)),
    _adl("forflyttning", "delvis_beroende", "Går med rollator inomhus", date(2026, 8, 18)),
    _adl("maltider", "sjalvstandig", "", date(2026, 8, 18)),
    Entry(
        _K.CONTACT,
        "Hembesök morgon",
        date(2026, 11, 20),
        {"contact_type": "hembesok", "reason": "Morgonbesök enligt genomförandeplanen"},
    ),
    Entry(
        _K.NOTE,
        "Genomförandeplan uppföljd",
        date(2026, 11, 20),
        {
            "profession": "Undersköterska",
            "text": "Ingrid tar sina tabletter med påminnelse. Hon vill fortsätta duscha "
            "på kvällen. Anhörig (dotter) kontaktas vid förändring.",
        },
    ),
)

# The other shared patients each get one draw from every list.
OTHER_DIAGNOSES = (
    ("I10", "Essentiell hypertoni"),
    ("J44.9", "Kroniskt obstruktiv lungsjukdom, ospecificerad"),
    ("I50.9", "Hjärtsvikt, ospecificerad"),
    ("M81.9", "Osteoporos, ospecificerad"),
)
OTHER_MEDICATIONS = (
    ("Amlodipin 5 mg tablett", "C08CA01", "1 tablett på morgonen"),
    ("Furosemid 40 mg tablett", "C03CA01", "1 tablett på morgonen"),
    ("Alendronat 70 mg tablett", "M05BA04", "1 tablett en gång i veckan"),
    ("Levotyroxin 50 mikrog tablett", "H03AA01", "1 tablett på fastande mage"),
)
OTHER_INTERVENTIONS = (
    ("Hemtjänst: serviceinsatser", "Städning och inköp varannan vecka"),
    ("Matdistribution", "Lunch levereras alla vardagar"),
    ("Hemtjänst: personlig omvårdnad", "Hjälp på morgonen"),
)
