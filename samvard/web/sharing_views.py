"""What the citizen's sharing pages show: names resolved, lines grouped, words chosen.

The decisions themselves come from `sharing.preview` (pure); this module only loads the
situation once and shapes it for the templates and the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from samvard.directory.queries import names_by_hsa_id
from samvard.identity.models import Person
from samvard.records.models import RecordKind
from samvard.records.schemas import KIND_LABELS
from samvard.sharing import preview as pv
from samvard.sharing.inputs import SWEDEN
from samvard.sharing.models import Block, Consent
from samvard.sharing.policy import Ground
from samvard.sharing.queries import get_sharing_state, list_holdings, list_readers
from samvard.sharing.schemas import SharingState

GROUND_TEXT = {
    Ground.CONSENT: "med ditt samtycke",
    Ground.PRESUMED_CONSENT: "med antaget samtycke",
    Ground.CHILD_WITHOUT_CAPACITY: "utan samtycke, eftersom du är under 13 år",
    Ground.EMERGENCY_ACCESS: "vid nödåtkomst",
}
STATUS_TEXT = {
    pv.ConsentStatus.ACTIVE: "Gäller",
    pv.ConsentStatus.FUTURE: "Börjar gälla senare",
    pv.ConsentStatus.EXPIRED: "Har upphört",
    pv.ConsentStatus.REVOKED: "Återkallat",
}


@dataclass(frozen=True)
class Situation:
    """One patient's sharing state, readers, holdings and the names of everyone involved."""

    person: Person
    state: SharingState
    readers: list[pv.Reader]
    holdings: list[pv.Holding]
    names: dict[str, str]
    now: datetime

    def name(self, hsa_id: str | None) -> str:
        """The directory name, or the HSA-id itself for an organisation we do not know."""
        if hsa_id is None:
            return ""
        return self.names.get(hsa_id, hsa_id)

    def preview(self, state: SharingState | None = None) -> tuple[pv.ReaderView, ...]:
        """Who could see what under `state` (default: as things are)."""
        return pv.preview(state or self.state, self.readers, self.holdings, now=self.now)


def load_situation(
    session: Session, person: Person, *, now: datetime, more_names: Iterable[str] = ()
) -> Situation:
    """Read everything the sharing pages need about `person`, in a few queries."""
    state = get_sharing_state(session, person, now=now)
    readers = list_readers(session, person)
    holdings = list_holdings(session, person)
    wanted = {r.care_giver_hsaid for r in readers} | set(more_names)
    wanted |= {h.care_giver_hsaid for h in holdings} | {h.unit_hsaid for h in holdings}
    names = names_by_hsa_id(session, wanted)
    return Situation(person, state, readers, holdings, names, now)


@dataclass(frozen=True)
class SourceLine:
    """One source unit and the kinds of information a reader meets there."""

    care_giver: str
    unit: str
    kinds: list[str]
    grounds: list[str] = field(default_factory=list)
    emergency_possible: bool = False


def source_lines(situation: Situation, sources: Iterable[pv.SourceView]) -> list[SourceLine]:
    """Sources grouped by unit, kinds in their usual order, with the grounds in words."""
    grouped: dict[tuple[str, str], list[pv.SourceView]] = {}
    for source in sources:
        key = (source.holding.care_giver_hsaid, source.holding.unit_hsaid)
        grouped.setdefault(key, []).append(source)
    return [
        SourceLine(
            care_giver=situation.name(giver),
            unit=situation.name(unit),
            kinds=labels(s.holding.info_set for s in items),
            grounds=sorted({GROUND_TEXT[s.ground] for s in items if s.ground}),
            emergency_possible=any(s.emergency_possible for s in items),
        )
        for (giver, unit), items in sorted(grouped.items())
    ]


def labels(kinds: Iterable[RecordKind]) -> list[str]:
    """Swedish names of the kinds, in the order the records package lists them."""
    chosen = set(kinds)
    return [label for kind, label in KIND_LABELS.items() if kind in chosen]


@dataclass(frozen=True)
class ReaderCard:
    """One organisation's view of everyone else's records about the citizen."""

    name: str
    has_relation: bool
    visible: list[SourceLine]
    blocked: list[SourceLine]
    no_consent: list[SourceLine]


def reader_cards(situation: Situation, views: Sequence[pv.ReaderView]) -> list[ReaderCard]:
    """A card per reader, those with a relation first, then by name."""
    cards = [
        ReaderCard(
            name=situation.name(view.reader.care_giver_hsaid),
            has_relation=view.reader.has_relation,
            visible=source_lines(situation, view.having(pv.Visibility.VISIBLE)),
            blocked=source_lines(situation, view.having(pv.Visibility.BLOCKED)),
            no_consent=source_lines(situation, view.having(pv.Visibility.NO_CONSENT)),
        )
        for view in views
    ]
    return sorted(cards, key=lambda c: (not c.has_relation, c.name))


