"""The equations worked out by formula are exactly the listed groups, and protect the same.

Hypothesis builds small geographies and visit counts; the groups a reader knows are listed
here independently, over (measure, place, slice) keys with `crossed_groups`, and given to
`disclosure.suppress`. figures_protect must hide exactly the same cells, and every group its
equations make must be one of the listed groups (and every listed group must be made).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from samvard.analytics.disclosure import Group, crossed_groups, suppress
from samvard.analytics.figures_cube import (
    AGE_BANDS,
    ALL,
    ASYLUM_MEASURES,
    BAND,
    IDENTITIES,
    MONTH,
    SPLITS,
    STOCKS,
    Cube,
    Geo,
    Period,
    Split,
    all_places,
    tree,
)
from samvard.analytics.figures_equations import FamilyEquations
from samvard.analytics.figures_protect import protect

MONTHS = ("2025-01", "2025-02", "2025-03")
BANDS = AGE_BANDS  # they sort differently from their order (6-12 after 45-54)
FAMILIES = (("akut", "besok", "planerad"), ("halsoundersokningar",), ("inskrivna",))

Key = tuple[str, Geo, Split]

# A visit: its place (a municipality, or a clinic in a region's scope), month, age band and
# whether it was acute; every visit counts in every measure of the families above, acute
# ones in "akut" and the others in "planerad".
visits = st.lists(
    st.tuples(
        st.sampled_from(["0114", "0180", "0181", "1480"]),
        st.sampled_from(["A", "B"]),
        st.sampled_from(MONTHS),
        st.sampled_from(BANDS),
        st.booleans(),
    ),
    min_size=1,
    max_size=40,
)


def _place(kommun: str, clinic: str, clinics: bool) -> Geo:
    return ("V", kommun, f"SE{kommun}{clinic}") if clinics else ("K", kommun)


def _cube(root: Geo, gaps: dict[str, frozenset[str]]) -> Cube:
    return Cube(root, {}, {}, {}, Period(MONTHS), frozenset(), gaps)


def _splits(measure: str) -> list[Split]:
    kinds = {MONTH: [(MONTH, m) for m in MONTHS], BAND: [(BAND, b) for b in BANDS]}
    found = [split for kind in SPLITS[measure] for split in kinds[kind]]
    return sorted(found + ([] if measure in STOCKS else [ALL]))


def _counts(
    rows: list[tuple[str, str, str, str, bool]], root: Geo, clinics: bool
) -> tuple[dict[Geo, dict[Split, tuple[int, ...]]], dict[Geo, list[Geo]]]:
    """Each place's and slice's counts, in the order of COLUMNS, and the geography."""
    counted: Counter[tuple[Geo, Split, str]] = Counter()
    leaves = set()
    for kommun, clinic, month, band, acute in rows:
        leaf = _place(kommun, clinic, clinics)
        leaves.add(leaf)
        chain = [root, ("R", kommun[:2]), ("K", kommun), leaf]
        for geo in dict.fromkeys(chain):
            for split in (ALL, (MONTH, month), (BAND, band)):
                counted[(geo, split, "visit")] += 1
                counted[(geo, split, "akut" if acute else "planerad")] += 1
    geo_tree = tree(root, leaves)
    found: dict[Geo, dict[Split, tuple[int, ...]]] = {}
    for geo, split, _ in counted:
        found.setdefault(geo, {})[split] = tuple(
            counted[(geo, split, kind)] for kind in ("visit", "akut", "planerad")
        )
    return found, geo_tree


def _columns(family: Sequence[str]) -> tuple[str, ...]:
    """The names of the rows' three counts for a family: halsoundersokningar and inskrivna
    read the visit count, so that `protect` finds each measure's column by its name."""
    return ("besok", "akut", "planerad") if len(family) > 1 else (family[0], "akut", "planerad")


def _listed(family: Sequence[str], geo_tree: dict[Geo, list[Geo]], root: Geo) -> list[Group[Key]]:
    """What a reader knows, listed over keys, independently of figures_equations."""
    places = all_places(geo_tree, root)
    splits = {
        kind: [s for s in _splits("halsoundersokningar") if s[0] == kind] for kind in (MONTH, BAND)
    }
    groups: list[Group[Key]] = []
    for measure in family:
        # A place is the sum of the places under it in every slice; the whole period the
        # sum of the months and of the bands (crossed once per kind, over the same total).
        hierarchies: list[dict[Split, list[Split]] | list[Split]]
        if measure in STOCKS:
            hierarchies = [splits[MONTH]]
        else:
            hierarchies = [{ALL: splits[kind]} for kind in SPLITS[measure]]
        for slices in hierarchies:
            for (place, split), cells in crossed_groups(geo_tree, slices):
                groups.append(((measure, place, split), tuple((measure, p, s) for p, s in cells)))
    for total, measures in IDENTITIES.items():
        if total in family:
            for place in places:
                for split in _splits(total):
                    groups.append(
                        ((total, place, split), tuple((m, place, split) for m in measures))
                    )
    return groups


