"""A producer node keeps the national index current: it sends its engagement lines there.

Called after a record is written (when the transaction has committed) and when the node
starts. Best effort: a failed push is retried a few times and then logged, without any
patient data; the next push sends every line again, so nothing is lost for good.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.core.config import Settings
from samvard.federation.assertions import sign_request
from samvard.federation.index import MAX_LINES, EngagementLine
from samvard.federation.registry import LocalNode, load_local_node
from samvard.sharing.models import Engagement

log = logging.getLogger("samvard.federation")

ATTEMPTS = 3
TIMEOUT = httpx.Timeout(5.0)
PATH = "/federation/v1/engagements"


def push_engagements(
    session_factory: Callable[[], Session],
    settings: Settings,
    *,
    since: datetime | None = None,
    transport: httpx.BaseTransport | None = None,
) -> int:
    """Send this node's engagement lines (changed since `since`) to the index node.

    Returns the number of lines the index accepted. A node that is its own index has
    nothing to send. Never raises for network or index failures: it logs them.
    """
    node = load_local_node(settings)
    if node.is_index:
        return 0
    with session_factory() as session:
        lines = own_lines(session, node.node_id, since=since)
    sent = 0
    with httpx.Client(timeout=TIMEOUT, transport=transport) as client:
        for start in range(0, len(lines), MAX_LINES):
            batch = lines[start : start + MAX_LINES]
            if not _send(client, node, batch):
                return sent
            sent += len(batch)
    return sent


def own_lines(session: Session, node_id: str, *, since: datetime | None) -> list[EngagementLine]:
    """The engagement lines this node holds for its own care givers."""
    query = select(Engagement).where(Engagement.node_id == node_id).order_by(Engagement.id)
    if since is not None:
        query = query.where(Engagement.updated_at >= since)
    return [
        EngagementLine(e.person_id, e.care_giver_hsaid, e.unit_hsaid, e.info_set)
        for e in session.scalars(query)
    ]


def _send(client: httpx.Client, node: LocalNode, batch: Sequence[EngagementLine]) -> bool:
    index = node.registry.index_node()
    body = {"engagements": [line.to_json() for line in batch]}
    for attempt in range(1, ATTEMPTS + 1):
        # A fresh assertion each time: the index refuses a reused one.
        token = sign_request(
            node.key, issuer=node.node_id, audience=index.id, requester=None, person_id=None
        )
        try:
            response = client.post(
                index.base_url + PATH, json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            problem = type(exc).__name__
        else:
            if response.status_code == 200:
                return True
            problem = f"HTTP {response.status_code}"
            if response.status_code < 500:
                break  # refused, not failed: retrying would be refused again
        if attempt < ATTEMPTS:
            time.sleep(0.2 * attempt)
    log.warning("engagement push to %s failed: %s (%d lines)", index.id, problem, len(batch))
    return False
