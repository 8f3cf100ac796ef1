"""Run the test OpenID Connect provider (``oidc_provider.py``) as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from samvard.core.processes import free_port, stop, wait_until_serving

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
        # The port is released before the provider binds it; on a busy machine
        # another process could take it in between, which shows as a start failure.
        port = free_port()
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
                wait_until_serving(
                    process,
                    issuer,
                    log_path,
                    timeout_s=STARTUP_TIMEOUT_SECONDS,
                    what="OIDC provider",
                    path="/.well-known/openid-configuration",
                )
                yield issuer
            finally:
                stop(process, timeout_s=STOP_TIMEOUT_SECONDS)
