"""Fan one query out to many producers at once, under a per-source and an overall deadline.

The engine knows nothing about databases or FHIR: a source is an async callable that
returns a `SourceAnswer` (or raises). The engine enforces the deadlines itself, with
asyncio, rather than trusting each HTTP timeout: a producer that accepts the connection and
then sends one byte a second would never trip a read timeout, yet must not hold the
clinician's page. Whatever happens, every source gets a status, and a source that did not
answer is never reported as having no information.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import httpx

from samvard.federation.schemas import CoordinatedAnswer, SharedEntry, SourceAnswer, SourceStatus
from samvard.records.models import RecordKind

log = logging.getLogger(__name__)

Fetch = Callable[[httpx.AsyncClient], Awaitable[SourceAnswer]]
"""Asks one producer, using the fan-out's shared HTTP client (in-process sources ignore it)."""

# Time a cancelled source gets to unwind (close its connection) before we stop waiting.
_CANCEL_GRACE_S = 0.02
_T = TypeVar("_T")


class SourceFailure(Exception):  # noqa: N818 - reads as the status it becomes
    """A source failed in a known way; becomes status `failed` with this code and text."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(code)
        self.code = code
        self.text = text


@dataclass(frozen=True, kw_only=True)
class Source:
    """One producer (care giver) to ask, or whose answer is already settled.

    `settled` is for sources decided before the fan-out: denied or blocked by the
    consumer's own policy, or answered in-process by this node.
    """

    care_giver_hsaid: str
    care_giver_name: str
    node_id: str
    fetch: Fetch | None = None
    settled: SourceAnswer | None = None


@dataclass(frozen=True)
class Deadlines:
    """Seconds one producer may take, and seconds the whole answer may take."""

    per_source: float
    overall: float


def timed_out(source: Source, seconds: float, elapsed_ms: float) -> SourceAnswer:
    """The answer for a source that gave none in time."""
    return _answer(
        source,
        SourceStatus.TIMED_OUT,
        code="timeout",
        text=f"Källan svarade inte inom {seconds:g} sekunder.",
        elapsed_ms=elapsed_ms,
    )


def failed(source: Source, code: str, text: str, elapsed_ms: float = 0.0) -> SourceAnswer:
    """The answer for a source that failed with `code` (Swedish `text` for the clinician)."""
    return _answer(source, SourceStatus.FAILED, code=code, text=text, elapsed_ms=elapsed_ms)


def _answer(source: Source, status: SourceStatus, **values: Any) -> SourceAnswer:
    return SourceAnswer(
        care_giver_hsaid=source.care_giver_hsaid,
        care_giver_name=source.care_giver_name,
        node_id=source.node_id,
        status=status,
        **values,
    )


def classify(source: Source, error: BaseException, *, per_source: float) -> SourceAnswer:
    """Turn what a source raised into its status; the clinician sees the Swedish text."""
    if isinstance(error, SourceFailure):
        return failed(source, error.code, error.text)
    if isinstance(error, TimeoutError | httpx.TimeoutException):
        return timed_out(source, per_source, 0.0)
    if isinstance(error, httpx.ConnectError):
        return failed(source, "connection_refused", "Det gick inte att ansluta till källan.")
    if isinstance(error, httpx.TransportError):
        return failed(source, "transport_error", "Förbindelsen med källan bröts.")
    # Only the type: an exception's text may quote what the producer sent.
    log.warning("federation source %s raised %s", source.node_id, type(error).__name__)
    return failed(source, "internal_error", "Ett oväntat fel uppstod när källan tillfrågades.")


def settle(source: Source, answer: SourceAnswer, elapsed_ms: float) -> SourceAnswer:
    """Make one answer consistent, whatever the producer sent.

    Entries must be the source's own care giver's (the consumer's policy decided about
    that care giver only), each entry once, newest first. "No data" means the producer
    answered and holds nothing; entries or blocked units make it "answered" or "blocked".
    """
    seen: set[str] = set()
    entries: list[SharedEntry] = []
    for entry in answer.entries:
        if entry.care_giver_hsaid != source.care_giver_hsaid or entry.source_id in seen:
            continue
        seen.add(entry.source_id)
        entries.append(entry)
    entries.sort(key=lambda e: (e.occurred_on, e.source_id), reverse=True)
    status = answer.status
    if status in (SourceStatus.ANSWERED, SourceStatus.NO_DATA):
        if entries:
            status = SourceStatus.ANSWERED
        elif answer.blocked_units:
            status = SourceStatus.BLOCKED
        else:
            status = SourceStatus.NO_DATA
    return replace(
        answer,
        care_giver_hsaid=source.care_giver_hsaid,
        care_giver_name=source.care_giver_name,
        node_id=source.node_id,
        status=status,
        entries=tuple(entries),
        blocked_units=tuple(sorted(set(answer.blocked_units))),
        elapsed_ms=round(elapsed_ms, 1),
    )


async def _ask(source: Source, client: httpx.AsyncClient, per_source: float) -> SourceAnswer:
    assert source.fetch is not None
    started = time.perf_counter()
    try:
        async with asyncio.timeout(per_source):
            answer = await source.fetch(client)
    except asyncio.CancelledError:
        raise
    except Exception as error:
        answer = classify(source, error, per_source=per_source)
    return settle(source, answer, 1000 * (time.perf_counter() - started))


async def gather(
    sources: Sequence[Source], *, deadlines: Deadlines, client: httpx.AsyncClient
) -> tuple[SourceAnswer, ...]:
    """Ask every source at once; one answer per source, in the order given, by the deadline.

    A source still running at the overall deadline is cancelled and reported timed out.
    """
    started = time.perf_counter()
    per_source = min(deadlines.per_source, deadlines.overall)
    tasks = {
        index: asyncio.create_task(_ask(source, client, per_source))
        for index, source in enumerate(sources)
        if source.settled is None
    }
    if tasks:
        await asyncio.wait(tasks.values(), timeout=deadlines.overall)
    pending = [task for task in tasks.values() if not task.done()]
    for waiting in pending:
        waiting.cancel()
    if pending:
        # A short grace to close their connections; never waiting on them beyond it.
        await asyncio.wait(pending, timeout=_CANCEL_GRACE_S)
    elapsed_ms = 1000 * (time.perf_counter() - started)
    answers = []
    for index, source in enumerate(sources):
        asked = tasks.get(index)
        if asked is None:
            assert source.settled is not None
            answers.append(source.settled)
        elif asked.done() and not asked.cancelled():
            answers.append(asked.result())
        else:
            answers.append(timed_out(source, deadlines.overall, round(elapsed_ms, 1)))
    return tuple(answers)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context per process: building one reads the CA store (tens of ms a query)."""
    return ssl.create_default_context()


