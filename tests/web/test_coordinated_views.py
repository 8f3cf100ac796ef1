"""Status lines of the coordinated view: each status in its own words, never "no data"."""

from __future__ import annotations

from datetime import date

import pytest

from samvard.federation.schemas import CoordinatedAnswer, SharedEntry, SourceAnswer, SourceStatus
from samvard.federation.sources import INDEX_SOURCE
from samvard.records.models import RecordKind
from samvard.web import coordinated_views as views


def _source(status: SourceStatus, **values: object) -> SourceAnswer:
    return SourceAnswer(
        care_giver_hsaid=str(values.pop("hsa", "SE1-VG")),
        care_giver_name="Källan",
        node_id="n",
        status=status,
        **values,  # type: ignore[arg-type]
    )


def _entry(title: str, on: date) -> SharedEntry:
    return SharedEntry(
        source_id=title,
        kind=RecordKind.LAB,
        title=title,
        occurred_on=on,
        care_giver_hsaid="SE1-VG",
        unit_hsaid="SE1-E1",
        unit_name="Lab",
        details={"analysis": title, "value": "5", "abnormal": True},
    )


@pytest.mark.parametrize(
    ("status", "label", "retry"),
    [
        (SourceStatus.ANSWERED, "Svarade", False),
        (SourceStatus.NO_DATA, "Inga uppgifter", False),
        (SourceStatus.TIMED_OUT, "Svarade inte i tid", True),
        (SourceStatus.FAILED, "Fel", True),
        (SourceStatus.BLOCKED, "Spärrad information finns", False),
        (SourceStatus.DENIED, "Nekad", False),
    ],
)
def test_every_status_has_its_own_words(status: SourceStatus, label: str, retry: bool) -> None:
    line = views.source_line(_source(status), {})
    assert (line.label, line.retry) == (label, retry)
    if status is not SourceStatus.NO_DATA:
        assert "inte några uppgifter" not in line.detail
        assert line.label != "Inga uppgifter"


def test_failures_name_code_and_text_and_blocks_name_units() -> None:
    failed = views.source_line(_source(SourceStatus.FAILED, code="http_500", text="Serverfel."), {})
    assert failed.detail == "Serverfel. (http_500)"
    blocked = views.source_line(
        _source(SourceStatus.BLOCKED, blocked_units=("SE1-E1",)), {"SE1-E1": "Hemtjänsten"}
    )
    assert (
        blocked.detail == "Patienten har spärrat uppgifter hos Hemtjänsten. Innehållet visas inte."
    )
    assert blocked.css == "status-blocked"


def test_a_failed_index_is_retried_by_asking_everything_again() -> None:
    line = views.source_line(_source(SourceStatus.FAILED, hsa=INDEX_SOURCE), {})
    assert line.retry and line.retry_source is None
    assert views.source_line(_source(SourceStatus.TIMED_OUT), {}).retry_source == "SE1-VG"


def test_entries_are_merged_newest_first_with_their_source() -> None:
    first = _source(SourceStatus.ANSWERED, entries=(_entry("B", date(2025, 1, 1)),))
    second = _source(
        SourceStatus.ANSWERED,
        hsa="SE2-VG",
        entries=(_entry("A", date(2026, 1, 1)), _entry("C", date(2024, 1, 1))),
    )
    answer = CoordinatedAnswer(
        person_id="x", kinds=(RecordKind.LAB,), sources=(first, second), elapsed_ms=0
    )
    merged = views.merged_entries(answer)
    assert [v.entry.title for v in merged] == ["A", "B", "C"]
    assert ("Avvikande", "ja") in merged[0].details
    assert not views.denied_for_consent(answer)
    denied = _source(SourceStatus.DENIED, code="no_consent", text="Inget samtycke.")
    with_denied = CoordinatedAnswer(
        person_id="x", kinds=(RecordKind.LAB,), sources=(denied,), elapsed_ms=0
    )
    assert views.denied_for_consent(with_denied)
