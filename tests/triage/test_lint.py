"""The lint explores every path; it finds dead and unreachable questions, rules that never
fire and outcomes never reached, and it passes the packaged content."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from samvard.cli import main
from samvard.triage.lint import (
    general_problems,
    lint_complaint,
    lint_content,
    representative_subjects,
)
from samvard.triage.loader import build_content, load_content

CONTENT = load_content()


def _cold() -> tuple[dict[str, Any], dict[str, Any]]:
    raw = copy.deepcopy(dict(CONTENT.raw))
    return raw["general"], raw["complaints"]["common_cold"]


def _problems(general: dict[str, Any], cold: dict[str, Any]) -> tuple[str, ...]:
    content = build_content(general, {"common_cold": cold})
    return lint_complaint(content, "common_cold").problems


def test_the_example_complaint_is_clean_and_explored() -> None:
    report = lint_complaint(CONTENT, "common_cold")
    assert report.problems == ()
    assert report.paths > 100
    assert {"cc_days", "cc_chest", "g_breathing"} <= report.asked


def test_a_question_no_rule_reads_is_dead() -> None:
    general, cold = _cold()
    cold["questions"].append(
        {"id": "cc_colour", "text": "Vilken färg har snoret?", "type": "yes_no_unknown"}
    )
    assert any("cc_colour" in p and "död" in p for p in _problems(general, cold))


def test_a_question_that_can_never_be_asked_is_unreachable() -> None:
    general, cold = _cold()
    cold["questions"][-1]["ask_if"] = {"age_days": {"lt": 0}}
    problems = _problems(general, cold)
    assert any("cc_risk" in p and "onåbar" in p for p in problems), problems


def test_a_rule_that_can_never_hold_is_found() -> None:
    general, cold = _cold()
    cold["rules"].append(
        {
            "id": "cc_impossible",
            "level": "urgent_today",
            "when": {
                "all": [{"answer": "cc_chest", "is": "yes"}, {"answer": "cc_chest", "is": "no"}]
            },
            "rationale": "Kan aldrig gälla, för att testa.",
            "source": "1177-forkylning",
        }
    )
    assert any("cc_impossible" in p for p in _problems(general, cold))


def test_an_outcome_never_reached_is_found() -> None:
    general, cold = _cold()
    cold["outcomes"]["non_urgent_weeks"] = {
        "disposition": "care_within_days",
        "timeframe": "Inom några veckor",
        "advice": ["Boka en tid."],
    }
    assert any("non_urgent_weeks" in p and "nås aldrig" in p for p in _problems(general, cold))


def test_all_packaged_content_passes_the_lint() -> None:
    reports = lint_content(CONTENT)
    problems = [p for r in reports for p in r.problems] + general_problems(CONTENT, reports)
    assert problems == []
    assert all(r.paths > 0 for r in reports)


def test_an_outcome_missing_at_run_time_is_a_path_without_an_outcome() -> None:
    # The loader refuses such a file; the lint still guards against any path it cannot end.
    cold = CONTENT.complaints["common_cold"]
    broken = cold.model_copy(update={"outcomes": {}})
    content = dataclasses.replace(CONTENT, complaints={"common_cold": broken})
    problems = lint_complaint(content, "common_cold").problems
    assert any("slutar utan utfall" in p for p in problems), problems


def test_people_of_unknown_sex_are_explored_where_the_content_tells_sexes_apart() -> None:
    pregnancy = {
        s.sex for s in representative_subjects(CONTENT, CONTENT.complaints["bleeding_pregnancy"])
    }
    assert pregnancy == {"female", "unknown"}
    cold = {s.sex for s in representative_subjects(CONTENT, CONTENT.complaints["common_cold"])}
    assert cold == {"unknown"}


def _lint_dir(tmp_path: Path, cold: dict[str, Any]) -> tuple[int, str]:
    general, _ = _cold()
    (tmp_path / "complaints").mkdir()
    (tmp_path / "general.yaml").write_text(yaml.safe_dump(general, allow_unicode=True))
    (tmp_path / "complaints" / "common_cold.yaml").write_text(
        yaml.safe_dump(cold, allow_unicode=True)
    )
    result = CliRunner().invoke(main, ["triage", "--content-dir", str(tmp_path), "lint"])
    return result.exit_code, result.stdout + result.stderr


def test_lint_refuses_an_ask_if_that_looks_forward(tmp_path: Path) -> None:
    _, cold = _cold()
    cold["questions"][0]["ask_if"] = {"answer": cold["questions"][-1]["id"], "is": "yes"}
    code, err = _lint_dir(tmp_path, cold)
    assert code == 1 and "ask_if" in err and "common_cold.yaml" in err, err


def test_lint_refuses_a_level_without_an_outcome(tmp_path: Path) -> None:
    _, cold = _cold()
    used = {rule["level"] for rule in cold["rules"]}
    cold["outcomes"].pop(sorted(used)[0])
    code, err = _lint_dir(tmp_path, cold)
    assert code == 1 and "saknar utfall" in err, err


def test_lint_on_fixture_content_reports_a_dead_question(tmp_path: Path) -> None:
    _, cold = _cold()
    cold["questions"].append(
        {"id": "cc_colour", "text": "Vilken färg har snoret?", "type": "yes_no_unknown"}
    )
    code, err = _lint_dir(tmp_path, cold)
    assert code == 1 and "cc_colour" in err, err
