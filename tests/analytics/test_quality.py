"""Data quality: the completeness matrix and robust outliers, pure and read from a warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from samvard.analytics import facts, quality
from samvard.analytics.contracts import ReportKind
from samvard.analytics.quality import (
    MIGRATIONSVERKET,
    Report,
    Series,
    build_series,
    completeness,
    find_outliers,
    judge,
    month_window,
)
from samvard.analytics.results import CellStatus
from samvard.analytics.store import ensure_schema


@dataclass(frozen=True)
class Scope:
    """Stands in for analytics.scope.Scope: the functions only read these two fields."""

    national: bool
    region: str | None


NATIONAL = Scope(national=True, region=None)
STOCKHOLM = Scope(national=False, region="01")
AT = datetime(2025, 3, 1, tzinfo=UTC)


# --- pure: months and completeness -------------------------------------------------------


def test_month_window_runs_over_the_new_year() -> None:
    assert month_window("2025-02", 4) == ("2024-11", "2024-12", "2025-01", "2025-02")
    assert month_window("2025-02", 1) == ("2025-02",)
    with pytest.raises(ValueError, match="at least 1"):
        month_window("2025-02", 0)


def test_completeness_flags_missing_months_and_keeps_the_latest_version() -> None:
    reports = [
        Report("01", "2025-01", 1, AT, 100),
        Report("01", "2025-01", 2, AT, 120),
        Report("01", "2025-02", 1, AT, 3),
        Report(MIGRATIONSVERKET, "2025-02", 1, AT, 900),
        Report("03", "2024-12", 1, AT, 80),  # outside the window
    ]
    sources = [
        (MIGRATIONSVERKET, "Migrationsverket"),
        ("01", "Region Stockholm"),
        ("03", "Uppsala"),
    ]
    matrix = completeness(reports, sources, ("2025-01", "2025-02"))

    assert matrix.periods == ("2025-01", "2025-02")
    by_source = {row.source: row for row in matrix.rows}
    assert by_source[MIGRATIONSVERKET].missing == ("2025-01",)
    assert by_source["01"].missing == ()
    assert by_source["03"].missing == ("2025-01", "2025-02")
    assert matrix.missing_count == 3
    january, february = by_source["01"].months
    assert january.report is not None and january.report.version == 2
    assert january.rows.value == 120
    assert february.rows.status is CellStatus.SUPPRESSED  # 3 rows: a count 1-4 is not shown
    assert by_source["03"].months[0].rows.status is CellStatus.UNKNOWN


def test_sources_follow_the_scope() -> None:
    national = quality.sources_in(NATIONAL)
    assert national[0] == (MIGRATIONSVERKET, "Migrationsverket")
    assert len(national) == 22  # Migrationsverket and the 21 regions
    assert [code for code, _ in quality.sources_in(STOCKHOLM)] == [MIGRATIONSVERKET, "01"]


# --- pure: the robust judgement -----------------------------------------------------------


def test_judge_uses_median_and_mad() -> None:
    history = [100, 104, 96, 102, 98, 100, 500]  # one wild month does not widen the range
    judgement = judge(history, 200)
    assert judgement.median == 100
    # MAD 2 gives 1.4826 x 2 = 2.97, below the counting noise sqrt(100) = 10, so 10 it is.
    assert judgement.scale == pytest.approx(10.0)
    assert judgement.robust_z == pytest.approx(10.0)
    assert judgement.flagged
    assert judgement.expected_low == pytest.approx(65.0)
    assert judgement.expected_high == pytest.approx(135.0)
    assert not judge(history, 120).flagged


def test_judge_with_a_wide_history_uses_the_mad() -> None:
    history = [1000, 1200, 800, 1100, 900, 1000, 1300]
    judgement = judge(history, 1500)
    mad = 100  # deviations 0, 200, 200, 100, 100, 0, 300 -> median 100
    assert judgement.scale == pytest.approx(1.4826 * mad)
    assert judgement.robust_z == pytest.approx(500 / (1.4826 * mad))
    assert not judgement.flagged
    assert judge(history, 2000).flagged
    assert judge(history, 0).flagged


def test_judge_falls_back_to_the_mean_deviation_when_the_mad_is_zero() -> None:
    history = [400, 400, 400, 400, 400, 1000]  # MAD 0, mean absolute deviation 100
    judgement = judge(history, 600)
    assert judgement.scale == pytest.approx(1.2533 * 100)
    assert not judgement.flagged
    assert judge(history, 900).flagged


def test_a_steady_series_is_not_flagged_for_counting_noise() -> None:
    assert not judge([100] * 8, 110).flagged  # within sqrt(100) x 3.5
    assert judge([100] * 8, 140).flagged
    assert judge([0] * 8, 0).robust_z == 0
    with pytest.raises(ValueError, match="empty"):
        judge([], 1)


# --- pure: series and outliers ------------------------------------------------------------

PERIODS = month_window("2025-02", 14)


def _steady(spike: int | None = None, missing: tuple[str, ...] = ()) -> dict[str, int]:
    values = {p: 100 + (i % 3) * 4 for i, p in enumerate(PERIODS) if p not in missing}
    if spike is not None:
        values["2025-02"] = spike
    return values


def test_a_spike_is_flagged_for_follow_up_with_its_expected_range() -> None:
    series = [Series("kommun", "01", "0180", "besok", _steady(spike=400))]
    [outlier] = find_outliers(series, ("2025-01", "2025-02"), names={"0180": "Stockholm"})
    assert (outlier.area, outlier.area_name, outlier.period) == ("0180", "Stockholm", "2025-02")
    assert outlier.value.value == 400
    assert outlier.direction == "hög"
    assert outlier.status == "för uppföljning"
    assert outlier.measure_label == "Besök"
    assert outlier.history_months == 12
    assert outlier.judgement.expected_low < 104 < outlier.judgement.expected_high < 400


def test_a_drop_to_a_small_count_is_flagged_without_showing_it() -> None:
    series = [Series("region", "01", "01", "besok", _steady(spike=2))]
    [outlier] = find_outliers(series, ("2025-02",))
    assert outlier.direction == "låg"
    assert outlier.value.status is CellStatus.SUPPRESSED
    assert outlier.value.value is None


def test_ordinary_months_and_unreported_months_are_not_flagged() -> None:
    series = [Series("region", "01", "01", "besok", _steady(missing=("2025-02",)))]
    assert find_outliers(series, PERIODS[-3:]) == []


def test_too_short_or_too_small_a_history_is_not_judged() -> None:
    short = {p: v for p, v in _steady(spike=400).items() if p >= "2024-09"}  # 5 months before
    assert find_outliers([Series("kommun", "01", "0180", "besok", short)], ("2025-02",)) == []
    tiny = {p: (1 if i % 2 else 3) for i, p in enumerate(PERIODS)}
    tiny["2025-02"] = 90
    assert find_outliers([Series("kommun", "01", "0180", "besok", tiny)], ("2025-02",)) == []


def test_unreported_months_are_left_out_of_the_history() -> None:
    # Six months missing of the twelve before: the six left still make a history.
    gaps = tuple(PERIODS[2:8])
    [outlier] = find_outliers(
        [Series("region", "01", "01", "besok", _steady(spike=400, missing=gaps))], ("2025-02",)
    )
    assert outlier.history_months == 6


def test_outliers_are_ordered_by_how_far_out_they_are() -> None:
    series = [
        Series("kommun", "01", "0180", "besok", _steady(spike=300)),
        Series("kommun", "01", "0184", "besok", _steady(spike=900)),
    ]
    assert [o.area for o in find_outliers(series, ("2025-02",))] == ["0184", "0180"]


def test_build_series_fills_reported_months_with_zero_and_leaves_the_rest_unknown() -> None:
    counts = [
        ("01", "0180", "2025-01", {"besok": 10, "akut": 2}),
        ("01", "0184", "2025-01", {"besok": 5, "akut": 0}),
        ("01", "0180", "2025-02", {"besok": 7, "akut": 1}),
    ]
    reported = {"01": ["2025-01", "2025-02"]}
    series = {(s.area, s.measure): s for s in build_series(counts, reported, ("besok", "akut"))}
    assert series[("01", "besok")].values == {"2025-01": 15, "2025-02": 7}
    assert series[("01", "besok")].level == "region"
    assert series[("0184", "besok")].values == {"2025-01": 5, "2025-02": 0}
    assert series[("0184", "akut")].level == "kommun"
    only_january = build_series(counts, {"01": ["2025-01"]}, ("besok",))
    assert all(set(s.values) == {"2025-01"} for s in only_january)


# --- read from a warehouse ----------------------------------------------------------------


# Generated in SQL: inserting thousands of rows one by one from Python takes seconds.
_VISITS = """
INSERT INTO besok SELECT $region, $period, $region || $period || $kommun || i, 'p' || i % 50,
    ($period || '-' || lpad((i % 28 + 1)::VARCHAR, 2, '0'))::DATE, 20 + i % 40,
    CASE WHEN i % 2 = 1 THEN 'K' ELSE 'M' END, $kommun, 'SE2321000016-' || $kommun,
    'Vårdcentralen ' || $kommun, 'vardcentral', 'besok',
    CASE WHEN i % 4 = 0 THEN 'akut' ELSE 'planerad' END, 'lakare', i % 5 = 0, 'J06.9', NULL
