"""How a coordinated answer reads on the staff page: one status line per source, then the
merged entries, newest first. Pure: names come in, nothing is fetched here.

A source that did not answer is never "no information": each status has its own words,
and only a source that failed or timed out can be asked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from samvard.federation.schemas import CoordinatedAnswer, SharedEntry, SourceAnswer, SourceStatus
from samvard.federation.sources import INDEX_SOURCE
from samvard.web.record_forms import describe

STATUS_LABELS = {
    SourceStatus.ANSWERED: "Svarade",
    SourceStatus.NO_DATA: "Inga uppgifter",
    SourceStatus.TIMED_OUT: "Svarade inte i tid",
    SourceStatus.FAILED: "Fel",
    SourceStatus.BLOCKED: "Spärrad information finns",
    SourceStatus.DENIED: "Nekad",
}
_RETRY = {SourceStatus.TIMED_OUT, SourceStatus.FAILED}


@dataclass(frozen=True)
class SourceLine:
    """One source's status, in Swedish, and whether it may be asked again."""

    hsa_id: str
    name: str
    status: SourceStatus
    label: str
    detail: str
    entries: int
    blocked_units: tuple[str, ...]
    retry: bool
    # Retrying the index means asking everything again, not one source.
    retry_source: str | None

    @property
    def css(self) -> str:
        """A class for the status badge."""
        return f"status-{self.status.value.replace('_', '-')}"


@dataclass(frozen=True)
class EntryView:
    """One disclosed record with its source, ready to show."""

    entry: SharedEntry
    source_name: str
    details: list[tuple[str, str]]


def source_line(answer: SourceAnswer, unit_names: Mapping[str, str]) -> SourceLine:
    """The status line for one source; blocked units are named, never their content."""
    units = tuple(unit_names.get(u, u) for u in answer.blocked_units)
    return SourceLine(
        hsa_id=answer.care_giver_hsaid,
        name=answer.care_giver_name,
        status=answer.status,
        label=STATUS_LABELS[answer.status],
        detail=_detail(answer, units),
        entries=len(answer.entries),
        blocked_units=units,
        retry=answer.status in _RETRY,
        retry_source=None if answer.care_giver_hsaid == INDEX_SOURCE else answer.care_giver_hsaid,
    )


def _detail(answer: SourceAnswer, units: tuple[str, ...]) -> str:
    status = answer.status
    if status is SourceStatus.ANSWERED:
        count = len(answer.entries)
        return f"{count} uppgift{'er' if count != 1 else ''}"
    if status is SourceStatus.NO_DATA:
        return "Källan svarade att den inte har några uppgifter av det här slaget."
    if status is SourceStatus.TIMED_OUT:
        return "Källan svarade inte inom tidsgränsen. Uppgifter kan finnas där."
    if status is SourceStatus.FAILED:
        code = f" ({answer.code})" if answer.code else ""
        return f"{answer.text or 'Källan kunde inte svara.'}{code}"
    if status is SourceStatus.BLOCKED:
        where = ", ".join(units) or answer.care_giver_name
        return f"Patienten har spärrat uppgifter hos {where}. Innehållet visas inte."
    return answer.text or "Åtkomsten nekades."


def source_lines(answer: CoordinatedAnswer, unit_names: Mapping[str, str]) -> list[SourceLine]:
    """Every source's line, in the answer's order."""
    return [source_line(source, unit_names) for source in answer.sources]


def merged_entries(answer: CoordinatedAnswer) -> list[EntryView]:
    """All answering sources' entries together, newest first."""
    views = [
        EntryView(entry, source.care_giver_name, describe(entry.kind, entry.details))
        for source in answer.sources
        for entry in source.entries
    ]
    return sorted(views, key=lambda v: v.entry.occurred_on, reverse=True)


def denied_for_consent(answer: CoordinatedAnswer) -> bool:
    """True when some source refused only because the patient has not consented."""
    return any(s.status is SourceStatus.DENIED and s.code == "no_consent" for s in answer.sources)


def blocked_unit_ids(answer: CoordinatedAnswer) -> set[str]:
    """HSA-ids of every unit some source reported as blocked."""
    return {unit for source in answer.sources for unit in source.blocked_units}
