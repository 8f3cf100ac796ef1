"""Upload jobs as small files, so that every worker process of the server can answer a poll.

The worker that received an upload reads it in and writes the job's state to one JSON file
per job; a poll may reach any worker, which reads that file. Each write goes to a temporary
file that replaces the old one (``os.replace``), so a reader sees the previous state or the
next, never half of one. The file names are the jobs' secret references, which are checked
to be references before they touch a path.

A state records the process that runs the job and when it last said it was alive, so that
a job whose process died (a worker killed mid-ingest) is shown as interrupted instead of
running forever.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from samvard.analytics.ingest import Rejection
from samvard.analytics.store import Receipt
from samvard.analytics.validation import Problem

log = logging.getLogger("samvard.web")

Outcome = Receipt | Rejection
SUFFIX = ".json"
TEMP_PREFIX = ".tmp-"
LOCK_NAME = ".lock"
FORMAT = 1
# A reference is secrets.token_urlsafe(16): 22 characters of the URL-safe alphabet.
_REF = re.compile(r"[A-Za-z0-9_-]{22}")
HOST = socket.gethostname()


@dataclass(frozen=True)
class JobRecord:
    """A job's state as stored: who started it, how far it has come, and its answer.

    ``heartbeat`` and ``finished_at`` are wall-clock seconds (shared by the processes);
    ``pid`` and ``host`` name the process that runs the job.
    """

    ref: str
    owner: int
    file_name: str
    step: str
    fraction: float
    pid: int
    host: str
    heartbeat: float
    finished_at: float | None = None
    failed: bool = False
    outcome: Outcome | None = None
    # The uploaded file being read in (its name beside the warehouse), if any.
    upload: str = ""

    def to_json(self) -> dict[str, Any]:
        """The record as JSON-ready data."""
        return {
            "format": FORMAT,
            "ref": self.ref,
            "owner": self.owner,
            "file_name": self.file_name,
            "step": self.step,
            "fraction": self.fraction,
            "pid": self.pid,
            "host": self.host,
            "heartbeat": self.heartbeat,
            "finished_at": self.finished_at,
            "failed": self.failed,
            "outcome": outcome_to_json(self.outcome),
            "upload": self.upload,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobRecord:
        """The record written by ``to_json``; KeyError or ValueError when it is not one."""
        if data.get("format") != FORMAT:
            raise ValueError("unknown job format")
        return cls(
            ref=str(data["ref"]),
            owner=int(data["owner"]),
            file_name=str(data["file_name"]),
            step=str(data["step"]),
            fraction=float(data["fraction"]),
            pid=int(data["pid"]),
            host=str(data["host"]),
            heartbeat=float(data["heartbeat"]),
            finished_at=None if data["finished_at"] is None else float(data["finished_at"]),
            failed=bool(data["failed"]),
            outcome=outcome_from_json(data["outcome"]),
            upload=str(data["upload"]),
        )


def outcome_to_json(outcome: Outcome | None) -> dict[str, Any] | None:
    """A receipt or a rejection as JSON-ready data, tagged with which it is."""
    if outcome is None:
        return None
    if isinstance(outcome, Receipt):
        return {"type": "receipt", **outcome.as_dict()}
    return {"type": "rejection", **outcome.as_dict()}


def outcome_from_json(data: dict[str, Any] | None) -> Outcome | None:
    """The receipt or rejection that ``outcome_to_json`` wrote, equal to the original."""
    if data is None:
        return None
    if data["type"] == "receipt":
        return Receipt(
            id=int(data["id"]),
            kind=str(data["kind"]),
            region=data["region"],
            period=str(data["period"]),
            file_name=str(data["file_name"]),
            sha256=str(data["sha256"]),
            row_count=int(data["row_count"]),
            unknown_count=int(data["unknown_count"]),
            accepted_at=datetime.fromisoformat(data["accepted_at"]),
            version=int(data["version"]),
            diff=dict(data["diff"]),
        )
    if data["type"] == "rejection":
        problems = tuple(
            Problem(p["row"], p["column"], p["value"], p["message"], p["rule"])
            for p in data["problems"]
        )
        totals = {(t["column"], t["rule"]): int(t["count"]) for t in data["totals"]}
        return Rejection(str(data["file_name"]), problems, totals)
    raise ValueError("unknown outcome")


def is_ref(ref: str) -> bool:
    """True when ``ref`` has the shape of a job reference (and so is a safe file name)."""
    return _REF.fullmatch(ref) is not None


def path_of(directory: Path, ref: str) -> Path:
    """The file of job ``ref``; ValueError for anything that is not a reference."""
    if not is_ref(ref):
        raise ValueError("not a job reference")
    return directory / f"{ref}{SUFFIX}"


def write(directory: Path, record: JobRecord, *, durable: bool = False) -> None:
    """Replace the job's file with ``record`` in one step.

    ``durable`` also flushes the file and the directory to the disk: for a new job and a
    finished one, whose states must survive a crash; the steps between need not.
    """
    target = path_of(directory, record.ref)
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=SUFFIX, dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record.to_json(), out, ensure_ascii=False)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    if durable:
        _sync_directory(directory)


def read(directory: Path, ref: str) -> JobRecord | None:
    """The job's stored state; None when there is no such job (or its file is unreadable)."""
    try:
        text = path_of(directory, ref).read_text(encoding="utf-8")
    except (ValueError, FileNotFoundError):
        return None
    try:
        return JobRecord.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError):
        log.warning("upload job %s: unreadable state", ref[:8])
        return None


def refs(directory: Path) -> list[str]:
    """The references of every stored job."""
    if not directory.is_dir():
        return []
    return [p.name.removesuffix(SUFFIX) for p in directory.glob("*" + SUFFIX) if is_ref(p.stem)]


def remove(directory: Path, ref: str) -> None:
    """Forget a job (another worker may have done so already)."""
    path_of(directory, ref).unlink(missing_ok=True)


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the jobs' lock, across processes: counting jobs and adding one is one step."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (directory / LOCK_NAME).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also on a crash
        yield


def process_alive(pid: int, host: str) -> bool:
    """Whether the process that runs a job still exists, as far as this host can tell.

    On another host nothing can be told from the number: the heartbeat decides alone.
    """
    if host != HOST:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed worker stays a zombie until the server's supervisor collects it.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def remove_stale(directory: Path, *, now: float, older_than: float) -> int:
    """Delete job files (and temporary files) not written for ``older_than`` seconds.

    A running job's file is rewritten at every heartbeat, so only jobs of processes that
    died, and finished jobs long forgotten, are this old.
    """
    if not directory.is_dir():
        return 0
    removed = 0
    for path in directory.iterdir():
        if path.name == LOCK_NAME:
            continue
        try:
            if path.is_file() and now - path.stat().st_mtime > older_than:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed by another worker starting at the same time
            continue
    return removed


def _sync_directory(directory: Path) -> None:
    # The rename itself is durable only once the directory is flushed.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
