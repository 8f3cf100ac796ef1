"""HTTP throughput of the real server, against `/healthz` measured in the same rounds.

The server runs as its own process (uvicorn, one worker) on a demo-world SQLite database;
the load comes from a few threads with keep-alive httpx clients on 127.0.0.1 only. Every
request count is fixed in advance, so the run always ends.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.support import median, percentile_ms, progress, rate
from samvard.core import migrate
from samvard.core.db import make_engine, make_session_factory, transaction
from samvard.core.processes import free_port, stop, wait_until_serving
from samvard.demo.personas import CITIZEN, NURSE
from samvard.demo.world import build_demo

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEMO_CITIZENS = 1000
CONCURRENCY = 4
WARMUP_PER_CLIENT = 5
STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
REQUEST_TIMEOUT_SECONDS = 30.0
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
ASSIGNMENT_RE = re.compile(r'name="assignment_id" value="(\d+)"')


@dataclass(frozen=True)
class Endpoint:
    """One measured GET: who asks (a login kind, or None) and where."""

    key: str
    path: str
    login: str | None


BASELINE = Endpoint("healthz", "/healthz", None)
ENDPOINTS = (
    BASELINE,
    Endpoint("citizen_page", "/mina-sidor/vem-har-last", "citizen"),
    Endpoint("citizen_api", "/api/v1/me/access-log", "citizen"),
    Endpoint("staff_patient_api", f"/api/v1/patients/{CITIZEN.person_id}", "staff"),
)


@dataclass
class Samples:
    """Everything measured for one endpoint, over all rounds."""

    rps: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)


def prepare_database(directory: Path) -> str:
    """A migrated database holding the demo world; returns its URL."""
    url = f"sqlite:///{directory / 'http-bench.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        with transaction(make_session_factory(engine)) as session:
            build_demo(session, citizens=DEMO_CITIZENS)
    finally:
        engine.dispose()
    return url


def server_environment(database_url: str, directory: Path, base_url: str) -> dict[str, str]:
    """The app reads its settings from the environment only; plain http needs insecure cookies."""
    return {
        **os.environ,
        "SAMVARD_MODE": "development", "SAMVARD_DATABASE_URL": database_url,
        "SAMVARD_SECRET_KEY": secrets.token_urlsafe(48), "SAMVARD_COOKIE_SECURE": "false",
        "SAMVARD_TEST_LOGINS": "true", "SAMVARD_PUBLIC_BASE_URL": base_url,
        "SAMVARD_ANALYTICS_PATH": str(directory / "analytics.duckdb"),
    }  # fmt: skip


@contextmanager
def running_server(
    database_url: str,
    directory: Path,
    *,
    app: str = "samvard.web.asgi:app",
    log_name: str = "server.log",
) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yields its base URL, stops it on exit."""
    port = free_port(HOST)
    base_url = f"http://{HOST}:{port}"
    # No access log: writing a line per request would be measured as the app's cost.
    command = [
        sys.executable, "-m", "uvicorn", app, "--host", HOST,
        "--port", str(port), "--workers", "1", "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    log_path = directory / log_name
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
            env=server_environment(database_url, directory, base_url),
        )  # fmt: skip
        try:
            wait_until_serving(process, base_url, log_path, timeout_s=STARTUP_TIMEOUT_SECONDS)
            yield base_url
        finally:
            stop(process, timeout_s=STOP_TIMEOUT_SECONDS)


def csrf_token(client: httpx.Client, path: str) -> str:
    """The CSRF token of the form on `path` (the page also sets the CSRF cookie)."""
    page = client.get(path)
    match = CSRF_RE.search(page.text)
    if not match:
        raise RuntimeError(f"no CSRF token on {path} ({page.status_code})")
    return match.group(1)


def expect_redirect(response: httpx.Response, what: str) -> None:
    """Logins answer 303; anything else means the benchmark would measure error pages."""
    if response.status_code != 303:
        raise RuntimeError(f"{what} failed: {response.status_code} {response.text[:300]}")


def login_citizen(client: httpx.Client) -> None:
    """Log in as the citizen persona with the test e-ID."""
    token = csrf_token(client, "/login/test")
    response = client.post(
        "/login/test", data={"personnummer": CITIZEN.person_id, "csrf_token": token}
    )
    expect_redirect(response, "citizen login")


def login_nurse(client: httpx.Client) -> None:
    """Log in as the nurse persona with the staff test login and choose her unit."""
    token = csrf_token(client, "/personal/login/test")
    response = client.post(
        "/personal/login/test", data={"hsa_id": NURSE.hsa_id, "csrf_token": token}
    )
    expect_redirect(response, "staff login")
    page = client.get("/personal/enhet")
    choices = ASSIGNMENT_RE.findall(page.text)
    match = CSRF_RE.search(page.text)
    if not choices or not match:
        raise RuntimeError(f"no unit to choose for {NURSE.hsa_id} ({page.status_code})")
    chosen = client.post(
        "/personal/enhet", data={"assignment_id": choices[0], "csrf_token": match.group(1)}
    )
    expect_redirect(chosen, "unit choice")


def login_cookies(base_url: str) -> dict[str | None, httpx.Cookies]:
    """Session cookies per login kind (None: anonymous)."""
    cookies: dict[str | None, httpx.Cookies] = {None: httpx.Cookies()}
    for kind, login in (("citizen", login_citizen), ("staff", login_nurse)):
        with httpx.Client(base_url=base_url, follow_redirects=False) as client:
            login(client)
            cookies[kind] = httpx.Cookies(client.cookies)
    return cookies


