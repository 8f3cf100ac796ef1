"""The vignette suite: gold-standard cases run through the engine, with the safety gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from samvard.triage.engine import AnswerError
from samvard.triage.levels import Urgency
from samvard.triage.loader import Content
from samvard.triage.simulate import CaseError, simulate

VIGNETTE_DIR = Path(__file__).parent / "vignettes"


@dataclass(frozen=True)
class CaseResult:
    """One vignette: its gold level, what the engine said, and why (rationale)."""

    id: str
    complaint: str
    gold: Urgency
    got: Urgency | None
    rationale: str
    error: str | None = None


@dataclass
class ValidationReport:
    """Accuracy per level, emergency sensitivity, under- and over-triage, and failures."""

    results: list[CaseResult] = field(default_factory=list)

    def confusion(self) -> dict[str, dict[str, int]]:
        """gold level → engine level → count."""
        table = {g.value: {u.value: 0 for u in Urgency} for g in Urgency}
        for r in self.results:
            if r.got is not None:
                table[r.gold.value][r.got.value] += 1
        return table

    def summary(self) -> dict[str, Any]:
        """The figures the report prints, in stable keys."""
        done = [r for r in self.results if r.got is not None]
        emergencies = [r for r in done if r.gold is Urgency.EMERGENCY]
        under = [r for r in done if r.got is not None and r.got.rank > r.gold.rank]
        over = [r for r in done if r.got is not None and r.got.rank < r.gold.rank]
        return {
            "cases": len(self.results),
            "errors": [{"id": r.id, "error": r.error} for r in self.results if r.error],
            "accuracy": _share(sum(1 for r in done if r.got is r.gold), len(done)),
            "per_level": _per_level(done),
            "emergency_sensitivity": _share(
                sum(1 for r in emergencies if r.got is Urgency.EMERGENCY), len(emergencies)
            ),
            "under_triage_rate": _share(len(under), len(done)),
            "over_triage_rate": _share(len(over), len(done)),
            "under_triaged": [
                {"id": r.id, "gold": r.gold.value, "got": r.got.value if r.got else None}
                for r in under
            ],
            "unsafe": [
                {"id": r.id, "got": r.got.value if r.got else None, "rationale": r.rationale}
                for r in self.unsafe()
            ],
            "confusion": self.confusion(),
        }

    def unsafe(self) -> list[CaseResult]:
        """Gold emergencies triaged below urgent (self-care included): the CI gate."""
        return [
            r
            for r in self.results
            if r.gold is Urgency.EMERGENCY and (r.got is None or r.got.rank > Urgency.URGENT.rank)
        ]

    @property
    def passed(self) -> bool:
        """No unsafe case and no case that could not run."""
        return not self.unsafe() and not any(r.error for r in self.results)


def load_vignettes(directory: Path | None = None) -> list[dict[str, Any]]:
    """Every case in every vignette file, in file order; CaseError for a malformed file."""
    cases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in sorted((directory or VIGNETTE_DIR).glob("*.yaml")):
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (OSError, yaml.YAMLError) as exc:
            raise CaseError("bad_vignette", f"{path.name}: kan inte läsas: {exc}") from exc
        if not isinstance(loaded, list):
            raise CaseError("bad_vignette", f"{path.name}: ska vara en lista av fall")
        for index, case in enumerate(loaded):
            _check_vignette(path.name, index, case, seen)
        cases += loaded
    return cases


def _check_vignette(file: str, index: int, case: Any, seen: set[str]) -> None:
    """The fields the report relies on: a unique id, a gold urgency and a rationale."""
    where = f"{file}[{index}]"
    if not isinstance(case, dict):
        raise CaseError("bad_vignette", f"{where}: ett fall ska vara en mappning")
    case_id = case.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise CaseError("bad_vignette", f"{where}: id saknas")
    if case_id in seen:
        raise CaseError("bad_vignette", f"{where}: id {case_id!r} finns redan")
    seen.add(case_id)
    if case.get("gold") not in {u.value for u in Urgency}:
        raise CaseError(
            "bad_vignette",
            f"{where} ({case_id}): gold ska vara en av {', '.join(u.value for u in Urgency)}",
        )
    if not str(case.get("rationale") or "").strip():
        raise CaseError("bad_vignette", f"{where} ({case_id}): rationale saknas")


def validate(content: Content, cases: list[dict[str, Any]]) -> ValidationReport:
    """Run every case; a case that cannot run is an error, never a pass."""
    report = ValidationReport()
    for case in cases:
        gold = Urgency(case["gold"])
        try:
            got: Urgency | None = Urgency(simulate(content, case)["urgency"])
            error = None
        except (AnswerError, CaseError, KeyError) as exc:
            got, error = None, str(exc)
        report.results.append(
            CaseResult(
                str(case.get("id")),
                str(case.get("complaint", "")),
                gold,
                got,
                str(case.get("rationale", "")),
                error,
            )
        )
    return report


def _per_level(done: list[CaseResult]) -> dict[str, dict[str, Any]]:
    per_level = {}
    for level in Urgency:
        cases = [r for r in done if r.gold is level]
        right = sum(1 for r in cases if r.got is level)
        per_level[level.value] = {
            "cases": len(cases),
            "correct": right,
            "accuracy": _share(right, len(cases)),
        }
    return per_level


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
