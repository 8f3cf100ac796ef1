"""Reading monthly reports: CSV (comma or semicolon, with or without BOM) and XLSX.

A report ends up in a DuckDB staging table of text columns, one row per data row, with the
row number a spreadsheet shows (the header is row 1). DuckDB's own CSV reader loads a
well-formed CSV file directly, many times faster than Python's csv module. Only what it
cannot do goes through Python: an XLSX workbook, and a CSV file with blank lines (DuckDB
skips them, which would shift row numbers) or with rows DuckDB refuses (a wrong number of
fields, a broken quote). Those are rewritten as a numbered CSV file, and the rows that
cannot be read at all are reported with their row numbers.
"""

# ruff: noqa: S608 - SQL here interpolates column names that passed `_NAME` and paths that are
# quoted by `_literal`; no other value from a file reaches SQL.

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import duckdb

from samvard.analytics.contracts import CONTRACTS, ColumnType

XLSX_SUFFIXES = (".xlsx", ".xlsm")
BLOCK = 1 << 20
NOT_UTF8 = "Filen är inte UTF-8-kodad. Spara den som CSV UTF-8 (kommaavgränsad) eller XLSX."
EMPTY = "Filen är tom eller saknar rubrikrad."
STAGING = "staged"
ROW = "_row"
_BOM = b"\xef\xbb\xbf"
_ZIP = b"PK\x03\x04"
# Excel stores whole numbers as floats; anything this close to an integer is one.
_INTEGRAL = 1e-9
_TYPES = {column.name: column.type for columns in CONTRACTS.values() for column in columns}
_FREE_TEXT = (ColumnType.TEXT, ColumnType.PSEUDONYM)
# Excel turns codes into numbers and drops their leading zeros; the contract's width restores them.
_CODE_WIDTH = {ColumnType.REGION: 2, ColumnType.MUNICIPALITY: 4}
# A header name that may become a SQL identifier; anything else is refused by the header check.
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
FILLER = "_tom_"  # empty header cells to the right of the last name, as Excel exports them

Progress = Callable[[int, int], None]


class ReadError(Exception):
    """The file cannot be read as a report at all; ``message_sv`` says why, in Swedish."""

    def __init__(self, message_sv: str, row: int = 0) -> None:
        """Create the error with a Swedish message for the user and, if known, the row."""
        super().__init__(message_sv)
        self.message_sv = message_sv
        self.row = row


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A file's SHA-256 and size."""

    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Faults:
    """What a CSV file's bytes say about reading it: blank lines, and where UTF-8 breaks."""

    blank_lines: bool
    not_utf8_line: int | None


@dataclass(frozen=True, slots=True)
class Malformed:
    """A data row that cannot be split into the header's columns."""

    row: int
    message_sv: str


@dataclass(frozen=True, slots=True)
class Source:
    """A report as a UTF-8 CSV file that DuckDB loads.

    ``csv_path`` is the uploaded file itself (``numbered`` False: row number = record + 1), or
    a file written here whose first column is the row number.
    """

    csv_path: Path
    delimiter: str
    header: tuple[str, ...]
    numbered: bool


def save_upload(stream: BinaryIO, target: Path) -> Path:
    """Copy an uploaded stream to ``target`` in blocks (DuckDB reads files, not streams)."""
    with target.open("wb") as out:
        shutil.copyfileobj(stream, out, BLOCK)
    return target


def is_xlsx(path: Path) -> bool:
    """Whether the file is an Excel workbook: by its suffix, or a ZIP file whatever its name."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return True
    with path.open("rb") as handle:
        return handle.read(4) == _ZIP


def fingerprint(path: Path, progress: Progress | None = None) -> Fingerprint:
    """SHA-256 and size, in one pass over the file."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    done = 0
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
            done += len(block)
            if progress is not None:
                progress(done, size)
    return Fingerprint(digest.hexdigest(), size)


