"""One FHIR R4 resource per kind of record, and back: the kind-specific half of records.py.

Each `_to_*` builds the kind's own elements from validated details; each `_from_*` reads
them back into the raw details dict (validated afterwards against records.schemas) and
the date the record is about. Elements shared by every kind are set in records.py.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.documentreference import (
    DocumentReference,
    DocumentReferenceContent,
    DocumentReferenceContext,
)
from fhir.resources.R4B.dosage import Dosage
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation, ObservationReferenceRange
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest

from samvard.fhir import systems
from samvard.fhir.elements import coding, concept
from samvard.records.models import RecordKind

Fields = dict[str, Any]
# R4 Encounter.class for each kind of contact (v3 ActCode).
_ENCOUNTER_CLASS: Final = {
    "besok": "AMB",
    "telefon": "VR",
    "video": "VR",
    "hembesok": "HH",
    "inskrivning": "IMP",
}


class MissingElementError(ValueError):
    """A resource lacks an element its kind needs (becomes MalformedBundle)."""


def _code_in(concepts: list[CodeableConcept] | CodeableConcept | None, system: str) -> str:
    items = concepts if isinstance(concepts, list) else [concepts] if concepts else []
    for item in items:
        for code in item.coding or []:
            if code.system == system and code.code:
                return str(code.code)
    raise MissingElementError(f"no code from {system}")


def _optional_code(concepts: Any, system: str) -> str | None:
    try:
        return _code_in(concepts, system)
    except MissingElementError:
        return None


def as_date(value: object) -> date:
    """A FHIR date or dateTime as a date; anything else is malformed."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise MissingElementError("date missing")


def _maybe_date(value: object) -> str | None:
    return as_date(value).isoformat() if value is not None else None


def _extension_value(extensions: list[Extension] | None, url: str) -> Extension | None:
    return next((e for e in extensions or [] if e.url == url), None)


# --- diagnosis: Condition ------------------------------------------------------------------


def _to_condition(d: Fields, on: date) -> tuple[type[Resource], Fields]:
    return Condition, {
        "category": [concept(systems.CONDITION_CATEGORY, "encounter-diagnosis")],
        "code": CodeableConcept(coding=[coding(systems.ICD10_SE, d["code"])], text=d["text"]),
        "onsetDateTime": on,
        "extension_more": [Extension(url=systems.EXT_MAIN_DIAGNOSIS, valueBoolean=d["main"])],
    }


def _from_condition(r: Any) -> tuple[Fields, date]:
    main = _extension_value(r.extension, systems.EXT_MAIN_DIAGNOSIS)
    details = {
        "code": _code_in(r.code, systems.ICD10_SE),
        "text": r.code.text,
        "main": main.valueBoolean if main is not None else True,
    }
    return details, as_date(r.onsetDateTime)


# --- contact: Encounter --------------------------------------------------------------------


def _to_encounter(d: Fields, on: date) -> tuple[type[Resource], Fields]:
    return Encounter, {
        "status": "finished"
        if d["ended_on"] or d["contact_type"] != "inskrivning"
        else "in-progress",
        "class_fhir": coding(systems.ACT_CODE, _ENCOUNTER_CLASS[d["contact_type"]]),
        "type": [concept(systems.CONTACT_TYPE, d["contact_type"])],
        "reasonCode": [CodeableConcept(text=d["reason"])],
        "period": Period(start=on, end=d["ended_on"]),
    }


def _from_encounter(r: Any) -> tuple[Fields, date]:
    if r.period is None or not r.reasonCode:
        raise MissingElementError("Encounter.period or reasonCode")
    details = {
        "contact_type": _code_in(r.type, systems.CONTACT_TYPE),
        "reason": r.reasonCode[0].text,
        "ended_on": _maybe_date(r.period.end),
    }
    return details, as_date(r.period.start)


# --- medication: MedicationStatement -------------------------------------------------------


def _to_medication(d: Fields, on: date) -> tuple[type[Resource], Fields]:
    atc = [coding(systems.ATC, d["atc"])] if d["atc"] else None
    return MedicationStatement, {
        "status": "completed" if d["ended_on"] else "active",
        "medicationCodeableConcept": CodeableConcept(coding=atc, text=d["name"]),
        "effectivePeriod": Period(start=d["started_on"], end=d["ended_on"]),
        "dateAsserted": on,
        "dosage": [Dosage(text=d["dosage"])],
    }


