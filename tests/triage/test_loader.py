"""The loader rejects bad content with every problem listed, and versions by content."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from samvard.triage.loader import Content, ContentError, build_content, load_content

CONTENT = load_content()


def _raw() -> tuple[dict[str, Any], dict[str, Any]]:
    raw = copy.deepcopy(dict(CONTENT.raw))
    return raw["general"], {"common_cold": raw["complaints"]["common_cold"]}


def test_the_packaged_content_loads_with_at_least_forty_complaints() -> None:
    assert len(CONTENT.complaints) >= 40
    assert len(CONTENT.general.rules) >= 5
    for complaint in CONTENT.complaints.values():
        assert complaint.version and complaint.author and complaint.reviewer
        assert complaint.sources and complaint.valid_from
        assert all(rule.rationale and rule.source for rule in complaint.rules)


def test_the_snapshot_round_trip_keeps_the_version_and_the_rules() -> None:
    again = Content.from_json(CONTENT.to_json())
    assert again.version == CONTENT.version
    assert again.complaints["chest_pain"] == CONTENT.complaints["chest_pain"]


def test_any_change_to_the_content_changes_the_version() -> None:
    general, complaints = _raw()
    before = build_content(general, complaints).version
    complaints["common_cold"]["outcomes"]["self_care"]["advice"].append("Vila mer.")
    assert build_content(general, complaints).version != before


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda g, c: c["common_cold"]["rules"][0].update(source="nowhere"), "okänd källa"),
        (
            lambda g, c: c["common_cold"]["rules"][0]["when"].update(
                any=[{"answer": "zz", "is": "yes"}]
            ),
            "zz",
        ),
        (lambda g, c: c["common_cold"]["outcomes"].pop("urgent_today"), "saknar utfall"),
        (lambda g, c: c["common_cold"].update(default_level="non_urgent_weeks"), "default_level"),
        (lambda g, c: c["common_cold"]["questions"][1].update(id="cc_days"), "flera gånger"),
        (
            lambda g, c: c["common_cold"]["questions"][0].update(
                ask_if={"answer": "cc_risk", "is": "yes"}
            ),
            "ask_if",
        ),
        (lambda g, c: c["common_cold"]["questions"][0].update(type="maybe"), "type"),
        (lambda g, c: c["common_cold"].update(colour="blue"), "colour"),
        (
            lambda g, c: c["common_cold"]["rules"][0]["when"].update(
                any=[{"answer": "cc_chest", "gt": 3}]
            ),
            "med ett tal",
        ),
        (
            lambda g, c: c["common_cold"]["rules"][0]["when"].update(
                any=[{"answer": "cc_chest", "is": "often"}]
            ),
            "möjligt svar",
        ),
        (lambda g, c: c["common_cold"]["questions"][0].update(min=10, max=1), "min är större"),
    ],
)
def test_bad_content_is_refused_with_a_clear_problem(mutate: Any, problem: str) -> None:
    general, complaints = _raw()
    mutate(general, complaints)
    with pytest.raises(ContentError) as error:
        build_content(general, complaints)
    assert any(problem in p for p in error.value.problems), error.value.problems


def test_a_file_whose_id_is_not_its_name_is_refused(tmp_path: Path) -> None:
    general, complaints = _raw()
    (tmp_path / "complaints").mkdir()
    (tmp_path / "general.yaml").write_text(yaml.safe_dump(general, allow_unicode=True))
    (tmp_path / "complaints" / "cold.yaml").write_text(
        yaml.safe_dump(complaints["common_cold"], allow_unicode=True)
    )
    with pytest.raises(ContentError, match="filnamnet"):
        load_content(tmp_path)
