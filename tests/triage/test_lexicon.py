"""Free text to complaints: Swedish phrases, misspellings and children."""

from __future__ import annotations

import pytest

from samvard.triage.lexicon import fold, match
from samvard.triage.loader import load_content

CONTENT = load_content()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ont i bröstet", "chest_pain"),
        ("Ont i brostet!", "chest_pain"),
        ("tryck över bröstet", "chest_pain"),
        ("min son har feber", "fever_child"),
        ("min bebis har feber", "fever_infant"),
        ("huvudvärrk", "headache"),
        ("magont", "abdominal_pain"),
        ("tandvärk", "toothache"),
        ("jag är förkyld", "common_cold"),
        ("ont i örat", "earache"),
        ("utslag", "rash"),
        ("svårt att andas", "breathing_difficulty"),
    ],
)
def test_phrases_people_type_find_the_complaint(text: str, expected: str) -> None:
    suggestions = match(text, CONTENT)
    assert suggestions, text
    assert suggestions[0].complaint_id == expected, suggestions


def test_an_adult_is_not_offered_a_childrens_complaint() -> None:
    suggestions = match("feber", CONTENT, age_days=40 * 365)
    assert suggestions[0].complaint_id == "fever_adult"
    assert all(s.complaint_id != "fever_child" for s in suggestions)


def test_nonsense_matches_nothing() -> None:
    assert match("xyzzy plugh", CONTENT) == []


def test_folding_ignores_case_punctuation_and_swedish_letters() -> None:
    assert fold("Ont i BRÖSTET, nu!") == "ont i brostet nu"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("blod i bajset", "rectal_bleeding"),  # an exact phrase beats a misspelt neighbour
        ("varig snuva", "sinusitis"),  # the phrase covering all the text wins
        ("böld", "skin_infection"),
    ],
)
def test_exact_and_fuller_matches_win(text: str, expected: str) -> None:
    assert match(text, CONTENT)[0].complaint_id == expected


def test_complaints_for_one_sex_are_offered_to_that_sex_only() -> None:
    assert match("ont i pungen", CONTENT, sex="female") == []
    assert match("ont i pungen", CONTENT, sex="male")[0].complaint_id == "testicular_pain"
    # A person whose sex is unknown is never shut out.
    assert match("ont i pungen", CONTENT, sex="unknown")[0].complaint_id == "testicular_pain"
