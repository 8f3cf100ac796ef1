"""`samvard triage`: the commands users and CI run, their output and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from samvard.cli import main


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["triage", *args])
    return result.exit_code, result.stdout, result.stderr


def test_simulate_prints_the_contract(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "age": 62,
                "sex": "male",
                "complaint_text": "ont i bröstet",
                "answers": {"cp_pressure": "yes", "cp_radiating": "yes"},
                "default_answer": "no",
            }
        )
    )
    code, out, _ = _run("simulate", str(case))
    assert code == 0
    result = json.loads(out)
    assert result["complaint"] == "chest_pain"
    assert result["urgency"] == "emergency"
    assert result["level"] == "emergency_112"
    assert result["disposition"] == "call_112"
    assert result["questions_asked"][-2:] == ["cp_pressure", "cp_radiating"]
    assert "g_breathing" in result["unanswered"]
    assert any(
        t["rule_id"] == "cp_acute_coronary" and t["result"] == "true" for t in result["trace"]
    )


def test_simulate_refuses_bad_cases_with_json_errors(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    for body, code in [
        (
            {"age": 30, "sex": "male", "complaint": "chest_pain", "answers": {"zz": "yes"}},
            "unknown_question",
        ),
        ({"age": 30, "sex": "male", "complaint": "nope"}, "unknown_complaint"),
        ({"age": 30, "sex": "male", "complaint": "fever_infant"}, "not_applicable"),
        ({"sex": "male", "complaint": "chest_pain"}, "bad_case"),
        (
            {
                "age": 30,
                "sex": "male",
                "complaint": "chest_pain",
                "answers": {"cp_pressure": "ofta"},
                "default_answer": "no",
            },
            "wrong_type",
        ),
    ]:
        case.write_text(json.dumps(body))
        exit_code, _, err = _run("simulate", str(case))
        assert exit_code == 2, body
        assert json.loads(err)["error"]["code"] == code
    case.write_text("{not json")
    exit_code, _, err = _run("simulate", str(case))
    assert exit_code == 2 and json.loads(err)["error"]["code"] == "bad_case"


def test_content_lists_complaints_with_questions_as_json() -> None:
    code, out, _ = _run("content", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert len(data["complaints"]) >= 40
    chest = next(c for c in data["complaints"] if c["id"] == "chest_pain")
    question = chest["questions"][0]
    assert {"id", "text", "type", "options"} <= set(question)
    assert {"value": "unknown", "text": "Vet inte"} in question["options"]


def test_match_prints_suggestions_and_fails_on_nothing() -> None:
    code, out, _ = _run("match", "min son har feber")
    assert code == 0 and out.splitlines()[0].split()[1] == "fever_child"
    assert _run("match", "xyzzy")[0] == 1


def test_validate_passes_the_suite_and_reports_the_figures() -> None:
    code, out, _ = _run("validate", "--format", "json")
    assert code == 0
    summary = json.loads(out)
    assert summary["cases"] >= 80
    assert summary["unsafe"] == [] and summary["errors"] == []
    assert {"emergency_sensitivity", "under_triage_rate", "over_triage_rate"} <= set(summary)


def test_validate_fails_when_an_emergency_is_sent_to_self_care(tmp_path: Path) -> None:
    case = {
        "id": "bad-1",
        "age_years": 40,
        "sex": "male",
        "complaint": "common_cold",
        "answers": {},
        "default_answer": "no",
        "gold": "emergency",
        "rationale": "Ett påhittat fall som motorn inte kan klara.",
    }
    (tmp_path / "cases.yaml").write_text(yaml.safe_dump([case]))
    code, _, err = _run("validate", "--vignettes", str(tmp_path))
    assert code == 1
    assert "OSÄKERT: bad-1" in err


def test_lint_passes_and_fails_on_broken_content(tmp_path: Path) -> None:
    code, out, _ = _run("lint")
    assert code == 0 and "kontaktorsaker" in out
    (tmp_path / "complaints").mkdir()
    (tmp_path / "general.yaml").write_text("id: general\n")
    code, _, err = _run("--content-dir", str(tmp_path), "lint")
    assert code == 1 and "fel:" in err


def test_validate_refuses_malformed_vignettes_with_json_errors(tmp_path: Path) -> None:
    good = {
        "id": "v-1",
        "age_years": 40,
        "sex": "male",
        "complaint": "common_cold",
        "answers": {},
        "gold": "self_care",
        "rationale": "Förkylning utan varningstecken.",
    }
    for broken, problem in (
        ([good, good], "finns redan"),
        ([{**good, "gold": "soon"}], "gold ska vara"),
        ([{**good, "rationale": ""}], "rationale saknas"),
        ({"id": "v-1"}, "lista av fall"),
    ):
        (tmp_path / "cases.yaml").write_text(yaml.safe_dump(broken, allow_unicode=True))
        code, _, err = _run("validate", "--vignettes", str(tmp_path))
        body = json.loads(err)["error"]
        assert code == 2 and body["code"] == "bad_vignette", err
        assert problem in body["message"] and "cases.yaml" in body["message"], err
