"""The warehouse: one transaction per month (raw rows, receipt, facts), the lock, receipts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest

from samvard.analytics import facts, store
from samvard.analytics.contracts import ReportKind
from samvard.analytics.store import Warehouse


def parquet(tmp_path: Path, name: str, rows: int, kommun: str = "0180") -> Path:
    """A typed asylum-flow month as the ingest writes it."""
    path = tmp_path / f"{name}.parquet"
    connection = duckdb.connect()
    connection.execute(
        f"COPY (SELECT '2025-03' AS period, '{kommun}' AS kommun, "
        "['0-5', '6-17', '18-64', '65+'][1 + i % 4] AS aldersgrupp, "
        "CASE WHEN i < 4 THEN 'M' ELSE 'K' END AS kon, CAST(i AS INTEGER) AS inskrivna, "
        f"CAST(NULL AS INTEGER) AS nyinskrivna FROM range({rows}) t(i)) TO '{path}' "
        "(FORMAT parquet)"
    )
    return path


def replace(warehouse: Warehouse, rows: Path, sha: str) -> store.Receipt:
    return warehouse.replace_month(
        ReportKind.ASYLSOKANDE,
        None,
        "2025-03",
        f"SELECT * FROM read_parquet('{rows}')",
        source=duckdb.connect(),
        file_name=rows.name,
        sha256=sha,
    )


def facts_of(warehouse: Warehouse) -> list[tuple[object, ...]]:
    with warehouse.reading() as connection:
        assert connection is not None
        return connection.execute("SELECT * FROM fact_asyl ORDER BY ALL").fetchall()


def test_reading_a_warehouse_that_does_not_exist_yet(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    with warehouse.reading() as connection:
        assert connection is None
    assert warehouse.list_receipts() == []
    assert warehouse.current_receipt(ReportKind.BESOK, "x") is None
    assert warehouse.lock_path == tmp_path / "w.duckdb.lock"


def test_a_month_and_its_facts_change_together(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    first = replace(warehouse, parquet(tmp_path, "a", 8), "a")
    assert (first.version, first.row_count, first.unknown_count) == (1, 8, 8)
    assert len(facts_of(warehouse)) == 8
    second = replace(warehouse, parquet(tmp_path, "b", 2, kommun="1280"), "b")
    assert second.version == 2
    changes = {k: second.diff[k] for k in ("rows_added", "rows_removed", "rows_changed")}
    assert changes == {"rows_added": 2, "rows_removed": 8, "rows_changed": 0}
    assert second.diff["totals"]["inskrivna"] == {"before": sum(range(8)), "after": 1}
    assert [(row[1], row[2]) for row in facts_of(warehouse)] == [("12", "1280")] * 2


def test_a_failure_inside_the_transaction_leaves_raw_rows_and_facts_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    replace(warehouse, parquet(tmp_path, "a", 8), "a")
    before = facts_of(warehouse), warehouse.list_receipts()

    def broken(*_: object) -> None:
        raise RuntimeError("facts failed")

    monkeypatch.setattr(facts, "refresh", broken)
    with pytest.raises(RuntimeError):
        replace(warehouse, parquet(tmp_path, "b", 3), "b")
    monkeypatch.undo()
    assert (facts_of(warehouse), warehouse.list_receipts()) == before
    with warehouse.reading() as connection:
        assert connection is not None
        assert connection.execute("SELECT count(*) FROM asylsokande").fetchall() == [(8,)]


def test_rows_that_do_not_fit_the_table_change_nothing(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    replace(warehouse, parquet(tmp_path, "a", 8), "a")
    wrong = tmp_path / "wrong.parquet"
    duckdb.connect().execute(f"COPY (SELECT 1 AS x) TO '{wrong}' (FORMAT parquet)")
    with pytest.raises(duckdb.Error):
        replace(warehouse, wrong, "w")
    assert [r.sha256 for r in warehouse.list_receipts()] == ["a"]
    assert len(facts_of(warehouse)) == 8


def test_the_same_checksum_again_returns_the_current_receipt(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    first = replace(warehouse, parquet(tmp_path, "a", 8), "a")
    assert replace(warehouse, parquet(tmp_path, "a2", 1), "a") == first
    assert warehouse.current_receipt(ReportKind.ASYLSOKANDE, "a") == first
    replace(warehouse, parquet(tmp_path, "b", 2), "b")
    # An older version's file is no longer current: uploading it again makes version 3.
    assert warehouse.current_receipt(ReportKind.ASYLSOKANDE, "a") is None
    assert replace(warehouse, parquet(tmp_path, "a", 8), "a").version == 3
    assert warehouse.list_receipts()[0].as_dict()["accepted_at"].endswith("+00:00")


def test_a_writer_holds_readers_off_until_it_is_done(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    replace(warehouse, parquet(tmp_path, "a", 8), "a")
    events: list[str] = []
    with warehouse._locked(store.fcntl.LOCK_EX):

        def read() -> None:
            with warehouse.reading():
                events.append("read")

        reader = threading.Thread(target=read)
        reader.start()
        time.sleep(0.3)
        events.append("written")
    reader.join(timeout=10)
    assert events == ["written", "read"]
