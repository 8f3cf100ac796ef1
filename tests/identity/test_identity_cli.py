"""Tests for ``samvard identity validate`` (in-process with CliRunner, and as a real process)."""

from __future__ import annotations

import json
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from samvard.identity.cli import group
from samvard.reference import loaders

# Official Skatteverket test numbers.
PNR_1890_F = "189001019802"
PNR_1950_F = "195001182046"
SNR_MONTH_UNKNOWN = "191500722390"
SAMVARD = Path(sys.executable).with_name("samvard")


def _run(stdin: str | bytes, *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = CliRunner().invoke(group, ["validate", "--today", "2026-11-24", *args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, [json.loads(line) for line in result.output.splitlines()]


def test_valid_lines_exit_zero_with_full_records() -> None:
    code, records = _run(f"{PNR_1950_F}\n900101+9802\n{SNR_MONTH_UNKNOWN}\n")
    assert code == 0
    assert records == [
        {
            "input": PNR_1950_F,
            "valid": True,
            "kind": "personnummer",
            "normalized": PNR_1950_F,
            "birth_date": "1950-01-18",
            "sex": "female",
        },
        {
            "input": "900101+9802",
            "valid": True,
            "kind": "personnummer",
            "normalized": PNR_1890_F,
            "birth_date": "1890-01-01",
            "sex": "female",
        },
        {
            "input": SNR_MONTH_UNKNOWN,
            "valid": True,
            "kind": "samordningsnummer",
            "normalized": SNR_MONTH_UNKNOWN,
            "birth_date": None,
            "sex": "male",
        },
    ]


def test_invalid_line_reports_reason_and_exit_one() -> None:
    bad = PNR_1950_F[:-1] + "7"
    code, records = _run(f"{PNR_1950_F}\n{bad}\n")
    assert code == 1
    assert records[0]["valid"] is True
    assert records[1] == {
        "input": bad,
        "valid": False,
        "kind": None,
        "normalized": None,
        "birth_date": None,
        "sex": None,
        "error": "Kontrollsiffran stämmer inte (väntad 6, angiven 7)",
    }


def test_blank_lines_are_skipped_and_line_endings_removed() -> None:
    code, records = _run(f"\n   \n{PNR_1950_F}\r\n\n 500118-2046 \n")
    assert code == 0
    assert [r["input"] for r in records] == [PNR_1950_F, " 500118-2046 "]
    assert {r["normalized"] for r in records} == {PNR_1950_F}


def test_empty_input_is_success() -> None:
    assert _run("") == (0, [])


def test_reservnummer_line() -> None:
    code, records = _run("19700101R009\n")
    assert code == 0
    assert records[0]["kind"] == "reservnummer"
    assert records[0]["sex"] is None


def test_undecodable_bytes_are_reported_not_fatal() -> None:
    code, records = _run(b"ab\xffc\n" + PNR_1950_F.encode() + b"\n")
    assert code == 1
    assert records[0]["error"] == "Otillåtna tecken"
    assert records[1]["valid"] is True


def test_swedish_reason_is_not_escaped() -> None:
    result = CliRunner().invoke(group, ["validate"], input="x\n")
    assert "Otillåtna tecken" in result.output


def test_today_option_decides_century() -> None:
    # In 1989 "900101-9802" cannot be 1990, so the hyphen form resolves to 1890.
    result = CliRunner().invoke(group, ["validate", "--today", "1989-06-01"], input="900101-9802\n")
    assert json.loads(result.output)["normalized"] == PNR_1890_F


def test_reads_from_a_file_argument(tmp_path: Path) -> None:
    source = tmp_path / "ids.txt"
    source.write_text(f"{PNR_1950_F}\n", encoding="utf-8")
    code, records = _run("", str(source))
    assert code == 0
    assert records[0]["normalized"] == PNR_1950_F


def test_registered_under_main_cli() -> None:
    from samvard.cli import main

    result = CliRunner().invoke(main, ["identity", "validate"], input=f"{PNR_1950_F}\n")
    assert result.exit_code == 0
    assert json.loads(result.output)["valid"] is True


def test_real_process_accepts_every_official_test_number() -> None:
    numbers = loaders.test_personnummer() + loaders.test_samordningsnummer()
    completed = subprocess.run(
        [str(SAMVARD), "identity", "validate"],
        input="\n".join(numbers) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stderr == ""
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(records) == len(numbers) == 41_493 + 2_240
    assert all(r["valid"] for r in records)
    assert [r["normalized"] for r in records] == numbers


def test_real_process_streams_one_line_at_a_time() -> None:
    # Each result must be written before the next input line arrives (no buffering to EOF).
    with subprocess.Popen(
        [str(SAMVARD), "identity", "validate"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            for number in (PNR_1950_F, PNR_1890_F):
                process.stdin.write(number + "\n")
                process.stdin.flush()
                ready, _, _ = select.select([process.stdout], [], [], 30)
                assert ready, "no output before the next line was sent"
                assert json.loads(process.stdout.readline())["normalized"] == number
        finally:
            process.stdin.close()
        assert process.wait(timeout=30) == 0