def open_clients(
    stack: ExitStack, base_url: str, cookies: dict[str | None, httpx.Cookies]
) -> dict[str | None, list[httpx.Client]]:
    """`CONCURRENCY` keep-alive clients per login kind, one per thread (no sharing)."""
    return {
        kind: [
            stack.enter_context(httpx.Client(base_url=base_url, cookies=jar,
                                             timeout=REQUEST_TIMEOUT_SECONDS))
            for _ in range(CONCURRENCY)
        ]
        for kind, jar in cookies.items()
    }  # fmt: skip


def hammer(client: httpx.Client, path: str, count: int) -> tuple[list[float], list[int]]:
    """`count` sequential GETs on one client; latencies (s) and non-200 statuses."""
    latencies, errors = [], []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            errors.append(response.status_code)
    return latencies, errors


def one_round(
    pool: ThreadPoolExecutor, clients: list[httpx.Client], path: str, requests: int
) -> tuple[float, list[float], list[int]]:
    """`requests` GETs split over the clients in parallel; rps, latencies, errors."""
    shares = [requests // len(clients) + (i < requests % len(clients)) for i in range(len(clients))]
    started = time.perf_counter()
    futures = [pool.submit(hammer, c, path, n) for c, n in zip(clients, shares, strict=True)]
    results = [f.result() for f in futures]
    elapsed = time.perf_counter() - started
    latencies = [x for lat, _ in results for x in lat]
    errors = [x for _, err in results for x in err]
    return rate(requests, elapsed), latencies, errors


def warm_up(pool: ThreadPoolExecutor, clients: list[httpx.Client], endpoint: Endpoint) -> None:
    """Fill connections and caches, and refuse to measure an endpoint that does not answer 200."""
    _, _, errors = one_round(pool, clients, endpoint.path, CONCURRENCY * WARMUP_PER_CLIENT)
    if errors:
        raise RuntimeError(f"{endpoint.path} answered {sorted(set(errors))} during warm-up")


def measure(
    base_url: str, cookies: dict[str | None, httpx.Cookies], requests: int, rounds: int
) -> dict[str, Samples]:
    """Every endpoint in every round, rotating the order so no endpoint always goes first."""
    samples = {endpoint.key: Samples() for endpoint in ENDPOINTS}
    per_round = max(CONCURRENCY, requests // rounds)
    with ExitStack() as stack, ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        clients = open_clients(stack, base_url, cookies)
        for endpoint in ENDPOINTS:
            warm_up(pool, clients[endpoint.login], endpoint)
        for number in range(rounds):
            shift = number % len(ENDPOINTS)
            for endpoint in ENDPOINTS[shift:] + ENDPOINTS[:shift]:
                rps, latencies, errors = one_round(
                    pool, clients[endpoint.login], endpoint.path, per_round
                )
                record(samples[endpoint.key], rps, latencies, errors)
            progress(f"http: round {number + 1}/{rounds} done ({per_round} requests each)")
    return samples


def record(samples: Samples, rps: float, latencies: list[float], errors: list[int]) -> None:
    """Add one round's results to an endpoint's samples."""
    samples.rps.append(rps)
    samples.latencies.extend(latencies)
    for status in errors:
        samples.errors[status] = samples.errors.get(status, 0) + 1


def summarise(samples: dict[str, Samples]) -> dict[str, Any]:
    """Per endpoint: median rps, pooled p50/p95, and rps relative to the baseline.

    The ratio is the median of per-round ratios: each round's baseline ran moments
    before or after the endpoint, so a noisy minute affects both sides of the ratio.
    """
    baseline = samples[BASELINE.key].rps
    report = {}
    for endpoint in ENDPOINTS:
        own = samples[endpoint.key]
        ratios = [r / b for r, b in zip(own.rps, baseline, strict=True)]
        report[endpoint.key] = {
            "path": endpoint.path, "login": endpoint.login, "requests": len(own.latencies),
            "rps": round(median(own.rps), 1), "p50_ms": percentile_ms(own.latencies, 50),
            "p95_ms": percentile_ms(own.latencies, 95),
            "ratio_to_baseline": round(median(ratios), 4),
            "rounds_rps": [round(r, 1) for r in own.rps],
            "errors": {str(status): n for status, n in sorted(own.errors.items())},
        }  # fmt: skip
    return report


def run(directory: Path, *, requests: int, rounds: int) -> dict[str, Any]:
    """The HTTP section of the report."""
    progress(f"http: building the demo world ({DEMO_CITIZENS} citizens)")
    database_url = prepare_database(directory)
    progress("http: starting the server")
    with running_server(database_url, directory) as base_url:
        progress(f"http: serving on {base_url}; logging in as citizen and nurse")
        cookies = login_cookies(base_url)
        progress(f"http: {rounds} rounds, {requests} requests per endpoint, {CONCURRENCY} clients")
        samples = measure(base_url, cookies, requests, rounds)
    progress("http: server stopped")
    return {
        "server": "uvicorn, 1 worker, access log off", "database": "sqlite",
        "demo_citizens": DEMO_CITIZENS, "concurrency": CONCURRENCY, "rounds": rounds,
        "baseline": BASELINE.key, "endpoints": summarise(samples),
    }  # fmt: skip