def _values(
    family: Sequence[str],
    rows: dict[Geo, dict[Split, tuple[int, ...]]],
    places: list[Geo],
    gaps: dict[str, frozenset[str]],
) -> dict[Key, int | None]:
    """Every cell's value by key, unknown where its region did not report a month."""
    values: dict[Key, int | None] = {}
    for measure in family:
        column = _columns(family).index(measure)
        for place in places:
            region = None if place[0] == "T" else place[1][:2]  # the country: every region
            missing = frozenset().union(*(g for r, g in gaps.items() if region in (None, r)))
            if measure in ASYLUM_MEASURES:
                missing = frozenset()  # a region's visit reports say nothing of asylum flows
            for split in _splits(measure):
                if missing and (split[0] != MONTH or split[1] in missing):
                    values[(measure, place, split)] = None
                else:
                    row = rows.get(place, {}).get(split)
                    values[(measure, place, split)] = 0 if row is None else row[column]
    return values


@settings(max_examples=60, deadline=None)
@given(visits, st.booleans(), st.sampled_from(FAMILIES), st.booleans())
def test_the_formula_groups_are_the_listed_groups_and_hide_the_same_cells(
    rows: list[tuple[str, str, str, str, bool]],
    national: bool,
    family: tuple[str, ...],
    gap: bool,
) -> None:
    root: Geo = ("T",) if national else ("R", "01")
    if not national:
        rows = [row for row in rows if row[0].startswith("01")]
        assume(rows)
    counts, geo_tree = _counts(rows, root, clinics=not national)
    # A month region 14 did not report leaves its cells unknown, and the country's.
    gaps = {"14": frozenset({MONTHS[1]})} if gap and national else {}
    cube = _cube(root, gaps)
    protected = protect(cube, family, counts, _columns(family), geo_tree)
    places = all_places(geo_tree, root)
    values = _values(family, counts, places, gaps)
    keys = sorted(values)
    layout = protected.layout
    assert [layout.key(i) for i in range(layout.size)] == keys
    assert protected.values == [values[key] for key in keys]

    listed = _listed(family, geo_tree, root)
    assert {layout.key(i) for i in protected.hidden} == suppress(values, listed)

    equations = FamilyEquations(cube, layout, geo_tree, protected.values)
    number = {key: i for i, key in enumerate(keys)}
    expected = {(number[t], tuple(sorted(number[p] for p in parts))) for t, parts in listed}
    made = set()
    for cell in range(layout.size):
        groups = equations.groups_of(cell)
        assert list(groups) == sorted(set(groups))
        for g in groups:
            total, parts = equations.members(g)
            assert cell == total or cell in parts
            made.add((total, parts))
    assert made == expected
    # Many cells at once: the same groups as one cell at a time, each with its cells.
    for cells in (sorted(protected.hidden), range(layout.size), range(0, layout.size, 3), ()):
        holding: dict[int, list[int]] = {}
        for cell in cells:
            for g in equations.groups_of(cell):
                holding.setdefault(g, []).append(cell)
        assert equations.holding(cells) == holding


def test_a_total_that_is_not_the_sum_of_its_parts_is_refused() -> None:
    root: Geo = ("T",)
    counts, geo_tree = _counts([("0114", "A", MONTHS[0], BANDS[0], True)] * 3, root, False)
    # The region says 9, its one municipality 3 (hidden, so the group is used).
    counts[("R", "01")][ALL] = (9, 9, 0)
    family = ("halsoundersokningar",)
    with pytest.raises(ValueError, match="not the sum of its parts"):
        protect(_cube(root, {}), family, counts, _columns(family), geo_tree)


# Each way a reader adds up, broken at a place far from any hidden cell (every count is 20 or
# more): the region's whole period, a municipality's whole period, and an acute count.
BROKEN = [
    (("halsoundersokningar",), ("R", "01"), ALL, 0),
    (("halsoundersokningar",), ("K", "0114"), ALL, 0),
    (("akut", "besok", "planerad"), ("K", "0180"), (MONTH, MONTHS[1]), 1),
]


@pytest.mark.parametrize(("family", "place", "split", "column"), BROKEN)
def test_every_group_is_checked_not_only_those_around_a_hidden_cell(
    family: tuple[str, ...], place: Geo, split: Split, column: int
) -> None:
    visits = [
        (kommun, "A", month, BANDS[0], acute)
        for kommun in ("0114", "0180")
        for month in MONTHS
        for acute in (True, False)
    ] * 20
    counts, geo_tree = _counts(visits, ("T",), False)
    cube = _cube(("T",), {})
    assert not protect(cube, family, counts, _columns(family), geo_tree).hidden
    row = list(counts[place][split])
    row[column] += 1
    counts[place][split] = tuple(row)
    with pytest.raises(ValueError, match="not the sum of its parts"):
        protect(cube, family, counts, _columns(family), geo_tree)
