"""Whose figures a planner sees: the whole country (national follow-up) or one region.

A region's planners and administrators see their own region down to each clinic. The
national follow-up body sees every region, but only down to municipalities: a clinic's
figures are the region's business, and at national level they would be small enough to
point out individuals more often. The access decision itself (who may plan at all) is the
policy's (InfoSet.ANALYTICS); the scope only says how far the figures reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.access.schemas import Actor
from samvard.directory.models import CareGiver, CareGiverKind


class NoPlanningScopeError(ValueError):
    """The actor belongs to no organisation that plans asylum health care."""


@dataclass(frozen=True)
class Scope:
    """National (all regions, down to municipalities) or one region (down to clinics).

    `region` is the länskod ("01") of a region scope and None for the national scope.
    """

    national: bool
    region: str | None

    def __post_init__(self) -> None:
        if self.national == (self.region is not None):
            raise ValueError("a scope is either national or one region")

    @classmethod
    def nation(cls) -> Scope:
        """The national follow-up body's scope."""
        return cls(national=True, region=None)

    @classmethod
    def of_region(cls, code: str) -> Scope:
        """A region's scope, by länskod."""
        if len(code) != 2 or not code.isdigit():
            raise ValueError(f"not a länskod: {code!r}")
        return cls(national=False, region=code)

    @classmethod
    def from_actor(cls, db: Session, actor: Actor) -> Scope:
        """The scope of the actor's care giver: national body or region (its own region).

        The region is the care giver's, looked up in the directory: the actor carries only
        the care giver's id and kind.
        """
        if actor.care_giver_kind is CareGiverKind.NATIONAL:
            return cls.nation()
        if actor.care_giver_kind is CareGiverKind.REGION and actor.care_giver_id is not None:
            code = db.scalar(
                select(CareGiver.region_code).where(CareGiver.id == actor.care_giver_id)
            )
            if code is not None:
                return cls.of_region(code)
        raise NoPlanningScopeError(
            "Produktionsplaneringen finns för regioner och den nationella uppföljningen."
        )

    @property
    def clinics(self) -> bool:
        """Whether figures go down to clinics (region scope only)."""
        return not self.national

    def allows_region(self, code: str) -> bool:
        """Whether the region's figures are inside the scope."""
        return self.national or code == self.region
