"""Reading in an uploaded report in the background, so the page can show how far it has come.

Once the file is on disk the request answers at once with a job reference; a worker thread in
the server process runs the ingestion and records each step's text and share done, which the
page polls. Jobs live in the server's memory only: a finished job is kept a while for its
answer to be fetched and then forgotten (its receipt stays in the warehouse), and only the
login session that started a job can see it.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from starlette.datastructures import State

from samvard.analytics.ingest import Rejection
from samvard.analytics.store import Receipt
from samvard.web.errors import WebError

log = logging.getLogger("samvard.web")

Outcome = Receipt | Rejection
# A finished job's answer can be fetched this long; a running job is never dropped.
KEEP_SECONDS = 15 * 60
# Running and kept jobs at most, for the whole server: each holds a file on disk.
MAX_JOBS = 50
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


@dataclass
class Job:
    """One upload being read in; the worker writes, the pages read, under the lock."""

    ref: str
    owner: int
    file_name: str
    step: str = WAITING
    fraction: float = 0.0
    outcome: Outcome | None = None
    failed: bool = False
    finished_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def report(self, step: str, fraction: float) -> None:
        """Ingest's progress callback; the bar only moves forward."""
        with self.lock:
            self.step = step
            self.fraction = max(self.fraction, min(max(fraction, 0.0), 1.0))

    def run(self, work: Work, clock: Callable[[], float] = time.monotonic) -> Outcome | None:
        """Do the work, keep its answer (or the failure) and mark the job finished."""
        outcome: Outcome | None = None
        try:
            outcome = work(self.report)
        except Exception as error:
            # Only the type: the text of an error while reading a report may quote its rows.
            log.error("upload %s failed: %s", self.ref[:8], type(error).__name__)
        with self.lock:
            self.outcome = outcome
            self.failed = outcome is None
            if outcome is not None:
                self.fraction = 1.0
            self.finished_at = clock()
        return outcome

    def state(self) -> JobState:
        """The job as it is now."""
        with self.lock:
            return JobState(
                ref=self.ref,
                file_name=self.file_name,
                step=self.step,
                percent=round(self.fraction * 100),
                done=self.finished_at is not None,
                outcome=self.outcome,
                failed=self.failed,
            )


class Jobs:
    """The server's upload jobs, by reference."""

    def __init__(
        self,
        *,
        keep_seconds: float = KEEP_SECONDS,
        max_jobs: int = MAX_JOBS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keep_seconds = keep_seconds
        self.max_jobs = max_jobs
        self.clock = clock
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, owner: int, file_name: str, work: Work) -> Job:
        """Register a job for ``owner`` (a login session) and run ``work`` in a worker thread."""
        with self._lock:
            self._forget_old()
            if len(self._jobs) >= self.max_jobs:
                raise WebError(
                    503,
                    "too_many_uploads",
                    "Många filer läses in just nu. Försök igen om en stund.",
                )
            job = Job(ref=secrets.token_urlsafe(16), owner=owner, file_name=file_name)
            self._jobs[job.ref] = job
        worker = threading.Thread(
            target=job.run, args=(work, self.clock), name=f"upload-{job.ref[:8]}", daemon=True
        )
        worker.start()
        return job

    def get(self, ref: str, owner: int) -> Job | None:
        """The job, if it exists, is still kept, and belongs to ``owner``; else None."""
        with self._lock:
            self._forget_old()
            job = self._jobs.get(ref)
        # Someone else's job is answered as if it did not exist.
        return job if job is not None and job.owner == owner else None

    def _forget_old(self) -> None:
        now = self.clock()
        for ref, job in list(self._jobs.items()):
            finished = job.finished_at
            if finished is not None and now - finished > self.keep_seconds:
                del self._jobs[ref]


_CREATE = threading.Lock()


def jobs_of(state: State) -> Jobs:
    """The app's jobs (one registry per app), created on first use."""
    with _CREATE:
        jobs: Jobs | None = getattr(state, "upload_jobs", None)
        if jobs is None:
            jobs = Jobs()
            state.upload_jobs = jobs
        return jobs
