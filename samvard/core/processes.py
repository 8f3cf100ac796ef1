"""Supervise the server processes we start on loopback: wait until they serve, stop them.

Used by the federation demo, the benchmarks and the tests. Only processes this code
started are ever signalled, and only through their own `Popen` handles.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

import httpx

LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0
POLL_INTERVAL_S = 0.05
LOG_TAIL_CHARS = 4000


def free_port(host: str = LOOPBACK) -> int:
    """A port free on `host` right now (another process could take it before the server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def log_tail(log: Path, chars: int = LOG_TAIL_CHARS) -> str:
    """The last `chars` characters of a process's log file (undecodable bytes replaced)."""
    return log.read_text(encoding="utf-8", errors="replace")[-chars:]


def wait_until_serving(
    process: subprocess.Popen[bytes],
    url: str,
    log: Path,
    *,
    timeout_s: float = STARTUP_TIMEOUT_S,
    what: str = "server",
    path: str = "/healthz",
) -> None:
    """Poll `url` + `path` until it answers 200.

    Raises RuntimeError, quoting the tail of `log`, when the process exits first or
    `timeout_s` passes. Proxy settings from the environment are ignored: the server is
    on loopback. `what` names the process in the error.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode}):\n{log_tail(log)}")
        try:
            if httpx.get(f"{url}{path}", timeout=1.0, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(POLL_INTERVAL_S)
    raise RuntimeError(f"{what} at {url} not serving after {timeout_s:g} s:\n{log_tail(log)}")


def stop(process: subprocess.Popen[bytes], *, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """Terminate the process, and kill it if it is still running after `timeout_s`."""
    stop_all([process], timeout_s=timeout_s)


def stop_all(
    processes: Iterable[subprocess.Popen[bytes]], *, timeout_s: float = STOP_TIMEOUT_S
) -> None:
    """Terminate every running process at once, then kill any still running after `timeout_s`.

    The processes share one deadline, so stopping many takes no longer than stopping one.
    """
    started = list(processes)
    for process in started:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + timeout_s
    for process in started:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
