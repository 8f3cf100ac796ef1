"""Small counts are never published, and no hidden cell can be recovered from a total."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samvard.followup.protect import SECONDARY_TEXT, SMALL_TEXT, protect, ratio, total_cell


@pytest.mark.parametrize(
    ("counts", "texts"),
    [
        ({"a": 10, "b": 20}, {"a": "10", "b": "20"}),
        ({"a": 3, "b": 20, "c": 9}, {"a": SMALL_TEXT, "b": "20", "c": SECONDARY_TEXT}),
        ({"a": 3, "b": 2, "c": 9}, {"a": SMALL_TEXT, "b": SMALL_TEXT, "c": "9"}),
        ({"a": 3, "b": 0, "c": 0}, {"a": SMALL_TEXT, "b": "0", "c": "0"}),
        ({"a": 0, "b": 0}, {"a": "0", "b": "0"}),
    ],
)
def test_protect_table(counts: dict[str, int], texts: dict[str, str]) -> None:
    assert {key: cell.text for key, cell in protect(counts).items()} == texts


def test_shares_only_from_visible_counts() -> None:
    cells = protect({"a": 30, "b": 70})
    assert (cells["a"].share, cells["a"].percent) == (0.3, "30 %")
    assert protect({"a": 3, "b": 70})["b"].share is None
    assert ratio(96, 100).share is None and ratio(96, 100).text == SECONDARY_TEXT
    assert ratio(40, 100).percent == "40 %"
    assert ratio(0, 3).share is None


@pytest.mark.parametrize(("count", "text"), [(0, "0"), (1, SMALL_TEXT), (4, SMALL_TEXT), (5, "5")])
def test_total_cell(count: int, text: str) -> None:
    assert total_cell(count).text == text


@given(st.dictionaries(st.text(max_size=3), st.integers(0, 60), max_size=8))
def test_no_hidden_cell_can_be_recovered(counts: dict[str, int]) -> None:
    cells = protect(counts)
    total = sum(counts.values())
    shown = {key: cell for key, cell in cells.items() if not cell.hidden}
    hidden_nonzero = [key for key, cell in cells.items() if cell.hidden and counts[key] > 0]
    # Never a count from 1 to 4 in the open, and what is shown is exact.
    assert all(not 0 < cell.count < 5 for cell in shown.values() if cell.count is not None)
    assert all(cell.count == counts[key] for key, cell in shown.items())
    # A single hidden cell would be the total minus the rest; that is allowed only when the
    # total is itself too small to publish.
    assert len(hidden_nonzero) != 1 or total_cell(total).hidden
    for key, cell in shown.items():
        expected = counts[key] / total if total >= 5 else None
        assert cell.share == expected
