"""A stored outcome is recomputed from its answers and its own content snapshot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import Session

from samvard.assessment import queries
from samvard.assessment.content import content_of
from samvard.assessment.engine_io import subject_of
from samvard.triage.engine import evaluate
from samvard.triage.loader import CONTENT_DIR, load_content
from tests.assessment.helpers import COLD, answer_all, started

pytestmark = pytest.mark.db


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _make_colds_urgent(directory: Path) -> None:
    path = directory / "complaints" / "common_cold.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["default_level"] = "urgent_today"
    data["outcomes"].setdefault(
        "urgent_today",
        {"disposition": "care_today", "timeframe": "I dag", "advice": ["Kontakta vården i dag."]},
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_reproduce_uses_the_snapshot_after_the_content_changes(
    world_session: Session, tmp_path: Path
) -> None:
    directory = _copy_content(tmp_path)
    old = load_content(directory)
    assessment = started(world_session, "common_cold", content=old)
    answer_all(world_session, assessment, COLD)
    assert assessment.level == "self_care"

    _make_colds_urgent(directory)
    new = load_content(directory)
    assert new.version != old.version
    subject_now = subject_of(assessment)
    changed = evaluate(new, "common_cold", subject_now, assessment.answers).outcome
    assert changed is not None and changed.level.value == "urgent_today"  # the change matters

    outcome = queries.reproduce(world_session, assessment)
    assert outcome is not None
    assert (outcome.level.value, outcome.disposition.value) == ("self_care", "self_care")
    assert assessment.content_version == old.version
    assert content_of(world_session, old.version).version == old.version


def test_a_snapshot_is_written_once_per_version(world_session: Session, tmp_path: Path) -> None:
    directory = _copy_content(tmp_path)
    content = load_content(directory)
    first = started(world_session, "common_cold", content=content)
    second = started(world_session, "common_cold", content=content)
    assert first.content_version == second.content_version == content.version
