"""`samvard federation demo`: five real nodes on loopback, with one shared patient.

A national index and consent service, a region, two municipalities and a private health
centre each run as their own `samvard serve` process with their own SQLite database,
signing key and log under the demo directory. The demo world is built once and copied to
every node; each node then keeps only the records of the care givers it hosts, so every
record lives on exactly one node and is seen elsewhere only through query-response.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from samvard.core.processes import stop_all, wait_until_serving
from samvard.demo import personas
from samvard.federation import demo_seed
from samvard.federation.keys import generate_node_key, write_key_file

MARKER = ".samvard-federation-demo"
HOST = "127.0.0.1"
DEFAULT_BASE_PORT = 8100
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0

Say = Callable[[str], None]


@dataclass(frozen=True)
class DemoNode:
    """One node of the demo federation."""

    id: str
    title: str
    index: bool
    care_givers: tuple[str, ...]


NODES: tuple[DemoNode, ...] = (
    DemoNode("nationell", "Nationell tjänst: engagemangsindex och samtycke", True, ()),
    DemoNode("region-stockholm", "Region Stockholm", False, (demo_seed.REGION_CARE_GIVER,)),
    DemoNode("stockholms-stad", "Stockholms stad, socialnämnden", False,
             (demo_seed.HOME_MUNICIPALITY_CARE_GIVER,)),
    DemoNode("solna-stad", "Solna stad, socialnämnden", False,
             (demo_seed.NEIGHBOUR_MUNICIPALITY_CARE_GIVER,)),
    DemoNode("lakargruppen", "Läkargruppen Mälardalen AB (privat vårdcentral)", False,
             (demo_seed.HEALTH_CENTRE_CARE_GIVER,)),
)  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """Where each node's files live and which port it serves on."""

    directory: Path
    base_port: int

    def port(self, node: DemoNode) -> int:
        """The node's port: the base port plus its place in `NODES`."""
        return self.base_port + NODES.index(node)

    def url(self, node: DemoNode) -> str:
        """The node's base URL on loopback."""
        return f"http://{HOST}:{self.port(node)}"

    def home(self, node: DemoNode) -> Path:
        """The node's own directory: database, key and log."""
        return self.directory / node.id

    def database_url(self, node: DemoNode) -> str:
        """The node's SQLite database."""
        return f"sqlite:///{self.home(node) / 'samvard.db'}"

    @property
    def registry(self) -> Path:
        """The registry file every node reads."""
        return self.directory / "registry.json"


def fresh_directory(directory: Path) -> None:
    """Empty `directory` for a new demo; refuse one this command did not create."""
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).exists():
            raise FileExistsError(f"{directory} is not empty and not a federation demo directory")
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("samvard federation demo\n", encoding="utf-8")


def write_trust(layout: Layout) -> None:
    """A new key per node (private key in the node's directory) and the shared registry."""
    entries = []
    for node in NODES:
        private, public = generate_node_key()
        write_key_file(layout.home(node) / "node-key.json", private)
        entries.append({
            "id": node.id, "base_url": layout.url(node), "index": node.index,
            "care_givers": list(node.care_givers), "public_key": public,
        })  # fmt: skip
    layout.registry.write_text(json.dumps({"nodes": entries}, indent=2), encoding="utf-8")


def node_environment(layout: Layout, node: DemoNode) -> dict[str, str]:
    """The settings of one node process (plain http on loopback, test logins on)."""
    return {
        **os.environ,
        "SAMVARD_MODE": "development",
        "SAMVARD_DATABASE_URL": layout.database_url(node),
        "SAMVARD_SECRET_KEY": secrets.token_urlsafe(48),
        "SAMVARD_COOKIE_SECURE": "false",
        "SAMVARD_TEST_LOGINS": "true",
        "SAMVARD_PUBLIC_BASE_URL": layout.url(node),
        "SAMVARD_NODE_ID": node.id,
        "SAMVARD_FEDERATION_FILE": str(layout.registry),
        "SAMVARD_NODE_KEY_FILE": str(layout.home(node) / "node-key.json"),
    }


