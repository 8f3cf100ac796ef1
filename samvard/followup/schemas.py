"""Swedish words for the follow-up: urgency levels, steps and channels.

An unknown code is shown as it is, so a new channel kind is never hidden from the page.
"""

from __future__ import annotations

URGENCY_LABELS = {
    "emergency": "Akut (112 eller akutmottagning nu)",
    "urgent": "Brådskande (vård i dag)",
    "non_urgent": "Icke brådskande (inom några dagar)",
    "self_care": "Egenvård",
    "unknown": "Okänd",
}

STEP_LABELS = {
    "started": "Avbröt innan besväret valdes",
    "complaint_chosen": "Avbröt under frågorna",
    "outcome": "Fick en bedömning",
}

CHANNEL_LABELS = {
    "nurse_chat": "Sjuksköterskechatt",
    "video": "Videobesök",
    "physical": "Fysiskt besök",
    "self_care": "Egenvård",
    "call_112": "Ring 112",
    "emergency_department": "Akutmottagning",
    "unknown": "Okänd",
}


def label(labels: dict[str, str], code: str) -> str:
    """The Swedish word for `code`, or the code itself when it has none."""
    return labels.get(code, code)
