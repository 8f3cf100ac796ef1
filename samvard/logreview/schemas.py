"""Swedish words for what log reviewers see: outcomes, grounds, information and purposes.

Codes come from the audit log and the policy; an unknown code is shown as it is, so a
new code is never hidden from the reviewer.
"""

from __future__ import annotations

from samvard.logreview.models import ReviewOutcome

OUTCOME_LABELS = {
    ReviewOutcome.JUSTIFIED: "Motiverad",
    ReviewOutcome.FOLLOW_UP: "Följs upp",
    ReviewOutcome.UNJUSTIFIED: "Omotiverad",
}

OUTCOME_HINTS = {
    ReviewOutcome.JUSTIFIED: "Åtkomsten hade stöd i uppdraget.",
    ReviewOutcome.FOLLOW_UP: "Behöver utredas vidare, till exempel med chefen.",
    ReviewOutcome.UNJUSTIFIED: "Åtkomsten saknade stöd och ska hanteras som avvikelse.",
}

REASON_LABELS = {
    "care_relation": "Vårdrelation hos vårdgivaren",
    "social_care_relation": "Omsorgsrelation hos omsorgsgivaren",
    "documentation": "Dokumentation på den egna enheten",
    "unit_patient_list": "Patient med relation till enheten (patientlista)",
    "care_role_lookup": "Sökning på personnummer i vårdande roll",
    "consent": "Patientens samtycke (sammanhållen dokumentation)",
    "presumed_consent": "Antaget samtycke",
    "child_without_capacity": "Barn utan förmåga att samtycka",
    "emergency_access": "Nödåtkomst",
    "emergency_access_opened": "Nödåtkomst öppnad",
    "log_review": "Logguppföljning",
    "no_care_relation": "Nekad: ingen vård- eller omsorgsrelation",
    "no_active_assignment": "Nekad: inget giltigt uppdrag",
    "no_care_role": "Nekad: rollen ger inte tillgång",
    "protected_identity": "Nekad: skyddade personuppgifter",
    "blocked": "Nekad: spärrad hos källan",
    "no_consent": "Nekad: samtycke saknas",
    "wrong_record_kind": "Nekad: fel sorts dokumentation för rollen",
    "no_emergency_access": "Nekad: rollen får inte öppna nödåtkomst",
    "not_log_reviewer": "Nekad: inte loggranskare",
}

RESOURCE_LABELS = {
    "patient.demographics": "Person- och kontaktuppgifter",
    "patient.protected_details": "Namn och adress (skyddade personuppgifter)",
    "patient.lookup": "Sökning på personnummer",
    "patient.access_log": "Patientens logg",
    "patient.sharing": "Samtycken och spärrar",
    "patient.emergency_access": "Nödåtkomst",
    "unit.patient_list": "Enhetens patientlista",
    "audit.review": "Logguppföljning",
    "record.note": "Vårddokumentation",
    "record.diagnosis": "Diagnoser",
    "record.contact": "Vårdkontakter",
    "record.medication": "Läkemedel",
    "record.alert": "Uppmärksamhetsinformation",
    "record.lab": "Provsvar",
    "record.functional": "Funktionstillstånd (ADL)",
    "record.social_care": "Insatser inom socialtjänsten",
}

PURPOSE_LABELS = {
    "care": "Vård",
    "social_care": "Omsorg",
    "own_records": "Egna uppgifter",
    "administration": "Administration",
    "log_review": "Logguppföljning",
}

ACTION_LABELS = {"read": "Läsning", "write": "Registrering"}


def label(labels: dict[str, str], code: str | None) -> str:
    """The Swedish label of `code`, or the code itself when there is none."""
    if code is None:
        return "–"
    return labels.get(code, code)
