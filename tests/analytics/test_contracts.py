"""The contracts: as in the design, and documented column by column."""

from __future__ import annotations

from pathlib import Path

from samvard.analytics.contracts import CONTRACTS, ReportKind, column_names

DOC = Path(__file__).resolve().parents[2] / "docs" / "analytics-contracts.md"


def test_the_columns_are_those_of_the_design_in_order() -> None:
    assert column_names(ReportKind.BESOK) == (
        "region",
        "period",
        "besoks_id",
        "patient_id",
        "besoksdatum",
        "alder",
        "kon",
        "kommun",
        "vardenhet_hsaid",
        "vardenhet_namn",
        "verksamhet",
        "kontakttyp",
        "vardtyp",
        "yrkeskategori",
        "halsoundersokning",
        "diagnoser",
        "atgarder",
    )
    assert column_names(ReportKind.ASYLSOKANDE) == (
        "period",
        "kommun",
        "aldersgrupp",
        "kon",
        "inskrivna",
        "nyinskrivna",
    )


def test_only_sex_and_the_code_lists_of_a_visit_may_be_blank() -> None:
    blank = {c.name for c in CONTRACTS[ReportKind.BESOK] if not c.required}
    assert blank == {"kon", "diagnoser", "atgarder"}
    assert all(c.required for c in CONTRACTS[ReportKind.ASYLSOKANDE])


def test_every_column_and_accepted_value_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for columns in CONTRACTS.values():
        for column in columns:
            assert f"`{column.name}`" in text, column.name
            for value in column.values:
                assert f"`{value}`" in text, (column.name, value)
