"""Ingestion of one monthly report: read, validate, and replace its month in the warehouse.

The file is validated in full, in a private in-memory DuckDB database, before the
warehouse is touched: a file with any problem changes nothing, and readers of the
warehouse are not held up while a large file is checked. Then the warehouse is attached to
that database and the valid rows go straight into it, typed, in the replacing transaction.
"""

# ruff: noqa: S608 - the SQL here is built from the contract's column names and temporary
# paths of our own; no value from the file is interpolated.

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import duckdb

from samvard.analytics import reading
from samvard.analytics.contracts import CONTRACTS, SUPPRESSED, ColumnType, ReportKind
from samvard.analytics.reading import STAGING, ReadError, Source
from samvard.analytics.store import Receipt, Warehouse, connect, watch
from samvard.analytics.validation import (
    Collector,
    Month,
    Problem,
    check_header,
    clean_month,
    validate,
)

# Progress: what is being done (Swedish, for the user) and how far the whole ingest has come.
Progress = Callable[[str, float], None]
# Each ingestion works in a private directory beside the warehouse (an upload saved from its
# stream, DuckDB's spill files), removed when it ends. A process killed mid-ingest leaves its
# directory behind; the next ingestion removes those older than a day, when none can still
# be in use.
WORKDIR_PREFIX = ".ingest-"
STALE_WORKDIR_SECONDS = 24 * 60 * 60

STEPS = {  # step: (its text, where it starts, where it ends) as fractions of the whole
    "checksum": ("Beräknar kontrollsumma", 0.0, 0.1),
    "read": ("Läser filen", 0.1, 0.45),
    "validate": ("Kontrollerar raderna", 0.45, 0.65),
    "store": ("Sparar månaden", 0.65, 1.0),
}
REGION_ONLY_VISITS = (
    "Asylsökandestatistiken rapporteras nationellt; som regionanvändare kan du bara ladda upp "
    "besöksrapporter för din egen region."
)


@dataclass(frozen=True)
class Rejection:
    """A refused file: the listed problems (in row order), and how many of each kind in all."""

    file_name: str
    problems: tuple[Problem, ...]
    totals: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """How many problems the file has, listed or not."""
        return sum(self.totals.values())

    def as_dict(self) -> dict[str, Any]:
        """The rejection as JSON-ready data, with stable keys."""
        return {
            "file_name": self.file_name,
            "total": self.total,
            "listed": len(self.problems),
            "problems": [
                {
                    "row": p.row,
                    "column": p.column,
                    "value": p.value,
                    "message": p.message_sv,
                    "rule": p.rule,
                }
                for p in self.problems
            ],
            "totals": [
                {"column": column, "rule": rule, "count": count}
                for (column, rule), count in sorted(self.totals.items())
            ],
        }


def _rejection(file_name: str, collector: Collector) -> Rejection:
    return Rejection(file_name, tuple(collector.problems()), dict(collector.totals))


def remove_stale_workdirs(
    directory: Path, *, now: float, older_than: float = STALE_WORKDIR_SECONDS
) -> list[Path]:
    """Remove the working directories of ingestions killed more than `older_than` seconds
    ago (by the directory's last change); the ones removed."""
    removed = []
    for path in directory.glob(WORKDIR_PREFIX + "*"):
        try:
            stale = path.is_dir() and now - path.stat().st_mtime > older_than
        except OSError:
            continue  # removed meanwhile by another process
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _refused(file_name: str, message_sv: str, rule: str, row: int = 0) -> Rejection:
    collector = Collector()
    collector.add(Problem(row, "", "", message_sv, rule))
    return _rejection(file_name, collector)


class _Steps:
    """Turns each step's own progress into the whole ingest's, for the caller's callback."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.reached = 0.0

    def report(self, step: str, done: float = 0.0) -> None:
        # Each query has its own progress; the whole only moves forward.
        if self.progress is not None:
            text, start, end = STEPS[step]
            self.reached = max(self.reached, start + (end - start) * min(max(done, 0.0), 1.0))
            self.progress(text, self.reached)

    def counter(self, step: str) -> Callable[[int, int], None]:
        return lambda done, total: self.report(step, done / total if total else 0.0)

    @contextmanager
    def watching(self, step: str, connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """Report DuckDB's own progress on the queries ``connection`` runs meanwhile."""
        self.report(step)
        with watch(connection, None if self.progress is None else self.fraction(step)):
            yield
        self.report(step, 1.0)

    def fraction(self, step: str) -> Callable[[float], None]:
        return lambda done: self.report(step, done)


