"""Ingestion: formats, whole-file rejection, atomic and idempotent replacement, real crashes."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from samvard.analytics.contracts import ReportKind, column_names
from samvard.analytics.ingest import (
    STALE_WORKDIR_SECONDS,
    WORKDIR_PREFIX,
    Rejection,
    ingest,
)
from samvard.analytics.store import Receipt, Warehouse
from tests.analytics.report_files import (
    asylum,
    asylum_month,
    bulk_visits,
    visit,
    write_csv,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[2]


def accepted(result: Receipt | Rejection) -> Receipt:
    assert isinstance(result, Receipt), result
    return result


def rejected(result: Receipt | Rejection) -> Rejection:
    assert isinstance(result, Rejection), result
    return result


def stored(warehouse: Warehouse, sql: str) -> list[tuple[object, ...]]:
    with warehouse.reading() as connection:
        assert connection is not None
        return connection.execute(sql).fetchall()


def snapshot(warehouse: Warehouse) -> tuple[object, ...]:
    """Everything a reader can see: raw rows, receipts and facts."""
    if not warehouse.path.exists():
        return ()
    return tuple(
        stored(warehouse, f"SELECT * FROM {table} ORDER BY ALL")
        for table in ("besok", "asylsokande", "receipt", "fact_besok", "fact_asyl")
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "var" / "analytics.duckdb")


VISITS = [visit(i) for i in range(1, 41)]


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(",", False), (";", False), (",", True), (";", True)]
)
def test_csv_with_either_delimiter_and_with_or_without_bom_is_stored_the_same(
    tmp_path: Path, delimiter: str, bom: bool
) -> None:
    warehouse = Warehouse(tmp_path / f"w{delimiter == ';'}{bom}.duckdb")
    path = write_csv(tmp_path / "besok.csv", VISITS, delimiter=delimiter, bom=bom)
    receipt = accepted(ingest(warehouse, ReportKind.BESOK, path))
    assert (receipt.region, receipt.period, receipt.row_count, receipt.version) == (
        "01",
        "2025-03",
        40,
        1,
    )
    rows = stored(warehouse, "SELECT besoks_id, besoksdatum, alder, halsoundersokning FROM besok")
    assert len(rows) == 40
    assert rows[0][1].isoformat() == VISITS[0]["besoksdatum"]  # type: ignore[attr-defined]
    assert stored(warehouse, "SELECT sum(besok) FROM fact_besok") == [(40,)]


def test_an_xlsx_upload_stream_with_numbers_and_dates_equals_the_csv(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    from datetime import date

    cells: list[dict[str, object]] = []
    for row in VISITS:
        cell: dict[str, object] = dict(row)
        cell.update(
            region=1,
            kommun=180,
            alder=int(row["alder"]),
            besoksdatum=date.fromisoformat(row["besoksdatum"]),
            halsoundersokning=1,
        )
        cells.append(cell)
    book = write_xlsx(tmp_path / "besok.xlsx", cells)
    stream = io.BytesIO(book.read_bytes())
    receipt = accepted(ingest(warehouse, ReportKind.BESOK, stream, "mars.xlsx"))
    assert (receipt.file_name, receipt.region, receipt.row_count) == ("mars.xlsx", "01", 40)
    other = Warehouse(tmp_path / "csv.duckdb")
    accepted(ingest(other, ReportKind.BESOK, write_csv(tmp_path / "besok.csv", VISITS)))
    assert stored(warehouse, "SELECT * FROM besok ORDER BY ALL") == stored(
        other, "SELECT * FROM besok ORDER BY ALL"
    )


def test_a_file_with_any_problem_is_rejected_whole_and_changes_nothing(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    accepted(ingest(warehouse, ReportKind.BESOK, write_csv(tmp_path / "a.csv", VISITS)))
    before = snapshot(warehouse)
    changed = [visit(i, vardtyp="akut") for i in range(1, 41)]
    changed[30]["alder"] = "999"
    result = rejected(ingest(warehouse, ReportKind.BESOK, write_csv(tmp_path / "b.csv", changed)))
    assert result.total == 1
    assert (result.problems[0].row, result.problems[0].column) == (32, "alder")
    assert snapshot(warehouse) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "tom"),
        (",".join(column_names(ReportKind.BESOK)).encode() + b"\n", "inga rader"),
        ("period,kommun\n2025-03,Göteborg\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_unreadable_and_empty_files_are_rejected(
    tmp_path: Path, warehouse: Warehouse, content: bytes, message: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    result = rejected(ingest(warehouse, ReportKind.BESOK, path))
    assert message in result.problems[0].message_sv
    assert snapshot(warehouse) == ()


def test_not_utf8_after_the_header_is_found_at_its_line(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = write_csv(tmp_path / "r.csv", VISITS)
    path.write_bytes(path.read_bytes() + "01,2025-03,Å".encode("cp1252") + b"\n")
    problem = rejected(ingest(warehouse, ReportKind.BESOK, path)).problems[0]
    assert (problem.row, problem.rule) == (42, "unreadable")


def test_a_broken_xlsx_is_rejected(tmp_path: Path, warehouse: Warehouse) -> None:
    result = ingest(warehouse, ReportKind.BESOK, io.BytesIO(b"PK\x03\x04broken"), "mars.xlsx")
    assert "XLSX" in rejected(result).problems[0].message_sv


def test_a_wrong_header_is_reported_before_any_row(tmp_path: Path, warehouse: Warehouse) -> None:
    rows = [{("Besoks_id" if k == "besoks_id" else k): v for k, v in row.items()} for row in VISITS]
    result = rejected(ingest(warehouse, ReportKind.BESOK, write_csv(tmp_path / "r.csv", rows)))
    assert {(p.row, p.column, p.rule) for p in result.problems} == {
        (1, "Besoks_id", "header_unknown"),
        (1, "besoks_id", "header_missing"),
    }


def test_blank_lines_and_rows_of_the_wrong_width_keep_spreadsheet_row_numbers(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = write_csv(tmp_path / "r.csv", VISITS[:3])
    lines = path.read_text().splitlines()
    text = "\n".join([lines[0], lines[1], "", lines[2] + ",extra", lines[3] + ",", "1,2"])
    path.write_text(text + "\n")
    result = rejected(ingest(warehouse, ReportKind.BESOK, path))
    assert [(p.row, p.rule) for p in result.problems] == [(4, "width"), (5, "width"), (6, "width")]


def test_blank_lines_are_skipped_and_counted_in_the_row_numbers_of_problems(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = write_csv(tmp_path / "r.csv", VISITS[:4], delimiter=";")
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(";0180;", "; 0180 ;")  # padded values are stored trimmed
    blank = [lines[0], lines[1], "", lines[2], ";" * (len(lines[0].split(";")) - 1)]
    path.write_text("\n".join([*blank, "", lines[3], lines[4]]) + "\n")
    receipt = accepted(ingest(warehouse, ReportKind.BESOK, path))
    assert receipt.row_count == 4
    assert stored(warehouse, "SELECT DISTINCT kommun FROM besok") == [("0180",)]
    bad = write_csv(tmp_path / "bad.csv", [visit(1), visit(2, alder="x")], delimiter=";")
    first, second, third = bad.read_text().splitlines()
    bad.write_text("\n".join([first, "", second, "", "", third]) + "\n")
    problem = rejected(ingest(warehouse, ReportKind.BESOK, bad)).problems[0]
    assert (problem.row, problem.column, problem.rule) == (6, "alder", "invalid")


def test_problems_deep_in_a_large_file_are_reported_at_their_spreadsheet_rows(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    # A valid file is staged in any order, which DuckDB does in parallel for large files; a
    # file with problems is staged again in order, for its row numbers.
    path = bulk_visits(tmp_path / "big.csv", 300_000)
    lines = path.read_bytes().split(b"\n")
    for row in (3, 250_001):
        lines[row - 1] = lines[row - 1].replace(b",2025-03,", b",2025-3,", 1)
    path.write_bytes(b"\n".join(lines))
    result = rejected(ingest(warehouse, ReportKind.BESOK, path))
    assert [(p.row, p.column, p.value) for p in result.problems] == [
        (3, "period", "2025-3"),
        (250_001, "period", "2025-3"),
    ]
    assert snapshot(warehouse) == ()


def test_an_excel_export_with_empty_trailing_columns_is_accepted(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = write_csv(tmp_path / "r.csv", VISITS, delimiter=";")
    path.write_text("".join(line + ";;\n" for line in path.read_text().splitlines()))
    assert accepted(ingest(warehouse, ReportKind.BESOK, path)).row_count == 40


def test_a_region_user_cannot_send_another_region_or_the_asylum_report(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = write_csv(tmp_path / "r.csv", VISITS)
    other = rejected(ingest(warehouse, ReportKind.BESOK, path, allowed_region="12"))
    assert other.total == 40 and other.problems[0].rule == "other_region"
    asyl = write_csv(tmp_path / "a.csv", asylum_month())
    assert rejected(ingest(warehouse, ReportKind.ASYLSOKANDE, asyl, allowed_region="01"))
    assert accepted(ingest(warehouse, ReportKind.BESOK, path, allowed_region="01"))
    # The receipt of the same file is the region's own; another region still cannot reuse it.
    assert rejected(ingest(warehouse, ReportKind.BESOK, path, allowed_region="12"))


def test_suppressed_counts_are_unknown_never_zero_and_receipts_count_them(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    rows = asylum_month()
    rows[0]["inskrivna"] = ".."
    rows[1]["nyinskrivna"] = ".."
    rows[2]["inskrivna"] = "0"
    receipt = accepted(
        ingest(warehouse, ReportKind.ASYLSOKANDE, write_csv(tmp_path / "a.csv", rows))
    )
    assert (receipt.region, receipt.unknown_count, receipt.row_count) == (None, 2, 16)
    assert stored(warehouse, "SELECT count(*) FROM fact_asyl WHERE inskrivna IS NULL") == [(1,)]
    assert stored(warehouse, "SELECT count(*) FROM fact_asyl WHERE inskrivna = 0") == [(1,)]


def test_reuploading_the_same_file_returns_the_same_receipt_and_changes_nothing(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    path = write_csv(tmp_path / "a.csv", VISITS)
    first = accepted(ingest(warehouse, ReportKind.BESOK, path))
    before = snapshot(warehouse)
    again = accepted(ingest(warehouse, ReportKind.BESOK, io.BytesIO(path.read_bytes()), "b.csv"))
    assert again == first
    assert snapshot(warehouse) == before


def test_a_killed_ingestions_working_directory_is_removed_by_a_later_one_after_a_day(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    home = warehouse.path.parent
    left = home / (WORKDIR_PREFIX + "killed")
    (left / "spill").mkdir(parents=True)
    (left / "upload.csv").write_bytes(b"x" * 1000)
    day_ago = time.time() - STALE_WORKDIR_SECONDS - 60
    os.utime(left, (day_ago, day_ago))
    running = home / (WORKDIR_PREFIX + "running")  # another ingestion's, just begun
    running.mkdir()
    accepted(ingest(warehouse, ReportKind.BESOK, write_csv(tmp_path / "a.csv", VISITS)))
    assert not left.exists()
    assert running.exists()
    assert [p.name for p in home.glob(WORKDIR_PREFIX + "*")] == [running.name]


def test_a_new_version_replaces_only_its_month_and_reports_the_difference(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    accepted(ingest(warehouse, ReportKind.BESOK, write_csv(tmp_path / "m.csv", VISITS)))
    april = [visit(i, period="2025-04", besoksdatum="2025-04-02") for i in range(1, 6)]
    accepted(ingest(warehouse, ReportKind.BESOK, write_csv(tmp_path / "a.csv", april)))
    other_region = [visit(i, region="12", kommun="1280") for i in range(1, 4)]
    accepted(ingest(warehouse, ReportKind.BESOK, write_csv(tmp_path / "o.csv", other_region)))
    march = [visit(i) for i in range(3, 46)]  # 1-2 removed, 41-45 added
    march[0]["vardtyp"] = "akut"  # B0000003 changed
    receipt = accepted(ingest(warehouse, ReportKind.BESOK, write_csv(tmp_path / "n.csv", march)))
    assert receipt.version == 2
    assert receipt.diff["previous_version"] == 1
    assert (
        receipt.diff["rows_added"],
        receipt.diff["rows_removed"],
        receipt.diff["rows_changed"],
    ) == (5, 2, 1)
    assert receipt.diff["totals"]["rader"] == {"before": 40, "after": 43}
    counts = stored(
        warehouse, "SELECT region, period, sum(besok) FROM fact_besok GROUP BY ALL ORDER BY ALL"
    )
    assert counts == [("01", "2025-03", 43), ("01", "2025-04", 5), ("12", "2025-03", 3)]
    assert [r.version for r in warehouse.list_receipts()] == [2, 1, 1, 1]


def test_asylum_months_are_replaced_one_at_a_time(tmp_path: Path, warehouse: Warehouse) -> None:
    for period in ("2025-02", "2025-03"):
        rows = asylum_month(period)
        accepted(
            ingest(warehouse, ReportKind.ASYLSOKANDE, write_csv(tmp_path / f"{period}.csv", rows))
        )
    rows = [asylum("0180", period="2025-03", inskrivna="7")]
    receipt = accepted(
        ingest(warehouse, ReportKind.ASYLSOKANDE, write_csv(tmp_path / "new.csv", rows))
    )
    assert receipt.diff["totals"]["rader"] == {"before": 16, "after": 1}
    assert stored(
        warehouse, "SELECT period, count(*) FROM fact_asyl GROUP BY ALL ORDER BY ALL"
    ) == [
        ("2025-02", 16),
        ("2025-03", 1),
    ]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from samvard.cli import main; main()", "analytics", *args]


@pytest.mark.slow
def test_two_parallel_uploads_of_the_same_file_leave_exactly_one_copy(tmp_path: Path) -> None:
    path = bulk_visits(tmp_path / "besok.csv", 200_000)
    store = tmp_path / "w.duckdb"
    command = cli("ingest", "besok", str(path), "--warehouse", str(store), "--format", "json")
    processes = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0]
    assert outputs[0] == outputs[1]  # the same receipt, twice
    warehouse = Warehouse(store)
    assert stored(warehouse, "SELECT count(*), count(DISTINCT besoks_id) FROM besok") == [
        (200_000, 200_000)
    ]
    assert len(warehouse.list_receipts()) == 1


@pytest.mark.slow
def test_a_process_killed_while_storing_leaves_the_previous_month_intact(tmp_path: Path) -> None:
    store = tmp_path / "w.duckdb"
    warehouse = Warehouse(store)
    accepted(ingest(warehouse, ReportKind.BESOK, write_csv(tmp_path / "small.csv", VISITS)))
    before = snapshot(warehouse)
    big = bulk_visits(tmp_path / "big.csv", 1_500_000)
    command = cli("ingest", "besok", str(big), "--warehouse", str(store))
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("Sparar månaden"):
            break
    time.sleep(0.5)  # inside the replacing transaction: it takes seconds for this file
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL
    assert snapshot(warehouse) == before
    # The warehouse is whole and writable: the next upload goes through.
    receipt = accepted(ingest(warehouse, ReportKind.BESOK, big))
    assert (receipt.version, receipt.row_count) == (2, 1_500_000)
    connection = duckdb.connect(str(store), read_only=True)
    assert connection.execute("SELECT sum(besok) FROM fact_besok").fetchall() == [(1_500_000,)]
    connection.close()
