"""The analytics warehouse: one DuckDB file with the raw monthly reports, receipts and facts.

A month is replaced in one DuckDB transaction (delete, insert, receipt, and the fact tables
refreshed), so a crash halfway leaves the previous version whole, and a reader sees a
month's new facts exactly when its raw rows commit. DuckDB allows one writing process per
file, and no readers in other processes meanwhile, so writes are serialised by an
exclusive lock file and reads take it shared. See ADR 0013.
"""

# ruff: noqa: S608 - table names and SQL fragments interpolated here are this module's own
# constants (ReportKind values, fixed expressions); every value from a file is a bound parameter.

from __future__ import annotations

import fcntl
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from samvard.analytics import facts
from samvard.analytics.contracts import ReportKind, column_names

POLL_SECONDS = 0.25
_ATTACHED = "warehouse"  # the name the warehouse file is attached under for a replacement

_SCHEMA = """
CREATE TABLE IF NOT EXISTS besok (
    region VARCHAR NOT NULL, period VARCHAR NOT NULL, besoks_id VARCHAR NOT NULL,
    patient_id VARCHAR NOT NULL, besoksdatum DATE NOT NULL, alder SMALLINT NOT NULL,
    kon VARCHAR, kommun VARCHAR NOT NULL, vardenhet_hsaid VARCHAR NOT NULL,
    vardenhet_namn VARCHAR NOT NULL, verksamhet VARCHAR NOT NULL, kontakttyp VARCHAR NOT NULL,
    vardtyp VARCHAR NOT NULL, yrkeskategori VARCHAR NOT NULL, halsoundersokning BOOLEAN NOT NULL,
    diagnoser VARCHAR, atgarder VARCHAR
);
CREATE TABLE IF NOT EXISTS asylsokande (
    period VARCHAR NOT NULL, kommun VARCHAR NOT NULL, aldersgrupp VARCHAR NOT NULL,
    kon VARCHAR NOT NULL, inskrivna INTEGER, nyinskrivna INTEGER
);
CREATE SEQUENCE IF NOT EXISTS receipt_ids;
CREATE TABLE IF NOT EXISTS receipt (
    id BIGINT PRIMARY KEY, kind VARCHAR NOT NULL, region VARCHAR, period VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, row_count BIGINT NOT NULL,
    unknown_count BIGINT NOT NULL, accepted_at TIMESTAMP NOT NULL, version INTEGER NOT NULL,
    diff JSON NOT NULL
);
"""

# The key that tells rows apart across versions, and the key figures whose totals a diff shows.
_KEYS = {ReportKind.BESOK: ("besoks_id",), ReportKind.ASYLSOKANDE: ("kommun", "aldersgrupp", "kon")}
_FIGURES = {
    ReportKind.BESOK: {
        "rader": "count(*)",
        "patienter": "count(DISTINCT patient_id)",
        "halsoundersokningar": "count_if(halsoundersokning)",
        "okanda_varden": "count_if(kon IS NULL)",
    },
    ReportKind.ASYLSOKANDE: {
        "rader": "count(*)",
        "inskrivna": "sum(inskrivna)",
        "nyinskrivna": "sum(nyinskrivna)",
        "okanda_varden": "count_if(inskrivna IS NULL) + count_if(nyinskrivna IS NULL)",
    },
}


@dataclass(frozen=True, slots=True)
class Receipt:
    """The proof that a file was accepted: which month, which version, and what changed."""

    id: int
    kind: str
    region: str | None
    period: str
    file_name: str
    sha256: str
    row_count: int
    unknown_count: int
    accepted_at: datetime
    version: int
    diff: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """The receipt as JSON-ready data, with stable keys."""
        data = asdict(self)
        data["accepted_at"] = self.accepted_at.isoformat()
        return data


def ensure_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the raw, receipt and fact tables if missing."""
    connection.execute(_SCHEMA)
    facts.ensure_schema(connection)


def connect(database: str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that tracks query progress without drawing it on the terminal."""
    connection = duckdb.connect(database, read_only=read_only)
    connection.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
    return connection