def ingest(
    warehouse: Warehouse,
    kind: ReportKind,
    source: Path | BinaryIO,
    file_name: str | None = None,
    progress: Progress | None = None,
    *,
    allowed_region: str | None = None,
) -> Receipt | Rejection:
    """Validate a report and replace its month; the receipt, or the rejection with every problem.

    ``source`` is a file or an uploaded stream (then ``file_name`` gives its name, whose
    suffix tells XLSX from CSV). ``allowed_region`` is set for a region's user: visits of
    another region are refused, and so is the asylum-flow report.
    """
    kind = ReportKind(kind)
    if isinstance(source, Path):
        file_name = file_name or source.name
    name = file_name or "uppladdad fil"
    if allowed_region is not None and kind is ReportKind.ASYLSOKANDE:
        return _refused(name, REGION_ONLY_VISITS, "not_allowed")
    steps = _Steps(progress)
    warehouse.path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_workdirs(warehouse.path.parent, now=time.time())
    with tempfile.TemporaryDirectory(prefix=WORKDIR_PREFIX, dir=warehouse.path.parent) as tmp:
        workdir = Path(tmp)
        if isinstance(source, Path):
            path = source
        else:
            path = reading.save_upload(source, workdir / ("upload" + Path(name).suffix.lower()))
        found = reading.fingerprint(path, steps.counter("checksum"))
        already = warehouse.current_receipt(kind, found.sha256)
        if already is not None and allowed_region in (None, already.region):
            steps.report("store", 1.0)
            return already  # the same file again: nothing to do, the same receipt
        connection = connect(":memory:")
        try:
            spill = str(workdir / "spill").replace("'", "''")
            connection.execute(f"SET temp_directory = '{spill}'")
            collector = Collector()
            month = _checked(connection, kind, path, workdir, steps, collector, allowed_region)
            if month is None or month.period is None or collector.total:
                return _rejection(name, collector)
            steps.report("store")
            # Names are qualified: the warehouse becomes the default database meanwhile.
            home = connection.execute("SELECT current_database()").fetchone()
            assert home is not None
            receipt = warehouse.replace_month(
                kind,
                month.region,
                month.period,
                f"SELECT {_typed(kind)} FROM {home[0]}.main.{STAGING}",
                source=connection,
                file_name=name,
                sha256=found.sha256,
                progress=steps.fraction("store"),
            )
        finally:
            connection.close()
        steps.report("store", 1.0)
        return receipt


def _checked(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    path: Path,
    workdir: Path,
    steps: _Steps,
    collector: Collector,
    allowed_region: str | None,
) -> Month | None:
    """Stage and validate the file; what it is about, with its problems in ``collector``.

    The file is first staged in any order, the fastest, and its problems only counted. A
    file without any is done. A file with problems is staged again in order and each
    problem listed with its row number. A CSV file's bytes are only examined then: one
    that is not UTF-8 is reported as such alone, and one with blank lines (which DuckDB's
    reader skips) is numbered here, so that the row numbers are the spreadsheet's.
    """
    try:
        source = _staged(connection, kind, path, workdir, steps, collector)
        if source is None:
            return None
        with steps.watching("validate", connection):
            month = clean_month(connection, kind, source.header, own_region=allowed_region)
        if month is not None and not collector.total:
            return month
        if not source.numbered:
            found = reading.faults(path)
            if found.not_utf8_line is not None:
                raise ReadError(reading.NOT_UTF8, found.not_utf8_line)
            if found.blank_lines:
                numbered = workdir / "numbered.csv"
                source, malformed = reading.renumber(
                    path, source.delimiter, source.header, numbered
                )
                _stage(connection, source, malformed, steps, collector)
            else:
                _stage(connection, source, [], steps, collector, ordered=True)
        with steps.watching("validate", connection):
            return validate(connection, kind, source.header, collector, own_region=allowed_region)
    except ReadError as exc:
        collector.clear()
        collector.add(Problem(exc.row, "", "", exc.message_sv, "unreadable"))
        return None


def _staged(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    path: Path,
    workdir: Path,
    steps: _Steps,
    collector: Collector,
) -> Source | None:
    """Load the file into the staging view, in any order; None (with problems collected) if
    it cannot be."""
    numbered = workdir / "numbered.csv"
    steps.report("read")
    if reading.is_xlsx(path):
        source, malformed = reading.open_xlsx(path, numbered, steps.counter("read"))
    else:
        delimiter, header = reading.read_header(path)
        source, malformed = Source(path, delimiter, header, numbered=False), []
    problems = check_header(kind, source.header)
    if problems or not reading.usable(source.header):
        if not source.numbered:
            _utf8(path)
        for problem in problems:
            collector.add(problem)
        return None
    try:
        _stage(connection, source, malformed, steps, collector)
    except duckdb.Error:
        # DuckDB refuses bytes that are not UTF-8, rows of the wrong width and broken quotes;
        # Python finds which.
        _utf8(path)
        source, malformed = reading.renumber(path, source.delimiter, source.header, numbered)
        _stage(connection, source, malformed, steps, collector)
    return source


def _stage(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    malformed: list[reading.Malformed],
    steps: _Steps,
    collector: Collector,
    *,
    ordered: bool = False,
) -> None:
    with steps.watching("read", connection):
        reading.stage(connection, source, ordered=ordered)
    for bad in malformed:
        collector.add(Problem(bad.row, "", "", bad.message_sv, "width"))


def _utf8(path: Path) -> None:
    """Raise the read error of a CSV file that is not UTF-8, at its first such line."""
    line = reading.faults(path).not_utf8_line
    if line is not None:
        raise ReadError(reading.NOT_UTF8, line)


def _typed(kind: ReportKind) -> str:
    """The staged text columns as the warehouse stores them; blank and `..` become NULL."""
    expressions = []
    for column in CONTRACTS[kind]:
        v = f'"{column.name}"'
        match column.type:
            case ColumnType.DATE_IN_PERIOD:
                expressions.append(f"CAST({v} AS DATE)")
            case ColumnType.AGE:
                expressions.append(f"CAST({v} AS SMALLINT)")
            case ColumnType.FLAG:
                expressions.append(f"{v} = '1'")
            case ColumnType.COUNT:
                expressions.append(f"CAST(nullif({v}, '{SUPPRESSED}') AS INTEGER)")
            case _:
                expressions.append(f"nullif({v}, '')")
    return ", ".join(expressions)
