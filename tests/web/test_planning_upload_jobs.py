"""Upload jobs stored as files: any worker process reads what the running one writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from samvard.analytics.contracts import ReportKind
from samvard.analytics.ingest import Rejection, ingest
from samvard.analytics.store import Receipt, Warehouse
from samvard.analytics.validation import Problem
from samvard.web.errors import WebError
from samvard.web.routes import planning_upload_jobfiles as files
from samvard.web.routes.planning_upload_jobfiles import HOST, JobRecord
from samvard.web.routes.planning_upload_jobs import Jobs, JobState
from tests.support.planning import STOCKHOLM, besok_csv
from tests.support.processes import REPO_ROOT

REJECTION = Rejection(
    "fel.csv",
    (
        Problem(2, "alder", "130", "Åldern ska vara ett helt antal år från 0 till 120.", "range"),
        Problem(0, "", "", "Filen saknar rader.", "empty"),
    ),
    {("alder", "range"): 7, ("", "empty"): 1},
)


class Held:
    """Work that reports a step and waits until the test lets it finish."""

    def __init__(self, outcome: Receipt | Rejection = REJECTION) -> None:
        self.outcome = outcome
        self.release = threading.Event()

    def __call__(self, progress: Callable[[str, float], None]) -> Receipt | Rejection:
        progress("Läser filen", 0.42)
        assert self.release.wait(10)
        return self.outcome


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return tmp_path / "upload-jobs"


@pytest.fixture
def held() -> Iterator[Held]:
    work = Held()
    yield work
    work.release.set()  # no thread is left waiting when a test fails


def wait_for(jobs: Jobs, ref: str, owner: int, done: Callable[[JobState], bool]) -> JobState:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = jobs.get(ref, owner)
        if state is not None and done(state):
            return state
        time.sleep(0.01)
    raise AssertionError(f"job {ref[:8]} never reached the state")


def record(**changes: Any) -> JobRecord:
    values: dict[str, Any] = {
        "ref": "A" * 22,
        "owner": 7,
        "file_name": "besok.csv",
        "step": "Läser filen",
        "fraction": 0.5,
        "pid": os.getpid(),
        "host": HOST,
        "heartbeat": time.time(),
    }
    values.update(changes)
    return JobRecord(**values)


def test_another_instance_sees_the_state_and_only_its_owner_does(
    directory: Path, held: Held
) -> None:
    runs, polls = Jobs(directory), Jobs(directory)
    started = runs.start(7, "fel.csv", held)
    assert (started.step, started.percent, started.done) == ("Väntar på att läsas in", 0, False)

    state = wait_for(polls, started.ref, 7, lambda s: s.percent == 42)
    assert (state.file_name, state.step, state.done, state.interrupted) == (
        "fel.csv",
        "Läser filen",
        False,
        False,
    )
    # Another session, a guessed or a forged reference: as if there were no such job.
    assert polls.get(started.ref, 8) is None
    assert polls.get(started.ref[:-1] + ("x" if started.ref[-1] != "x" else "y"), 7) is None
    assert polls.get("../" + started.ref, 7) is None
    assert polls.get("..", 7) is None

    held.release.set()
    final = wait_for(polls, started.ref, 7, lambda s: s.done)
    assert (final.percent, final.failed, final.interrupted) == (100, False, False)
    assert final.outcome == REJECTION
    assert final == runs.get(started.ref, 7)


def test_a_process_that_is_not_the_server_reads_the_same_state(
    directory: Path, receipt: Receipt
) -> None:
    directory.mkdir()
    files.write(directory, record(step="Sparar månaden", finished_at=time.time(), outcome=receipt))
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from samvard.web.routes.planning_upload_jobs import Jobs
        state = Jobs(Path({str(directory)!r})).get({"A" * 22!r}, 7)
        print(repr(state))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    expected = JobState(
        ref="A" * 22,
        file_name="besok.csv",
        step="Sparar månaden",
        percent=50,
        done=True,
        outcome=receipt,
        failed=False,
    )
    assert done.stdout.strip() == repr(expected)


@pytest.fixture
def receipt(tmp_path: Path) -> Receipt:
    """A real receipt, with its difference against an earlier version."""
    store = Warehouse(tmp_path / "warehouse.duckdb")
    for extra, name in ((0, "v1.csv"), (3, "v2.csv")):
        source = tmp_path / name
        source.write_text(besok_csv(STOCKHOLM, "2025-04", extra=extra), encoding="utf-8")
        outcome = ingest(store, ReportKind.BESOK, source, name)
    assert isinstance(outcome, Receipt) and outcome.diff["previous_version"] == 1
    return outcome


def test_receipts_and_rejections_come_back_from_json_equal(receipt: Receipt) -> None:
    for outcome in (receipt, REJECTION, Rejection("tom.csv", ())):
        stored = json.loads(json.dumps(files.outcome_to_json(outcome)))
        assert files.outcome_from_json(stored) == outcome
    assert isinstance(receipt.accepted_at, datetime)


def test_a_failed_write_leaves_the_previous_state_and_no_temporary_file(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory.mkdir()
    files.write(directory, record(step="Läser filen", fraction=0.25), durable=True)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    for name in ("fsync", "replace"):
        with monkeypatch.context() as patched:
            patched.setattr(os, name, broken)
            with pytest.raises(OSError, match="disk full"):
                files.write(directory, record(step="Sparar månaden", fraction=0.9), durable=True)
        found = files.read(directory, "A" * 22)
        assert found is not None and (found.step, found.fraction) == ("Läser filen", 0.25)
        assert sorted(p.name for p in directory.iterdir()) == ["A" * 22 + ".json"]


WRITER = """
import sys
from pathlib import Path
from samvard.web.routes import planning_upload_jobfiles as files
from samvard.web.routes.planning_upload_jobfiles import JobRecord
directory = Path(sys.argv[1])
for n in range(1, 401):
    # Each state longer than the last, so a half-written one would be a short, broken file.
    step = f"Steg {n} " + "ö" * (n * 40)
    files.write(directory, JobRecord("A" * 22, 7, "b.csv", step, n / 1000, 1, "h", float(n)))
