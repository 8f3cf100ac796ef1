"""Which records are in scope for coordinated documentation (pure rules)."""

from __future__ import annotations

from collections.abc import Mapping

from samvard.records.models import RecordKind
from samvard.records.schemas import TargetGroup


def in_scope(kind: RecordKind, details: Mapping[str, object], *, share: bool) -> bool:
    """True if the record may be made available to other organisations.

    Health-care documentation is in scope unless the writer keeps it out. Social-care
    documentation is in scope only for elderly care and disability care, whatever the
    writer asks: other interventions under SoL are never shared.
    """
    if not kind.is_social_care:
        return share
    group = details.get("target_group")
    return share and isinstance(group, str) and TargetGroup(group).in_coordinated_scope
