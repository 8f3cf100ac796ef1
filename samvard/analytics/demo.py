"""The demo warehouse: synthetic monthly reports loaded once, through the real ingestion.

Every file goes through `ingest`, exactly as an uploaded report would: reading, validation
against the contract, atomic replacement of its month, receipt and fact refresh. So the demo
shows what the platform does with real files, and a generator that drifted from the
contract would fail here instead of filling the views with data no region could send.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from samvard.analytics.generate import generate, report_kind
from samvard.analytics.ingest import Rejection, ingest
from samvard.analytics.store import Warehouse

# Small enough to load in well under a minute: each file is one ingestion with its own
# transaction and fact refresh, so the number of files (regions x months) sets the time.
DEMO_ROWS = 100_000
DEMO_MONTHS = 12
DEMO_SEED = 2017

Progress = Callable[[int, int], None]  # (files loaded, files in all)


class DemoLoadError(RuntimeError):
    """A generated file was rejected by the ingestion: the generator broke the contract."""


def has_data(warehouse: Warehouse) -> bool:
    """Whether any report has been accepted into the warehouse."""
    return bool(warehouse.list_receipts())


def ensure_demo_warehouse(
    path: Path,
    *,
    rows: int = DEMO_ROWS,
    months: int = DEMO_MONTHS,
    last_period: str | None = None,
    progress: Progress | None = None,
) -> bool:
    """Fill the warehouse at ``path`` with demo reports if it has none; True if it did.

    A warehouse with any accepted report is left alone, so a second call does nothing.
    Two processes starting at once both load the same generated files (the data depends
    only on the seed and the months); the ingestion recognises a file it already has by
    its checksum, so the warehouse still holds one copy of each month.
    """
    warehouse = Warehouse(path)
    if has_data(warehouse):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".demo-", dir=path.parent) as tmp:
        summary = generate(
            Path(tmp),
            rows=rows,
            months=months,
            last_period=last_period,
            seed=DEMO_SEED,
            workers=1,
        )
        files = summary.files
        for done, file in enumerate(files, start=1):
            result = ingest(warehouse, report_kind(file), file)
            if isinstance(result, Rejection):
                first = result.problems[0] if result.problems else None
                detail = f": rad {first.row}, {first.column}: {first.message_sv}" if first else ""
                raise DemoLoadError(f"{file.name} avvisades ({result.total} fel){detail}")
            if progress is not None:
                progress(done, len(files))
    return True
