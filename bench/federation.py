"""The consumer fan-out across 20 producers: answer time against the slowest producer.

The 20 producer endpoints are served by a few fault-producer processes on loopback
(tests/support/fault_producer.py), five endpoints each. A producer here only waits for
its set delay and then sends a small FHIR Bundle, so an asyncio process serves five of
them concurrently without skewing the delays, while 20 Python processes on a machine
with two cores would mostly measure their own start-up and scheduling. Each query runs
exactly as the consumer runs it: a fresh event loop, one shared connection pool, every
producer asked over HTTP at once, the Bundles parsed, merged and deduplicated. The
policy decisions before the fan-out are not part of this measurement.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench.http_bench import HOST, STOP_TIMEOUT_SECONDS
from bench.support import median, percentile_ms, progress, rate
from samvard.core.processes import free_port, stop, wait_until_serving
from samvard.federation import fanout, remote
from samvard.federation.fanout import Deadlines, Source
from samvard.federation.in_process import parse
from samvard.federation.keys import generate_node_key
from samvard.federation.schemas import CoordinatedAnswer, SourceStatus
from samvard.fhir.records import search_for
from samvard.fhir.systems import PERSONNUMMER
from samvard.records.models import RecordKind

REPO_ROOT = Path(__file__).resolve().parent.parent
PRODUCER_SCRIPT = REPO_ROOT / "tests" / "support" / "fault_producer.py"
PRODUCERS, PROCESSES = 20, 4
# Delays from 100 to 480 ms, like organisations' systems answering across a national
# network; the slowest decides the answer time. The consumer's own cost (about 2–3 ms of
# CPU per answer on loopback) is reported as `overhead_ms`, whatever the delays.
DELAYS_MS = tuple(100 + 20 * i for i in range(PRODUCERS))
DEADLINE_S = 1.0
THROUGHPUT_DELAY_MS = 20
THROUGHPUT_CLIENTS = 4
PATIENT = "193804037483"  # Skatteverket test number (the demo's ELDER persona)
KIND = RecordKind.MEDICATION
TARGET_SLOWEST_RATIO = 1.20
TARGET_HANG_OVERHEAD_MS = 50.0


@contextmanager
def producer_processes(directory: Path) -> Iterator[list[str]]:
    """Start the producer processes; yields their base URLs; stops them on exit."""
    config = directory / "fault-config.json"
    config.write_text(json.dumps({"index_id": "index", "index_key": generate_node_key()[0],
                                  "producers": []}), encoding="utf-8")  # fmt: skip
    with ExitStack() as stack:
        urls = []
        for number in range(PROCESSES):
            port = free_port(HOST)
            log_path = directory / f"producer-{number}.log"
            log = stack.enter_context(log_path.open("wb"))
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
                [sys.executable, str(PRODUCER_SCRIPT), "--host", HOST, "--port", str(port),
                 "--config", str(config)],
                stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
            )  # fmt: skip
            stack.callback(stop, process, timeout_s=STOP_TIMEOUT_SECONDS)
            url = f"http://{HOST}:{port}"
            wait_until_serving(process, url, log_path, what="producer")
            urls.append(url)
        yield urls


def sources(urls: list[str], modes: list[str]) -> list[Source]:
    """One HTTP source per mode, spread over the producer processes."""
    resource_type, category = search_for(KIND)
    result = []
    for number, mode in enumerate(modes):
        care_giver = f"SE{2321000000 + number:010d}-VG"
        query = remote.RemoteQuery(
            base_url=f"{urls[number % len(urls)]}/{mode}", resource_type=resource_type,
            category=category, patient=f"{PERSONNUMMER}|{PATIENT}",
            care_giver_hsaid=care_giver, care_giver_name=f"Producent {number + 1}",
            node_id=f"p{number}", headers={},
        )  # fmt: skip
        fetch = remote.http_fetch(query, parse(KIND))
        result.append(Source(care_giver_hsaid=care_giver, care_giver_name=query.care_giver_name,
                             node_id=query.node_id, fetch=fetch))  # fmt: skip
    return result


def query(srcs: list[Source], deadline: float = DEADLINE_S) -> tuple[float, CoordinatedAnswer]:
    """One fan-out, timed from the caller's side (new loop and client included)."""
    started = time.perf_counter()
    answer = fanout.run(srcs, deadlines=Deadlines(deadline, deadline), person_id=PATIENT,
                        kinds=(KIND,))  # fmt: skip
    return time.perf_counter() - started, answer


def measure_slowest(urls: list[str], rounds: int) -> dict[str, Any]:
    """Answer time with 20 producers answering after 50–240 ms."""
    srcs = sources(urls, [f"slow-{ms}" for ms in DELAYS_MS])
    query(srcs)  # warm-up: imports, first connections
    times, complete = [], True
    for _ in range(rounds):
        elapsed, answer = query(srcs)
        times.append(elapsed)
        complete &= all(s.status is SourceStatus.ANSWERED for s in answer.sources)
    slowest = max(DELAYS_MS) / 1000
    return {
        "producers": PRODUCERS, "processes": PROCESSES, "delays_ms": [min(DELAYS_MS),
        max(DELAYS_MS)], "rounds": rounds, "median_ms": round(1000 * median(times), 1),
        "p95_ms": percentile_ms(times, 95), "ratio_to_slowest": round(median(times) / slowest, 3),
        "overhead_ms": round(1000 * (median(times) - slowest), 1),
        "all_answered": complete,
    }  # fmt: skip


