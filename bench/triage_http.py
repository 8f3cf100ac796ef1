"""The citizen's question steps over HTTP, against a bare endpoint in the same rounds.

A step is what a citizen does once per question: load the question page (the engine
evaluates the answers so far and the page is rendered) and post the answer (checked by
the engine, stored, the outcome decided when there is one). The bare endpoint
(bench/triage_app.py) does the same login and guarded assessment lookup without the
engine; it is asked as many times as the steps made requests, by the same clients.
Assessments are started and their complaints chosen before the timed part of a round.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from bench.http_bench import (
    CONCURRENCY,
    CSRF_RE,
    REQUEST_TIMEOUT_SECONDS,
    login_citizen,
    prepare_database,
    running_server,
)
from bench.support import median, percentile_ms, progress, rate
from samvard.triage.engine import AnswerError, Subject, check_applicable
from samvard.triage.loader import load_content

BASE = "/mina-sidor/bedomning"
FIELD_RE = {name: re.compile(rf'name="{name}" value="([^"]+)"') for name in ("fraga", "version")}
OPTION_RE = re.compile(r'name="svar" value="([^"]+)"')
REF_RE = re.compile(rf"{BASE}/([^/]+)/")
CITIZEN_BORN = date(1985, 3, 2)  # the citizen persona's personnummer, 19850302-2389


@contextmanager
def bench_server(database_url: str, directory: Path) -> Iterator[str]:
    """Serve bench/triage_app.py (the app plus the bare route) on a free loopback port."""
    with running_server(
        database_url, directory, app="bench.triage_app:app", log_name="triage-server.log"
    ) as base_url:
        yield base_url


def complaints_for_citizen() -> list[str]:
    """The complaints the citizen persona (a woman born 1985) may choose today."""
    content = load_content()
    subject = Subject(age_days=(date.today() - CITIZEN_BORN).days, sex="female")
    allowed = []
    for complaint_id in sorted(content.complaints):
        try:
            check_applicable(content, complaint_id, subject)
        except AnswerError:
            continue
        allowed.append(complaint_id)
    return allowed


def _field(pattern: re.Pattern[str], html: str, what: str) -> str:
    match = pattern.search(html)
    if match is None:
        raise RuntimeError(f"no {what} on the page")
    return match.group(1)


def _see_other(response: httpx.Response, what: str) -> str:
    if response.status_code != 303:
        raise RuntimeError(f"{what}: {response.status_code} {response.text[:300]}")
    return response.headers["location"]


def start(client: httpx.Client, complaint_id: str) -> str:
    """Start an assessment for oneself and choose the complaint; its reference."""
    token = _field(CSRF_RE, client.get(BASE).text, "CSRF token")
    location = _see_other(client.post(BASE, data={"csrf_token": token}), "start")
    ref = _field(REF_RE, location, "assessment reference")
    page = client.get(location).text
    form = {"csrf_token": _field(CSRF_RE, page, "CSRF token"), "complaint": complaint_id,
            "version": _field(FIELD_RE["version"], page, "version")}  # fmt: skip
    _see_other(client.post(f"{BASE}/{ref}/besvar", data=form), "choose complaint")
    return ref


def step(client: httpx.Client, ref: str, rng: random.Random) -> tuple[bool, float]:
    """One question: the page, then the answer. (Finished?, seconds taken.)"""
    started = time.perf_counter()
    page = client.get(f"{BASE}/{ref}/fraga")
    if page.status_code != 200:
        raise RuntimeError(f"question page: {page.status_code} {page.text[:300]}")
    form = {
        "csrf_token": _field(CSRF_RE, page.text, "CSRF token"),
        "fraga": _field(FIELD_RE["fraga"], page.text, "question id"),
        "version": _field(FIELD_RE["version"], page.text, "version"),
    }
    options = OPTION_RE.findall(page.text)
    form |= {"svar": rng.choice(options)} if options else {"vet_inte": "1"}
    location = _see_other(client.post(f"{BASE}/{ref}/fraga", data=form), "answer")
    return location.endswith("/resultat"), time.perf_counter() - started


def run_sessions(client: httpx.Client, refs: list[str], seed: int) -> list[float]:
    """Every assessment to its outcome; the seconds of each step."""
    rng = random.Random(seed)  # noqa: S311 - benchmark answers, no secrets
    latencies = []
    for ref in refs:
        done = False
        while not done:
            done, seconds = step(client, ref, rng)
            latencies.append(seconds)
    return latencies


def run_bare(client: httpx.Client, refs: list[str], count: int) -> list[float]:
    """`count` bare lookups over the same assessments; the seconds of each."""
    latencies = []
    for number in range(count):
        started = time.perf_counter()
        response = client.get(f"/bench/bedomning/{refs[number % len(refs)]}")
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"bare endpoint: {response.status_code} {response.text[:300]}")
    return latencies


def one_round(
    pool: ThreadPoolExecutor, clients: list[httpx.Client], refs: list[list[str]], seed: int
) -> dict[str, Any]:
    """The steps, then as many bare requests; rates and latencies of both."""
    started = time.perf_counter()
    jobs = [
        pool.submit(run_sessions, c, r, seed + i)
        for i, (c, r) in enumerate(zip(clients, refs, strict=True))
    ]
    steps = [f.result() for f in jobs]
    step_seconds = time.perf_counter() - started
    started = time.perf_counter()
    jobs = [
        pool.submit(run_bare, c, r, 2 * len(s))
        for c, r, s in zip(clients, refs, steps, strict=True)
    ]
    bare = [f.result() for f in jobs]
    bare_seconds = time.perf_counter() - started
    step_latencies = [x for lats in steps for x in lats]
    return {
        "steps": len(step_latencies), "step_rate": rate(len(step_latencies), step_seconds),
        "bare_rate": rate(sum(len(b) for b in bare), bare_seconds),
        "step_latencies": step_latencies, "bare_latencies": [x for lats in bare for x in lats],
    }  # fmt: skip


def measure(base_url: str, *, sessions: int, rounds: int) -> list[dict[str, Any]]:
    """`rounds` rounds of `sessions` assessments per client, complaints taken in turn."""
    complaints = complaints_for_citizen()
    results = []
    with ExitStack() as stack, ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        clients = []
        for _ in range(CONCURRENCY):
            client = stack.enter_context(
                httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS)
            )
            login_citizen(client)
            clients.append(client)
        turn = 0
        for number in range(rounds):
            refs = []
            for client in clients:
                refs.append(
                    [
                        start(client, complaints[(turn + i) % len(complaints)])
                        for i in range(sessions)
                    ]
                )
                turn += sessions
            results.append(one_round(pool, clients, refs, seed=number * CONCURRENCY))
            progress(
                f"triage: http round {number + 1}/{rounds} done ({results[-1]['steps']} steps)"
            )
    return results


def run(directory: Path, *, sessions: int, rounds: int) -> dict[str, Any]:
    """The HTTP part of the triage section."""
    progress("triage: building the demo world for the question steps")
    work = directory / "triage"
    work.mkdir(exist_ok=True)
    database_url = prepare_database(work)
    with bench_server(database_url, work) as base_url:
        results = measure(base_url, sessions=sessions, rounds=rounds)
    steps = [x for r in results for x in r["step_latencies"]]
    bare = [x for r in results for x in r["bare_latencies"]]
    # A step is two requests; the ratio compares requests with requests, round by round.
    ratios = [2 * r["step_rate"] / r["bare_rate"] for r in results]
    return {
        "server": "uvicorn, 1 worker, access log off", "database": "sqlite",
        "concurrency": CONCURRENCY, "rounds": rounds, "steps": len(steps),
        "question_steps_per_s": round(median([r["step_rate"] for r in results]), 1),
        "step_p50_ms": percentile_ms(steps, 50), "step_p95_ms": percentile_ms(steps, 95),
        "bare_requests_per_s": round(median([r["bare_rate"] for r in results]), 1),
        "bare_p50_ms": percentile_ms(bare, 50), "bare_p95_ms": percentile_ms(bare, 95),
        "step_requests_ratio_to_bare": round(median(ratios), 4),
    }  # fmt: skip
