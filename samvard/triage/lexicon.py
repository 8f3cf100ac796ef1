"""Free text in Swedish to complaint suggestions, through the synonym lexicon.

Words are compared after folding å/ä/ö and accents, and a word may differ by one letter
(two for long words), so "ont i brostet" and "huvudvärrk" still match. A text that speaks
of a child ("min son har feber") prefers the complaints for children.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from samvard.triage.loader import CONTENT_DIR, Content
from samvard.triage.schema import ComplaintFile, admits_sex

ADULT_DAYS = 18 * 365
_MIN_SCORE = 0.6
_CHILD_BONUS = 0.15


@dataclass(frozen=True)
class Suggestion:
    """A complaint the text may mean, with how well it matched and on what phrase."""

    complaint_id: str
    title: str
    score: float
    matched: str


@dataclass(frozen=True)
class Lexicon:
    """General word variants, child markers and stop words."""

    variants: dict[str, str]
    child_markers: tuple[str, ...]
    stopwords: frozenset[str]


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The lexicon file (default: the packaged one)."""
    return _load_lexicon(str(path or CONTENT_DIR / "lexicon.yaml"))


@lru_cache(maxsize=4)
def _load_lexicon(path: str) -> Lexicon:
    raw: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return Lexicon(
        variants={fold(k): normalise(v) for k, v in raw.get("variants", {}).items()},
        child_markers=tuple(fold(m) for m in raw.get("child_markers", [])),
        stopwords=frozenset(fold(w) for w in raw.get("stopwords", [])),
    )


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces."""
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return " ".join(text.split())


def fold(text: str) -> str:
    """Normalised, with å/ä/ö and accents folded to plain letters."""
    decomposed = unicodedata.normalize("NFKD", normalise(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match(
    text: str,
    content: Content,
    *,
    age_days: int | None = None,
    sex: str | None = None,
    lexicon: Lexicon | None = None,
    limit: int = 5,
) -> list[Suggestion]:
    """Complaints the text may mean, best first; none when nothing matches well."""
    lex = lexicon or load_lexicon()
    folded = fold(text)
    child = any(_contains(folded, marker) for marker in lex.child_markers)
    words = _words(_apply_variants(folded, lex), lex)
    suggestions = []
    for complaint in content.complaints.values():
        if age_days is not None and not complaint.ages.admits(age_days):
            continue
        if sex is not None and not admits_sex(complaint.sexes, sex):
            continue
        score, phrase = _best_phrase(complaint, words, lex)
        if score > 0:
            score += _child_adjustment(complaint, child)
            suggestions.append(Suggestion(complaint.id, complaint.title, round(score, 3), phrase))
    suggestions.sort(key=lambda s: (-s.score, s.complaint_id))
    return suggestions[:limit]


def _child_adjustment(complaint: ComplaintFile, child: bool) -> float:
    for_children = complaint.ages.max_days is not None and complaint.ages.max_days < ADULT_DAYS
    if child:
        return _CHILD_BONUS if for_children else -_CHILD_BONUS
    return -_CHILD_BONUS if for_children else 0.0


def _best_phrase(complaint: ComplaintFile, words: list[str], lex: Lexicon) -> tuple[float, str]:
    """The phrase that fits best: its words found (exact beats fuzzy), then text covered."""
    best, best_phrase = 0.0, ""
    for phrase in (complaint.title, *complaint.synonyms):
        wanted = _words(_apply_variants(fold(phrase), lex), lex)
        if not wanted:
            continue
        found = [max((_similarity(w, t) for t in words), default=0.0) for w in wanted]
        if sum(1 for f in found if f > 0) / len(wanted) < _MIN_SCORE:
            continue
        covered = sum(1 for t in words if any(_similarity(w, t) > 0 for w in wanted))
        score = sum(found) / len(wanted) * (0.8 + 0.2 * covered / max(len(words), 1))
        if score > best or (score == best and len(phrase) > len(best_phrase)):
            best, best_phrase = score, phrase
    return best, best_phrase


def _words(folded: str, lex: Lexicon) -> list[str]:
    return [w for w in folded.split() if w not in lex.stopwords and len(w) > 1]


def _apply_variants(folded: str, lex: Lexicon) -> str:
    return " ".join(lex.variants.get(w, w) for w in folded.split())


def _contains(folded: str, marker: str) -> bool:
    return f" {marker} " in f" {folded} "


def _similarity(wanted: str, word: str) -> float:
    """1 for the same word, less for a misspelling or a longer form, 0 for another word."""
    if wanted == word:
        return 1.0
    allowed = 0 if len(wanted) < 5 else (1 if len(wanted) < 9 else 2)
    close = allowed and abs(len(wanted) - len(word)) <= allowed
    if close and _distance(wanted, word, allowed) <= allowed:
        return 0.85
    # A word may also be a longer form of the wanted word ("magen" in "magsmärtor").
    if len(wanted) >= 5 and word.startswith(wanted[:-1]):
        return 0.7
    return 0.0


def _distance(a: str, b: str, cap: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, stopping early past cap."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        if min(current) > cap:
            return cap + 1
        previous2, previous = previous, current
    return previous[-1]
