"""Build the databases of the federation demo: one demo world, copied to every node.

After the copy, each node keeps only its own care givers' records and index lines (the
national node keeps every hosted care giver's index lines and no records), then the
demo's extra records are written at their nodes and the national index learns of them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from samvard.core import migrate
from samvard.core.db import make_engine, make_session_factory, transaction
from samvard.demo.world import build_demo
from samvard.directory.models import CareGiver
from samvard.federation.demo import NODES, DemoNode, Layout
from samvard.federation.demo_seed import seed_node
from samvard.records.models import Record, RecordKind
from samvard.sharing.actions import index_engagement
from samvard.sharing.models import Engagement

Say = Callable[[str], None]
_T = TypeVar("_T")
HOSTED = {care_giver: node.id for node in NODES for care_giver in node.care_givers}


def build_world(layout: Layout, say: Say, *, citizens: int) -> None:
    """Every node's database, migrated and filled; writes authors.json for the hints."""
    template = layout.directory / "world.db"
    say(f"Bygger demovärlden ({citizens} invånare) …")
    _run(f"sqlite:///{template}", lambda s: build_demo(s, citizens=citizens), migrate_first=True)
    authors: dict[str, list[str]] = {}
    for node in NODES:
        say(f"Förbereder databasen för {node.id} …")
        layout.home(node).mkdir(parents=True, exist_ok=True)
        shutil.copy(template, layout.home(node) / "samvard.db")
        authors[node.id] = _run(layout.database_url(node), partial(_prepare, node=node))
    template.unlink()
    lines = [line for node in NODES for line in _index_lines(layout, node)]
    index = next(node for node in NODES if node.index)
    _run(layout.database_url(index), lambda s: _learn(s, lines))
    (layout.directory / "authors.json").write_text(json.dumps(authors), encoding="utf-8")


def _run(url: str, work: Callable[[Session], _T], *, migrate_first: bool = False) -> _T:
    engine = make_engine(url)
    try:
        if migrate_first:
            migrate.upgrade(engine)
        with transaction(make_session_factory(engine)) as session:
            return work(session)
    finally:
        engine.dispose()


def _prepare(session: Session, *, node: DemoNode) -> list[str]:
    """Keep what this node hosts, then write the demo's extra records here."""
    foreign = select(Record.id).where(
        Record.care_giver_id.notin_(_care_giver_ids(session, node.care_givers))
    )
    session.execute(delete(Record).where(Record.id.in_(foreign)))
    if node.index:
        session.execute(delete(Engagement).where(Engagement.care_giver_hsaid.notin_(HOSTED)))
        for care_giver, node_id in HOSTED.items():
            session.execute(update(Engagement).where(Engagement.care_giver_hsaid == care_giver)
                            .values(node_id=node_id))  # fmt: skip
        return []
    session.execute(delete(Engagement).where(Engagement.care_giver_hsaid.notin_(node.care_givers)))
    session.execute(update(Engagement).values(node_id=node.id))
    return seed_node(session, node_id=node.id, care_givers=node.care_givers)


def _care_giver_ids(session: Session, hsa_ids: tuple[str, ...]) -> list[int]:
    return list(session.scalars(select(CareGiver.id).where(CareGiver.hsa_id.in_(hsa_ids))))


def _index_lines(layout: Layout, node: DemoNode) -> list[dict[str, str]]:
    """The node's engagement lines, as it reports them to the national index."""
    if node.index:
        return []

    def read(session: Session) -> list[dict[str, str]]:
        rows = session.scalars(select(Engagement))
        return [{"person_id": r.person_id, "care_giver_hsaid": r.care_giver_hsaid,
                 "unit_hsaid": r.unit_hsaid, "info_set": r.info_set.value,
                 "node_id": node.id} for r in rows]  # fmt: skip

    return _run(layout.database_url(node), read)


def _learn(session: Session, lines: list[dict[str, str]]) -> None:
    for line in lines:
        index_engagement(
            session,
            person_id=line["person_id"],
            care_giver_hsaid=line["care_giver_hsaid"],
            unit_hsaid=line["unit_hsaid"],
            info_set=RecordKind(line["info_set"]),
            node_id=line["node_id"],
        )