def start_node(layout: Layout, node: DemoNode) -> subprocess.Popen[bytes]:
    """Start `samvard serve` for one node, its output going to the node's log file."""
    command = [sys.executable, "-m", "samvard.cli", "serve", "--host", HOST,
               "--port", str(layout.port(node))]  # fmt: skip
    with (layout.home(node) / "server.log").open("ab") as log:
        # Its own session: Ctrl-C reaches only this command, which stops the nodes in order.
        return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command, stdout=log, stderr=subprocess.STDOUT, env=node_environment(layout, node),
            start_new_session=True,
        )  # fmt: skip


@contextmanager
def running_nodes(layout: Layout, say: Say) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start every node in order (index first), stop them all on exit."""
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for number, node in enumerate(NODES, start=1):
            started = time.perf_counter()
            say(f"[{number}/{len(NODES)}] Startar {node.id} på {layout.url(node)} …")
            process = start_node(layout, node)
            processes.append(process)
            wait_until_serving(process, layout.url(node), layout.home(node) / "server.log",
                               timeout_s=STARTUP_TIMEOUT_S, what="node")  # fmt: skip
            say(f"      klar ({time.perf_counter() - started:.1f} s)")
        yield processes
    finally:
        stop_all(processes, timeout_s=STOP_TIMEOUT_S)


@contextmanager
def stop_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT (Ctrl-C); the handlers are restored on exit."""
    stop = threading.Event()

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def serve_until_stopped(layout: Layout, say: Say, *, lifetime: float | None = None) -> None:
    """Run every node until Ctrl-C, SIGTERM, a node dying, or `lifetime` seconds."""
    with stop_signals() as stop, running_nodes(layout, say) as processes:
        say(login_hints(layout))
        ends = None if lifetime is None else time.monotonic() + lifetime
        while not stop.is_set():
            if ends is not None and time.monotonic() >= ends:
                break
            dead = [n.id for n, p in zip(NODES, processes, strict=True) if p.poll() is not None]
            if dead:
                say(f"Noden {', '.join(dead)} avslutades oväntat; stoppar de andra.")
                break
            stop.wait(0.2)
        say("Stoppar noderna …")
    say("Alla noder är stoppade.")


def login_hints(layout: Layout) -> str:
    """What to open and whom to log in as (test logins; only official test numbers)."""
    lines = ["", "Noderna är igång (Ctrl-C stoppar alla):"]
    for node in NODES:
        lines.append(f"  {node.title:<52} {layout.url(node)}")
    patient = demo_seed.SHARED_PATIENT
    lines += [
        "",
        f"Delad patient: {patient.given_name} {patient.family_name}, {patient.person_id}",
        "Personal (Testinloggning för personal):",
        *(f"  {hint}" for hint in demo_hints(layout)),
        f"Invånare (Test-e-legitimation): {patient.person_id} på valfri nod",
        "Tips: varje nod sätter sina egna cookies på 127.0.0.1; använd ett privat fönster per nod.",
        "",
    ]
    return "\n".join(lines)


# The demo world's own personas document at the region and at Stockholm's home care.
PERSONA_HINTS = {
    "region-stockholm": [personas.NURSE, personas.DOCTOR],
    "stockholms-stad": [personas.CARE_STAFF],
}


def demo_hints(layout: Layout) -> list[str]:
    """Whom to log in as at each node: the personas, and the authors the build wrote."""
    path = layout.directory / "authors.json"
    authors = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    hints = []
    for node in NODES:
        known = [f"{p.hsa_id} ({p.given_name} {p.family_name}, {p.description})"
                 for p in PERSONA_HINTS.get(node.id, [])]  # fmt: skip
        hints += [f"{layout.url(node)}  {who}" for who in [*known, *authors.get(node.id, [])]]
    return hints
