"""Fact tables: the SQL build equals a plain Python computation with the rules' predicates."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samvard.analytics import facts
from samvard.analytics.contracts import ReportKind, column_names
from samvard.analytics.facts import DIMENSIONS, MEASURES, UNKNOWN_SEX, age_band
from samvard.analytics.rules import FIRST_INTERVENTION, RULE_VERSION, RULES, first_visits
from samvard.analytics.store import ensure_schema

KOMMUNER = {"01": ("0180", "0114"), "12": ("1280",)}
UNITS = (("SE-U1", "Enhet 1"), ("SE-U2", "Enhet 2"))
PERIODS = ("2025-01", "2025-02", "2025-03")


@st.composite
def visits(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(0, 40))
    rows = []
    for number in range(count):
        region = draw(st.sampled_from(sorted(KOMMUNER)))
        period = draw(st.sampled_from(PERIODS))
        unit = draw(st.sampled_from(UNITS))
        rows.append(
            {
                "region": region,
                "period": period,
                "besoks_id": f"B{number}",
                "patient_id": draw(st.sampled_from(("P1", "P2", "P3"))),
                "besoksdatum": date(2025, int(period[-2:]), draw(st.integers(1, 3))),
                "alder": draw(st.integers(0, 120)),
                "kon": draw(st.sampled_from(("M", "K", None))),
                "kommun": draw(st.sampled_from(KOMMUNER[region])),
                "vardenhet_hsaid": unit[0],
                "vardenhet_namn": unit[1],
                "verksamhet": draw(st.sampled_from(("vardcentral", "barnpsykiatri", "infektion"))),
                "kontakttyp": "besok",
                "vardtyp": draw(st.sampled_from(("akut", "planerad"))),
                "yrkeskategori": draw(st.sampled_from(("lakare", "psykolog", "kurator"))),
                "halsoundersokning": draw(st.booleans()),
                "diagnoser": draw(st.sampled_from((None, "F32.1", "A09|F41", "O80", "J06.9"))),
                "atgarder": None,
            }
        )
    return rows


def expected_facts(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, int]]:
    firsts = first_visits(rows)
    out: dict[tuple[Any, ...], dict[str, int]] = defaultdict(Counter)
    for row in rows:
        group, band = age_band(row["alder"])
        key = (
            row["period"],
            row["region"],
            row["kommun"],
            row["vardenhet_hsaid"],
            row["vardenhet_namn"],
            row["verksamhet"],
            group,
            band,
            row["kon"] or UNKNOWN_SEX,
        )
        counts = out[key]
        counts["besok"] += 1
        for rule in RULES:
            counts[rule.id] += rule.predicate(row)
        counts[FIRST_INTERVENTION.id] += (row["region"], row["period"], row["besoks_id"]) in firsts
    return {key: {m: counts[m] for m in MEASURES} for key, counts in out.items()}


def built_facts(connection: duckdb.DuckDBPyConnection) -> dict[tuple[Any, ...], dict[str, int]]:
    names = (*DIMENSIONS, *MEASURES, "rule_version")
    found = connection.execute(f"SELECT {', '.join(names)} FROM fact_besok").fetchall()
    out = {}
    for values in found:
        assert values[-1] == RULE_VERSION
        key = values[: len(DIMENSIONS)]
        assert key not in out
        out[key] = dict(zip(MEASURES, values[len(DIMENSIONS) : -1], strict=True))
    return out


def warehouse_with(rows: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    ensure_schema(connection)
    names = column_names(ReportKind.BESOK)
    if rows:
        connection.executemany(
            f"INSERT INTO besok VALUES ({', '.join('?' for _ in names)})",
            [[row[name] for name in names] for row in rows],
        )
    return connection


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visits())
def test_fact_build_equals_a_python_computation_over_the_rules(rows: list[dict[str, Any]]) -> None:
    connection = warehouse_with(rows)
    for region in KOMMUNER:
        facts.refresh(connection, ReportKind.BESOK, region)
    assert built_facts(connection) == expected_facts(rows)


def test_replacing_an_earlier_month_moves_a_first_intervention_in_a_later_one() -> None:
    base = {
        "region": "01",
        "patient_id": "P1",
        "alder": 30,
        "kon": "K",
        "kommun": "0180",
        "vardenhet_hsaid": "SE-U1",
        "vardenhet_namn": "Enhet 1",
        "verksamhet": "vuxenpsykiatri",
        "kontakttyp": "besok",
        "vardtyp": "planerad",
        "yrkeskategori": "lakare",
        "halsoundersokning": False,
        "diagnoser": None,
        "atgarder": None,
    }
    march = {**base, "period": "2025-03", "besoks_id": "M1", "besoksdatum": date(2025, 3, 4)}
    january = {**base, "period": "2025-01", "besoks_id": "J1", "besoksdatum": date(2025, 1, 9)}
    connection = warehouse_with([march])
    facts.refresh(connection, ReportKind.BESOK, "01")
    first = "SELECT period, sum(forsta_insats) FROM fact_besok GROUP BY period ORDER BY period"
    assert connection.execute(first).fetchall() == [("2025-03", 1)]
    connection.executemany(
        "INSERT INTO besok VALUES (" + ", ".join("?" * 17) + ")",
        [[january[name] for name in column_names(ReportKind.BESOK)]],
    )
    facts.refresh(connection, ReportKind.BESOK, "01")
    assert connection.execute(first).fetchall() == [("2025-01", 1), ("2025-03", 0)]


def test_asylum_facts_keep_unknown_counts_unknown_and_carry_their_region() -> None:
    connection = duckdb.connect()
    ensure_schema(connection)
    connection.execute(
        "INSERT INTO asylsokande VALUES ('2025-03', '0180', '0-5', 'M', NULL, 3), "
        "('2025-03', '1280', '18-64', 'K', 40, NULL)"
    )
    facts.refresh(connection, ReportKind.ASYLSOKANDE, None)
    assert connection.execute("SELECT * FROM fact_asyl ORDER BY kommun").fetchall() == [
        ("2025-03", "01", "0180", "0-5", "M", None, 3),
        ("2025-03", "12", "1280", "18-64", "K", 40, None),
    ]
    assert connection.execute("SELECT rule_version FROM fact_meta").fetchall() == [(RULE_VERSION,)]


def test_refresh_all_rebuilds_every_region() -> None:
    connection = warehouse_with([])
    connection.execute(
        "INSERT INTO besok SELECT '12', '2025-02', 'X' || i, 'P', DATE '2025-02-01', 40, 'M', "
        "'1280', 'SE-U1', 'Enhet 1', 'vardcentral', 'besok', 'akut', 'psykolog', false, NULL, "
        "NULL FROM range(3) t(i)"
    )
    facts.refresh_all(connection)
    assert connection.execute(
        "SELECT region, sum(besok), sum(psykisk_halsa), sum(forsta_insats) FROM fact_besok "
        "GROUP BY region"
    ).fetchall() == [("12", 3, 3, 1)]


def test_age_bands_nest_in_age_groups() -> None:
    assert age_band(0) == ("0-5", "0-5")
    assert age_band(6) == ("6-17", "6-12")
    assert age_band(17) == ("6-17", "13-17")
    assert age_band(18) == ("18-64", "18-24")
    assert age_band(64) == ("18-64", "55-64")
    assert age_band(120) == ("65+", "65+")