def measure_hang(urls: list[str], rounds: int) -> dict[str, Any]:
    """Answer time when one of the 20 never answers: the deadline, plus how much."""
    modes = [f"slow-{ms}" for ms in DELAYS_MS[:-1]] + ["hang"]
    srcs = sources(urls, modes)
    times, statuses_right = [], True
    for _ in range(rounds):
        elapsed, answer = query(srcs)
        times.append(elapsed)
        statuses = [s.status for s in answer.sources]
        statuses_right &= statuses[-1] is SourceStatus.TIMED_OUT and all(
            s is SourceStatus.ANSWERED for s in statuses[:-1]
        )
    overhead = 1000 * (median(times) - DEADLINE_S)
    return {
        "deadline_ms": DEADLINE_S * 1000, "rounds": rounds,
        "median_ms": round(1000 * median(times), 1), "max_ms": round(1000 * max(times), 1),
        "overhead_ms": round(overhead, 1), "statuses_right": statuses_right,
    }  # fmt: skip


def measure_throughput(urls: list[str], queries: int) -> dict[str, Any]:
    """Aggregated queries per second, each query fanning out to all 20 producers."""
    srcs = sources(urls, [f"slow-{THROUGHPUT_DELAY_MS}"] * PRODUCERS)
    per_client = max(1, queries // THROUGHPUT_CLIENTS)

    def client(_: int) -> list[float]:
        return [query(srcs)[0] for _ in range(per_client)]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THROUGHPUT_CLIENTS) as pool:
        latencies = [x for batch in pool.map(client, range(THROUGHPUT_CLIENTS)) for x in batch]
    elapsed = time.perf_counter() - started
    return {
        "queries": len(latencies), "concurrent_consumers": THROUGHPUT_CLIENTS,
        "producer_delay_ms": THROUGHPUT_DELAY_MS,
        "queries_per_s": round(rate(len(latencies), elapsed), 1),
        "producer_requests_per_s": round(rate(len(latencies) * PRODUCERS, elapsed), 1),
        "p50_ms": percentile_ms(latencies, 50), "p95_ms": percentile_ms(latencies, 95),
    }  # fmt: skip


def run(directory: Path, *, rounds: int, queries: int) -> dict[str, Any]:
    """The federation section of the report, with its targets."""
    progress(f"federation: starting {PROCESSES} producer processes ({PRODUCERS} endpoints)")
    with producer_processes(directory) as urls:
        progress(f"federation: {rounds} queries with delays {min(DELAYS_MS)}–{max(DELAYS_MS)} ms")
        slowest = measure_slowest(urls, rounds)
        progress(f"federation: {rounds} queries with one producer hanging")
        hang = measure_hang(urls, rounds)
        progress(f"federation: {queries} queries from {THROUGHPUT_CLIENTS} consumers")
        throughput = measure_throughput(urls, queries)
    return {
        "setup": f"{PRODUCERS} producer endpoints in {PROCESSES} processes on loopback",
        "slowest": slowest, "one_hanging": hang, "throughput": throughput,
        "targets": targets(slowest, hang),
    }  # fmt: skip


def targets(slowest: dict[str, Any], hang: dict[str, Any]) -> dict[str, bool]:
    """Met or not: within 20 % of the slowest producer; the deadline plus under 50 ms."""
    return {
        "answer_within_1.2x_slowest": slowest["all_answered"]
        and slowest["ratio_to_slowest"] <= TARGET_SLOWEST_RATIO,
        "hang_answer_within_deadline_plus_50ms": hang["statuses_right"]
        and hang["overhead_ms"] < TARGET_HANG_OVERHEAD_MS,
    }


def summary_lines(section: dict[str, Any]) -> list[str]:
    """Human-readable lines for the run summary."""
    s, h, t = section["slowest"], section["one_hanging"], section["throughput"]
    met = section["targets"]
    return [
        f"  federation: {s['median_ms']} ms for {s['producers']} producers, slowest "
        f"{s['delays_ms'][1]} ms (+{s['overhead_ms']} ms, ×{s['ratio_to_slowest']}; "
        f"target ≤ {TARGET_SLOWEST_RATIO}: "
        f"{'met' if met['answer_within_1.2x_slowest'] else 'MISSED'})",
        f"  federation: one hanging: {h['median_ms']} ms against a {h['deadline_ms']:g} ms "
        f"deadline (+{h['overhead_ms']} ms; target < {TARGET_HANG_OVERHEAD_MS:g}: "
        f"{'met' if met['hang_answer_within_deadline_plus_50ms'] else 'MISSED'})",
        f"  federation: {t['queries_per_s']} queries/s ({t['producer_requests_per_s']} producer "
        f"requests/s), p50 {t['p50_ms']} ms, p95 {t['p95_ms']} ms",
    ]
