"""The protected pandas baseline hides what disclosure control must hide, and the comparison
with a view notices a cell whose status or value differs."""

from __future__ import annotations

import dataclasses

import pandas as pd

from bench.analytics_pandas import Comparison, Request
from bench.analytics_pandas_protected import WHOLE, compare_protected, compute_protected
from samvard.analytics.results import Cell, Column, Provenance, Row, Table, ViewResult

MONTH = "2026-01"
# Visits by municipality of Stockholms län: 10 in Stockholm, 3 in Sollentuna, 7 in Solna.
VISITS = {"0180": 10, "0163": 3, "0184": 7}


def _visit(kommun: str, n: int) -> dict[str, object]:
    return {
        "region": kommun[:2], "kommun": kommun, "vardenhet_hsaid": f"SE2321000016-{kommun}",
        "period": MONTH, "alder": 30, "kon": "K", "vardtyp": "akut",
        "verksamhet": "vardcentral", "yrkeskategori": "lakare", "diagnoser": "J06.9",
        "halsoundersokning": False, "patient_id": f"p{kommun}{n}", "besoksdatum": MONTH,
        "besoks_ordning": n,
    }  # fmt: skip


def _visits(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame([_visit(k, n) for k, count in counts.items() for n in range(count)])


def _request() -> Request:
    return Request(
        region_scope=None, months=(MONTH,), aldersgrupp=None, kon=None,
        place=("region", "01"), children="kommun", tables={"children": ("besok",)},
    )  # fmt: skip


def test_a_small_count_and_one_more_cell_are_hidden_in_every_measure_of_the_family() -> None:
    protected = compute_protected(_visits(VISITS), _request())
    values, hidden = protected.values, protected.hidden
    assert values["besok", ("K", "0163"), WHOLE] == 3
    assert values["besok", ("R", "01"), WHOLE] == values["besok", ("T",), WHOLE] == 20
    assert values["planerad", ("K", "0180"), WHOLE] == 0
    assert ("besok", ("K", "0163"), WHOLE) in hidden
    # The region's total is shown, so a second municipality must be hidden with Sollentuna,
    # or 20 - 10 - 7 gives its 3 back; the smaller one, Solna, is the one chosen.
    assert ("besok", ("K", "0184"), WHOLE) in hidden
    assert ("besok", ("K", "0180"), WHOLE) not in hidden
    # Every acute visit is a visit: the acute count would give the hidden one back.
    assert ("akut", ("K", "0163"), WHOLE) in hidden
    assert protected.selected == ("R", "01")


def test_a_region_that_did_not_report_the_month_is_unknown() -> None:
    request = dataclasses.replace(_request(), months=(MONTH, "2026-02"))
    protected = compute_protected(_visits(VISITS), request)
    assert protected.gaps["01"] == frozenset({"2026-02"})
    assert protected.values["besok", ("K", "0180"), WHOLE] is None
    assert protected.values["besok", ("K", "0180"), ("m", MONTH)] == 10


def _view(cells: dict[str, Cell]) -> ViewResult:
    table = Table(
        key="omraden", caption="Kommuner", label_columns=(Column("kommun", "Kommun", False),),
        columns=(Column("besok", "Besök"),),
        rows=tuple(Row((kommun,), (cell,)) for kommun, cell in cells.items()),
    )  # fmt: skip
    provenance = Provenance(sources=(), periods=(MONTH,), rule_version="test")
    return ViewResult("oversikt", "Översikt", {"region": "01"}, (table,), provenance)


def test_the_comparison_counts_every_cell_and_names_each_difference() -> None:
    protected = compute_protected(_visits(VISITS), _request())
    agreeing = {"0180": Cell.shown(10), "0163": Cell.suppressed(), "0184": Cell.suppressed()}
    same = Comparison()
    compare_protected(_view(agreeing), protected, same)
    assert (same.compared, same.mismatches) == (3, [])

    leaking = {**agreeing, "0184": Cell.shown(7)}  # shown, where pandas' protection hides it
    wrong = {**agreeing, "0180": Cell.shown(11)}
    differ = Comparison()
    compare_protected(_view(leaking), protected, differ)
    compare_protected(_view(wrong), protected, differ)
    assert [(m["row"], m["view"], m["pandas"]) for m in differ.mismatches] == [
        ("0184", "shown", "suppressed"),
        ("0180", "shown", "shown"),
    ]
