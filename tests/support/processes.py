"""Start real server processes on loopback for tests, and always stop them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from samvard.core.processes import STARTUP_TIMEOUT_S, free_port, stop, wait_until_serving

__all__ = ["REPO_ROOT", "free_port", "running"]

REPO_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def running(
    args: list[str],
    *,
    url: str,
    log: Path,
    env: Mapping[str, str] | None = None,
    timeout_s: float = STARTUP_TIMEOUT_S,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `python args…` until `url`/healthz answers; stop it (and only it) on exit.

    `timeout_s` bounds the start: a server with several workers starts each of them.
    """
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
        )
        try:
            wait_until_serving(process, url, log, what="process", timeout_s=timeout_s)
            yield process
        finally:
            stop(process)
