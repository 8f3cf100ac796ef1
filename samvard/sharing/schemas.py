"""The patient's sharing choices as plain values, the same on every node.

A consumer node sends the patient's `SharingState` (signed by the consent service) with
every request; producers decide from it with the pure rules in `policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from samvard.sharing.models import ConsentBasis


@dataclass(frozen=True, kw_only=True)
class ConsentView:
    """One active or future consent; `accessor_hsaid`/`info_sets` None means all."""

    accessor_hsaid: str | None
    info_sets: frozenset[str] | None
    basis: ConsentBasis
    valid_from: datetime
    valid_until: datetime | None


@dataclass(frozen=True, kw_only=True)
class BlockView:
    """One block in force: a care giver's records, or one unit's, stay at the source."""

    care_giver_hsaid: str
    unit_hsaid: str | None = None


@dataclass(frozen=True, kw_only=True)
class EmergencyView:
    """An open emergency access for one member of staff at one care giver."""

    staff_hsaid: str
    care_giver_hsaid: str
    expires_at: datetime


@dataclass(frozen=True, kw_only=True)
class SharingState:
    """Everything the rules need to know about one patient's choices, at one moment."""

    person_id: str
    as_of: datetime
    consents: tuple[ConsentView, ...] = ()
    blocks: tuple[BlockView, ...] = ()
    emergencies: tuple[EmergencyView, ...] = ()
    # A child too young to take a position: consent is not required (lag 2022:913) and
    # nobody, guardians included, can block on the child's behalf.
    child_without_capacity: bool = False

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form, used in signed statements between nodes."""
        return {
            "person_id": self.person_id,
            "as_of": self.as_of.isoformat(),
            "consents": [
                {
                    "accessor_hsaid": c.accessor_hsaid,
                    "info_sets": sorted(c.info_sets) if c.info_sets is not None else None,
                    "basis": c.basis.value,
                    "valid_from": c.valid_from.isoformat(),
                    "valid_until": c.valid_until.isoformat() if c.valid_until else None,
                }
                for c in self.consents
            ],
            "blocks": [
                {"care_giver_hsaid": b.care_giver_hsaid, "unit_hsaid": b.unit_hsaid}
                for b in self.blocks
            ],
            "emergencies": [
                {
                    "staff_hsaid": e.staff_hsaid,
                    "care_giver_hsaid": e.care_giver_hsaid,
                    "expires_at": e.expires_at.isoformat(),
                }
                for e in self.emergencies
            ],
            "child_without_capacity": self.child_without_capacity,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SharingState:
        """Read the form `to_json` writes (raises KeyError/ValueError on a bad document)."""
        return cls(
            person_id=str(data["person_id"]),
            as_of=datetime.fromisoformat(data["as_of"]),
            consents=tuple(
                ConsentView(
                    accessor_hsaid=c["accessor_hsaid"],
                    info_sets=frozenset(c["info_sets"]) if c["info_sets"] is not None else None,
                    basis=ConsentBasis(c["basis"]),
                    valid_from=datetime.fromisoformat(c["valid_from"]),
                    valid_until=(
                        datetime.fromisoformat(c["valid_until"]) if c["valid_until"] else None
                    ),
                )
                for c in data["consents"]
            ),
            blocks=tuple(
                BlockView(care_giver_hsaid=b["care_giver_hsaid"], unit_hsaid=b["unit_hsaid"])
                for b in data["blocks"]
            ),
            emergencies=tuple(
                EmergencyView(
                    staff_hsaid=e["staff_hsaid"],
                    care_giver_hsaid=e["care_giver_hsaid"],
                    expires_at=datetime.fromisoformat(e["expires_at"]),
                )
                for e in data["emergencies"]
            ),
            child_without_capacity=bool(data["child_without_capacity"]),
        )
