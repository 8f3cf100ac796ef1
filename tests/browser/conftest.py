"""Browser tests: a real `uvicorn` process on loopback, driven by headless Chromium.

One server and one browser per test module (the server on a private copy of the demo world).
Debian's Chromium is used as is; Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.flows import TIMEOUT_MS, LiveServer
from tests.conftest import IN_CI

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
STARTUP_SECONDS = 20.0
SERVER_SECRET = "browser-test-secret-" + "s" * 40


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    """Skip locally, fail in CI, when Debian's Chromium is not installed."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (install Debian's chromium: `make browser`)"
    if IN_CI:
        pytest.fail(f"CI requires Chromium for the browser tests: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text(errors="replace")
            pytest.fail(f"server exited with {process.returncode} before it was healthy:\n{log}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    log = log_path.read_text(errors="replace")
    pytest.fail(f"server not healthy within {STARTUP_SECONDS:.0f} s:\n{log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, _sqlite_world_template: Path
) -> Iterator[LiveServer]:
    """The app as a subprocess on 127.0.0.1, on a private copy of the demo world.

    It copies the same session-wide template that `sqlite_world` copies (that fixture is
    per test; the server is shared by a module's tests).
    """
    directory = tmp_path_factory.mktemp("live")
    shutil.copy(_sqlite_world_template, directory / "samvard.db")
    database_url = f"sqlite:///{directory / 'samvard.db'}"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SAMVARD_DATABASE_URL": database_url,
        "SAMVARD_SECRET_KEY": SERVER_SECRET,
        "SAMVARD_COOKIE_SECURE": "false",  # plain http on loopback
        "SAMVARD_TEST_LOGINS": "true",
        "SAMVARD_PUBLIC_BASE_URL": base_url,
        "SAMVARD_MODE": "development",
        # The working tree, whatever the current directory (a private one, so no `.env`).
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    }
    log_path = directory / "server.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "samvard.web.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # a fixed argv, no shell
            command, cwd=directory, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_healthy(base_url, process, log_path)
        yield LiveServer(base_url, database_url, log_path)
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module.

    Playwright's synchronous API keeps an event loop running in this thread for as long as
    it is open; per module, it is closed before a test file that is not a browser test runs
    on the same pytest worker (which then may call `asyncio.run`).
    """
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """Factory for pages in fresh contexts (own cookies); all are closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        context = browser.new_context(base_url=live_server.base_url, locale="sv-SE", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A page in a fresh context at desktop size."""
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (`test-artifacts/` at the repository root, git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
