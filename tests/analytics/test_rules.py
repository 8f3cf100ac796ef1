"""Classification rules: each definition by a table of cases, and SQL agreeing with Python."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from samvard.analytics.rules import (
    CHANGELOG,
    FIRST_INTERVENTION,
    RULE_VERSION,
    RULES,
    RULES_BY_ID,
    classify,
    first_visits,
    is_acute,
    is_birth,
    is_first_line,
    is_health_examination,
    is_infection_care,
    is_mental_health,
    is_planned,
    is_second_line,
)


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "region": "01",
        "period": "2025-03",
        "besoks_id": "B1",
        "patient_id": "P1",
        "besoksdatum": "2025-03-10",
        "verksamhet": "vardcentral",
        "yrkeskategori": "sjukskoterska",
        "vardtyp": "planerad",
        "halsoundersokning": False,
        "diagnoser": None,
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # Psychiatry counts for any profession, visit or admission.
        ({"verksamhet": "barnpsykiatri"}, True),
        ({"verksamhet": "vuxenpsykiatri", "yrkeskategori": "kurator"}, True),
        # A psychologist or psychotherapist counts at any unit.
        ({"yrkeskategori": "psykolog"}, True),
        ({"yrkeskategori": "psykoterapeut", "verksamhet": "akutmottagning"}, True),
        # A doctor's or midwife's visit counts with an F diagnosis, anywhere in the list.
        ({"yrkeskategori": "lakare", "diagnoser": "F43.1"}, True),
        ({"yrkeskategori": "barnmorska", "diagnoser": "O80|F53"}, True),
        ({"yrkeskategori": "lakare", "diagnoser": "J06.9|F32"}, True),
        # Without an F diagnosis, or by another profession, it does not.
        ({"yrkeskategori": "lakare", "diagnoser": "J06.9"}, False),
        ({"yrkeskategori": "lakare", "diagnoser": None}, False),
        ({"yrkeskategori": "sjukskoterska", "diagnoser": "F32.1"}, False),
        ({"yrkeskategori": "kurator", "diagnoser": "F32.1"}, False),
        ({"yrkeskategori": "fysioterapeut"}, False),
    ],
)
def test_mental_health_intervention_follows_the_design_definition(
    changes: dict[str, Any], expected: bool
) -> None:
    assert is_mental_health(row(**changes)) is expected


def test_first_and_second_line_split_mental_health_by_psychiatry() -> None:
    psychiatry = row(verksamhet="barnpsykiatri")
    primary = row(yrkeskategori="psykolog", verksamhet="vardcentral")
    neither = row()
    assert (is_second_line(psychiatry), is_first_line(psychiatry)) == (True, False)
    assert (is_second_line(primary), is_first_line(primary)) == (False, True)
    assert (is_second_line(neither), is_first_line(neither)) == (False, False)


def test_health_examination_acute_and_planned_follow_the_reported_columns() -> None:
    assert is_health_examination(row(halsoundersokning=True))
    assert not is_health_examination(row(halsoundersokning=False))
    assert is_acute(row(vardtyp="akut")) and not is_planned(row(vardtyp="akut"))
    assert is_planned(row(vardtyp="planerad")) and not is_acute(row(vardtyp="planerad"))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"diagnoser": "A09"}, True),
        ({"diagnoser": "J06.9|B99"}, True),
        ({"verksamhet": "infektion", "diagnoser": None}, True),
        ({"diagnoser": "C00"}, False),
        ({"diagnoser": "Z20.8"}, False),
    ],
)
def test_infection_care_is_a00_to_b99_or_an_infection_clinic(
    changes: dict[str, Any], expected: bool
) -> None:
    assert is_infection_care(row(**changes)) is expected


@pytest.mark.parametrize(
    ("codes", "expected"),
    [("O80", True), ("O84.9", True), ("Z37.0|O82", True), ("O79", False), ("O85", False)],
)
def test_births_are_o80_to_o84(codes: str, expected: bool) -> None:
    assert is_birth(row(diagnoser=codes)) is expected


def test_first_intervention_is_each_persons_earliest_matching_visit_in_the_region() -> None:
    rows = [
        row(besoks_id="B3", patient_id="P1", besoksdatum="2025-03-20", yrkeskategori="psykolog"),
        row(besoks_id="B2", patient_id="P1", besoksdatum="2025-03-05", yrkeskategori="psykolog"),
        # Earlier, but not a mental-health intervention: it does not count.
        row(besoks_id="B1", patient_id="P1", besoksdatum="2025-03-01"),
        # An earlier month of the same person wins over the later ones.
        row(
            besoks_id="A9",
            patient_id="P1",
            period="2025-02",
            besoksdatum="2025-02-27",
            verksamhet="vuxenpsykiatri",
        ),
        # The same pseudonym in another region is another person.
        row(region="12", besoks_id="C1", patient_id="P1", yrkeskategori="psykolog"),
        # Same day: the lower besoks_id decides.
        row(besoks_id="D2", patient_id="P2", yrkeskategori="psykolog"),
        row(besoks_id="D1", patient_id="P2", yrkeskategori="psykolog"),
    ]
    assert first_visits(rows) == {
        ("01", "2025-02", "A9"),
        ("12", "2025-03", "C1"),
        ("01", "2025-03", "D1"),
    }


def test_every_rule_is_documented_and_versioned() -> None:
    assert CHANGELOG[-1][0] == RULE_VERSION
    assert len(RULES_BY_ID) == len(RULES)
    for rule in RULES:
        assert rule.name_sv and rule.definition_sv and rule.source
    assert FIRST_INTERVENTION.among in RULES_BY_ID
    assert set(classify(row())) == set(RULES_BY_ID)


CASES = [
    row(verksamhet=v, yrkeskategori=y, vardtyp=t, halsoundersokning=h, diagnoser=d)
    for v in ("vardcentral", "barnpsykiatri", "infektion", "kvinnoklinik")
    for y in ("lakare", "barnmorska", "psykolog", "kurator")
    for t in ("akut", "planerad")
    for h in (True, False)
    for d in (None, "F32.1", "A09|J06", "O80", "Z00.0|F41", "B20", "O85")
]


def test_each_rules_sql_agrees_with_its_python_predicate() -> None:
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE besok (verksamhet VARCHAR, yrkeskategori VARCHAR, vardtyp VARCHAR, "
        "halsoundersokning BOOLEAN, diagnoser VARCHAR, n INTEGER)"
    )
    connection.executemany(
        "INSERT INTO besok VALUES (?, ?, ?, ?, ?, ?)",
        [
            [
                c["verksamhet"],
                c["yrkeskategori"],
                c["vardtyp"],
                c["halsoundersokning"],
                c["diagnoser"],
                n,
            ]
            for n, c in enumerate(CASES)
        ],
    )
    for rule in RULES:
        found = connection.execute(f"SELECT n FROM besok WHERE {rule.sql} ORDER BY n").fetchall()
        expected = [n for n, case in enumerate(CASES) if rule.predicate(case)]
        assert [n for (n,) in found] == expected, rule.id