@contextmanager
def watch(
    connection: duckdb.DuckDBPyConnection, report: Callable[[float], None] | None
) -> Iterator[None]:
    """Report, as a fraction, DuckDB's progress on each query ``connection`` runs meanwhile."""
    if report is None:
        yield
        return
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(POLL_SECONDS):
            percent = connection.query_progress()
            if percent >= 0:
                report(percent / 100)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


class Warehouse:
    """The DuckDB file at ``path``, with a lock file beside it."""

    def __init__(self, path: Path) -> None:
        """Point at the warehouse file; nothing is opened until it is used."""
        self.path = path

    @property
    def lock_path(self) -> Path:
        """The lock file that serialises writers (exclusive) against readers (shared)."""
        return self.path.with_name(self.path.name + ".lock")

    @contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock_path.open("a") as lock:
            fcntl.flock(lock, mode)  # released when the file closes, also if the process dies
            yield

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A read-only connection, or None while the warehouse does not exist yet."""
        with self._locked(fcntl.LOCK_SH):
            if not self.path.exists():
                yield None
                return
            connection = connect(str(self.path), read_only=True)
            try:
                yield connection
            finally:
                connection.close()

    def replace_month(
        self,
        kind: ReportKind,
        region: str | None,
        period: str,
        rows: str,
        *,
        source: duckdb.DuckDBPyConnection,
        file_name: str,
        sha256: str,
        progress: Callable[[float], None] | None = None,
    ) -> Receipt:
        """Replace the month with ``rows``, atomically; the same file twice changes nothing.

        ``rows`` is a SELECT run on ``source`` (the ingest's private database, with every
        name in it qualified) that yields the month's rows, typed, in contract column
        order. The warehouse is attached to ``source`` for the replacement, so the rows go
        straight from one to the other; the month's facts are refreshed in the same
        transaction.
        """
        with self._locked(fcntl.LOCK_EX):
            home = source.execute("SELECT current_database()").fetchone()
            assert home is not None
            target = str(self.path).replace("'", "''")
            source.execute(f"ATTACH '{target}' AS {_ATTACHED}")
            source.execute(f"USE {_ATTACHED}")
            try:
                return _replace_attached(
                    source, kind, region, period, rows, file_name, sha256, progress
                )
            finally:
                source.execute(f"USE {home[0]}")
                source.execute(f"DETACH {_ATTACHED}")

    def current_receipt(self, kind: ReportKind, sha256: str) -> Receipt | None:
        """The receipt of a file with this checksum if it is its month's current version."""
        with self.reading() as connection:
            if connection is None or not _has_receipts(connection):
                return None
            found = connection.execute(
                f"SELECT {_RECEIPT_COLUMNS} FROM receipt r WHERE kind = ? AND sha256 = ? "
                "AND version = (SELECT max(version) FROM receipt l WHERE l.kind = r.kind "
                "AND l.region IS NOT DISTINCT FROM r.region AND l.period = r.period)",
                [str(kind), sha256],
            ).fetchone()
            return _receipt(found) if found else None

    def list_receipts(self) -> list[Receipt]:
        """Every receipt, newest first."""
        with self.reading() as connection:
            if connection is None or not _has_receipts(connection):
                return []
            result = connection.execute(f"SELECT {_RECEIPT_COLUMNS} FROM receipt ORDER BY id DESC")
            return [_receipt(row) for row in result.fetchall()]


def _replace_attached(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    region: str | None,
    period: str,
    rows: str,
    file_name: str,
    sha256: str,
    progress: Callable[[float], None] | None,
) -> Receipt:
    ensure_schema(connection)
    latest = _latest(connection, kind, region, period)
    if latest is not None and latest.sha256 == sha256:
        return latest
    with watch(connection, progress):
        connection.begin()
        try:
            receipt = _replace(connection, kind, region, period, rows, latest, file_name, sha256)
            facts.refresh(connection, kind, region)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    return receipt


