"""The details each kind of record carries, validated before anything is written.

Codes follow the Swedish systems: ICD-10-SE for diagnoses, ATC for medicines, NPU for
laboratory analyses. Text fields are free Swedish text written by staff.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from samvard.records.models import RecordKind

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Icd10 = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$")]
Atc = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$")]


class _Details(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoteDetails(_Details):
    """A care documentation note (journalanteckning)."""

    profession: Short
    text: Text


class DiagnosisDetails(_Details):
    """A diagnosis coded in ICD-10-SE."""

    code: Icd10
    text: Short
    main: bool = True


class ContactType(StrEnum):
    """Kinds of care contact (vårdkontakt)."""

    VISIT = "besok"
    PHONE = "telefon"
    VIDEO = "video"
    HOME_VISIT = "hembesok"
    INPATIENT = "inskrivning"


class ContactDetails(_Details):
    """A care contact: visit, call, home visit or admission."""

    contact_type: ContactType
    reason: Short
    ended_on: date | None = None


class MedicationDetails(_Details):
    """A medication in the patient's list (läkemedelslista)."""

    name: Short
    atc: Atc | None = None
    dosage: Short
    started_on: date
    ended_on: date | None = None


class AlertKind(StrEnum):
    """Kinds of alert information (uppmärksamhetsinformation)."""

    HYPERSENSITIVITY = "overkanslighet"
    CONDITION = "behandling"
    INFECTION = "smitta"
    RESTRICTION = "vardbegransning"


class AlertDetails(_Details):
    """Alert information every carer must see, such as a severe allergy."""

    alert_kind: AlertKind
    text: Short
    severe: bool = False


class LabDetails(_Details):
    """One laboratory result."""

    analysis: Short
    npu_code: Annotated[str, StringConstraints(pattern=r"^NPU[0-9]{5}$")] | None = None
    value: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    unit: Annotated[str, StringConstraints(max_length=20)] = ""
    reference_range: Annotated[str, StringConstraints(max_length=40)] = ""
    abnormal: bool = False


class AdlActivity(StrEnum):
    """Activities of daily living assessed in functional status (ADL)."""

    BATHING = "personlig_hygien"
    DRESSING = "av_och_pakladning"
    TOILETING = "toalettbesok"
    MOBILITY = "forflyttning"
    EATING = "maltider"
    CONTINENCE = "kontinens"


class FunctionalDetails(_Details):
    """Functional status: how independent the person is in one activity."""

    activity: AdlActivity
    level: Literal["sjalvstandig", "delvis_beroende", "helt_beroende"]
    comment: Annotated[str, StringConstraints(max_length=1000)] = ""


class TargetGroup(StrEnum):
    """Who a social-care intervention is for; only the first two may be shared."""

    ELDERLY = "aldre"
    DISABILITY = "funktionsnedsattning"
    INDIVIDUAL_FAMILY = "individ_och_familj"
    SUBSTANCE_ABUSE = "missbruk"
    FINANCIAL_AID = "ekonomiskt_bistand"

    @property
    def in_coordinated_scope(self) -> bool:
        """Lag 2022:913 covers elderly care and care for people with disabilities only."""
        return self in (TargetGroup.ELDERLY, TargetGroup.DISABILITY)


class SocialCareDetails(_Details):
    """A decided or provided social-care intervention (insats) under SoL or LSS."""

    intervention: Short
    law: Literal["SoL", "LSS"]
    target_group: TargetGroup
    decided_on: date
    ended_on: date | None = None
    scope: Annotated[str, StringConstraints(max_length=400)] = ""


DETAILS: dict[RecordKind, type[_Details]] = {
    RecordKind.NOTE: NoteDetails,
    RecordKind.DIAGNOSIS: DiagnosisDetails,
    RecordKind.CONTACT: ContactDetails,
    RecordKind.MEDICATION: MedicationDetails,
    RecordKind.ALERT: AlertDetails,
    RecordKind.LAB: LabDetails,
    RecordKind.FUNCTIONAL: FunctionalDetails,
    RecordKind.SOCIAL_CARE: SocialCareDetails,
}

KIND_LABELS: dict[RecordKind, str] = {
    RecordKind.NOTE: "Vårddokumentation",
    RecordKind.DIAGNOSIS: "Diagnoser",
    RecordKind.CONTACT: "Vårdkontakter",
    RecordKind.MEDICATION: "Läkemedel",
    RecordKind.ALERT: "Uppmärksamhetsinformation",
    RecordKind.LAB: "Laboratoriesvar",
    RecordKind.FUNCTIONAL: "Funktionstillstånd (ADL)",
    RecordKind.SOCIAL_CARE: "Insatser inom socialtjänsten",
}


class NewRecord(BaseModel):
    """What a writer supplies; details are checked against the kind's model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: RecordKind
    title: Short
    occurred_on: date
    details: dict[str, object]
    # Health-care writers may keep an entry out of coordinated documentation; social-care
    # scope follows from the target group and cannot be widened (see policy.in_scope).
    share: bool = True
    replaces_id: int | None = Field(default=None, ge=1)


def parse_details(kind: RecordKind, raw: dict[str, object]) -> _Details:
    """Validate `raw` as the details of `kind` (raises pydantic.ValidationError)."""
    return DETAILS[kind].model_validate(raw)
