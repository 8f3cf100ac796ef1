"""Keep the national index current from a running producer node.

A record write updates this node's own engagement table in its transaction; this thread
sends the changed lines to the index node every few seconds (and all of them at start).
The local table is the outbox: a push that fails is simply repeated from the same point,
and the index's upsert makes repeats harmless.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from sqlalchemy.orm import Session

from samvard.core.config import Settings
from samvard.core.db import utcnow
from samvard.federation.push import own_lines, push_engagements
from samvard.federation.registry import load_local_node

log = logging.getLogger("samvard.federation")
# Lines committed while a push runs are caught by the next one: its window starts this
# much before the previous push began.
_OVERLAP = timedelta(seconds=2)


class EngagementPusher:
    """Pushes engagement lines changed since the last successful push."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        settings: Settings,
        *,
        interval: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._transport = transport
        self._sessions = session_factory
        self._settings = settings
        self._interval = interval
        self._since: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def push_once(self) -> bool:
        """One push of the pending lines; True when all of them reached the index."""
        started = utcnow()
        node_id = load_local_node(self._settings).node_id
        with self._sessions() as session:
            pending = len(own_lines(session, node_id, since=self._since))
        if pending == 0:
            self._since = started - _OVERLAP
            return True
        sent = push_engagements(
            self._sessions, self._settings, since=self._since, transport=self._transport
        )
        if sent >= pending:
            self._since = started - _OVERLAP
            return True
        return False

    def start(self) -> None:
        """Run in a daemon thread until `stop`."""
        self._thread = threading.Thread(target=self._loop, name="engagement-push", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (waits for the current push to end)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.push_once()
            except Exception:  # the pusher must outlive any one failure
                log.exception("engagement push failed")
            self._stop.wait(self._interval)


def needs_pusher(settings: Settings) -> bool:
    """Only a producer node in a federation, not the index node itself, pushes."""
    if not settings.federation_file:
        return False
    return not load_local_node(settings).is_index
