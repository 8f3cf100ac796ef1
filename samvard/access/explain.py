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
    # Coordinated documentation: another organisation's records, and on what ground.
    "consent": "Du har samtyckt till att vårdgivaren får ta del av uppgifterna.",
    "presumed_consent": "Du kunde inte själv ta ställning, och personalen registrerade ett "
    "antaget samtycke.",
    "child_without_capacity": "Barn under 13 år behöver inte samtycka. Personal med en "
    "vårdrelation får ta del av uppgifterna.",
    "emergency_access": "Nödåtkomst: personalen bedömde att du behövde vård och att ditt "
    "samtycke inte kunde inhämtas. Åtkomsten granskas i efterhand.",
    "emergency_access_opened": "Personalen öppnade nödåtkomst och angav ett skäl. "
    "Åtkomsten granskas i efterhand.",
    "blocked": "Du har spärrat uppgifterna, så åtkomsten nekades.",
    "no_consent": "Du har inte samtyckt till att vårdgivaren tar del av uppgifterna, så "
    "åtkomsten nekades.",
    "documentation": "Personalen dokumenterade om dig på sin enhet.",
    "wrong_record_kind": "Personalens roll får inte dokumentera den sortens uppgifter, så det "
    "nekades.",
    "no_emergency_access": "Personalen får inte öppna nödåtkomst, så det nekades.",
}

# Reasons that mark an emergency access, shown with a label of their own.
EMERGENCY_REASONS = frozenset({"emergency_access", "emergency_access_opened"})

_RESOURCES = {
    "patient.demographics": "dina person- och kontaktuppgifter",
    "patient.protected_details": "ditt namn och din adress",
    "patient.access_log": "loggen över vem som läst om dig",
    "audit.review": "loggen över vem som läst om dig",
    "unit.patient_list": "ditt namn och personnummer i enhetens patientlista",
    "patient.lookup": "en sökning på ditt personnummer",
    "session": "inloggning",
    "patient.sharing": "dina samtycken och spärrar",
    "patient.emergency_access": "nödåtkomst till dina uppgifter",
    "record.note": "din vårddokumentation",
    "record.diagnosis": "dina diagnoser",
    "record.contact": "dina vårdkontakter",
    "record.medication": "dina läkemedel",
    "record.alert": "din uppmärksamhetsinformation",
    "record.lab": "dina provsvar",
    "record.functional": "ditt funktionstillstånd (ADL)",
    "record.social_care": "dina insatser inom socialtjänsten",
}


def explain_reason(entry: AuditEntry) -> str:
    """Why the access happened (or was stopped), in words a patient understands."""
    return _REASONS.get(entry.reason, "Åtkomsten registrerades.")


def explain_resource(entry: AuditEntry) -> str:
    """What information the access concerned."""
    return _RESOURCES.get(entry.resource, entry.resource)


def outcome_text(entry: AuditEntry) -> str:
    """The verb that starts the 'Vad' sentence: what happened to the information."""
    if entry.outcome != "allowed":
        return "Nekad åtkomst till"
    if entry.reason == "emergency_access_opened":
        return "Öppnade"
    # A producer node's entry: another node fetched the records to show its reader.
    verbs = {"write": "Registrerade", "disclose": "Hämtade"}
    return verbs.get(entry.action, "Läste")


def is_emergency(entry: AuditEntry) -> bool:
    """True for emergency accesses, which the citizen's log makes stand out."""
    return entry.reason in EMERGENCY_REASONS