def _replace(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    region: str | None,
    period: str,
    rows: str,
    latest: Receipt | None,
    file_name: str,
    sha256: str,
) -> Receipt:
    where, params = _month(kind, region, period)
    current = f"(SELECT * FROM {kind} WHERE {where})"
    # The difference is taken before the old rows go: the new ones are read from the
    # ingest's own database, and nothing needs copying aside.
    before = _figures(connection, kind, current, params)
    changes = _changes(connection, kind, current, params, rows) if before["rader"] else None
    connection.execute(f"DELETE FROM {kind} WHERE {where}", params)
    connection.execute(f"INSERT INTO {kind} {rows}")
    after = _figures(connection, kind, current, params)
    if changes is None:  # no earlier rows: every row is new
        changes = {"rows_added": after["rader"] or 0, "rows_removed": 0, "rows_changed": 0}
    totals = {name: {"before": before[name], "after": after[name]} for name in _FIGURES[kind]}
    diff: dict[str, Any] = {**changes, "totals": totals}
    diff["previous_version"] = latest.version if latest else None
    connection.execute(
        "INSERT INTO receipt VALUES (nextval('receipt_ids'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            str(kind),
            region,
            period,
            file_name,
            sha256,
            after["rader"],
            after["okanda_varden"] or 0,
            datetime.now(UTC).replace(tzinfo=None),
            (latest.version if latest else 0) + 1,
            json.dumps(diff),
        ],
    )
    found = _latest(connection, kind, region, period)
    assert found is not None  # just inserted in this transaction
    return found


_RECEIPT_COLUMNS = (
    "id, kind, region, period, file_name, sha256, row_count, unknown_count, accepted_at, "
    "version, diff"
)


def _has_receipts(connection: duckdb.DuckDBPyConnection) -> bool:
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'receipt'"
    ).fetchone()
    return bool(found and found[0])


def _month(kind: ReportKind, region: str | None, period: str) -> tuple[str, list[str]]:
    if kind is ReportKind.BESOK:
        return "region = ? AND period = ?", [region or "", period]
    return "period = ?", [period]


def _latest(
    connection: duckdb.DuckDBPyConnection, kind: ReportKind, region: str | None, period: str
) -> Receipt | None:
    row = connection.execute(
        f"SELECT {_RECEIPT_COLUMNS} FROM receipt WHERE kind = ? AND region IS NOT DISTINCT FROM ? "
        "AND period = ? ORDER BY version DESC LIMIT 1",
        [str(kind), region, period],
    ).fetchone()
    return _receipt(row) if row else None


def _receipt(row: tuple[Any, ...]) -> Receipt:
    diff = row[10] if isinstance(row[10], dict) else json.loads(row[10])
    accepted_at = row[8].replace(tzinfo=UTC)
    return Receipt(
        id=row[0],
        kind=row[1],
        region=row[2],
        period=row[3],
        file_name=row[4],
        sha256=row[5],
        row_count=row[6],
        unknown_count=row[7],
        accepted_at=accepted_at,
        version=row[9],
        diff=diff,
    )


def _figures(
    connection: duckdb.DuckDBPyConnection, kind: ReportKind, rows: str, params: list[str]
) -> dict[str, int | None]:
    """The key figures of ``rows`` (a parenthesised SELECT of stored rows)."""
    expressions = ", ".join(_FIGURES[kind].values())
    found = connection.execute(f"SELECT {expressions} FROM {rows}", params).fetchone()
    assert found is not None
    return {name: _int(found[i]) for i, name in enumerate(_FIGURES[kind])}


def _changes(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    stored: str,
    params: list[str],
    rows: str,
) -> dict[str, int]:
    """Rows added, removed and changed (by key) between the ``stored`` and the new ``rows``."""
    key = ", ".join(_KEYS[kind])
    names = column_names(kind)
    columns = ", ".join(names)
    # Rows are told apart by key and compared by a hash of all their values: one join,
    # instead of comparing every column of millions of rows. The new rows are named here,
    # as their SELECT may leave its expressions unnamed.
    counts = connection.execute(
        f"""SELECT count_if(p.h IS NULL), count_if(n.h IS NULL), count_if(p.h <> n.h)
        FROM (SELECT {key}, hash(row({columns})) AS h FROM ({rows}) AS new({columns})) n
        FULL JOIN (SELECT {key}, hash(row({columns})) AS h FROM {stored}) p USING ({key})""",
        params,
    ).fetchone()
    assert counts is not None
    # count_if of nothing but NULLs is NULL: no rows of that kind.
    added, removed, changed = (int(count or 0) for count in counts)
    return {"rows_added": added, "rows_removed": removed, "rows_changed": changed}


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
