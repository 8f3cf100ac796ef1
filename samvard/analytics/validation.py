"""Validation of a staged monthly report against its contract, with a complete error report.

Every problem in a file is found in one go, so the sender can fix them all at once. The
checks are SQL predicates over the staging view (reading.py). They are counted set-wise:
most columns hold few distinct values (one period, a few dozen dates and municipalities),
so each check runs once per distinct value, or pair of values, with how many rows have it,
instead of once per row; only free text is checked row by row, in one pass that also finds
repeated keys. Only the kinds of problem that occur are then listed, row by row, up to a
cap. Totals are always complete. A file with any problem is rejected whole (ingest.py).
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
from samvard.analytics.reading import FILLER, ROW, STAGING, free_text, trim
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
VALUES = "value_counts"  # the staged rows' distinct values, counted (see `_count_values`)
# The key that no two rows of a report may share.
_KEYS = {ReportKind.BESOK: '"besoks_id"', ReportKind.ASYLSOKANDE: '"kommun", "aldersgrupp", "kon"'}


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

    def clear(self) -> None:
        """Forget every problem, to check the file again."""
        self.listed.clear()
        self.totals.clear()

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
    reads: tuple[str, ...] = ()  # the columns `bad` reads, if more than `column`

    @property
    def columns(self) -> tuple[str, ...]:
        return self.reads or (self.column,)


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


def _file_value(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    name: str,
    group: int,
    numbered: bool,
) -> str | None:
    """The value most rows have (the first such row on a tie), among acceptable ones.

    A tie means a mixed file, refused whatever the choice; without row numbers (``numbered``
    False) the smallest value is taken, and the file is checked again with them.
    """
    ok = _ok_sql(kind, name)
    found = connection.execute(
        f'SELECT "{name}", sum(n) AS rows FROM {VALUES} WHERE grp = {group} AND {ok} '
        f'GROUP BY "{name}" ORDER BY rows DESC, "{name}" LIMIT 2'
    ).fetchall()
    if not found:
        return None
    if len(found) == 1 or found[0][1] > found[1][1] or not numbered:
        return str(found[0][0])
    first = connection.execute(
        f'SELECT "{name}" FROM {STAGING} WHERE {ok} '
        f'GROUP BY "{name}" ORDER BY count(*) DESC, min({ROW}) LIMIT 1'
    ).fetchone()
    assert first is not None
    return str(first[0])


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
            reads=("period", "besoksdatum"),
        ),
        _Check(
            "kommun",
            "outside_region",
            f"({kommun_ok} AND {region_ok} AND left(kommun, 2) <> region)",
            "Kommunen ligger inte i radens region.",
            reads=("region", "kommun"),
        ),
    ]
    return checks


def _filler_checks(header: tuple[str, ...]) -> list[_Check]:
    return [
        _Check(name, "unnamed", f"\"{name}\" <> ''", "Värde i en kolumn utan rubrik.")
        for name in header
        if name.startswith(FILLER)
    ]


def _per_row(check: _Check) -> bool:
    """Whether a check reads free text (ids, names, unnamed columns): checked row by row."""
    return any(free_text(name) for name in check.columns)


def _groups(wanted: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The column sets whose distinct values are counted: each wanted set lies in one."""
    groups: list[tuple[str, ...]] = []
    for columns in sorted(set(wanted), key=lambda c: (-len(c), c)):
        if not any(set(columns) <= set(group) for group in groups):
            groups.append(columns)
    return groups


def _group_of(groups: list[tuple[str, ...]], columns: tuple[str, ...]) -> int:
    return next(i for i, group in enumerate(groups) if set(columns) <= set(group))


def _count_values(connection: duckdb.DuckDBPyConnection, groups: list[tuple[str, ...]]) -> None:
    """One row per distinct value (set) of each group, with how many rows have it."""
    parts = []
    for number, columns in enumerate(groups):
        names = ", ".join(f'"{name}"' for name in columns)
        parts.append(
            f"SELECT {number} AS grp, {names}, count(*) AS n FROM {STAGING} GROUP BY {names}"
        )
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {VALUES} AS " + " UNION ALL BY NAME ".join(parts)
    )


def _padded(connection: duckdb.DuckDBPyConnection, groups: list[tuple[str, ...]]) -> list[str]:
    """The counted columns with a value that has spaces around it."""
    names = sorted({name for group in groups for name in group})
    found = connection.execute(
        "SELECT "
        + ", ".join(f'bool_or("{name}" <> trim("{name}"))' for name in names)
        + f" FROM {VALUES}"
    ).fetchone()
    assert found is not None
    return [name for name, padded in zip(names, found, strict=True) if padded]


@dataclass(frozen=True)
class _Survey:
    """What the counts say about a staged file, before any row is listed."""

    month: Month
    checks: list[_Check]
    counts: dict[_Check, int]
    distinct_keys: int
    person_numbers: list[str]  # pseudonyms that look like personnummer

    @property
    def clean(self) -> bool:
        """Whether the file has rows and not a single problem."""
        rows = self.month.rows
        return bool(
            rows
            and self.distinct_keys == rows
            and not self.person_numbers
            and not any(self.counts.values())
        )


