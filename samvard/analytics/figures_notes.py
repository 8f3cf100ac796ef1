"""Notes that say in words what a view's figures leave out.

The country's visit figures add up the regions with visits in the period; a region without
any is "okänt" on its own row and in no sum (figures_cube.Cube.silent_regions). A planner
reading "Hela riket" must not take that sum for all 21 regions, so every table of the
country that shows visits says which regions it lacks. The note travels with the table to
the page, the JSON, the CSV and the XLSX.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from samvard.analytics.figures_cube import COUNTRY, VISIT_MEASURES
from samvard.analytics.figures_filters import region_names
from samvard.analytics.figures_parts import Frame
from samvard.analytics.results import Table


def swedish_list(names: Sequence[str]) -> str:
    """ "A", "A och B", "A, B och C"."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " och " + names[-1]


def unreported_note(reported: int, missing: Sequence[str], *, all_months: bool = True) -> str:
    """The note for a country that adds up ``reported`` regions and lacks ``missing``.

    ``all_months`` is whether every missing region reported no month of the period at all;
    otherwise some only lack visits in the chosen age group or sex.
    """
    what = "rapporterat besök för perioden" if all_months else "besök i urvalet för perioden"
    if reported == 0:
        head = f"Ingen region har {what}"
    elif reported == 1:
        head = f"Riket avser den enda region som har {what}"
    else:
        head = f"Riket avser summan av de {reported} regioner som har {what}"
    if len(missing) == 1:
        count, whose = "1 region saknas", "Regionens"
    else:
        count, whose = f"{len(missing)} regioner saknas", "Regionernas"
    return f"{head}; {count}: {swedish_list(missing)}. {whose} besök är okända, inte 0."


def country_note(frame: Frame) -> str | None:
    """The note for the country's tables, or None when every region has visits (or the
    chosen place is not the country)."""
    cube = frame.cube
    if frame.selected != COUNTRY or not cube.silent_regions:
        return None
    silent = sorted(cube.silent_regions)
    names = region_names()
    months = frozenset(cube.period.months)
    return unreported_note(
        len(cube.visit_gaps.keys() - cube.silent_regions),
        [names.get(code, code) for code in silent],
        all_months=all(cube.visit_gaps.get(code) == months for code in silent),
    )


def with_country_note(frame: Frame, tables: tuple[Table, ...]) -> tuple[Table, ...]:
    """The tables, each that shows visits with the country note added to its own."""
    note = country_note(frame)
    if note is None:
        return tables
    return tuple(
        replace(table, note=f"{table.note} {note}" if table.note else note)
        if any(column.key in VISIT_MEASURES for column in table.columns)
        else table
        for table in tables
    )
