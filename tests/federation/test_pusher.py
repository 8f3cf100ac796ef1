"""The engagement pusher: changed lines reach the index, failures are retried next round."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from samvard.demo import personas
from samvard.federation import push
from samvard.federation.pusher import EngagementPusher, needs_pusher
from samvard.records.models import RecordKind
from tests.conftest import Database, make_settings
from tests.support.web import client_for
from tests.web.test_federation_routes import Nodes, _index_line


@pytest.fixture
def nodes(tmp_path: Path) -> Nodes:
    """Keys and a registry of index, region and municipality nodes."""
    return Nodes(tmp_path)


def test_only_producers_in_a_federation_push(sqlite_world: Database, nodes: Nodes) -> None:
    assert not needs_pusher(make_settings(sqlite_world.url))
    assert not needs_pusher(make_settings(sqlite_world.url, **nodes.settings_for("index")))
    assert needs_pusher(make_settings(sqlite_world.url, **nodes.settings_for("region")))


def test_a_failed_round_is_sent_again_and_a_sent_one_is_not(
    sqlite_world: Database, nodes: Nodes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(push.time, "sleep", lambda _: None)
    _index_line(sqlite_world, personas.VARDCENTRAL_UNIT, RecordKind.NOTE)
    index = client_for(sqlite_world, **nodes.settings_for("index"))
    up = True
    received: list[int] = []

    def index_or_down(request: httpx.Request) -> httpx.Response:
        if not up:
            return httpx.Response(503)
        answer = index._transport.handle_request(request)
        received.append(len(request.content))
        return answer

    settings = make_settings(sqlite_world.url, **nodes.settings_for("region"))
    pusher = EngagementPusher(
        sqlite_world.sessions, settings, transport=httpx.MockTransport(index_or_down)
    )
    up = False
    assert not pusher.push_once()
    up = True
    assert pusher.push_once() and len(received) == 1
    _index_line(sqlite_world, personas.VARDCENTRAL_UNIT, RecordKind.LAB)
    assert pusher.push_once() and len(received) >= 2
