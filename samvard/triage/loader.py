"""Loading and cross-checking the content files; the content version is their hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from samvard.triage import conditions
from samvard.triage.levels import Level
from samvard.triage.schema import ComplaintFile, GeneralFile, Outcome, Question, Rule

CONTENT_DIR = Path(__file__).parent / "content"


class ContentError(ValueError):
    """The content is not well-formed; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Content:
    """One version of all content: the general red flags and every complaint."""

    general: GeneralFile
    complaints: Mapping[str, ComplaintFile]
    raw: Mapping[str, Any] = field(repr=False)
    version: str

    def complaint(self, complaint_id: str) -> ComplaintFile:
        """The complaint; KeyError when it does not exist."""
        return self.complaints[complaint_id]

    def questions_for(self, complaint_id: str) -> tuple[Question, ...]:
        """The questions in the order they are considered: general first."""
        return self.general.questions + self.complaints[complaint_id].questions

    def rules_for(self, complaint_id: str) -> tuple[Rule, ...]:
        """General and complaint rules, most urgent level first (file order within)."""
        rules = self.general.rules + self.complaints[complaint_id].rules
        return tuple(sorted(rules, key=lambda r: r.level.rank))

    def outcome_for(self, complaint_id: str, rule: Rule | None) -> Outcome:
        """The outcome of a fired rule (from its own file), or the complaint's default."""
        complaint = self.complaints[complaint_id]
        if rule is None:
            return complaint.outcomes[complaint.default_level]
        if rule in self.general.rules:
            return self.general.outcomes[rule.level]
        return complaint.outcomes[rule.level]

    def to_json(self) -> str:
        """The content as canonical JSON, for the snapshot kept with assessments."""
        return _canonical(self.raw)

    @classmethod
    def from_json(cls, text: str) -> Content:
        """Rebuild content from `to_json` output (the version must come out the same)."""
        raw = json.loads(text)
        return build_content(raw["general"], raw["complaints"])


def load_content(directory: Path | None = None) -> Content:
    """The content in `directory` (default: the packaged content), cached per file state."""
    root = (directory or CONTENT_DIR).resolve()
    files = sorted((root / "complaints").glob("*.yaml"))
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    general = root / "general.yaml"
    return _load_cached(str(root), stamp, general.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load_cached(root: str, stamp: tuple[Any, ...], general_mtime: int) -> Content:
    base = Path(root)
    problems: list[str] = []
    general = _read_yaml(base / "general.yaml", problems)
    complaints: dict[str, Any] = {}
    for path in sorted((base / "complaints").glob("*.yaml")):
        data = _read_yaml(path, problems)
        if isinstance(data, dict) and data.get("id") != path.stem:
            problems.append(f"{path.name}: id {data.get('id')!r} ska vara filnamnet {path.stem!r}")
        complaints[path.stem] = data
    if problems:
        raise ContentError(problems)
    return build_content(general, complaints)


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{path.name}: kan inte läsas: {exc}")
        return None


def build_content(general_raw: Any, complaints_raw: Mapping[str, Any]) -> Content:
    """Validate every file and the references between them; raise ContentError if bad."""
    problems: list[str] = []
    general = _validate(GeneralFile, "general.yaml", general_raw, problems)
    complaints = {}
    for name in sorted(complaints_raw):
        parsed = _validate(ComplaintFile, f"{name}.yaml", complaints_raw[name], problems)
        if parsed is not None:
            complaints[name] = parsed
    if general is None or problems:
        raise ContentError(problems)
    problems += list(_cross_check(general, complaints))
    if problems:
        raise ContentError(problems)
    raw = {"general": _plain(general_raw), "complaints": _plain(dict(complaints_raw))}
    version = hashlib.sha256(_canonical(raw).encode()).hexdigest()[:16]
    return Content(general=general, complaints=complaints, raw=raw, version=version)


def _validate(model: Any, name: str, raw: Any, problems: list[str]) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            problems.append(f"{name}: {where}: {error['msg']}")
        return None


def _cross_check(general: GeneralFile, complaints: Mapping[str, ComplaintFile]) -> Iterator[str]:
    seen_questions = {q.id: "general.yaml" for q in general.questions}
    seen_rules = {r.id: "general.yaml" for r in general.rules}
    yield from _check_file("general.yaml", general, general, {})
    for name, complaint in complaints.items():
        file = f"{name}.yaml"
        for question in complaint.questions:
            if question.id in seen_questions:
                yield f"{file}: frågan {question.id} finns redan i {seen_questions[question.id]}"
            seen_questions.setdefault(question.id, file)
        for rule in complaint.rules:
            if rule.id in seen_rules:
                yield f"{file}: regeln {rule.id} finns redan i {seen_rules[rule.id]}"
            seen_rules.setdefault(rule.id, file)
        if complaint.default_level not in complaint.outcomes:
            yield f"{file}: default_level {complaint.default_level} saknar utfall"
        yield from _check_file(file, complaint, general, {q.id: q for q in general.questions})


def _check_file(
    file: str, data: GeneralFile | ComplaintFile, general: GeneralFile, earlier: dict[str, Question]
) -> Iterator[str]:
    known = dict(earlier)
    sources = {s.id for s in data.sources} | {s.id for s in general.sources}
    ids = [q.id for q in data.questions]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        yield f"{file}: frågan {duplicate} förekommer flera gånger"
    everything = {**earlier, **{q.id: q for q in data.questions}}
    for question in data.questions:
        if question.ask_if is not None:
            yield from _check_refs(file, f"frågan {question.id} (ask_if)", question.ask_if, known)
        known[question.id] = question
    for rule in data.rules:
        yield from _check_refs(file, f"regeln {rule.id}", rule.when, everything)
        if rule.level not in data.outcomes:
            yield f"{file}: regeln {rule.id} har nivån {rule.level} men filen saknar utfall för den"
        if rule.source not in sources:
            yield f"{file}: regeln {rule.id} anger okänd källa {rule.source!r}"


def _check_refs(
    file: str, what: str, condition: conditions.Condition, known: Mapping[str, Question]
) -> Iterator[str]:
    for part in _leaves(condition):
        if not isinstance(part, conditions.AnswerIs | conditions.AnswerCompare):
            continue
        question = known.get(part.question)
        if question is None:
            yield f"{file}: {what} hänvisar till {part.question}, som inte finns före den"
        elif isinstance(part, conditions.AnswerCompare):
            if question.type not in ("number", "duration"):
                yield f"{file}: {what} jämför {part.question} (typ {question.type}) med ett tal"
        else:
            allowed = _accepted_words(question)
            for value in part.values:
                if value not in allowed:
                    yield f"{file}: {what}: {value!r} är inget möjligt svar på {part.question}"


def _accepted_words(question: Question) -> tuple[str, ...]:
    if question.type in ("number", "duration"):
        return ("unknown",)
    return question.answer_values


def _leaves(condition: conditions.Condition) -> Iterator[conditions.Condition]:
    if isinstance(condition, conditions.AllOf | conditions.AnyOf):
        for part in condition.parts:
            yield from _leaves(part)
    elif isinstance(condition, conditions.Not):
        yield from _leaves(condition.part)
    else:
        yield condition


def _plain(value: Any) -> Any:
    # YAML gives dates and booleans; the snapshot is JSON, so keep it JSON-shaped.
    return json.loads(json.dumps(value, default=str))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def levels_used(complaint: ComplaintFile, general: GeneralFile) -> set[Level]:
    """Levels the complaint can end in: its rules', the general rules' and its default."""
    return {r.level for r in complaint.rules + general.rules} | {complaint.default_level}
