"""Plain Swedish for the citizen's access log: every reason and resource has its words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from samvard.access import explain
from samvard.access.schemas import InfoSet
from samvard.core.audit import AuditEntry

COORDINATED_REASONS = [
    "consent",
    "presumed_consent",
    "child_without_capacity",
    "emergency_access",
    "emergency_access_opened",
    "blocked",
    "no_consent",
    "documentation",
    "wrong_record_kind",
    "no_emergency_access",
]


def entry(**values: object) -> AuditEntry:
    fields: dict[str, object] = {
        "recorded_at": datetime(2026, 11, 24, 12, tzinfo=UTC),
        "actor_kind": "staff",
        "actor_id": "SE2321000016-P0001",
        "action": "read",
        "resource": InfoSet.RECORD_MEDICATION.value,
        "outcome": "allowed",
        "reason": "consent",
        "entry_id": "e1",
    }
    fields.update(values)
    return AuditEntry(**fields)


@pytest.mark.parametrize("reason", COORDINATED_REASONS)
def test_every_coordinated_reason_is_explained(reason: str) -> None:
    text = explain.explain_reason(entry(reason=reason))
    assert text != "Åtkomsten registrerades." and text.endswith(".")


@pytest.mark.parametrize(
    "info", [i for i in InfoSet if i.record_kind] + [InfoSet.SHARING, InfoSet.EMERGENCY_ACCESS]
)
def test_every_record_set_and_sharing_resource_is_named(info: InfoSet) -> None:
    text = explain.explain_resource(entry(resource=info.value))
    assert text.startswith(("din ", "dina ", "ditt ", "nödåtkomst"))


@pytest.mark.parametrize(
    ("values", "verb", "emergency"),
    [
        ({}, "Läste", False),
        ({"outcome": "denied", "reason": "blocked"}, "Nekad åtkomst till", False),
        ({"action": "write", "reason": "documentation"}, "Registrerade", False),
        ({"action": "disclose"}, "Hämtade", False),
        ({"reason": "emergency_access"}, "Läste", True),
        ({"action": "write", "reason": "emergency_access_opened"}, "Öppnade", True),
        ({"outcome": "denied", "reason": "no_emergency_access"}, "Nekad åtkomst till", False),
    ],
)
def test_verb_and_emergency_label(values: dict[str, object], verb: str, emergency: bool) -> None:
    shown = entry(**values)
    assert explain.outcome_text(shown) == verb
    assert explain.is_emergency(shown) is emergency
