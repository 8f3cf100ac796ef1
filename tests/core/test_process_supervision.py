"""Process supervision against real, tiny child processes on loopback."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from samvard.core.processes import free_port, log_tail, stop, stop_all, wait_until_serving

pytestmark = pytest.mark.slow

HEALTHZ_SERVER = """\
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Healthz(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

HTTPServer(("127.0.0.1", int(sys.argv[1])), Healthz).serve_forever()
"""

EXITS_EARLY = """\
print("cannot open the database", flush=True)
raise SystemExit(3)
"""

# Ignores SIGTERM, then says so: only a kill ends it.
IGNORES_SIGTERM = """\
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
while True:
    time.sleep(1)
"""

SLEEPS = "import time\nprint('ready', flush=True)\ntime.sleep(60)\n"


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; any still running at the end are killed."""
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def _start(
    started: list[subprocess.Popen[bytes]], directory: Path, name: str, source: str, *args: str
) -> tuple[subprocess.Popen[bytes], Path]:
    script, log = directory / f"{name}.py", directory / f"{name}.log"
    script.write_text(source, encoding="utf-8")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(script), *args], stdout=out, stderr=subprocess.STDOUT
        )
    started.append(process)
    return process, log


def _wait_for_line(log: Path, line: str) -> None:
    deadline = time.monotonic() + 5
    while line not in log_tail(log):
        assert time.monotonic() < deadline, f"no {line!r} in the log"
        time.sleep(0.02)


def test_returns_once_serving(tmp_path: Path, started: list[subprocess.Popen[bytes]]) -> None:
    port = free_port()
    process, log = _start(started, tmp_path, "server", HEALTHZ_SERVER, str(port))
    wait_until_serving(process, f"http://127.0.0.1:{port}", log, timeout_s=10)
    assert process.poll() is None
    stop(process)
    assert process.returncode is not None


def test_early_exit_raises_with_the_log(
    tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    process, log = _start(started, tmp_path, "broken", EXITS_EARLY)
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RuntimeError, match=r"producer exited \(3\)") as raised:
        wait_until_serving(process, url, log, timeout_s=10, what="producer")
    assert "cannot open the database" in str(raised.value)


def test_timeout_raises_with_the_log(
    tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    process, log = _start(started, tmp_path, "silent", SLEEPS)
    _wait_for_line(log, "ready")
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RuntimeError, match=r"not serving after 0\.3 s") as raised:
        wait_until_serving(process, url, log, timeout_s=0.3)
    assert "ready" in str(raised.value)
    assert process.poll() is None  # waiting never stops the process itself


def test_stop_terminates(tmp_path: Path, started: list[subprocess.Popen[bytes]]) -> None:
    process, log = _start(started, tmp_path, "sleeper", SLEEPS)
    _wait_for_line(log, "ready")
    stop(process, timeout_s=5)
    assert process.returncode == -15  # SIGTERM was enough


def test_stop_kills_one_that_ignores_sigterm(
    tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    process, log = _start(started, tmp_path, "stubborn", IGNORES_SIGTERM)
    _wait_for_line(log, "ready")
    began = time.monotonic()
    stop(process, timeout_s=0.3)
    assert process.returncode == -9
    assert time.monotonic() - began < 3


def test_stop_all_shares_one_deadline(
    tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    stubborn = [_start(started, tmp_path, f"stubborn-{n}", IGNORES_SIGTERM) for n in range(3)]
    for _, log in stubborn:
        _wait_for_line(log, "ready")
    began = time.monotonic()
    stop_all([process for process, _ in stubborn], timeout_s=1.0)
    assert [process.returncode for process, _ in stubborn] == [-9, -9, -9]
    assert time.monotonic() - began < 2.0  # one second in all, not one per process


def test_stop_of_an_ended_process_is_harmless(
    tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    process, _ = _start(started, tmp_path, "done", "pass\n")
    process.wait()
    stop(process)
    assert process.returncode == 0


def test_log_tail_keeps_the_end(tmp_path: Path) -> None:
    log = tmp_path / "long.log"
    log.write_bytes(b"a" * 10 + b"\xff" + b"b" * 5)
    assert log_tail(log, chars=6) == "\ufffdbbbbb"
    assert len(log_tail(log)) == 16
