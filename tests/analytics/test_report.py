"""`samvard analytics report`: the views as JSON, CSV and XLSX, with stable keys."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from samvard.analytics.report import report_command
from tests.analytics.test_figures_data import (
    CLINIC_A,
    CLINIC_B,
    CLINIC_C,
    CLINIC_G,
    Visits,
    warehouse,
)

# The stable keys: every table and its columns, per view, for a region planner at region
# level. Values change with the data; these keys may only change with the documentation.
KEYS = {
    "oversikt": {
        "nyckeltal": [
            "besok", "halsoundersokningar", "forsta_insats", "nyinskrivna", "nyinskrivna_min",
            "nyinskrivna_max",
            "behov_halsoundersokning", "inskrivna", "inskrivna_min", "inskrivna_max",
            "behov_psykisk_halsa",
        ],
        "omraden": [
            "besok", "halsoundersokningar", "forsta_insats", "nyinskrivna", "nyinskrivna_min",
            "nyinskrivna_max",
            "behov_halsoundersokning", "inskrivna", "inskrivna_min", "inskrivna_max",
            "behov_psykisk_halsa",
        ],
        "manader": [
            "besok", "halsoundersokningar", "forsta_insats", "nyinskrivna", "nyinskrivna_min",
            "nyinskrivna_max", "inskrivna", "inskrivna_min", "inskrivna_max",
        ],
        "prognos_behov_halsoundersokning": ["prognos", "prognos_lag", "prognos_hog"],
        "prognosfel_behov_halsoundersokning": [
            "antal", "medelfel", "medelfel_procent", "traffsakerhet",
        ],
    },
    "halsoundersokningar": {
        "nyckeltal": [
            "halsoundersokningar", "nyinskrivna", "nyinskrivna_min", "nyinskrivna_max",
            "behov_halsoundersokning",
            "behov_halsoundersokning_min", "behov_halsoundersokning_max", "andel_av_behov",
            "vantande", "vantande_min", "vantande_max",
        ],
        "manader": [
            "halsoundersokningar", "nyinskrivna", "nyinskrivna_min", "nyinskrivna_max",
            "behov_halsoundersokning", "vantande",
            "vantande_min", "vantande_max",
        ],
        "aldersfordelning": ["halsoundersokningar", "andel"],
        "omraden": [
            "halsoundersokningar", "nyinskrivna", "nyinskrivna_min", "nyinskrivna_max",
            "behov_halsoundersokning",
        ],
        "rangordning_kommuner": ["behov_halsoundersokning", "halsoundersokningar"],
        "rangordning_vardenheter": ["halsoundersokningar"],
        "prognos_behov_halsoundersokning": ["prognos", "prognos_lag", "prognos_hog"],
        "prognosfel_behov_halsoundersokning": [
            "antal", "medelfel", "medelfel_procent", "traffsakerhet",
        ],
    },
    "psykisk-halsa": {
        "nyckeltal": [
            "inskrivna", "inskrivna_min", "inskrivna_max", "behov_psykisk_halsa",
            "behov_psykisk_halsa_min",
            "behov_psykisk_halsa_max", "forsta_insats", "psykisk_halsa", "psyk_forsta_linjen",
            "psyk_andra_linjen",
        ],
        "manader": [
            "inskrivna", "inskrivna_min", "inskrivna_max", "behov_psykisk_halsa", "forsta_insats",
            "psykisk_halsa",
        ],
        "aldersfordelning": ["psyk_forsta_linjen", "psyk_andra_linjen"],
        "omraden": [
            "forsta_insats", "psyk_forsta_linjen", "psyk_andra_linjen", "inskrivna",
            "inskrivna_min", "inskrivna_max",
            "behov_psykisk_halsa",
        ],
        "rangordning_kommuner": ["behov_psykisk_halsa", "forsta_insats"],
        "rangordning_vardenheter": ["forsta_insats", "psyk_forsta_linjen", "psyk_andra_linjen"],
        "prognos_behov_psykisk_halsa": ["prognos", "prognos_lag", "prognos_hog"],
        "prognosfel_behov_psykisk_halsa": [
            "antal", "medelfel", "medelfel_procent", "traffsakerhet",
        ],
    },
    "ovrig-vard": {
        "nyckeltal": ["besok", "akut", "planerad", "infektion", "forlossningar"],
        "manader": ["akut", "planerad", "infektion", "forlossningar"],
        "omraden": ["akut", "planerad", "infektion", "forlossningar"],
        "infektion_per_vardenhet": ["infektion"],
    },
}  # fmt: skip


@pytest.fixture
def warehouse_file(tmp_path: Path) -> Path:
    path = tmp_path / "analytics.duckdb"
    visits = [
        Visits(clinic, month, count)
        for clinic, count in ((CLINIC_A, 12), (CLINIC_B, 9), (CLINIC_C, 7), (CLINIC_G, 20))
        for month in ("2025-01", "2025-02")
    ]
    asylum = [
        (month, kommun, "18-64", "K", 50, 10)
        for month in ("2025-01", "2025-02")
        for kommun in ("0180", "0114", "1480")
    ]
    warehouse(visits, asylum, path=str(path)).close()
    return path


def _run(*args: str) -> str:
    result = CliRunner().invoke(report_command, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("view", list(KEYS))
def test_json_keys_are_stable(warehouse_file: Path, view: str) -> None:
    data = json.loads(_run(view, "--scope", "01", "--warehouse", str(warehouse_file)))
    assert list(data) == ["view", "title", "filters", "tables", "provenance"]
    assert list(data["filters"]) == [
        "fran", "till", "region", "kommun", "vardenhet", "aldersgrupp", "kon",
    ]  # fmt: skip
    assert list(data["provenance"]) == [
        "sources", "periods", "rule_version", "assumptions", "disclosure",
    ]  # fmt: skip
    tables = {t["key"]: [c["key"] for c in t["columns"]] for t in data["tables"]}
    assert tables == KEYS[view]
    for table in data["tables"]:
        assert list(table) == [
            "key", "caption", "label_columns", "columns", "rows", "chart", "note",
        ]  # fmt: skip
        for row in table["rows"]:
            assert list(row) == ["labels", "cells", "drill"]
            assert len(row["cells"]) == len(table["columns"])


def test_json_figures_and_filters(warehouse_file: Path) -> None:
    data = json.loads(
        _run(
            "halsoundersokningar",
            "--scope",
            "01",
            "--kommun",
            "0180",
            "--period-from",
            "2025-02",
            "--warehouse",
            str(warehouse_file),
        )
    )
    assert data["filters"]["kommun"] == "0180"
    assert (data["filters"]["fran"], data["filters"]["till"]) == ("2025-02", "2025-02")
    key = data["tables"][0]
    figures = dict(zip([c["key"] for c in key["columns"]], key["rows"][0]["cells"], strict=True))
    assert figures["halsoundersokningar"] == 21
    assert figures["behov_halsoundersokning"] == 10


def test_national_scope_is_the_default_and_refuses_clinics(warehouse_file: Path) -> None:
    data = json.loads(_run("oversikt", "--warehouse", str(warehouse_file)))
    areas = next(t for t in data["tables"] if t["key"] == "omraden")
    assert {row["drill"] for row in areas["rows"]} == {"01", "14"}
    result = CliRunner().invoke(
        report_command, ["oversikt", "--vardenhet", CLINIC_A[1], "--warehouse", str(warehouse_file)]
    )
    assert result.exit_code == 2
    assert "--vardenhet" in result.output and "nationella uppföljningen" in result.output


def test_bad_input_is_refused_in_swedish(warehouse_file: Path, tmp_path: Path) -> None:
    bad = CliRunner().invoke(report_command, ["oversikt", "--period-from", "2025-13"])
    assert bad.exit_code == 2 and "ÅÅÅÅ-MM" in bad.output and "--period-from" in bad.output
    scope = CliRunner().invoke(report_command, ["oversikt", "--scope", "Stockholm"])
    assert scope.exit_code == 2 and "länskod" in scope.output
    assumptions = tmp_path / "scenario.json"
    assumptions.write_text('{"mental_health": 2}', encoding="utf-8")
    result = CliRunner().invoke(
        report_command,
        ["oversikt", "--assumptions", str(assumptions), "--warehouse", str(warehouse_file)],
    )
    assert result.exit_code == 2 and "större än 1" in result.output


def test_assumptions_file_is_used(warehouse_file: Path, tmp_path: Path) -> None:
    assumptions = tmp_path / "scenario.json"
    assumptions.write_text('{"health_examination": 0.5}', encoding="utf-8")
    data = json.loads(
        _run(
            "halsoundersokningar",
            "--scope",
            "01",
            "--assumptions",
            str(assumptions),
            "--warehouse",
            str(warehouse_file),
        )
    )
    assert data["provenance"]["assumptions"]["health_examination"] == 0.5
    key = data["tables"][0]
    figures = dict(zip([c["key"] for c in key["columns"]], key["rows"][0]["cells"], strict=True))
    assert figures["behov_halsoundersokning"] == 20  # 0.5 x 2 months x 2 x 10


def test_csv_and_xlsx_carry_the_figures_and_provenance(
    warehouse_file: Path, tmp_path: Path
) -> None:
    text = _run(
        "ovrig-vard", "--scope", "01", "--format", "csv", "--warehouse", str(warehouse_file)
    )
    assert "Regelversion" in text and "Infektionsvård" in text
    out = tmp_path / "report.xlsx"
    _run(
        *("ovrig-vard", "--scope", "01", "--format", "xlsx", "--output", str(out)),
        *("--warehouse", str(warehouse_file)),
    )
    book = load_workbook(io.BytesIO(out.read_bytes()))
    assert "Källor" in book.sheetnames
