"""Which records are in scope for coordinated documentation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from samvard.records.models import RecordKind
from samvard.records.policy import in_scope
from samvard.records.schemas import TargetGroup, parse_details


@pytest.mark.parametrize(
    ("group", "shared"),
    [
        (TargetGroup.ELDERLY, True),
        (TargetGroup.DISABILITY, True),
        (TargetGroup.INDIVIDUAL_FAMILY, False),
        (TargetGroup.SUBSTANCE_ABUSE, False),
        (TargetGroup.FINANCIAL_AID, False),
    ],
)
def test_social_care_is_shared_only_for_elderly_and_disability_care(
    group: TargetGroup, shared: bool
) -> None:
    details = {"target_group": group.value}
    assert in_scope(RecordKind.SOCIAL_CARE, details, share=True) is shared
    # The writer can keep an entry out, never widen the law's scope.
    assert in_scope(RecordKind.SOCIAL_CARE, details, share=False) is False


@pytest.mark.parametrize("kind", [k for k in RecordKind if not k.is_social_care])
def test_health_records_are_shared_unless_kept_out(kind: RecordKind) -> None:
    assert in_scope(kind, {}, share=True)
    assert not in_scope(kind, {}, share=False)


@pytest.mark.parametrize(
    ("kind", "details"),
    [
        (RecordKind.DIAGNOSIS, {"code": "i10", "text": "Hypertoni"}),
        (RecordKind.DIAGNOSIS, {"code": "I10", "text": ""}),
        (
            RecordKind.MEDICATION,
            {"name": "Waran", "atc": "B01", "dosage": "1x1", "started_on": "2026-01-01"},
        ),
        (RecordKind.LAB, {"analysis": "Hb", "value": "130", "npu_code": "NPU1"}),
        (
            RecordKind.SOCIAL_CARE,
            {
                "intervention": "Hemtjänst",
                "law": "HSL",
                "target_group": "aldre",
                "decided_on": "2026-01-01",
            },
        ),
        (RecordKind.NOTE, {"profession": "Sjuksköterska", "text": "x", "extra": 1}),
        (RecordKind.FUNCTIONAL, {"activity": "flyga", "level": "sjalvstandig"}),
    ],
)
def test_malformed_details_are_refused(kind: RecordKind, details: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        parse_details(kind, details)
