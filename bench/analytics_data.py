"""Data for the planning benchmark: generated warehouses and one large visit file, cached.

A warehouse is built the way a region's and Migrationsverket's reports reach it: the
generator writes every monthly file, and each file is ingested, one after another, through
`samvard.analytics.ingest`. At 10 million visit rows that takes a while, so a finished
warehouse is kept under bench/.cache, keyed by what decides its content (rows, months, seed,
last month, the generator's output version, rule version, and the warehouse's tables and
columns); a later run reuses it. A directory without its `complete.json` was interrupted
and is built again.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from bench.support import progress
from samvard.analytics import store
from samvard.analytics.generate import OUTPUT_VERSION, generate, report_kind
from samvard.analytics.ingest import ingest
from samvard.analytics.rules import RULE_VERSION
from samvard.analytics.store import Receipt, Warehouse

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
SEED = 2017
# A fixed last month: the same arguments give the same warehouse whatever the date.
LAST_PERIOD = "2026-10"
DONE = "complete.json"
CALIBRATION_ROWS = 21_000  # a small one-month run that tells the largest region's share


@dataclass(frozen=True)
class BuiltWarehouse:
    """A finished warehouse and how it was made."""

    path: Path
    rows: int
    months: int
    files: int
    reused: bool
    generate_s: float
    ingest_s: float

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready description for the report."""
        return {
            "visit_rows": self.rows, "months": self.months, "files": self.files,
            "reused_from_cache": self.reused, "generate_s": self.generate_s,
            "ingest_s": self.ingest_s,
        }  # fmt: skip


def _schema_tag() -> str:
    """A short fingerprint of the warehouse's tables and columns: a new schema, a new build."""
    with duckdb.connect() as connection:
        store.ensure_schema(connection)
        columns = connection.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY ALL"
        ).fetchall()
    return hashlib.sha256(repr(columns).encode()).hexdigest()[:8]


def warehouse_key(rows: int, months: int, seed: int = SEED) -> str:
    """The cache directory's name for a warehouse."""
    return (
        f"warehouse-{rows}r-{months}m-s{seed}-{LAST_PERIOD}-g{OUTPUT_VERSION}"
        f"-rules{RULE_VERSION}-{_schema_tag()}"
    )


class _Reporter:
    """Progress lines at most every few seconds, so 500 files do not flood the terminal."""

    def __init__(self, what: str, every_s: float = 10.0) -> None:
        self.what = what
        self.every_s = every_s
        self.started = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int, *, force: bool = False) -> None:
        now = time.perf_counter() - self.started
        if not force and now - self.last < self.every_s and done < total:
            return
        self.last = now
        share = done / total if total else 1.0
        left = now / share - now if share > 0 else 0.0
        progress(f"{self.what}: {done:,}/{total:,} ({share:.0%}), {now:.0f} s, ~{left:.0f} s left")


def generated_warehouse(
    rows: int, months: int, *, cache_dir: Path = CACHE_DIR, seed: int = SEED
) -> BuiltWarehouse:
    """A warehouse of `rows` generated visit rows over `months` months, from cache if built."""
    home = cache_dir / warehouse_key(rows, months, seed)
    done = home / DONE
    if done.exists():
        made = json.loads(done.read_text(encoding="utf-8"))
        progress(f"planning: reusing the {rows:,}-row warehouse in {home.name}")
        return BuiltWarehouse(
            home / "warehouse.duckdb", rows, months, made["files"], True,
            made["generate_s"], made["ingest_s"],
        )  # fmt: skip
    shutil.rmtree(home, ignore_errors=True)  # an interrupted build
    home.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="generated-", dir=cache_dir) as tmp:
        started = time.perf_counter()
        progress(f"planning: generating {rows:,} visit rows over {months} months")
        summary = generate(
            Path(tmp), rows=rows, months=months, last_period=LAST_PERIOD, seed=seed,
            progress=_Reporter(f"generate {rows:,}"),
        )  # fmt: skip
        generate_s = round(time.perf_counter() - started, 1)
        warehouse = Warehouse(home / "warehouse.duckdb")
        ingest_s = ingest_all(warehouse, summary.files, f"ingest {rows:,}")
    made = {"files": len(summary.files), "generate_s": generate_s, "ingest_s": ingest_s}
    done.write_text(json.dumps(made), encoding="utf-8")
    return BuiltWarehouse(
        warehouse.path, rows, months, len(summary.files), False, generate_s, ingest_s
    )


def ingest_all(warehouse: Warehouse, files: tuple[Path, ...], what: str) -> float:
    """Ingest every file in order; seconds taken. A refused file stops the benchmark."""
    report = _Reporter(what)
    started = time.perf_counter()
    for number, path in enumerate(files, start=1):
        result = ingest(warehouse, report_kind(path), path)
        if not isinstance(result, Receipt):
            raise RuntimeError(f"{path.name} was refused: {result.as_dict()['problems'][:3]}")
        report(number, len(files))
    report(len(files), len(files), force=True)
    return round(time.perf_counter() - started, 1)


def large_visit_file(rows: int, *, cache_dir: Path = CACHE_DIR, seed: int = SEED) -> Path:
    """One region's visit report for one month with about `rows` rows, generated once.

    The generator spreads rows over the regions by their asylum seekers; a small run tells
    the largest region's share, and one month is then generated so that its file has about
    `rows` rows. Only that file is kept.
    """
    home = cache_dir / f"besok-{rows}r-s{seed}-{LAST_PERIOD}"
    done = home / DONE
    if done.exists():
        return home / str(json.loads(done.read_text(encoding="utf-8"))["file"])
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="generated-", dir=cache_dir) as tmp:
        calibration = generate(
            Path(tmp) / "share", rows=CALIBRATION_ROWS, months=1, last_period=LAST_PERIOD,
            seed=seed,
        )  # fmt: skip
        share = max(count_rows(p) for p in calibration.besok_files) / calibration.besok_rows
        total = math.ceil(rows / share)
        progress(f"planning: generating one month of {total:,} rows for a {rows:,}-row file")
        summary = generate(
            Path(tmp) / "month", rows=total, months=1, last_period=LAST_PERIOD, seed=seed,
            progress=_Reporter(f"generate {total:,}"),
        )  # fmt: skip
        largest = max(summary.besok_files, key=lambda p: p.stat().st_size)
        shutil.move(largest, home / largest.name)
    done.write_text(json.dumps({"file": largest.name}), encoding="utf-8")
    return home / largest.name


def count_rows(path: Path) -> int:
    """Data rows of a generated CSV file (one line each, after the header)."""
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1