def _from_medication(r: Any) -> tuple[Fields, date]:
    medicine, period = r.medicationCodeableConcept, r.effectivePeriod
    if medicine is None or period is None or not r.dosage:
        raise MissingElementError("MedicationStatement elements")
    details = {
        "name": medicine.text,
        "atc": _optional_code(medicine, systems.ATC),
        "dosage": r.dosage[0].text,
        "started_on": _maybe_date(period.start),
        "ended_on": _maybe_date(period.end),
    }
    return details, as_date(r.dateAsserted)


# --- alert: Flag -----------------------------------------------------------------------------


def _to_flag(d: Fields, on: date) -> tuple[type[Resource], Fields]:
    priority = concept(systems.FLAG_PRIORITY_CODE, "PH" if d["severe"] else "PL")
    return Flag, {
        "status": "active",
        "category": [concept(systems.ALERT_KIND, d["alert_kind"])],
        "code": CodeableConcept(text=d["text"]),
        "period": Period(start=on),
        "extension_more": [
            Extension(url=systems.FLAG_PRIORITY, valueCodeableConcept=priority),
        ],
    }


def _from_flag(r: Any) -> tuple[Fields, date]:
    priority = _extension_value(r.extension, systems.FLAG_PRIORITY)
    code = (
        _optional_code(priority.valueCodeableConcept, systems.FLAG_PRIORITY_CODE)
        if priority
        else None
    )
    if r.period is None:
        raise MissingElementError("Flag.period")
    details = {
        "alert_kind": _code_in(r.category, systems.ALERT_KIND),
        "text": r.code.text,
        "severe": code == "PH",
    }
    return details, as_date(r.period.start)


# --- lab: Observation (laboratory) -----------------------------------------------------------


# Numbers that survive the trip through a JSON number unchanged: no exponent, no leading
# or trailing zeros, few enough digits for a double. "5.40" would arrive as 5.4, so it
# travels as the written text instead, as does anything that is not a plain number.
_PLAIN_NUMBER = re.compile(r"^-?(0|[1-9][0-9]{0,11})(\.[0-9]{0,5}[1-9])?$")


def _plain_decimal(value: str) -> Decimal | None:
    if value == "-0" or not _PLAIN_NUMBER.match(value):
        return None
    return Decimal(value)


def _to_lab(d: Fields, on: date) -> tuple[type[Resource], Fields]:
    number = _plain_decimal(d["value"])
    code = [coding(systems.NPU, d["npu_code"])] if d["npu_code"] else None
    fields: Fields = {
        "status": "final",
        "category": [concept(systems.OBSERVATION_CATEGORY, "laboratory")],
        "code": CodeableConcept(coding=code, text=d["analysis"]),
        "effectiveDateTime": on,
        "interpretation": [concept(systems.INTERPRETATION, "A" if d["abnormal"] else "N")],
        "referenceRange": (
            [ObservationReferenceRange(text=d["reference_range"])] if d["reference_range"] else None
        ),
    }
    if number is not None:
        fields["valueQuantity"] = Quantity(value=number, unit=d["unit"] or None)
    else:
        fields["valueString"] = d["value"]
        if d["unit"]:
            fields["extension_more"] = [Extension(url=systems.EXT_LAB_UNIT, valueString=d["unit"])]
    return Observation, fields


def _from_lab(r: Any) -> tuple[Fields, date]:
    if r.valueQuantity is not None:
        value, unit = str(r.valueQuantity.value), r.valueQuantity.unit or ""
    else:
        extra = _extension_value(r.extension, systems.EXT_LAB_UNIT)
        value, unit = r.valueString, (extra.valueString if extra else "")
    details = {
        "analysis": r.code.text,
        "npu_code": _optional_code(r.code, systems.NPU),
        "value": value,
        "unit": unit,
        "reference_range": r.referenceRange[0].text if r.referenceRange else "",
        "abnormal": _optional_code(r.interpretation, systems.INTERPRETATION) == "A",
    }
    return details, as_date(r.effectiveDateTime)


# --- functional: Observation (survey, ADL) ---------------------------------------------------