@dataclass(frozen=True)
class ChangeCard:
    """What one reader would lose (or gain) if the citizen made the change."""

    name: str
    lost: list[SourceLine]
    closed: list[SourceLine]
    gained: list[SourceLine]


def change_cards(situation: Situation, after: SharingState) -> list[ChangeCard]:
    """The preview's differences between now and `after`, per reader."""
    changed = pv.changes(situation.preview(), situation.preview(after))
    readers = sorted({c.reader for c in changed}, key=lambda r: situation.name(r.care_giver_hsaid))
    cards = []
    for reader in readers:
        mine = [c for c in changed if c.reader == reader]
        cards.append(
            ChangeCard(
                name=situation.name(reader.care_giver_hsaid),
                lost=_lines(situation, mine, before=pv.Visibility.VISIBLE),
                closed=_lines(situation, mine, before=pv.Visibility.NO_CONSENT),
                gained=_lines(situation, mine, after=pv.Visibility.VISIBLE),
            )
        )
    return cards


def _lines(
    situation: Situation,
    changed: list[pv.Change],
    *,
    before: pv.Visibility | None = None,
    after: pv.Visibility | None = None,
) -> list[SourceLine]:
    picked = [
        pv.SourceView(holding=c.holding, visibility=c.after)
        for c in changed
        if (before is None or c.before is before) and (after is None or c.after is after)
    ]
    return source_lines(situation, picked)


@dataclass(frozen=True)
class ConsentRow:
    """A consent as the citizen's list shows it."""

    id: int
    to: str
    kinds: list[str]
    valid_from: datetime
    valid_until: datetime | None
    status: pv.ConsentStatus
    status_text: str
    revoked_at: datetime | None
    until_text: str = "tills vidare"

    @property
    def revocable(self) -> bool:
        """Only consents still in force, or yet to start, can be revoked."""
        return self.status in (pv.ConsentStatus.ACTIVE, pv.ConsentStatus.FUTURE)


def kinds_of(consent: Consent) -> list[RecordKind] | None:
    """The record kinds a consent covers; None means all."""
    if consent.info_sets is None:
        return None
    return [RecordKind(s.partition(".")[2]) for s in consent.info_sets]


def consent_row(consent: Consent, names: dict[str, str], now: datetime) -> ConsentRow:
    """One consent in words."""
    status = pv.consent_status(
        valid_from=consent.valid_from,
        valid_until=consent.valid_until,
        revoked_at=consent.revoked_at,
        now=now,
    )
    kinds = kinds_of(consent)
    return ConsentRow(
        id=consent.id,
        to=names.get(consent.accessor_hsaid, consent.accessor_hsaid)
        if consent.accessor_hsaid
        else "Alla vård- och omsorgsgivare",
        kinds=["Alla uppgifter"] if kinds is None else labels(kinds),
        valid_from=consent.valid_from,
        valid_until=consent.valid_until,
        status=status,
        status_text=STATUS_TEXT[status],
        revoked_at=consent.revoked_at,
        until_text=until_text(consent.valid_until),
    )


def until_text(valid_until: datetime | None) -> str:
    """When a consent ends, as the citizen chose it: "till och med" the last whole day."""
    if valid_until is None:
        return "tills vidare"
    local = valid_until.astimezone(SWEDEN)
    if local.time() == time(0):
        return f"till och med {(local.date() - timedelta(days=1)).isoformat()}"
    return f"till {local.strftime('%Y-%m-%d %H:%M')}"


@dataclass(frozen=True)
class HolderUnit:
    """A unit that holds information about the citizen, and its block if any."""

    hsa_id: str
    name: str
    kinds: list[str]
    block: Block | None


@dataclass(frozen=True)
class Holder:
    """A care giver that holds information about the citizen, unit by unit."""

    hsa_id: str
    name: str
    units: list[HolderUnit]
    block: Block | None


def holders(situation: Situation, blocks: Sequence[Block]) -> list[Holder]:
    """Everyone in the engagement index, with the blocks in force on each."""
    active = {(b.care_giver_hsaid, b.unit_hsaid): b for b in blocks if b.lifted_at is None}
    by_giver: dict[str, dict[str, list[RecordKind]]] = {}
    for h in situation.holdings:
        by_giver.setdefault(h.care_giver_hsaid, {}).setdefault(h.unit_hsaid, []).append(h.info_set)
    found = [
        Holder(
            hsa_id=giver,
            name=situation.name(giver),
            units=[
                HolderUnit(u, situation.name(u), labels(kinds), active.get((giver, u)))
                for u, kinds in sorted(units.items())
            ],
            block=active.get((giver, None)),
        )
        for giver, units in by_giver.items()
    ]
    return sorted(found, key=lambda h: h.name)
