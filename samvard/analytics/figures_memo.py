"""Figures kept between requests, for as long as the warehouse's facts stay the same.

Everything a view computes depends only on the fact tables, the scope, the filters and the
assumptions. The fact tables change only in the transaction that replaces a month, which
also stamps fact_meta.refreshed_at (facts.refresh). So a view's parts (the aggregates of a
filter state, the suppression pattern of each measure, the monthly history) and the finished
view are kept under their inputs and that stamp: a drill-down, another view of the same
filter state or the same page again reuses them, and the first request after a new month
(a new stamp) computes everything afresh. Nothing is shared between warehouses: the stamp
names the database file (or, for a database in memory, the connection).

Kept results are never changed after they are stored, so requests in several threads can
share them; two threads missing the same key at once both compute it, and either result is
the same.

A query that a request will need later can run in the background (`Later`), on its own
cursor of the request's connection, while the request's thread works on figures it already
has: DuckDB releases the interpreter while it executes, so the query and the Python work
overlap on the two cores.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

import duckdb

from samvard.analytics import facts_reported, facts_rollup

T = TypeVar("T")

MISSING_TABLE = (duckdb.CatalogException,)


@dataclass(frozen=True)
class Stamp:
    """One version of one warehouse's facts."""

    database: Hashable  # the database file's path, or ("memory", id of the connection)
    refreshed_at: str | None  # fact_meta.refreshed_at; None before the first refresh
    rule_version: str | None
    rollup: bool  # whether fact_besok_kommun exists (a warehouse from before it has not)
    reported: bool  # whether fact_reported exists (likewise)


def read_stamp(connection: duckdb.DuckDBPyConnection | None) -> Stamp | None:
    """The version of the connection's facts; None without a warehouse or fact tables."""
    if connection is None:
        return None
    try:
        row = connection.execute(
            "SELECT (SELECT path FROM duckdb_databases() "
            "        WHERE database_name = current_database()), "
            "(SELECT list(table_name) FROM duckdb_tables() "
            "        WHERE database_name = current_database() "
            "        AND schema_name = current_schema() AND table_name IN ($rollup, $reported)), "
            "max(refreshed_at)::VARCHAR, max(rule_version) FROM fact_meta",
            {"rollup": facts_rollup.TABLE, "reported": facts_reported.TABLE},
        ).fetchone()
    except MISSING_TABLE:
        return None
    assert row is not None  # an aggregate always gives one row
    database: Hashable = row[0] if row[0] else ("memory", id(connection))
    tables = row[1] or []
    return Stamp(
        database, row[2], row[3], facts_rollup.TABLE in tables, facts_reported.TABLE in tables
    )


class Memo:
    """A bounded map of computed results, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        """Keep at most `size` results."""
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> tuple[bool, object]:
        """(True, the kept result) or (False, None)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return True, self._entries[key]
        return False, None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result kept under `key`, or `compute()`, kept from now on."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return cast("T", self._entries[key])
        value = compute()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()


_BACKGROUND = ThreadPoolExecutor(max_workers=2, thread_name_prefix="figures")


class Later(Generic[T]):
    """A kept result, or one being computed in the background on a cursor of its own."""

    def __init__(
        self,
        memo: Memo,
        key: Hashable,
        connection: duckdb.DuckDBPyConnection,
        compute: Callable[[duckdb.DuckDBPyConnection], T],
    ) -> None:
        """Look `key` up in `memo`; if it is not kept, start `compute` on a new cursor."""
        found, value = memo.peek(key)
        self._value = cast("T", value)
        self._future: Future[T] | None = None
        if not found:

            def run() -> T:
                with connection.cursor() as cursor:
                    return memo.get(key, lambda: compute(cursor))

            self._future = _BACKGROUND.submit(run)

    def result(self) -> T:
        """The result, once it is there (an error in computing it is raised here)."""
        return self._value if self._future is None else self._future.result()

    def settle(self) -> None:
        """Wait until the background work is over, whatever its outcome: the cursor must be
        closed before the request closes its connection."""
        if self._future is not None:
            wait([self._future])


# Finished views are small (a few hundred rows); the parts of a filter state are larger (the
# national aggregates and suppression patterns are a few MB), so fewer of them are kept.
VIEWS = Memo(512)
PARTS = Memo(96)


def clear() -> None:
    """Forget every kept figure (tests, and after a warehouse file was replaced by hand)."""
    VIEWS.clear()
    PARTS.clear()
