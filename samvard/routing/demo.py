"""The demo's routing: every region starts from the packaged default configuration."""

from __future__ import annotations

from sqlalchemy.orm import Session

from samvard.routing.actions import install_defaults

DEMO_ACTOR = "samvard-demo"


def seed_routing(session: Session) -> int:
    """Install the default routing for every region in the directory; how many regions."""
    return install_defaults(session, actor_id=DEMO_ACTOR)