def _survey(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    header: tuple[str, ...],
    own_region: str | None,
    numbered: bool,
) -> _Survey:
    """Count every kind of problem of the staged rows (``numbered``: in the file's order)."""
    _code_tables(connection)
    # The mixed-file checks read only the period and the region; every other check is known
    # before the file's own period and region are.
    fixed = _value_checks(kind) + _row_checks(kind, None, None, False) + _filler_checks(header)
    columns: list[tuple[str, ...]] = [(name,) for name in header if not free_text(name)]
    groups = _groups([check.columns for check in fixed if not _per_row(check)] + columns)
    _count_values(connection, groups)
    padded = _padded(connection, groups)
    if padded:  # rare: then the staged values are trimmed, and counted again
        trim(connection, padded)
        _count_values(connection, groups)
    period = _file_value(connection, kind, "period", _group_of(groups, ("period",)), numbered)
    region = None
    if kind is ReportKind.BESOK:
        group = _group_of(groups, ("region",))
        region = own_region or _file_value(connection, kind, "region", group, numbered)
    checks = (
        _value_checks(kind)
        + _row_checks(kind, period, region, own_region is not None)
        + _filler_checks(header)
    )
    counts = _count_per_value(connection, groups, checks)
    rows, distinct, candidates, per_row = _count_per_row(connection, kind, checks)
    counts.update(per_row)
    # Only pseudonyms of 10 or 12 digits (the candidates) get the date test, in Python.
    matched = [value for value in candidates if looks_like_person_number(value)]
    return _Survey(Month(region, period, rows), checks, counts, distinct, matched)


def clean_month(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    header: tuple[str, ...],
    *,
    own_region: str | None = None,
) -> Month | None:
    """The month of a staged file that has no problem at all, else None.

    Only counts: the rows may have been staged in any order. A file with problems is then
    staged in order and given to `validate`, which lists them.
    """
    survey = _survey(connection, kind, header, own_region, numbered=False)
    return survey.month if survey.clean else None


def validate(
    connection: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    header: tuple[str, ...],
    collector: Collector,
    *,
    own_region: str | None = None,
) -> Month:
    """Check every staged row; problems go to ``collector``. ``own_region`` limits the region.

    The rows must be staged in the file's order, with their row numbers.
    """
    survey = _survey(connection, kind, header, own_region, numbered=True)
    month = survey.month
    if month.rows == 0:
        collector.add(Problem(0, "", "", "Filen innehåller inga rader.", "empty"))
        return month
    for check in survey.checks:
        if survey.counts[check]:
            collector.add_counted(
                check.column, check.rule, survey.counts[check], _listed(connection, check)
            )
    if survey.distinct_keys != month.rows:
        _list_duplicates(connection, kind, collector)
    if survey.person_numbers:
        _list_person_numbers(connection, collector, survey.person_numbers)
    return month


def _count_per_value(
    connection: duckdb.DuckDBPyConnection, groups: list[tuple[str, ...]], checks: list[_Check]
) -> dict[_Check, int]:
    """How many rows each check on few distinct values finds, from the value counts."""
    chosen = [check for check in checks if not _per_row(check)]
    if not chosen:
        return {}
    sums = ", ".join(
        f"coalesce(sum(n) FILTER (WHERE grp = {_group_of(groups, c.columns)} AND {c.bad}), 0)"
        for c in chosen
    )
    found = connection.execute(f"SELECT {sums} FROM {VALUES}").fetchone()
    assert found is not None
    return {check: int(count) for check, count in zip(chosen, found, strict=True)}


def _count_per_row(
    connection: duckdb.DuckDBPyConnection, kind: ReportKind, checks: list[_Check]
) -> tuple[int, int, list[str], dict[_Check, int]]:
    """In one pass over the rows: their number, how many distinct keys, the pseudonyms that
    have a personnummer's form, and how many rows each check on free text finds."""
    chosen = [check for check in checks if _per_row(check)]
    candidates = "[]"
    if kind is ReportKind.BESOK:
        candidates = (
            "list(DISTINCT patient_id) FILTER "
            f"(WHERE regexp_full_match(patient_id, '{PERSON_NUMBER_RE}'))"
        )
    counted = "".join(f", count_if({check.bad})" for check in chosen)
    found = connection.execute(
        f"SELECT count(*), count(DISTINCT ({_KEYS[kind]})), {candidates}{counted} FROM {STAGING}"
    ).fetchone()
    assert found is not None
    counts = {check: int(count or 0) for check, count in zip(chosen, found[3:], strict=True)}
    return int(found[0]), int(found[1]), list(found[2] or []), counts


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


def _list_duplicates(
    connection: duckdb.DuckDBPyConnection, kind: ReportKind, collector: Collector
) -> None:
    if kind is ReportKind.BESOK:
        column = "besoks_id"
        what = "besoks_id finns redan på rad {}; varje besök ska ha ett eget id."
    else:
        column = "kommun"
        what = "Samma kommun, åldersgrupp och kön finns redan på rad {}."
    key = _KEYS[kind]
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


def _list_person_numbers(
    connection: duckdb.DuckDBPyConnection, collector: Collector, matched: list[str]
) -> None:
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
