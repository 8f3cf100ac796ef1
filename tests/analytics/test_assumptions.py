"""Assumptions: defaults with sources, shares 0..1, overrides by municipality and age group."""

from __future__ import annotations

from pathlib import Path

import pytest

from samvard.analytics.assumptions import (
    AGE_GROUPS,
    DEFAULTS,
    REVIEW,
    STATUTE,
    Assumptions,
    InvalidAssumptionsError,
    defaults_markdown,
    parse_assumptions,
)
from samvard.analytics.contracts import ALDERSGRUPP

DOCS = Path(__file__).resolve().parents[2] / "docs" / "analytics-method.md"


def test_age_groups_are_the_contracts() -> None:
    assert AGE_GROUPS == ALDERSGRUPP


def test_defaults_apply_when_nothing_is_set() -> None:
    shares = Assumptions().shares("0180", "18-64")
    assert (shares.health_examination, shares.mental_health) == (1.0, 0.25)
    assert Assumptions().waiting_outflow == 0.05


def test_every_default_has_a_source_and_an_honest_status() -> None:
    assert {d.key for d in DEFAULTS} == {"health_examination", "mental_health", "waiting_outflow"}
    for default in DEFAULTS:
        assert 0.0 <= default.value <= 1.0
        assert default.source and default.label and default.meaning
        assert default.status in {STATUTE, REVIEW}
    by_key = {d.key: d for d in DEFAULTS}
    assert "2008:344" in by_key["health_examination"].source
    # Figures that are a judgement say so.
    assert by_key["mental_health"].status == REVIEW
    assert by_key["waiting_outflow"].status == REVIEW


def test_the_method_document_shows_the_defaults_as_they_are_in_the_code() -> None:
    assert defaults_markdown() in DOCS.read_text(encoding="utf-8")


def test_the_most_specific_value_wins_for_each_share_separately() -> None:
    assumptions = parse_assumptions(
        {
            "health_examination": 0.9,
            "mental_health": 0.2,
            "by_age_group": {"0-5": {"mental_health": 0.1}, "6-17": {"health_examination": 0.8}},
            "municipalities": {
                "0180": {
                    "mental_health": 0.3,
                    "by_age_group": {"6-17": {"mental_health": 0.4}},
                }
            },
        }
    )
    cases = {
        # (kommun, age group): (health examination, mental health)
        ("0180", "6-17"): (0.8, 0.4),  # municipality+age, then region age group
        ("0180", "0-5"): (0.9, 0.3),  # municipality beats the region's age group
        ("0180", "18-64"): (0.9, 0.3),
        ("0114", "0-5"): (0.9, 0.1),  # no municipality override: the region's age group
        ("0114", "65+"): (0.9, 0.2),
        ("0180", None): (0.9, 0.3),
        (None, None): (0.9, 0.2),
    }
    for (kommun, age), expected in cases.items():
        shares = assumptions.shares(kommun, age)
        assert (shares.health_examination, shares.mental_health) == expected, (kommun, age)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"mental_health": 1.2},
            "mental_health",
            "Andelen får inte vara större än 1 (100 procent).",
        ),
        ({"health_examination": -0.1}, "health_examination", "Andelen får inte vara mindre än 0."),
        (
            {"waiting_outflow": "mycket"},
            "waiting_outflow",
            "Ange andelen som ett tal mellan 0 och 1",
        ),
        ({"mental_health": float("nan")}, "mental_health", "Andelen måste vara ett tal"),
        ({"by_age_group": {"7-9": {}}}, "by_age_group.7-9.[key]", "Okänd åldersgrupp."),
        ({"municipalities": {"9999": {}}}, "municipalities.9999.[key]", "Okänd kommunkod 9999."),
        (
            {"municipalities": {"0180": {"by_age_group": {"0-5": {"mental_health": 2}}}}},
            "municipalities.0180.by_age_group.0-5.mental_health",
            "större än 1",
        ),
        ({"share": 0.5}, "share", "Okänt fält."),
    ],
)
def test_invalid_values_are_refused_in_swedish(
    data: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(InvalidAssumptionsError) as caught:
        parse_assumptions(data)
    problems = {p.field: p.message for p in caught.value.problems}
    assert field in problems, problems
    assert message in problems[field]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidAssumptionsError) as caught:
        parse_assumptions({"mental_health": 3, "health_examination": -1, "waiting_outflow": 2})
    assert len(caught.value.problems) == 3


def test_a_municipality_outside_the_region_is_named() -> None:
    assumptions = parse_assumptions({"municipalities": {"0180": {}, "1480": {}, "0114": {}}})
    assert assumptions.municipalities_outside("01") == ["1480"]
    assert assumptions.municipalities_outside("14") == ["0114", "0180"]


def test_assumptions_survive_a_json_round_trip() -> None:
    assumptions = parse_assumptions(
        {
            "mental_health": 0.3,
            "municipalities": {"0180": {"by_age_group": {"65+": {"mental_health": 0.1}}}},
        }
    )
    again = parse_assumptions(assumptions.model_dump(mode="json"))
    assert again == assumptions
    assert again.shares("0180", "65+").mental_health == 0.1
