"""Who could see what: the sharing rules applied to a patient's whole situation.

Pure functions over a `SharingState`, the organisations with a relation to the patient
(readers) and the engagement index (holdings). They use the very rules the policy hook
uses (`sharing.policy`), so the citizen's preview cannot drift from what staff meet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from samvard.access.schemas import InfoSet
from samvard.records.models import RecordKind
from samvard.sharing.policy import Ground, ground_for, is_blocked
from samvard.sharing.schemas import BlockView, ConsentView, SharingState


class Visibility(StrEnum):
    """What a reader organisation meets when it asks for one source's information set."""

    VISIBLE = "visible"
    BLOCKED = "blocked"
    NO_CONSENT = "no_consent"
    NO_RELATION = "no_relation"


@dataclass(frozen=True, kw_only=True)
class Reader:
    """An organisation that might read: a care giver, with or without an active relation."""

    care_giver_hsaid: str
    health_care: bool
    has_relation: bool


@dataclass(frozen=True, kw_only=True)
class Holding:
    """One engagement-index line: this unit of this care giver holds this information set."""

    care_giver_hsaid: str
    unit_hsaid: str
    info_set: RecordKind


@dataclass(frozen=True, kw_only=True)
class SourceView:
    """What one reader meets for one holding, and on which ground."""

    holding: Holding
    visibility: Visibility
    ground: Ground | None = None
    # Health care may still open emergency access when nothing else allows and no block
    # stands in the way; it is personal, reasoned, time-limited and reviewed.
    emergency_possible: bool = False


@dataclass(frozen=True, kw_only=True)
class ReaderView:
    """Everything one reader organisation could see of other organisations' records."""

    reader: Reader
    sources: tuple[SourceView, ...]

    def having(self, visibility: Visibility) -> tuple[SourceView, ...]:
        """The sources this reader meets with `visibility`."""
        return tuple(s for s in self.sources if s.visibility is visibility)


@dataclass(frozen=True, kw_only=True)
class Change:
    """One reader's view of one holding, before and after a change the citizen considers."""

    reader: Reader
    holding: Holding
    before: Visibility
    after: Visibility


def see(state: SharingState, reader: Reader, holding: Holding, *, now: datetime) -> SourceView:
    """What `reader` meets for `holding` at `now`, by the same rules as the policy hook."""
    if not reader.has_relation:
        return SourceView(holding=holding, visibility=Visibility.NO_RELATION)
    # The reader is another care giver, so a unit block always applies to it as well.
    if is_blocked(
        state,
        source_care_giver=holding.care_giver_hsaid,
        source_unit=holding.unit_hsaid,
        reader_care_giver=reader.care_giver_hsaid,
        reader_unit=None,
    ):
        return SourceView(holding=holding, visibility=Visibility.BLOCKED)
    # Emergency access belongs to one member of staff, not to the organisation: left out.
    ground = ground_for(
        state,
        reader_care_giver=reader.care_giver_hsaid,
        reader_staff="",
        reader_is_health_care=False,
        info_set=InfoSet.for_record(holding.info_set).value,
        now=now,
    )
    if ground is None:
        return SourceView(
            holding=holding, visibility=Visibility.NO_CONSENT, emergency_possible=reader.health_care
        )
    return SourceView(holding=holding, visibility=Visibility.VISIBLE, ground=ground)


def preview(
    state: SharingState,
    readers: Iterable[Reader],
    holdings: Sequence[Holding],
    *,
    now: datetime,
) -> tuple[ReaderView, ...]:
    """For each reader, what it could see of every other care giver's holdings."""
    return tuple(
        ReaderView(
            reader=reader,
            sources=tuple(
                see(state, reader, holding, now=now)
                for holding in holdings
                if holding.care_giver_hsaid != reader.care_giver_hsaid
            ),
        )
        for reader in readers
    )


def changes(before: Sequence[ReaderView], after: Sequence[ReaderView]) -> tuple[Change, ...]:
    """Every reader/holding pair whose visibility differs between two previews."""
    old = {(v.reader, s.holding): s.visibility for v in before for s in v.sources}
    return tuple(
        Change(
            reader=v.reader, holding=s.holding, before=old[v.reader, s.holding], after=s.visibility
        )
        for v in after
        for s in v.sources
        if (v.reader, s.holding) in old and old[v.reader, s.holding] is not s.visibility
    )


def with_block(
    state: SharingState, *, care_giver_hsaid: str, unit_hsaid: str | None = None
) -> SharingState:
    """The state as it would be with one more block."""
    block = BlockView(care_giver_hsaid=care_giver_hsaid, unit_hsaid=unit_hsaid)
    return replace(state, blocks=(*state.blocks, block))


def without_block(
    state: SharingState, *, care_giver_hsaid: str, unit_hsaid: str | None = None
) -> SharingState:
    """The state as it would be with that block lifted."""
    lifted = BlockView(care_giver_hsaid=care_giver_hsaid, unit_hsaid=unit_hsaid)
    return replace(state, blocks=tuple(b for b in state.blocks if b != lifted))


def with_consent(state: SharingState, consent: ConsentView) -> SharingState:
    """The state as it would be with one more consent."""
    return replace(state, consents=(*state.consents, consent))


class ConsentStatus(StrEnum):
    """Where a consent stands, as the citizen's list shows it."""

    ACTIVE = "active"
    FUTURE = "future"
    EXPIRED = "expired"
    REVOKED = "revoked"


def consent_status(
    *,
    valid_from: datetime,
    valid_until: datetime | None,
    revoked_at: datetime | None,
    now: datetime,
) -> ConsentStatus:
    """Revoked beats everything; otherwise the period decides (same bounds as `covers`)."""
    if revoked_at is not None:
        return ConsentStatus.REVOKED
    if valid_until is not None and valid_until <= now:
        return ConsentStatus.EXPIRED
    if valid_from > now:
        return ConsentStatus.FUTURE
    return ConsentStatus.ACTIVE