"""


def test_a_reader_in_another_process_never_sees_half_a_state(directory: Path) -> None:
    directory.mkdir()
    files.write(directory, record(step="Steg 0 ", fraction=0.0))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(directory)], cwd=REPO_ROOT)
    seen: set[int] = set()
    try:
        while writer.poll() is None:
            found = files.read(directory, "A" * 22)
            assert found is not None, "a reader saw a broken state"
            number = int(found.step.split()[1])
            assert found.fraction == number / 1000
            assert found.step == f"Steg {number} " + "ö" * (number * 40)
            seen.add(number)
    finally:
        writer.wait(30)
    assert writer.returncode == 0
    assert len(seen) > 1  # the reads overlapped the writes


def test_finished_jobs_are_forgotten_after_a_while_running_ones_never(
    directory: Path, held: Held
) -> None:
    now = [1000.0]
    jobs = Jobs(directory, keep_seconds=60, stale_seconds=10**6, clock=lambda: now[0])
    ref = jobs.start(7, "a.csv", held).ref
    wait_for(jobs, ref, 7, lambda s: s.percent == 42)
    now[0] = 5000.0  # a running job is kept however long it runs
    assert jobs.get(ref, 7) is not None
    held.release.set()
    finished = wait_for(jobs, ref, 7, lambda s: s.done)
    assert finished.outcome == REJECTION
    now[0] = 5059.0
    assert jobs.get(ref, 7) is not None
    now[0] = 5061.0
    assert jobs.get(ref, 7) is None
    assert files.refs(directory) == []  # forgotten on disk too


def test_the_limit_counts_the_jobs_of_every_worker(directory: Path, held: Held) -> None:
    now = [1000.0]
    clock = lambda: now[0]  # noqa: E731
    one = Jobs(directory, max_jobs=2, keep_seconds=60, clock=clock)
    two = Jobs(directory, max_jobs=2, keep_seconds=60, clock=clock)
    refs = [one.start(7, "a.csv", held).ref, two.start(8, "b.csv", held).ref]
    with pytest.raises(WebError) as busy:
        one.start(9, "c.csv", held)
    assert busy.value.status == 503
    held.release.set()
    for jobs, ref, owner in ((one, refs[0], 7), (two, refs[1], 8)):
        wait_for(jobs, ref, owner, lambda s: s.done)
    with pytest.raises(WebError):  # finished jobs are kept, and still count
        two.start(9, "c.csv", held)
    now[0] = 1061.0
    again = two.start(9, "c.csv", held).ref
    assert wait_for(two, again, 9, lambda s: s.done).outcome == REJECTION


def test_a_job_whose_process_died_is_interrupted(directory: Path) -> None:
    directory.mkdir()
    jobs = Jobs(directory, stale_seconds=60)
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # ended and collected: its number belongs to no process
    zombie = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    zombie.kill()
    deadline = time.monotonic() + 10
    while files.process_alive(zombie.pid, HOST) and time.monotonic() < deadline:
        time.sleep(0.01)  # not yet collected: a zombie until we wait for it
    try:
        cases = {
            "a dead process": record(ref="D" * 22, pid=finished.pid),
            "a killed, uncollected process": record(ref="Z" * 22, pid=zombie.pid),
            "a silent process": record(ref="S" * 22, heartbeat=time.time() - 61),
        }
        for case, stored in cases.items():
            files.write(directory, stored)
            state = jobs.get(stored.ref, 7)
            assert state is not None, case
            assert (state.done, state.interrupted, state.failed) == (True, True, False), case
            assert state.outcome is None, case
    finally:
        zombie.wait()
    # Alive and heard from; or on another host, where only the heartbeat tells.
    for alive in (record(ref="L" * 22), record(ref="H" * 22, pid=finished.pid, host="annan")):
        files.write(directory, alive)
        state = jobs.get(alive.ref, 7)
        assert state is not None and (state.done, state.interrupted) == (False, False)


def test_the_file_of_a_job_whose_process_died_is_removed(directory: Path) -> None:
    directory.mkdir()
    data = directory.parent
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    uploads = {name: data / f".upload-{name}.csv" for name in ("dead", "silent", "running")}
    for path in uploads.values():
        path.write_text("region,period\n")
    jobs = Jobs(directory, stale_seconds=60)
    stored = {
        "dead": record(ref="D" * 22, pid=ended.pid),
        "silent": record(ref="S" * 22, heartbeat=time.time() - 61),
        "running": record(ref="R" * 22),
    }
    for name, job in stored.items():
        files.write(directory, replace(job, upload=uploads[name].name))
    outside = data.parent / "elsewhere.csv"
    outside.write_text("x")
    files.write(directory, record(ref="E" * 22, pid=ended.pid, upload="../elsewhere.csv"))

    states = {name: jobs.get(job.ref, 7) for name, job in stored.items()}
    assert jobs.get("E" * 22, 7) is not None
    assert {name: s.interrupted for name, s in states.items() if s} == {
        "dead": True,
        "silent": True,
        "running": False,
    }
    # Only a dead process's file goes: a silent one may still be reading its own.
    assert not uploads["dead"].exists()
    assert uploads["silent"].exists() and uploads["running"].exists()
    assert outside.exists()  # a name that is not an upload beside the warehouse


def test_an_interrupted_job_is_forgotten_after_a_while(directory: Path) -> None:
    directory.mkdir()
    now = [10_000.0]
    jobs = Jobs(directory, keep_seconds=60, stale_seconds=30, clock=lambda: now[0])
    files.write(directory, record(heartbeat=10_000.0))
    now[0] = 10_031.0
    state = jobs.get("A" * 22, 7)
    assert state is not None and state.interrupted
    now[0] = 10_061.0
    assert jobs.get("A" * 22, 7) is None
    assert files.refs(directory) == []


def test_job_files_left_a_day_are_removed_at_startup(directory: Path) -> None:
    directory.mkdir()
    old, fresh = record(ref="O" * 22), record(ref="F" * 22)
    for stored in (old, fresh):
        files.write(directory, stored)
    left = directory / ".tmp-left.json"
    left.write_text("{")
    (directory / files.LOCK_NAME).write_text("")
    now = time.time()
    for path in (directory / f"{old.ref}.json", left, directory / files.LOCK_NAME):
        os.utime(path, (now - 86_401, now - 86_401))
    assert files.remove_stale(directory, now=now, older_than=86_400) == 2
    assert sorted(p.name for p in directory.iterdir()) == [files.LOCK_NAME, f"{fresh.ref}.json"]
    assert files.remove_stale(directory / "missing", now=now, older_than=86_400) == 0