def faults(path: Path) -> Faults:
    """Whether a CSV file has blank lines, and the first line that is not UTF-8.

    Only needed when DuckDB's reader refuses a file or its rows have problems: the reader
    itself refuses bytes that are not UTF-8, and blank lines, which it skips, change
    nothing but the row numbers of an error report.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    blank, bad_line, lines, last = False, None, 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            joined = last + block
            blank = blank or b"\n\n" in joined or b"\n\r\n" in joined
            if bad_line is None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    bad_line = lines + block[: max(exc.start, 0)].count(b"\n") + 1
            lines += block.count(b"\n")
            last = block[-2:]
    if bad_line is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            bad_line = lines + 1
    return Faults(blank, bad_line)


def read_header(path: Path) -> tuple[str, tuple[str, ...]]:
    """The delimiter and the column names of a UTF-8 CSV file."""
    with path.open("rb") as handle:
        first = handle.readline().removeprefix(_BOM)
    try:
        line = first.decode("utf-8")
    except UnicodeDecodeError:
        raise ReadError(NOT_UTF8, 1) from None
    if not line.strip():
        raise ReadError(EMPTY)
    delimiter = sniff_delimiter(line)
    names = next(csv.reader([line], delimiter=delimiter))
    return delimiter, _named(names)


def _named(names: list[str]) -> tuple[str, ...]:
    header = [name.strip() for name in names]
    width = len(header)
    while width and header[width - 1] == "":
        width -= 1
    # Trailing empty header cells are kept as filler columns: rows still have those fields.
    return tuple(header[:width]) + tuple(f"{FILLER}{i}" for i in range(len(header) - width))


def sniff_delimiter(header_line: str) -> str:
    """Semicolon when the header has more semicolons than commas (Swedish Excel), else comma."""
    outside = header_line.split('"')[::2]  # text outside quotes
    semicolons = sum(part.count(";") for part in outside)
    commas = sum(part.count(",") for part in outside)
    return ";" if semicolons > commas else ","


def usable(header: tuple[str, ...]) -> bool:
    """Whether every name can be a staging column (the header check reports the others)."""
    return len(set(header)) == len(header) and all(_NAME.fullmatch(name) for name in header)


def free_text(name: str) -> bool:
    """Whether a column holds mostly distinct values (ids, names), unlike codes and dates."""
    return _TYPES.get(name) in _FREE_TEXT or name not in _TYPES


def stage(connection: duckdb.DuckDBPyConnection, source: Source, *, ordered: bool = True) -> None:
    """Load ``source`` into the staging view (text columns with the row number).

    Free text is trimmed as it is loaded. Every other column holds few distinct values:
    validation looks at each of them anyway and trims a column only if one of them is
    padded (`trim`), which spares trimming millions of values that never are.

    Without ``ordered``, DuckDB may load the rows in any order, which is much faster; a
    file without its own row-number column then has no row numbers (the view has no
    `_row`), enough to tell whether it has any problem, not where.
    Raises duckdb.Error when DuckDB's reader refuses the file; the caller then renumbers it.
    """
    columns = ([ROW] if source.numbered else []) + list(source.header)
    spec = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in columns) + "}"
    values = ", ".join(
        f'trim("{name}") AS "{name}"' if free_text(name) else f'"{name}"' for name in source.header
    )
    number = f"CAST({ROW} AS BIGINT) AS {ROW}, " if source.numbered else ""
    was = connection.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    connection.execute(f"SET preserve_insertion_order = {str(ordered).lower()}")
    try:
        # \x01 never occurs in a report: empty fields stay "" instead of becoming NULL. In
        # order, the table keeps the file's order: without a row-number column, its rowid
        # gives the row number.
        connection.execute(
            f"CREATE OR REPLACE TABLE staging AS SELECT {number}{values} "
            f"FROM read_csv({_literal(source.csv_path)}, header = false, skip = 1, "
            f"delim = {_literal(source.delimiter)}, quote = '\"', escape = '\"', "
            f"auto_detect = false, strict_mode = true, nullstr = '\x01', columns = {spec})"
        )
    finally:
        connection.execute(f"SET preserve_insertion_order = {bool(was and was[0])}")
    row = "" if source.numbered or not ordered else f"rowid + 2 AS {ROW}, "
    # Qualified, so that the view still finds its table while another database is the default.
    home = connection.execute("SELECT current_database()").fetchone()
    assert home is not None
    connection.execute(
        f"CREATE OR REPLACE VIEW {STAGING} AS SELECT {row}* FROM {home[0]}.main.staging"
    )


def trim(connection: duckdb.DuckDBPyConnection, names: Iterable[str]) -> None:
    """Trim every staged value of these columns (names that passed the header check)."""
    assignments = ", ".join(f'"{name}" = trim("{name}")' for name in names)
    if assignments:
        connection.execute(f"UPDATE staging SET {assignments}")


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def renumber(
    path: Path, delimiter: str, header: tuple[str, ...], target: Path
) -> tuple[Source, list[Malformed]]:
    """Rewrite a CSV file with row numbers, leaving out blank rows and rows of the wrong width."""
    width, malformed, number = len(header), [], 1
    with (
        path.open(encoding="utf-8-sig", newline="") as handle,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        writer = csv.writer(out)
        writer.writerow([ROW, *header])
        try:
            next(reader)
            for number, fields in enumerate(reader, start=2):
                if all(not field.strip() for field in fields):
                    continue  # a blank row, also ";;;;" as Excel writes formatted empty rows
                if len(fields) != width:
                    message = f"Raden har {len(fields)} fält men rubrikraden har {width}."
                    malformed.append(Malformed(number, message))
                    continue
                writer.writerow([number, *fields])
        except csv.Error as exc:
            message = f"Raden kan inte läsas som CSV ({exc}); kontrollera citattecknen."
            raise ReadError(message, number + 1) from None
    return Source(target, ",", header, numbered=True), malformed


def open_xlsx(
    path: Path, target: Path, progress: Progress | None = None
) -> tuple[Source, list[Malformed]]:
    """Write the first sheet of a workbook as a numbered CSV file in the contract's text form."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ReadError(f"Filen kan inte läsas som XLSX ({type(exc).__name__}).") from None
    try:
        sheet = book.worksheets[0]
        total = sheet.max_row or 0
        rows = sheet.iter_rows(values_only=True)
        # A sheet's rows reach as far right as any cell; empty header cells there are no columns.
        header = _named([xlsx_text(value) for value in next(rows, None) or ()])
        header = tuple(name for name in header if not name.startswith(FILLER))
        if not header:
            raise ReadError(EMPTY)
        types = [_TYPES.get(name) for name in header]
        malformed: list[Malformed] = []
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([ROW, *header])
            for number, values in enumerate(rows, start=2):
                texts = _xlsx_row(values, types)
                if len(texts) > len(types):
                    message = (
                        f"Raden har värden i {len(texts)} kolumner men rubriken har {len(types)}."
                    )
                    malformed.append(Malformed(number, message))
                elif any(texts):
                    writer.writerow([number, *texts])
                if progress is not None and number % 10_000 == 0:
                    progress(number, total)
    except ReadError:
        raise
    except Exception as exc:  # a damaged sheet fails while its rows are read
        raise ReadError(f"Filen kan inte läsas som XLSX ({type(exc).__name__}).") from None
    finally:
        book.close()
    return Source(target, ",", header, numbered=True), malformed


def _xlsx_row(values: tuple[object, ...], types: list[ColumnType | None]) -> list[str]:
    width = len(types)
    texts = [xlsx_text(value, kind) for value, kind in zip(values, types, strict=False)]
    extra = [xlsx_text(value) for value in values[width:]]
    while extra and extra[-1] == "":
        extra.pop()  # trailing empty cells are formatting, not data
    return texts + [""] * (width - len(texts)) + extra


def xlsx_text(value: object, column_type: ColumnType | None = None) -> str:
    """A cell's value in the contract's text form (dates ÅÅÅÅ-MM-DD, whole numbers bare)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        # A period typed as "2025-03" becomes a date in Excel; the contract wants ÅÅÅÅ-MM.
        return value.isoformat()[:7] if column_type is ColumnType.PERIOD else value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and abs(value - round(value)) < _INTEGRAL:
        value = round(value)
    if isinstance(value, int) and column_type in _CODE_WIDTH:
        return f"{value:0{_CODE_WIDTH[column_type]}d}"
    return str(value).strip()
