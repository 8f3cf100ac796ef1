"""Plain-language Swedish explanations of audit entries, for the citizen's access log."""

from __future__ import annotations

from samvard.core.audit import AuditEntry

_REASONS = {
    "care_relation": "Du har en pågående vårdkontakt hos vårdgivaren.",
    "social_care_relation": "Du har en pågående kontakt med kommunens omsorg.",
    "own_records": "Du läste dina egna uppgifter.",
    "no_care_relation": "Personen hade ingen vårdrelation med dig, så åtkomsten nekades.",
    "no_active_assignment": "Personen saknade ett giltigt uppdrag, så åtkomsten nekades.",
    "no_care_role": "Personens roll ger inte tillgång till patientuppgifter, så åtkomsten nekades.",
    "protected_identity": "Dina skyddade personuppgifter visades inte.",
    "not_log_reviewer": "Åtkomsten nekades.",
    "log_review": "Vårdgivaren granskade loggen över vem som läst om dig (logguppföljning).",
    "not_own_records": "Åtkomsten nekades.",
    "unit_patient_list": "Du har en pågående kontakt med enheten och finns på dess patientlista.",
    "care_role_lookup": "Personal i vårdande roll sökte på ditt personnummer.",
}

_RESOURCES = {
    "patient.demographics": "dina person- och kontaktuppgifter",
    "patient.protected_details": "ditt namn och din adress",
    "patient.access_log": "loggen över vem som läst om dig",
    "audit.review": "loggen över vem som läst om dig",
    "unit.patient_list": "ditt namn och personnummer i enhetens patientlista",
    "patient.lookup": "en sökning på ditt personnummer",
    "session": "inloggning",
}


def explain_reason(entry: AuditEntry) -> str:
    """Why the access happened (or was stopped), in words a patient understands."""
    return _REASONS.get(entry.reason, "Åtkomsten registrerades.")


def explain_resource(entry: AuditEntry) -> str:
    """What information the access concerned."""
    return _RESOURCES.get(entry.resource, entry.resource)


def outcome_text(entry: AuditEntry) -> str:
    """The verb that starts the 'Vad' sentence: what happened to the information."""
    return "Läste" if entry.outcome == "allowed" else "Nekad åtkomst till"
