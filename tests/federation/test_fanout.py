"""The fan-out engine with in-process fake sources: deadlines, statuses, merging.

Timing is only asserted with wide margins (a hanging source must not hold the answer for
seconds); the benchmark measures how close to the deadline the answer really comes.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date

import httpx
import pytest

from samvard.federation import fanout
from samvard.federation.fanout import Deadlines, Source, SourceFailure
from samvard.federation.schemas import SharedEntry, SourceAnswer, SourceStatus
from samvard.records.models import RecordKind

KIND = RecordKind.MEDICATION


def entry(care_giver: str, source_id: str, day: int) -> SharedEntry:
    return SharedEntry(
        source_id=source_id,
        kind=KIND,
        title=f"Läkemedel {source_id}",
        occurred_on=date(2025, 1, day),
        care_giver_hsaid=care_giver,
        unit_hsaid=f"{care_giver}-E0001",
        unit_name="Enheten",
    )


def answer(care_giver: str, *entries: SharedEntry, **values: object) -> SourceAnswer:
    return SourceAnswer(
        care_giver_hsaid=care_giver,
        care_giver_name=care_giver,
        node_id="n",
        status=values.pop("status", SourceStatus.ANSWERED),  # type: ignore[arg-type]
        entries=entries,
        **values,  # type: ignore[arg-type]
    )


def source(name: str, behaviour: object) -> Source:
    async def fetch(client: httpx.AsyncClient) -> SourceAnswer:
        return await behaviour(name)  # type: ignore[operator, no-any-return]

    return Source(care_giver_hsaid=name, care_giver_name=name, node_id=f"node-{name}", fetch=fetch)


async def hangs(name: str) -> SourceAnswer:
    await asyncio.Event().wait()
    raise AssertionError("never")


def after(seconds: float, *entries: SharedEntry) -> object:
    async def behaviour(name: str) -> SourceAnswer:
        await asyncio.sleep(seconds)
        return answer(name, *entries)

    return behaviour


def raises(error: BaseException) -> object:
    async def behaviour(name: str) -> SourceAnswer:
        raise error

    return behaviour


def run(*sources: Source, per_source: float = 1.0, overall: float = 2.0) -> dict[str, SourceAnswer]:
    result = fanout.run(
        sources, deadlines=Deadlines(per_source, overall), person_id="x", kinds=(KIND,)
    )
    assert len(result.sources) == len(sources)
    return {s.care_giver_hsaid: s for s in result.sources}


def test_every_source_gets_its_status() -> None:
    request = httpx.Request("GET", "http://127.0.0.1:1/")
    answers = run(
        source("a", after(0.01, entry("a", "1", 3))),
        source("b", after(0.0)),
        source("c", hangs),
        source("d", raises(SourceFailure("http_500", "Källan svarade med fel 500."))),
        source("e", raises(httpx.ConnectError("refused", request=request))),
        source("f", raises(ValueError("boom"))),
        source("g", raises(httpx.ReadTimeout("slow", request=request))),
        source("h", raises(httpx.RemoteProtocolError("cut", request=request))),
        per_source=0.3,
        overall=0.6,
    )
    assert answers["a"].status is SourceStatus.ANSWERED
    assert [e.source_id for e in answers["a"].entries] == ["1"]
    assert answers["b"].status is SourceStatus.NO_DATA
    assert answers["c"].status is SourceStatus.TIMED_OUT
    assert answers["d"].status is SourceStatus.FAILED
    assert (answers["d"].code, answers["d"].text) == ("http_500", "Källan svarade med fel 500.")
    assert answers["e"].code == "connection_refused"
    assert answers["f"].code == "internal_error"
    assert "boom" not in (answers["f"].text or "")
    assert answers["g"].status is SourceStatus.TIMED_OUT
    assert answers["h"].code == "transport_error"
    assert all(a.text for k, a in answers.items() if k not in "ab")


def test_hanging_source_is_cancelled_by_the_overall_deadline() -> None:
    cancelled = asyncio.Event()

    async def stubborn(name: str) -> SourceAnswer:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()
        raise AssertionError("never")

    started = time.perf_counter()
    # The per-source deadline is longer than the overall one: the overall one wins.
    answers = run(
        source("fast", after(0.0, entry("fast", "1", 1))),
        source("hang", stubborn),
        per_source=30,
        overall=0.3,
    )
    elapsed = time.perf_counter() - started
    assert answers["hang"].status is SourceStatus.TIMED_OUT
    assert answers["hang"].code == "timeout"
    assert answers["fast"].status is SourceStatus.ANSWERED
    assert elapsed < 2.0  # generous: the point is "not 30 s", the benchmark measures the rest


def test_slow_source_times_out_on_its_own_deadline_others_answer() -> None:
    answers = run(
        source("slow", after(5.0, entry("slow", "1", 1))),
        source("ok", after(0.05, entry("ok", "2", 1))),
        per_source=0.2,
        overall=3.0,
    )
    assert answers["slow"].status is SourceStatus.TIMED_OUT
    assert answers["ok"].status is SourceStatus.ANSWERED


def test_settled_sources_pass_through_untouched_and_in_order() -> None:
    blocked = SourceAnswer(
        care_giver_hsaid="z",
        care_giver_name="Z",
        node_id="nz",
        status=SourceStatus.BLOCKED,
        code="blocked",
        text="Spärrad.",
    )
    settled = Source(care_giver_hsaid="z", care_giver_name="Z", node_id="nz", settled=blocked)
    result = fanout.run(
        [settled, source("a", after(0.0, entry("a", "1", 1)))],
        deadlines=Deadlines(1, 1),
        person_id="x",
        kinds=(KIND,),
    )
    assert result.sources[0] is blocked
    assert [s.care_giver_hsaid for s in result.sources] == ["z", "a"]
    assert not result.complete


def test_no_sources_is_an_empty_complete_answer() -> None:
    result = fanout.run([], deadlines=Deadlines(1, 1), person_id="x", kinds=(KIND,))
    assert result.sources == ()
    assert result.complete


def test_duplicates_and_foreign_entries_are_dropped_and_sorted_newest_first() -> None:
    dupes = after(
        0.0,
        entry("a", "1", 2),
        entry("a", "1", 2),
        entry("a", "2", 9),
        entry("other", "3", 20),  # not the asked care giver's: never shown as theirs
    )
    answers = run(source("a", dupes))
    assert [e.source_id for e in answers["a"].entries] == ["2", "1"]


def test_status_follows_content_not_the_producers_claim() -> None:
    async def claims_no_data_but_sends(name: str) -> SourceAnswer:
        return answer(name, entry(name, "1", 1), status=SourceStatus.NO_DATA)

    async def only_blocked_units(name: str) -> SourceAnswer:
        return answer(name, blocked_units=("u2", "u1", "u2"))

    answers = run(source("a", claims_no_data_but_sends), source("b", only_blocked_units))
    assert answers["a"].status is SourceStatus.ANSWERED
    assert answers["b"].status is SourceStatus.BLOCKED
    assert answers["b"].blocked_units == ("u1", "u2")


def test_merged_entries_are_newest_first_across_sources() -> None:
    result = fanout.run(
        [
            source("a", after(0.0, entry("a", "1", 1), entry("a", "2", 5))),
            source("b", after(0.0, entry("b", "3", 3))),
        ],
        deadlines=Deadlines(1, 1),
        person_id="x",
        kinds=(KIND,),
    )
    assert [e.source_id for e in fanout.merged_entries(result)] == ["2", "3", "1"]


def test_runs_from_inside_a_running_loop() -> None:
    async def caller() -> str:
        result = fanout.run(
            [source("a", after(0.0))], deadlines=Deadlines(1, 1), person_id="x", kinds=(KIND,)
        )
        return result.sources[0].status.value

    # The outer runner itself copes with a loop already running in this thread (the
    # browser tests' driver keeps one for the whole session).
    assert fanout.run_in_new_loop(caller()) == "no_data"


def test_errors_in_the_helper_thread_reach_the_caller() -> None:
    async def broken() -> None:
        raise RuntimeError("boom")

    async def caller() -> None:
        fanout.run_in_new_loop(broken())

    with pytest.raises(RuntimeError, match="boom"):
        fanout.run_in_new_loop(caller())