def new_client(deadlines: Deadlines, *, connections: int = 100) -> httpx.AsyncClient:
    """The fan-out's HTTP client: one connection pool for every producer in the query.

    `trust_env` is off so that proxy variables never route patient queries elsewhere.
    """
    return httpx.AsyncClient(
        verify=tls_context(),
        timeout=httpx.Timeout(deadlines.per_source),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        trust_env=False,
        follow_redirects=False,
    )


async def fan_out(
    sources: Sequence[Source],
    *,
    deadlines: Deadlines,
    person_id: str,
    kinds: tuple[RecordKind, ...],
    client: httpx.AsyncClient | None = None,
) -> CoordinatedAnswer:
    """`gather` the sources into one merged answer (opens a client unless given one)."""
    started = time.perf_counter()
    if client is not None:
        answers = await gather(sources, deadlines=deadlines, client=client)
    else:
        async with new_client(deadlines) as own:
            answers = await gather(sources, deadlines=deadlines, client=own)
    return CoordinatedAnswer(
        person_id=person_id,
        kinds=kinds,
        sources=answers,
        elapsed_ms=round(1000 * (time.perf_counter() - started), 1),
    )


def run(
    sources: Sequence[Source],
    *,
    deadlines: Deadlines,
    person_id: str,
    kinds: tuple[RecordKind, ...],
) -> CoordinatedAnswer:
    """`fan_out` from synchronous code (the routes are sync), in a fresh event loop."""
    return run_in_new_loop(fan_out(sources, deadlines=deadlines, person_id=person_id, kinds=kinds))


def run_in_new_loop(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run `coroutine` to completion in a fresh event loop.

    When this thread already runs a loop (an async caller), the coroutine runs in a
    helper thread instead, since one thread cannot run two loops.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    results: list[_T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(asyncio.run(coroutine))
        except BaseException as error:  # handed to the caller's thread below
            errors.append(error)

    helper = threading.Thread(target=target, name="samvard-fanout")
    helper.start()
    helper.join()
    if errors:
        raise errors[0]
    return results[0]


def merged_entries(answer: CoordinatedAnswer) -> tuple[SharedEntry, ...]:
    """Every source's entries in one list, newest first (the order the pages show)."""
    entries = [entry for source in answer.sources for entry in source.entries]
    entries.sort(key=lambda e: (e.occurred_on, e.care_giver_hsaid, e.source_id), reverse=True)
    return tuple(entries)
