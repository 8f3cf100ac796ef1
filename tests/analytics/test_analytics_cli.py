"""`samvard analytics`: ingest with progress and a receipt or the errors; list receipts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from samvard.cli import main
from samvard.core.config import get_settings
from tests.analytics.report_files import asylum_month, visit, write_csv


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["analytics", *args])
    return result.exit_code, result.stdout, result.stderr


def test_ingest_prints_a_receipt_and_progress_on_stderr(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "mars.csv", [visit(i) for i in range(1, 11)], delimiter=";")
    store = str(tmp_path / "w.duckdb")
    code, out, err = run("ingest", "besok", str(path), "--warehouse", store)
    assert code == 0
    assert "Kvitto 1: besok region 01, period 2025-03, version 1" in out
    assert "10 rader" in out and "sha256" in out
    assert "Läser filen" in err and "Sparar månaden: 100 %" in err


def test_a_rejected_file_exits_1_with_every_error_on_stderr(tmp_path: Path) -> None:
    rows = [visit(i, alder="130") for i in range(1, 4)]
    path = write_csv(tmp_path / "mars.csv", rows)
    code, out, err = run("ingest", "besok", str(path), "--warehouse", str(tmp_path / "w.duckdb"))
    assert code == 1
    assert out == ""
    assert "avvisades: 3 fel. Inget ändrades." in err
    assert "rad 4, kolumn alder, värde «130»: Åldern ska vara" in err


def test_json_output_for_a_rejection_and_for_receipts(tmp_path: Path) -> None:
    store = str(tmp_path / "w.duckdb")
    bad = write_csv(tmp_path / "bad.csv", [{**row, "inskrivna": "-1"} for row in asylum_month()])
    code, out, _ = run("ingest", "asylsokande", str(bad), "--warehouse", store, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert (report["total"], report["listed"]) == (16, 16)
    assert report["problems"][0] == {
        "row": 2,
        "column": "inskrivna",
        "value": "-1",
        "message": "Antalet ska vara ett helt tal (0 eller större) eller .. (skyddat litet tal).",
        "rule": "invalid",
    }
    good = write_csv(tmp_path / "good.csv", asylum_month())
    assert run("ingest", "asylsokande", str(good), "--warehouse", store)[0] == 0
    code, out, _ = run("receipts", "--warehouse", store, "--format", "json")
    receipts = json.loads(out)
    assert [(r["kind"], r["period"], r["version"], r["row_count"]) for r in receipts] == [
        ("asylsokande", "2025-03", 1, 16)
    ]
    assert set(receipts[0]) >= {"sha256", "diff", "accepted_at", "unknown_count", "file_name"}


def test_receipts_as_text_and_on_an_empty_warehouse(tmp_path: Path) -> None:
    store = str(tmp_path / "w.duckdb")
    assert run("receipts", "--warehouse", store) == (0, "Inga kvitton ännu.\n", "")
    path = write_csv(tmp_path / "mars.csv", [visit(1)])
    run("ingest", "besok", str(path), "--warehouse", store)
    code, out, _ = run("receipts", "--warehouse", store)
    assert code == 0
    assert "\tbesok\t01\t2025-03\tv1\t1 rader\tmars.csv" in out


def test_the_warehouse_defaults_to_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("SAMVARD_ANALYTICS_PATH", str(tmp_path / "set" / "a.duckdb"))
    get_settings.cache_clear()  # the settings are read once per process
    request.addfinalizer(get_settings.cache_clear)
    path = write_csv(tmp_path / "mars.csv", [visit(1)])
    assert run("ingest", "besok", str(path))[0] == 0
    assert (tmp_path / "set" / "a.duckdb").exists()
