"""Run the test OpenID Connect provider (``oidc_provider.py``) as a real process."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.py")
STARTUP_TIMEOUT_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 5.0


@contextmanager
def run_oidc_provider(
    users: list[dict[str, Any]],
    *,
    client_id: str,
    client_secret: str,
    issuer_override: str | None = None,
) -> Iterator[str]:
    """Start the provider on a free loopback port; yields its issuer URL.

    ``users`` is USERS.json's content. The process is stopped on exit; its log
    goes to a temporary file, quoted in the error if the provider fails to start.
    """
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as tmp:
        users_file = Path(tmp, "users.json")
        users_file.write_text(json.dumps(users), encoding="utf-8")
        port = _free_port()
        command = [
            sys.executable,
            str(PROVIDER_SCRIPT),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--users",
            str(users_file),
            "--client-id",
            client_id,
            "--client-secret",
            client_secret,
            *(["--issuer-override", issuer_override] if issuer_override else []),
        ]
        log_path = Path(tmp, "provider.log")
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            try:
                issuer = f"http://127.0.0.1:{port}"
                _wait_until_serving(process, issuer, log_path)
                yield issuer
            finally:
                _stop(process)


def _free_port() -> int:
    # The port is released before the provider binds it; on a busy machine
    # another process could take it in between, which shows as a start failure.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(process: subprocess.Popen[bytes], issuer: str, log: Path) -> None:
    url = f"{issuer}/.well-known/openid-configuration"
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"OIDC provider exited ({process.returncode}):\n{_tail(log)}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    message = f"OIDC provider not serving after {STARTUP_TIMEOUT_SECONDS} s"
    raise RuntimeError(f"{message}:\n{_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-4000:]
