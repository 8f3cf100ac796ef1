"""Identifier systems and code systems used in Samvård's FHIR resources.

National identifier systems are OIDs as `urn:oid:` URIs. Where no national system fits,
Samvård uses its own *local* URIs under `LOCAL_BASE`; they mean something only to Samvård
nodes and are documented here so that a consumer can recognise them.

Sources checked (November 2026):

- personnummer `1.2.752.129.2.1.3.1` and samordningsnummer `1.2.752.129.2.1.3.3`:
  Inera's identifier list and RIV-TA contracts.
- HSA-id `1.2.752.29.4.19`: the OID HL7 Sweden's base profiles (basprofiler-r4) choose for
  HSA identifiers of any object class. RIV-TA contracts use per-class OIDs instead
  (e.g. `1.2.752.129.2.1.4.1`); a consumer that compares systems must know both.
- kommunkod `1.2.752.129.2.2.1.17` (KV Kommun) and länskod `1.2.752.129.2.2.1.18` (KV Län),
  both SCB codes as published in Inera's code-system list and used in RIV-TA contracts.
  Note: `.18` is the *county* code system, not the municipality one, and no use of
  `1.2.752.129.2.2.1.20` as länskod was found.
- reservnummer: there is no single national system. `1.2.752.129.2.1.3.2` is Inera
  Carelink's reservnummer and each region has its own OID, so Samvård's own reservnummer
  use the local system `RESERVNUMMER`; a deployment that issues a region's numbers passes
  that region's system instead (see `person_identifier_system`).
"""

from __future__ import annotations

from typing import Final

# --- National identifier systems ---------------------------------------------------------

PERSONNUMMER: Final = "urn:oid:1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER: Final = "urn:oid:1.2.752.129.2.1.3.3"
HSA_ID: Final = "urn:oid:1.2.752.29.4.19"
KOMMUNKOD: Final = "urn:oid:1.2.752.129.2.2.1.17"
LANSKOD: Final = "urn:oid:1.2.752.129.2.2.1.18"

# --- Local (Samvård-only) systems --------------------------------------------------------

LOCAL_BASE: Final = "https://samvard.se/fhir"
# Local: reservnummer issued by this Samvård node. Override per deployment if a region's
# own reservnummer OID applies.
RESERVNUMMER: Final = f"{LOCAL_BASE}/sid/reservnummer"
CARE_GIVER_KIND: Final = f"{LOCAL_BASE}/CodeSystem/care-giver-kind"
UNIT_KIND: Final = f"{LOCAL_BASE}/CodeSystem/unit-kind"
PROFESSION: Final = f"{LOCAL_BASE}/CodeSystem/profession"
ROLE: Final = f"{LOCAL_BASE}/CodeSystem/role"
PURPOSE: Final = f"{LOCAL_BASE}/CodeSystem/purpose"
ACTION: Final = f"{LOCAL_BASE}/CodeSystem/audit-action"
ACTOR_KIND: Final = f"{LOCAL_BASE}/CodeSystem/actor-kind"

# Coordinated care documentation (records shared between nodes).
RECORD_KIND: Final = f"{LOCAL_BASE}/CodeSystem/record-kind"
CONTACT_TYPE: Final = f"{LOCAL_BASE}/CodeSystem/contact-type"
ALERT_KIND: Final = f"{LOCAL_BASE}/CodeSystem/alert-kind"
ADL_ACTIVITY: Final = f"{LOCAL_BASE}/CodeSystem/adl-activity"
FUNCTIONAL_LEVEL: Final = f"{LOCAL_BASE}/CodeSystem/functional-level"
TARGET_GROUP: Final = f"{LOCAL_BASE}/CodeSystem/social-care-target-group"
SOCIAL_CARE_LAW: Final = f"{LOCAL_BASE}/CodeSystem/social-care-law"
EXT_TITLE: Final = f"{LOCAL_BASE}/StructureDefinition/record-title"
EXT_SOURCE_UNIT: Final = f"{LOCAL_BASE}/StructureDefinition/source-unit"
EXT_SOURCE_CARE_GIVER: Final = f"{LOCAL_BASE}/StructureDefinition/source-care-giver"
EXT_MAIN_DIAGNOSIS: Final = f"{LOCAL_BASE}/StructureDefinition/main-diagnosis"
EXT_LAB_UNIT: Final = f"{LOCAL_BASE}/StructureDefinition/lab-result-unit"

# --- National code systems ---------------------------------------------------------------

# ICD-10-SE (Socialstyrelsen) and ATC (the Swedish Medical Products Agency's list).
ICD10_SE: Final = "urn:oid:1.2.752.116.1.1.1"
ATC: Final = "urn:oid:1.2.752.129.2.2.3.1.1"
# NPU laboratory codes, by HL7's canonical URI for the international terminology.
NPU: Final = "http://npu-terminology.org"

# --- HL7 / DICOM terminology -------------------------------------------------------------

CONFIDENTIALITY: Final = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
AUDIT_EVENT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/audit-event-type"
DICOM: Final = "http://dicom.nema.org/resources/ontology/DCM"
AUDIT_ENTITY_TYPE: Final = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE: Final = "http://terminology.hl7.org/CodeSystem/object-role"
SECURITY_SOURCE_TYPE: Final = "http://terminology.hl7.org/CodeSystem/security-source-type"
CONDITION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION: Final = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
FLAG_PRIORITY: Final = "http://hl7.org/fhir/StructureDefinition/flag-priority"
FLAG_PRIORITY_CODE: Final = "http://hl7.org/fhir/flag-priority-code"

_ID_KIND_SYSTEMS: Final = {
    "personnummer": PERSONNUMMER,
    "samordningsnummer": SAMORDNINGSNUMMER,
    "reservnummer": RESERVNUMMER,
}


def person_identifier_system(id_kind: str, *, reservnummer_system: str = RESERVNUMMER) -> str:
    """The identifier system for a person's `id_kind`; unknown kinds are an error."""
    kind = id_kind.strip().lower()
    if kind == "reservnummer":
        return reservnummer_system
    try:
        return _ID_KIND_SYSTEMS[kind]
    except KeyError:
        raise ValueError(f"unknown person id kind: {id_kind!r}") from None


def infer_person_id_system(value: str, *, reservnummer_system: str = RESERVNUMMER) -> str:
    """Guess the system of a bare person id (audit entries store only the number).

    Twelve digits with day 01-31 are a personnummer, day 60-91 a samordningsnummer (day
    plus 60; 60 itself means unknown day); anything else is taken as a reservnummer.
    """
    digits = value.replace("-", "").replace("+", "")
    if len(digits) == 12 and digits.isdigit():
        day = int(digits[6:8])
        if 1 <= day <= 31:
            return PERSONNUMMER
        if 60 <= day <= 91:
            return SAMORDNINGSNUMMER
    return reservnummer_system
