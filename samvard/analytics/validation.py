"""Validation of a staged monthly report against its contract, with a complete error report.

Every problem in a file is found in one go, so the sender can fix them all at once. The
checks are SQL predicates over the staging view (reading.py): one pass counts every kind of
problem, and only the kinds that occur are listed, row by row, up to a cap. Totals are
always complete. A file with any problem is rejected whole (ingest.py).
"""

# ruff: noqa: S608 - SQL here is built from the contract's own names and values, regular
# expressions defined below, and values that already matched them (the file's period and
# region); `_literal` quotes them anyway.

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import duckdb

from samvard.analytics.contracts import (
    CONTRACTS,
    SUPPRESSED,
    Column,
    ColumnType,
    ReportKind,
)
from samvard.analytics.reading import FILLER, ROW, STAGING
from samvard.reference.loaders import list_municipalities, list_regions

LISTED_PER_KIND = 100
LISTED_MAX = 1000
MAX_AGE = 120
HIDDEN = "(dolt)"  # a value that may identify a person is never repeated back
_SHOWN_LENGTH = 80

PERIOD_RE = r"[0-9]{4}-(0[1-9]|1[0-2])"
DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# ICD-10-SE: a letter, two digits, then optionally a dot and up to two letters or digits.
ICD10_RE = r"[A-Z][0-9]{2}(\.?[0-9A-Z]{1,2})?"
# KVÅ: medical codes are two letters and three digits (AU118, DV043); surgical codes,
# which KVÅ includes from KKÅ, are three letters and two digits (JAB30).
KVA_RE = r"([A-Z]{2}[0-9]{3}|[A-Z]{3}[0-9]{2})"
HSAID_RE = r"[A-Za-z0-9][A-Za-z0-9-]{2,63}"
# 10 or 12 digits, with an optional - or + before the last four, as Skatteverket writes them.
PERSON_NUMBER_RE = r"([0-9]{2})?([0-9]{2})([0-9]{2})([0-9]{2})[-+]?[0-9]{4}"
_PERSON_NUMBER = re.compile(PERSON_NUMBER_RE)
_SAMORDNING_OFFSET = 60


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file: where (row, column), what was written, and why, in Swedish.

    Row 1 is the header; row 0 means the file as a whole.
    """

    row: int
    column: str
    value: str
    message_sv: str
    rule: str = ""


@dataclass
class Collector:
    """Every problem counted; the first few of each column and rule kept for the report."""

    per_kind: int = LISTED_PER_KIND
    listed: list[Problem] = field(default_factory=list)
    totals: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, problem: Problem) -> None:
        """Count the problem, and keep it if fewer than ``per_kind`` of its kind are kept."""
        key = (problem.column, problem.rule)
        self.totals[key] += 1
        if self.totals[key] <= self.per_kind:
            self.listed.append(problem)

    def add_counted(self, column: str, rule: str, count: int, listed: list[Problem]) -> None:
        """Record ``count`` problems of one kind, of which ``listed`` are the first."""
        self.totals[(column, rule)] += count
        self.listed += listed[: self.per_kind]

    @property
    def total(self) -> int:
        """How many problems there are in all, listed or not."""
        return sum(self.totals.values())

    def problems(self) -> list[Problem]:
        """The listed problems in row order, at most LISTED_MAX."""
        return sorted(self.listed, key=lambda p: (p.row, p.column))[:LISTED_MAX]


@dataclass(frozen=True, slots=True)
class Month:
    """What a valid file is about: its region (visits only), its period and its row count."""

    region: str | None
    period: str | None
    rows: int


@cache
def region_codes() -> frozenset[str]:
    """The 21 länskoder."""
    return frozenset(region.code for region in list_regions())


@cache
def municipality_codes() -> frozenset[str]:
    """The 290 kommunkoder."""
    return frozenset(municipality.code for municipality in list_municipalities())


def looks_like_person_number(text: str) -> bool:
    """True for 10 or 12 digits (optionally - or +) whose date part is a date or +60 days.

    Errs on the side of refusing: a 10-digit number counts whatever its century and
    whatever its check digit, and a samordningsnummer with an unknown month or day (00)
    counts too.
    """
    match = _PERSON_NUMBER.fullmatch(text.strip())
    if match is None:
        return False
    century, year, month, day = match.groups()
    full_year = int(century + year) if century else 2000  # 2000 allows 29 February
    month_number, day_number = int(month), int(day)
    if day_number >= _SAMORDNING_OFFSET:
        day_number -= _SAMORDNING_OFFSET
        if month_number == 0 or day_number == 0:
            return month_number <= 12 and day_number <= 31  # unknown birth month or day
    try:
        date(max(full_year, 1), month_number, day_number)
    except ValueError:
        return False
    return True


def check_header(kind: ReportKind, header: tuple[str, ...]) -> list[Problem]:
    """Missing, unknown (with the likely intended name) and repeated columns, on row 1."""
    names = [column.name for column in CONTRACTS[kind]]
    problems = []
    for name in header:
        if name.startswith(FILLER) or name in names:
            continue
        close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
        hint = f" Menade du {close[0]}?" if close else ""
        message = f"Okänd kolumn; kontraktet har inte den här kolumnen.{hint}"
        problems.append(Problem(1, name, name, message, "header_unknown"))
    for name in names:
        if name not in header:
            problems.append(
                Problem(1, name, "", "Kolumnen saknas i rubrikraden.", "header_missing")
            )
    for name, times in Counter(header).items():
        if times > 1:
            message = "Kolumnen förekommer mer än en gång."
            problems.append(Problem(1, name, name, message, "header_repeated"))
    return problems


@dataclass(frozen=True)
class _Check:
    column: str
    rule: str
    bad: str  # SQL predicate: this row has the problem
    message_sv: str
    hidden: bool = False


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in(values: frozenset[str] | tuple[str, ...]) -> str:
    return "(" + ", ".join(_literal(v) for v in sorted(values)) + ")"


_ICD10_MESSAGE = (
    "Felaktig ICD-10-kod; skriv t.ex. F32.1 eller J069 (versaler), flera åtskilda med |."
)
# Per column type: SQL true for an acceptable non-empty value `@`, and the message if not.
# Text and pseudonyms accept any text; a pseudonym is checked against personnummer apart.
_FORMATS: dict[ColumnType, tuple[str, str]] = {
    ColumnType.PERIOD: (
        "regexp_full_match(@, '" + PERIOD_RE + "')",
        "Perioden ska skrivas ÅÅÅÅ-MM.",
    ),
    ColumnType.DATE_IN_PERIOD: (
        f"(regexp_full_match(@, '{DATE_RE}') AND try_strptime(@, '%Y-%m-%d') NOT NULL)",
        "Datumet ska skrivas ÅÅÅÅ-MM-DD och finnas i kalendern.",
    ),
    ColumnType.AGE: (
        f"coalesce(regexp_full_match(@, '[0-9]{{1,3}}') AND TRY_CAST(@ AS INTEGER) <= {MAX_AGE}, "
        "false)",
        f"Åldern ska vara ett helt antal år från 0 till {MAX_AGE}.",
    ),
    ColumnType.SEX: ("@ IN ('M', 'K')", "Kön ska vara M eller K."),
    ColumnType.HSAID: (
        f"regexp_full_match(@, '{HSAID_RE}')",
        "HSA-id ska vara 3–64 tecken: bokstäver, siffror och bindestreck.",
    ),
    ColumnType.FLAG: ("@ IN ('0', '1')", "Ska vara 1 eller 0."),
    ColumnType.ICD10_LIST: (f"regexp_full_match(@, '{ICD10_RE}(\\|{ICD10_RE})*')", _ICD10_MESSAGE),
    ColumnType.KVA_LIST: (
        f"regexp_full_match(@, '{KVA_RE}(\\|{KVA_RE})*')",
        "Felaktig KVÅ-kod; skriv t.ex. AU118 eller DV043, flera åtskilda med |.",
    ),
    ColumnType.COUNT: (
        f"(@ = '{SUPPRESSED}' OR regexp_full_match(@, '[0-9]{{1,9}}'))",
        "Antalet ska vara ett helt tal (0 eller större) eller .. (skyddat litet tal).",
    ),
}


def _ok(column: Column) -> tuple[str, str] | None:
    """SQL that is true for an acceptable non-empty value, and the message when it is not."""
    v = f'"{column.name}"'
    # The code lists are tables (see `_code_tables`): a join is far faster than a long IN list.
    if column.type is ColumnType.REGION:
        return f"{v} IN (SELECT code FROM region_codes)", (
            "Okänd regionkod; ange länskoden, två siffror."
        )
    if column.type is ColumnType.MUNICIPALITY:
        return f"{v} IN (SELECT code FROM municipality_codes)", (
            "Okänd kommunkod; ange fyra siffror."
        )
    if column.type in (ColumnType.ENUM, ColumnType.AGE_GROUP):
        allowed = ", ".join(column.values)
        return f"{v} IN {_in(column.values)}", f"Okänt värde; tillåtna värden är {allowed}."
    if column.type not in _FORMATS:
        return None
    sql, message = _FORMATS[column.type]
    return sql.replace("@", v), message


def _code_tables(connection: duckdb.DuckDBPyConnection) -> None:
    for table, codes in (
        ("region_codes", region_codes()),
        ("municipality_codes", municipality_codes()),
    ):
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT unnest(?::VARCHAR[]) AS code",
            [sorted(codes)],
        )


def _value_checks(kind: ReportKind) -> list[_Check]:
    checks = []
    for column in CONTRACTS[kind]:
        v = f'"{column.name}"'
        if column.required:
            checks.append(_Check(column.name, "missing", f"{v} = ''", "Värdet saknas."))
        ok = _ok(column)
        if ok is not None:
            checks.append(_Check(column.name, "invalid", f"({v} <> '' AND NOT {ok[0]})", ok[1]))
    return checks


def _ok_sql(kind: ReportKind, name: str) -> str:
    column = next(c for c in CONTRACTS[kind] if c.name == name)
    ok = _ok(column)
    assert ok is not None
    return ok[0]


def _file_value(connection: duckdb.DuckDBPyConnection, kind: ReportKind, name: str) -> str | None:
    """The value most rows have (the first such row on a tie), among acceptable ones."""
    found = connection.execute(
        f'SELECT "{name}" FROM {STAGING} WHERE {_ok_sql(kind, name)} '
        f'GROUP BY "{name}" ORDER BY count(*) DESC, min({ROW}) LIMIT 1'
    ).fetchone()
    return None if found is None else str(found[0])


def _row_checks(
    kind: ReportKind, period: str | None, region: str | None, own_region: bool
) -> list[_Check]:
    period_ok = _ok_sql(kind, "period")
    checks = []
    if period is not None:
        checks.append(
            _Check(
                "period",
                "mixed_file",
                f"({period_ok} AND period <> {_literal(period)})",
                f"Skiljer sig från filens period {period}; en fil ska gälla en månad.",
            )
        )
    if kind is not ReportKind.BESOK:
        return checks
    region_ok, date_ok = _ok_sql(kind, "region"), _ok_sql(kind, "besoksdatum")
    kommun_ok = _ok_sql(kind, "kommun")
    if region is not None:
        message = (
            f"Du kan bara rapportera för din egen region, {region}."
            if own_region
            else f"Skiljer sig från filens region {region}; en fil ska gälla en region."
        )
        checks.append(
            _Check(
                "region",
                "mixed_file" if not own_region else "other_region",
                f"({region_ok} AND region <> {_literal(region)})",
                message,
            )
        )
    checks += [
        _Check(
            "besoksdatum",
            "outside_period",
            f"({date_ok} AND {period_ok} AND left(besoksdatum, 7) <> period)",
            "Besöksdatumet ligger utanför radens period.",
        ),
        _Check(
            "kommun",
            "outside_region",
            f"({kommun_ok} AND {region_ok} AND left(kommun, 2) <> region)",
            "Kommunen ligger inte i radens region.",
        ),
    ]
    return checks


def _filler_checks(header: tuple[str, ...]) -> list[_Check]:
    return [
        _Check(name, "unnamed", f"\"{name}\" <> ''", "Värde i en kolumn utan rubrik.")
        for name in header
        if name.startswith(FILLER)
    ]


def validate(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    header: tuple[str, ...],
    collector: Collector,
    *,
    own_region: str | None = None,
) -> Month:
    """Check every staged row; problems go to ``collector``. ``own_region`` limits the region."""
    _code_tables(connection)
    period = _file_value(connection, kind, "period")
    region = None
    if kind is ReportKind.BESOK:
        region = own_region or _file_value(connection, kind, "region")
    checks = (
        _value_checks(kind)
        + _row_checks(kind, period, region, own_region is not None)
        + _filler_checks(header)
    )
    counts = connection.execute(
        f"SELECT count(*), {', '.join(f'count_if({c.bad})' for c in checks)} FROM {STAGING}"
    ).fetchone()
    assert counts is not None
    rows = int(counts[0])
    if rows == 0:
        collector.add(Problem(0, "", "", "Filen innehåller inga rader.", "empty"))
        return Month(region, period, 0)
    for check, count in zip(checks, counts[1:], strict=True):
        if count:
            collector.add_counted(check.column, check.rule, count, _listed(connection, check))
    _check_duplicates(connection, kind, collector)
    if kind is ReportKind.BESOK:
        _check_pseudonyms(connection, collector)
    return Month(region, period, rows)


def _listed(connection: duckdb.DuckDBPyConnection, check: _Check) -> list[Problem]:
    found = connection.execute(
        f'SELECT {ROW}, "{check.column}" FROM {STAGING} WHERE {check.bad} '
        f"ORDER BY {ROW} LIMIT {LISTED_PER_KIND}"
    ).fetchall()
    return [
        Problem(
            row,
            check.column,
            HIDDEN if check.hidden else _shown(value),
            check.message_sv,
            check.rule,
        )
        for row, value in found
    ]


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 1] + "…"


def _check_duplicates(
    connection: duckdb.DuckDBPyConnection, kind: ReportKind, collector: Collector
) -> None:
    if kind is ReportKind.BESOK:
        key, column = '"besoks_id"', "besoks_id"
        what = "besoks_id finns redan på rad {}; varje besök ska ha ett eget id."
    else:
        key, column = '"kommun", "aldersgrupp", "kon"', "kommun"
        what = "Samma kommun, åldersgrupp och kön finns redan på rad {}."
    counts = connection.execute(
        f"SELECT count(*), count(DISTINCT ({key})) FROM {STAGING}"
    ).fetchone()
    assert counts is not None
    if counts[0] == counts[1]:
        return
    found = connection.execute(
        f"""SELECT {ROW}, "{column}", first_row, count(*) OVER () FROM (
            SELECT {ROW}, "{column}", min({ROW}) OVER (PARTITION BY {key}) AS first_row
            FROM {STAGING}) WHERE {ROW} <> first_row ORDER BY {ROW} LIMIT {LISTED_PER_KIND}"""
    ).fetchall()
    listed = [
        Problem(row, column, _shown(value), what.format(first), "duplicate")
        for row, value, first, _ in found
    ]
    collector.add_counted(column, "duplicate", found[0][3], listed)


def _check_pseudonyms(connection: duckdb.DuckDBPyConnection, collector: Collector) -> None:
    # Most pseudonyms are not 10 or 12 digits; only those that are get the date test in Python.
    candidates = connection.execute(
        f"SELECT DISTINCT patient_id FROM {STAGING} "
        f"WHERE regexp_full_match(patient_id, '{PERSON_NUMBER_RE}')"
    ).fetchall()
    matched = [value for (value,) in candidates if looks_like_person_number(value)]
    if not matched:
        return
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE person_numbers AS SELECT unnest(?::VARCHAR[]) AS value",
        [matched],
    )
    found = connection.execute(
        f"SELECT {ROW}, count(*) OVER () FROM {STAGING} "
        f"WHERE patient_id IN (SELECT value FROM person_numbers) "
        f"ORDER BY {ROW} LIMIT {LISTED_PER_KIND}"
    ).fetchall()
    message = "Ser ut som ett personnummer eller samordningsnummer; använd en pseudonym."
    listed = [Problem(row, "patient_id", HIDDEN, message, "person_number") for row, _ in found]
    collector.add_counted("patient_id", "person_number", found[0][1], listed)
