"""Validation: every problem found, with row, column, value and a Swedish message."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from samvard.analytics.contracts import ReportKind, column_names
from samvard.analytics.reading import Source, read_header, stage
from samvard.analytics.validation import (
    HIDDEN,
    LISTED_MAX,
    LISTED_PER_KIND,
    Collector,
    Month,
    Problem,
    check_header,
    looks_like_person_number,
    validate,
)
from samvard.reference import loaders
from tests.analytics.report_files import asylum, asylum_month, visit, write_csv


def check(
    tmp_path: Path,
    kind: ReportKind,
    rows: list[Mapping[str, str]],
    own_region: str | None = None,
) -> tuple[Collector, Month]:
    path = write_csv(tmp_path / "report.csv", rows, column_names(kind))
    delimiter, header = read_header(path)
    connection = duckdb.connect()
    stage(connection, Source(path, delimiter, header, numbered=False))
    collector = Collector()
    month = validate(connection, kind, header, collector, own_region=own_region)
    return collector, month


def only(collector: Collector) -> Problem:
    problems = collector.problems()
    assert len(problems) == 1, problems
    return problems[0]


def test_a_valid_month_names_its_region_period_and_rows(tmp_path: Path) -> None:
    collector, month = check(tmp_path, ReportKind.BESOK, [visit(i) for i in range(1, 30)])
    assert collector.total == 0
    assert month == Month("01", "2025-03", 29)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("region", "02", "Okänd regionkod"),
        ("kommun", "0100", "Okänd kommunkod"),
        ("period", "2025-13", "ÅÅÅÅ-MM"),
        ("besoksdatum", "2025-02-30", "finnas i kalendern"),
        ("besoksdatum", "2025-3-1", "ÅÅÅÅ-MM-DD"),
        ("alder", "121", "från 0 till 120"),
        ("alder", "-1", "från 0 till 120"),
        ("alder", "3.5", "från 0 till 120"),
        ("kon", "X", "M eller K"),
        ("verksamhet", "tandvard", "tillåtna värden är vardcentral"),
        ("kontakttyp", "telefon", "tillåtna värden"),
        ("vardtyp", "Akut", "tillåtna värden"),
        ("yrkeskategori", "tandlakare", "tillåtna värden"),
        ("halsoundersokning", "ja", "1 eller 0"),
        ("diagnoser", "F32.1|32", "ICD-10"),
        ("diagnoser", "f32", "ICD-10"),
        ("diagnoser", "F32.1|", "ICD-10"),
        ("atgarder", "AU11", "KVÅ"),
        ("vardenhet_hsaid", "SE 1", "HSA-id"),
    ],
)
def test_a_bad_value_is_reported_at_its_row_and_column(
    tmp_path: Path, column: str, value: str, message: str
) -> None:
    rows = [visit(1), visit(2, **{column: value}), visit(3)]
    collector, _ = check(tmp_path, ReportKind.BESOK, rows)
    problem = only(collector)
    assert (problem.row, problem.column, problem.value) == (3, column, value)
    assert message in problem.message_sv


def test_required_values_may_not_be_blank_but_optional_ones_may(tmp_path: Path) -> None:
    rows = [visit(1, kon="", diagnoser="", atgarder=""), visit(2, vardenhet_namn="")]
    problem = only(check(tmp_path, ReportKind.BESOK, rows)[0])
    assert (problem.row, problem.column, problem.message_sv) == (
        3,
        "vardenhet_namn",
        "Värdet saknas.",
    )


def test_codes_are_kept_as_written_and_well_formed_codes_pass(tmp_path: Path) -> None:
    rows = [
        visit(1, diagnoser="F321|J06.9|O80|A09.0|U07.1", atgarder="DV043|JAB30"),
        visit(2, region="09", kommun="0980"),
    ]
    assert check(tmp_path, ReportKind.BESOK, [rows[0]])[0].total == 0
    assert check(tmp_path, ReportKind.BESOK, [rows[1]])[0].total == 0


def test_values_are_checked_and_kept_without_the_spaces_around_them(tmp_path: Path) -> None:
    # Codes hold few distinct values and are trimmed only when one is padded; ids always.
    nbsp = "\u00a0"
    rows = [
        visit(1, region=" 01", alder="34 ", kon=f"K{nbsp}", besoks_id=" B1 "),
        visit(2, kommun=" 0180 ", vardenhet_namn=f"{nbsp}Asylhälsan"),
        visit(3, verksamhet=" tandvard "),
    ]
    path = write_csv(tmp_path / "report.csv", rows)
    delimiter, header = read_header(path)
    connection = duckdb.connect()
    stage(connection, Source(path, delimiter, header, numbered=False))
    collector = Collector()
    month = validate(connection, ReportKind.BESOK, header, collector)
    problem = only(collector)
    assert (problem.row, problem.column, problem.value) == (4, "verksamhet", "tandvard")
    assert month == Month("01", "2025-03", 3)
    staged = connection.execute(
        "SELECT region, alder, kon, besoks_id, kommun, vardenhet_namn FROM staged ORDER BY _row"
    ).fetchall()
    assert staged[:2] == [
        ("01", "34", "K", "B1", "0180", "Asylhälsan Stockholm"),
        ("01", "2", "M", "B0000002", "0180", "Asylhälsan"),
    ]


def test_dates_outside_the_period_and_municipalities_outside_the_region(tmp_path: Path) -> None:
    rows = [visit(1), visit(2, besoksdatum="2025-04-01"), visit(3, kommun="1280")]
    problems = check(tmp_path, ReportKind.BESOK, rows)[0].problems()
    assert [(p.row, p.column, p.rule) for p in problems] == [
        (3, "besoksdatum", "outside_period"),
        (4, "kommun", "outside_region"),
    ]


def test_a_file_mixing_regions_or_months_is_refused_row_by_row(tmp_path: Path) -> None:
    rows = [
        visit(1),
        visit(2),
        visit(3, region="12", kommun="1280"),
        visit(4, period="2025-04", besoksdatum="2025-04-02"),
    ]
    collector, month = check(tmp_path, ReportKind.BESOK, rows)
    assert (month.region, month.period) == ("01", "2025-03")
    problems = collector.problems()
    assert [(p.row, p.column, p.rule) for p in problems] == [
        (4, "region", "mixed_file"),
        (5, "period", "mixed_file"),
    ]
    assert "en fil ska gälla en region" in problems[0].message_sv


def test_a_region_user_may_only_send_the_own_region(tmp_path: Path) -> None:
    collector, month = check(tmp_path, ReportKind.BESOK, [visit(1)], own_region="12")
    problem = only(collector)
    assert (problem.column, problem.rule, month.region) == ("region", "other_region", "12")
    assert "din egen region, 12" in problem.message_sv


def test_duplicate_visit_ids_point_at_the_first_row(tmp_path: Path) -> None:
    rows = [visit(1), visit(2), visit(1, patient_id="P9"), visit(1)]
    collector, _ = check(tmp_path, ReportKind.BESOK, rows)
    problems = collector.problems()
    assert [(p.row, p.column, p.value) for p in problems] == [
        (4, "besoks_id", "B0000001"),
        (5, "besoks_id", "B0000001"),
    ]
    assert "rad 2" in problems[0].message_sv


@pytest.mark.parametrize(
    "value",
    [
        "189001019802",  # Skatteverket test personnummer, 12 digits
        "18900101-9802",
        "900101-9802",  # 10 digits with hyphen
        "9001019802",
        "20000229-1234",  # a leap day
        "190001619800",  # samordningsnummer: day + 60
    ],
)
def test_a_patient_id_that_looks_like_a_personnummer_is_refused_and_not_repeated(
    tmp_path: Path, value: str
) -> None:
    collector, _ = check(tmp_path, ReportKind.BESOK, [visit(1), visit(2, patient_id=value)])
    problem = only(collector)
    assert (problem.row, problem.column, problem.value) == (3, "patient_id", HIDDEN)
    assert "personnummer" in problem.message_sv


def test_every_official_test_number_looks_like_a_personnummer() -> None:
    numbers = loaders.test_personnummer() + loaders.test_samordningsnummer()
    assert numbers
    for number in numbers:
        short = number[2:]
        for text in (number, short, f"{short[:6]}-{short[6:]}", f"{number[:8]}-{number[8:]}"):
            assert looks_like_person_number(text), text


@pytest.mark.parametrize(
    "value", ["P00012", "19901301-1234", "19900230-1234", "12345", "1990010112345", "abc-1234"]
)
def test_pseudonyms_and_impossible_dates_are_not_personnummer(value: str) -> None:
    assert not looks_like_person_number(value)


@given(st.dates(), st.integers(0, 9999), st.booleans(), st.sampled_from(["", "-", "+"]))
def test_any_date_with_four_digits_is_taken_for_a_personnummer(
    day: date, tail: int, long: bool, sign: str
) -> None:
    text = day.strftime("%Y%m%d" if long else "%y%m%d").zfill(8 if long else 6)
    assert looks_like_person_number(f"{text}{sign}{tail:04d}")


def test_header_problems_name_missing_unknown_misnamed_and_repeated_columns() -> None:
    header = (*column_names(ReportKind.ASYLSOKANDE)[:-1], "Inskrivna", "extra")
    problems = check_header(ReportKind.ASYLSOKANDE, (*header, "kon"))
    found = {(p.column, p.rule) for p in problems}
    assert found == {
        ("nyinskrivna", "header_missing"),
        ("Inskrivna", "header_unknown"),
        ("extra", "header_unknown"),
        ("kon", "header_repeated"),
    }
    assert all(p.row == 1 for p in problems)
    hint = next(p for p in problems if p.column == "Inskrivna").message_sv
    assert "Menade du inskrivna?" in hint


def test_header_in_any_order_is_accepted() -> None:
    assert check_header(ReportKind.BESOK, tuple(reversed(column_names(ReportKind.BESOK)))) == []


def test_asylum_counts_accept_suppressed_values_and_refuse_other_text(tmp_path: Path) -> None:
    rows = [*asylum_month()[:-2], asylum("0114", aldersgrupp="65+", kon="M", inskrivna="..")]
    rows.append(asylum("0114", aldersgrupp="65+", kon="K", nyinskrivna="ca 5"))
    collector, month = check(tmp_path, ReportKind.ASYLSOKANDE, rows)
    problem = only(collector)
    assert (problem.column, problem.value, month.region) == ("nyinskrivna", "ca 5", None)


def test_asylum_rows_repeating_a_cell_are_refused(tmp_path: Path) -> None:
    rows = [asylum("0180"), asylum("0114"), asylum("0180", inskrivna="5")]
    problem = only(check(tmp_path, ReportKind.ASYLSOKANDE, rows)[0])
    assert (problem.row, problem.rule) == (4, "duplicate")


def test_an_empty_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(",".join(column_names(ReportKind.ASYLSOKANDE)) + "\n")
    connection = duckdb.connect()
    stage(connection, Source(path, ",", column_names(ReportKind.ASYLSOKANDE), numbered=False))
    collector = Collector()
    validate(connection, ReportKind.ASYLSOKANDE, column_names(ReportKind.ASYLSOKANDE), collector)
    assert only(collector).rule == "empty"


def test_the_list_is_capped_but_the_totals_are_complete(tmp_path: Path) -> None:
    rows = [visit(i, alder="200", kon="X", vardtyp="?") for i in range(1, 2 * LISTED_PER_KIND + 1)]
    collector, _ = check(tmp_path, ReportKind.BESOK, rows)
    assert collector.total == 3 * 2 * LISTED_PER_KIND
    assert collector.totals[("alder", "invalid")] == 2 * LISTED_PER_KIND
    problems = collector.problems()
    assert len(problems) == 3 * LISTED_PER_KIND <= LISTED_MAX
    assert problems[0].row == 2
    assert [p.row for p in problems] == sorted(p.row for p in problems)
