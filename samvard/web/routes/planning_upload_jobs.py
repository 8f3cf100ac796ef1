"""Reading in an uploaded report in the background, so the page can show how far it has come.

Once the file is on disk the request answers at once with a job reference; a thread of the
worker process that received the file runs the ingestion (the warehouse's own lock orders
the writers of all processes) and records each step's text and share done. The server may
run several worker processes and the page's polls may reach any of them, so the job's state
lives in a small file per job in a directory beside the warehouse
(``planning_upload_jobfiles``), and every poll is answered from that file, also in the
worker that runs the job: what the page shows never depends on which worker answers.

Only the login session that started a job can see it. A finished job is kept a while for
its answer to be fetched and then forgotten (its receipt stays in the warehouse). The
running worker rewrites the state at least every few seconds; a job whose process is gone,
or has not been heard from for a minute, is shown as interrupted: the warehouse left the
month as it was, and the file must be sent again.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from starlette.datastructures import State

from samvard.web.errors import WebError
from samvard.web.routes import planning_upload_jobfiles as files
from samvard.web.routes.planning_upload_jobfiles import HOST, JobRecord, Outcome
from samvard.web.routes.planning_upload_stream import UPLOAD_PREFIX

__all__ = ["JobState", "Jobs", "Outcome", "Progress", "jobs_directory", "jobs_of"]

log = logging.getLogger("samvard.web")

# The jobs' directory, beside the warehouse and the uploaded files.
DIRECTORY = "upload-jobs"
# A finished job's answer can be fetched this long; a running job is never dropped.
KEEP_SECONDS = 15 * 60
# Running and kept jobs at most, for the whole server: each holds a file on disk.
MAX_JOBS = 50
# The running worker says it is alive this often; a job not heard from for STALE_SECONDS
# is taken to be interrupted (its process frozen or gone).
HEARTBEAT_SECONDS = 5.0
STALE_SECONDS = 60.0
WAITING = "Väntar på att läsas in"
BUSY = "Många filer läses in just nu. Försök igen om en stund."


class Progress(Protocol):
    """Ingest's progress callback: the step's Swedish text, the share of the whole done."""

    def __call__(self, step: str, fraction: float) -> None: ...


Work = Callable[[Progress], Outcome]


@dataclass(frozen=True)
class JobState:
    """A consistent view of a job, for a page to show."""

    ref: str
    file_name: str
    step: str
    percent: int
    done: bool
    outcome: Outcome | None
    failed: bool
    # The process that read the file in died before it finished: nothing was changed.
    interrupted: bool = False


class Jobs:
    """The server's upload jobs, stored in ``directory`` and shared by its worker processes."""

    def __init__(
        self,
        directory: Path,
        *,
        keep_seconds: float = KEEP_SECONDS,
        max_jobs: int = MAX_JOBS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        stale_seconds: float = STALE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self.keep_seconds = keep_seconds
        self.max_jobs = max_jobs
        self.heartbeat_seconds = heartbeat_seconds
        self.stale_seconds = stale_seconds
        self.clock = clock

    def start(
        self, owner: int, file_name: str, work: Work, *, upload: Path | None = None
    ) -> JobState:
        """Record a job for ``owner`` (a login session) and run ``work`` in a thread here.

        ``upload`` is the file the work reads, beside the warehouse: removed here should the
        process running the job die.
        """
        with files.locked(self.directory):
            self._forget_old()
            if len(files.refs(self.directory)) >= self.max_jobs:
                raise WebError(503, "too_many_uploads", BUSY)
            record = JobRecord(
                ref=secrets.token_urlsafe(16),
                owner=owner,
                file_name=file_name,
                step=WAITING,
                fraction=0.0,
                pid=os.getpid(),
                host=HOST,
                heartbeat=self.clock(),
                upload=upload.name if upload is not None else "",
            )
            # On disk before the page can poll for it, whichever worker the poll reaches.
            files.write(self.directory, record, durable=True)
        runner = _Runner(self, record)
        worker = threading.Thread(
            target=runner.run, args=(work,), name=f"upload-{record.ref[:8]}", daemon=True
        )
        worker.start()
        return self._state(record)

    def get(self, ref: str, owner: int) -> JobState | None:
        """The job, if it exists, is still kept, and belongs to ``owner``; else None."""
        record = files.read(self.directory, ref)
        # Someone else's job is answered as if it did not exist.
        if record is None or record.owner != owner:
            return None
        if self._expired(record):
            files.remove(self.directory, ref)
            return None
        state = self._state(record)
        if state.interrupted:
            self._remove_upload(record)
        return state

    def _state(self, record: JobRecord) -> JobState:
        finished = record.finished_at is not None
        interrupted = not finished and self._interrupted(record)
        return JobState(
            ref=record.ref,
            file_name=record.file_name,
            step=record.step,
            percent=round(record.fraction * 100),
            done=finished or interrupted,
            outcome=record.outcome,
            failed=record.failed,
            interrupted=interrupted,
        )

    def _interrupted(self, record: JobRecord) -> bool:
        silent = self.clock() - record.heartbeat > self.stale_seconds
        return silent or not files.process_alive(record.pid, record.host)

    def _expired(self, record: JobRecord) -> bool:
        now = self.clock()
        if record.finished_at is not None:
            return now - record.finished_at > self.keep_seconds
        # An interrupted job is kept as long as a finished one, from its last sign of life.
        return self._interrupted(record) and now - record.heartbeat > self.keep_seconds

    def _forget_old(self) -> None:
        for ref in files.refs(self.directory):
            record = files.read(self.directory, ref)
            if record is not None and self._expired(record):
                self._remove_upload(record)
                files.remove(self.directory, ref)

    def _remove_upload(self, record: JobRecord) -> None:
        # A dead process's upload would otherwise wait a day for the cleanup at a start. A
        # process that is only silent may still read its file, which is then left alone.
        name = record.upload
        if record.finished_at is not None or not name.startswith(UPLOAD_PREFIX) or "/" in name:
            return
        if not files.process_alive(record.pid, record.host):
            (self.directory.parent / name).unlink(missing_ok=True)


class _Runner:
    """One job being read in by this process: the work's thread and the heartbeat write."""

    def __init__(self, jobs: Jobs, record: JobRecord) -> None:
        self.jobs = jobs
        self.record = record
        self.finished = threading.Event()
        # Writes are ordered: a heartbeat never lands after, and hides, the final state.
        self.lock = threading.Lock()

    def run(self, work: Work) -> None:
        """Do the work, keep its answer (or the failure) and mark the job finished."""
        threading.Thread(target=self._beat, name=f"{self.record.ref[:8]}-beat", daemon=True).start()
        outcome: Outcome | None = None
        try:
            outcome = work(self.report)
        except Exception as error:
            # Only the type: the text of an error while reading a report may quote its rows.
            log.error("upload %s failed: %s", self.record.ref[:8], type(error).__name__)
        with self.lock:
            self.finished.set()
            now = self.jobs.clock()
            fraction = 1.0 if outcome is not None else self.record.fraction
            self.record = replace(
                self.record, fraction=fraction, outcome=outcome, failed=outcome is None
            )
            self._save(finished_at=now, durable=True)

    def report(self, step: str, fraction: float) -> None:
        """Ingest's progress callback; the bar only moves forward."""
        with self.lock:
            if self.finished.is_set():
                return
            before = self.record
            fraction = max(before.fraction, min(max(fraction, 0.0), 1.0))
            self.record = replace(before, step=step, fraction=fraction)
            # A write per visible change (text or whole percent), not per callback.
            if step != before.step or round(fraction * 100) != round(before.fraction * 100):
                self._save()

    def _beat(self) -> None:
        while not self.finished.wait(self.jobs.heartbeat_seconds):
            with self.lock:
                if not self.finished.is_set():
                    self._save()

    def _save(self, *, finished_at: float | None = None, durable: bool = False) -> None:
        now = self.jobs.clock()
        self.record = replace(self.record, heartbeat=now, finished_at=finished_at)
        try:
            files.write(self.jobs.directory, self.record, durable=durable)
        except OSError as error:
            # Left unwritten, the job shows as interrupted once its state is stale.
            log.error("upload %s: state not saved: %s", self.record.ref[:8], type(error).__name__)


def jobs_directory(data_directory: Path) -> Path:
    """Where the jobs of a server whose files are in ``data_directory`` are stored."""
    return data_directory / DIRECTORY


_CREATE = threading.Lock()


def jobs_of(state: State) -> Jobs:
    """The app's jobs (one registry per app, on the directory beside its warehouse)."""
    with _CREATE:
        jobs: Jobs | None = getattr(state, "upload_jobs", None)
        if jobs is None:
            jobs = Jobs(jobs_directory(state.settings.analytics_path.parent))
            state.upload_jobs = jobs
        return jobs