FROM range($count) t(i)
"""


def _store_month(
    connection: duckdb.DuckDBPyConnection, region: str, period: str, counts: dict[str, int]
) -> None:
    """A region's month of visits and its receipt, as an accepted upload leaves them."""
    for kommun, count in counts.items():
        values = {"region": region, "period": period, "kommun": kommun, "count": count}
        connection.execute(_VISITS, values)
    _receipt(connection, ReportKind.BESOK, region, period, sum(counts.values()))


def _receipt(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    region: str | None,
    period: str,
    rows: int,
) -> None:
    connection.execute(
        "INSERT INTO receipt (id, kind, region, period, file_name, sha256, row_count, "
        "unknown_count, accepted_at, version, diff) "
        "VALUES (nextval('receipt_ids'), ?, ?, ?, 'fil.csv', 'x', ?, 0, ?, 1, '{}')",
        [str(kind), region, period, rows, AT.replace(tzinfo=None)],
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stockholm reports 14 months with a jump in Solna's last; Uppsala misses two months."""
    path = tmp_path_factory.mktemp("quality") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        ensure_schema(connection)
        for i, period in enumerate(PERIODS):
            solna = 240 if period == "2025-02" else 40 + i % 3
            _store_month(connection, "01", period, {"0180": 60 + i % 4, "0184": solna})
            if period not in ("2024-12", "2025-02"):
                _store_month(connection, "03", period, {"0380": 30 + i % 2})
        connection.execute(
            "INSERT INTO asylsokande VALUES ('2025-01', '0180', '18-64', 'K', 120, NULL)"
        )
        _receipt(connection, ReportKind.ASYLSOKANDE, None, "2025-01", 1)
        facts.refresh_all(connection)
    return path


def _read(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def test_read_completeness_nationally(warehouse: Path) -> None:
    with _read(warehouse) as connection:
        matrix = quality.read_completeness(connection, NATIONAL, months=3)
    assert matrix.periods == ("2024-12", "2025-01", "2025-02")
    by_source = {row.source: row for row in matrix.rows}
    assert by_source[MIGRATIONSVERKET].missing == ("2024-12", "2025-02")
    assert by_source["01"].missing == ()
    assert by_source["03"].missing == ("2024-12", "2025-02")
    assert by_source["25"].missing == matrix.periods  # Norrbotten never reported
    report = by_source["01"].months[-1].report
    assert report is not None
    assert (report.version, report.row_count) == (1, 60 + 13 % 4 + 240)


def test_read_completeness_for_a_region_shows_only_its_own_row(warehouse: Path) -> None:
    with _read(warehouse) as connection:
        matrix = quality.read_completeness(connection, STOCKHOLM, months=2, until="2025-01")
    assert [row.source for row in matrix.rows] == [MIGRATIONSVERKET, "01"]
    assert matrix.periods == ("2024-12", "2025-01")


def test_read_outliers_finds_the_jump_at_municipality_and_region_level(warehouse: Path) -> None:
    with _read(warehouse) as connection:
        found = quality.read_outliers(connection, NATIONAL, months=3)
    flagged = {(o.level, o.area, o.measure, o.period) for o in found}
    assert ("kommun", "0184", "besok", "2025-02") in flagged
    assert ("region", "01", "besok", "2025-02") in flagged
    assert not any(o.area in ("0180", "03", "0380") for o in found)
    solna = next(o for o in found if o.area == "0184" and o.measure == "besok")
    assert solna.area_name == "Solna"
    assert solna.value.value == 240


def test_read_outliers_for_another_region_sees_none_of_stockholm(warehouse: Path) -> None:
    with _read(warehouse) as connection:
        assert quality.read_outliers(connection, Scope(False, "03"), months=3) == []
        assert quality.read_outliers(connection, STOCKHOLM, months=3) != []


def test_an_empty_warehouse_has_nothing_reported() -> None:
    matrix = quality.read_completeness(None, STOCKHOLM, months=2, until="2025-01")
    assert all(row.missing == matrix.periods for row in matrix.rows)
    assert quality.read_outliers(None, NATIONAL) == []
    with duckdb.connect() as connection:
        assert quality.read_outliers(connection, NATIONAL) == []
        assert quality.read_completeness(connection, NATIONAL, until="2025-01").missing_count
