"""Build the whole deterministic demo world in one transaction.

Stages: geography (regions, municipalities) -> organisations (care givers, units) ->
staff and assignments -> citizens -> care relations -> access history through the guard ->
records and consents written through the records and sharing actions.
Each stage draws from its own random generator derived from the seed, so changing one
stage does not reshuffle the others.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.access.models import CareRelation
from samvard.contacts.demo import seed_slots
from samvard.core.audit import AuditEntry
from samvard.core.db import Base
from samvard.demo.history import build_history, default_event_count
from samvard.demo.organisations import build_organisations, load_geography
from samvard.demo.people import build_people, check_citizen_count
from samvard.demo.records import build_records
from samvard.demo.relations import build_guardianships, build_relations
from samvard.demo.staff import build_staff
from samvard.directory.models import Assignment, CareGiver, Municipality, Region, Staff, Unit
from samvard.followup.demo import seed_events
from samvard.identity.models import Person
from samvard.records.models import Record
from samvard.routing.demo import seed_routing
from samvard.sharing.models import Consent

DEFAULT_CITIZENS = 10_000
DEFAULT_SEED = 2026
DEFAULT_NODE_ID = "samvard"
"""The node the demo's records are indexed at (the default of SAMVARD_NODE_ID)."""

ProgressCallback = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)`; stages are the keys of `STAGES`."""

STAGES = {
    "geography": "Regioner och kommuner / regions and municipalities",
    "organisations": "Vårdgivare och enheter / care givers and units",
    "staff": "Personal och uppdrag / staff and assignments",
    "persons": "Invånare / citizens",
    "relations": "Vårdrelationer / care relations",
    "history": "Åtkomsthistorik / access history",
    "records": "Journaluppgifter och samtycken / records and consents",
}


@dataclass(frozen=True)
class DemoSummary:
    """Row counts per table after the build (counts only, never personal data)."""

    regions: int
    municipalities: int
    care_givers: int
    units: int
    staff: int
    assignments: int
    persons: int
    care_relations: int
    audit_entries: int
    denied_accesses: int
    records: int
    consents: int

    def as_dict(self) -> dict[str, int]:
        """The counts by name, in table order."""
        return asdict(self)


def build_demo(
    session: Session,
    *,
    citizens: int = DEFAULT_CITIZENS,
    seed: int = DEFAULT_SEED,
    progress: ProgressCallback | None = None,
    node_id: str = DEFAULT_NODE_ID,
) -> DemoSummary:
    """Create the demo world inside the caller's transaction (the caller commits).

    Expects empty directory, person and relation tables; regions and municipalities that
    already exist are reused. Raises `CitizenCountError` (a ValueError) if `citizens` is
    outside `citizen_range()`.
    """
    check_citizen_count(citizens)
    report = progress or _silent

    def stage(name: str) -> Callable[[int, int], None]:
        return lambda done, total: report(name, done, total)

    directory = load_geography(session)
    report("geography", 1, 1)
    build_organisations(session, directory)
    seed_routing(session)
    report("organisations", 1, 1)
    posts = build_staff(session, directory, _rng(seed, "staff"))
    report("staff", 1, 1)
    residents = build_people(session, directory, _rng(seed, "persons"), citizens, stage("persons"))
    relations = build_relations(
        session, directory, residents, _rng(seed, "relations"), stage("relations")
    )
    build_guardianships(session, residents)
    build_history(
        session,
        posts,
        residents,
        relations,
        rng=_rng(seed, "history"),
        events=default_event_count(citizens),
        progress=stage("history"),
    )
    build_records(
        session,
        directory,
        posts,
        residents,
        relations,
        rng=_rng(seed, "records"),
        node_id=node_id,
        progress=stage("records"),
    )
    # Follow-up events name no person, so the dashboard's months are synthesised.
    seed_events(session, _rng(seed, "followup"))
    seed_slots(session)
    return summarise(session)


def _rng(seed: int, stage: str) -> random.Random:
    # One generator per stage, so a change in one stage does not reshuffle the others. A
    # string seed is hashed with SHA-512 by `random`, so it is stable across processes.
    return random.Random(f"samvard-demo:{seed}:{stage}")  # noqa: S311 - demo data, no secrets


def _silent(_stage: str, _done: int, _total: int) -> None:
    """Progress sink used when the caller passes none."""


def summarise(session: Session) -> DemoSummary:
    """Count the rows of every table the demo fills."""

    def count(model: type[Base]) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    denied = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "denied")
    )
    return DemoSummary(
        regions=count(Region),
        municipalities=count(Municipality),
        care_givers=count(CareGiver),
        units=count(Unit),
        staff=count(Staff),
        assignments=count(Assignment),
        persons=count(Person),
        care_relations=count(CareRelation),
        audit_entries=count(AuditEntry),
        denied_accesses=denied or 0,
        records=count(Record),
        consents=count(Consent),
    )