def _to_functional(d: Fields, on: date) -> tuple[type[Resource], Fields]:
    return Observation, {
        "status": "final",
        "category": [concept(systems.OBSERVATION_CATEGORY, "survey")],
        "code": concept(systems.ADL_ACTIVITY, d["activity"]),
        "valueCodeableConcept": concept(systems.FUNCTIONAL_LEVEL, d["level"]),
        "effectiveDateTime": on,
        "note": [Annotation(text=d["comment"])] if d["comment"] else None,
    }


def _from_functional(r: Any) -> tuple[Fields, date]:
    details = {
        "activity": _code_in(r.code, systems.ADL_ACTIVITY),
        "level": _code_in(r.valueCodeableConcept, systems.FUNCTIONAL_LEVEL),
        "comment": r.note[0].text if r.note else "",
    }
    return details, as_date(r.effectiveDateTime)


# --- note: DocumentReference -----------------------------------------------------------------


def _to_note(d: Fields, on: date) -> tuple[type[Resource], Fields]:
    data = base64.b64encode(d["text"].encode("utf-8")).decode("ascii")
    return DocumentReference, {
        "status": "current",
        "category": [CodeableConcept(text=d["profession"])],
        "date": datetime(on.year, on.month, on.day, 12).isoformat() + "Z",
        "content": [
            DocumentReferenceContent(
                attachment=Attachment(contentType="text/plain; charset=utf-8", data=data)
            )
        ],
        "context": DocumentReferenceContext(period=Period(start=on)),
    }


def _from_note(r: Any) -> tuple[Fields, date]:
    attachment = r.content[0].attachment
    if not r.category or attachment.data is None or r.context is None or r.context.period is None:
        raise MissingElementError("DocumentReference elements")
    details = {"profession": r.category[0].text, "text": attachment.data.decode("utf-8")}
    return details, as_date(r.context.period.start)


# --- social_care: ServiceRequest -------------------------------------------------------------


def _to_service_request(d: Fields, on: date) -> tuple[type[Resource], Fields]:
    return ServiceRequest, {
        # A decided intervention (biståndsbeslut) is an authorisation to provide it.
        "status": "completed" if d["ended_on"] else "active",
        "intent": "order",
        "category": [
            concept(systems.TARGET_GROUP, d["target_group"]),
            concept(systems.SOCIAL_CARE_LAW, d["law"]),
        ],
        "code": CodeableConcept(text=d["intervention"]),
        "authoredOn": on,
        "occurrencePeriod": Period(start=d["decided_on"], end=d["ended_on"]),
        "note": [Annotation(text=d["scope"])] if d["scope"] else None,
    }


def _from_service_request(r: Any) -> tuple[Fields, date]:
    period = r.occurrencePeriod
    if r.code is None or period is None:
        raise MissingElementError("ServiceRequest elements")
    details = {
        "intervention": r.code.text,
        "law": _code_in(r.category, systems.SOCIAL_CARE_LAW),
        "target_group": _code_in(r.category, systems.TARGET_GROUP),
        "decided_on": _maybe_date(period.start),
        "ended_on": _maybe_date(period.end),
        "scope": r.note[0].text if r.note else "",
    }
    return details, as_date(r.authoredOn)


Builder = Callable[[Fields, date], tuple[type[Resource], Fields]]
Reader = Callable[[Any], tuple[Fields, date]]

BUILDERS: Final[dict[RecordKind, Builder]] = {
    RecordKind.DIAGNOSIS: _to_condition,
    RecordKind.CONTACT: _to_encounter,
    RecordKind.MEDICATION: _to_medication,
    RecordKind.ALERT: _to_flag,
    RecordKind.LAB: _to_lab,
    RecordKind.FUNCTIONAL: _to_functional,
    RecordKind.NOTE: _to_note,
    RecordKind.SOCIAL_CARE: _to_service_request,
}
READERS: Final[dict[RecordKind, Reader]] = {
    RecordKind.DIAGNOSIS: _from_condition,
    RecordKind.CONTACT: _from_encounter,
    RecordKind.MEDICATION: _from_medication,
    RecordKind.ALERT: _from_flag,
    RecordKind.LAB: _from_lab,
    RecordKind.FUNCTIONAL: _from_functional,
    RecordKind.NOTE: _from_note,
    RecordKind.SOCIAL_CARE: _from_service_request,
}
