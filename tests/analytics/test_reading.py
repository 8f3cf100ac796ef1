"""Reading reports: delimiters, BOM, blank lines, row numbers, XLSX cells, broken files."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from samvard.analytics.contracts import ColumnType
from samvard.analytics.reading import (
    NOT_UTF8,
    Faults,
    ReadError,
    Source,
    faults,
    fingerprint,
    is_xlsx,
    open_xlsx,
    read_header,
    renumber,
    save_upload,
    sniff_delimiter,
    stage,
    xlsx_text,
)


def staged_rows(source: Source) -> list[tuple[object, ...]]:
    connection = duckdb.connect()
    stage(connection, source)
    return connection.execute("SELECT * FROM staged ORDER BY _row").fetchall()


def test_delimiter_is_the_one_the_header_uses_outside_quotes() -> None:
    assert sniff_delimiter("a;b;c\n") == ";"
    assert sniff_delimiter("a,b,c\n") == ","
    assert sniff_delimiter('"x;y;z",b,c\n') == ","


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_header_is_read_with_or_without_bom(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(bom + b"period; kommun ;kon;;\n2025-03;0180;K;;\n")
    assert read_header(path) == (";", ("period", "kommun", "kon", "_tom_0", "_tom_1"))


def test_an_empty_file_or_a_header_that_is_not_utf8_cannot_be_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ReadError):
        read_header(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("kön\n".encode("latin-1"))
    with pytest.raises(ReadError, match="UTF-8"):
        read_header(latin)
    assert NOT_UTF8.startswith("Filen är inte UTF-8")


def test_fingerprint_is_the_sha256_and_size(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    data = b"a,b\n1,2\n\n3,4\n"
    path.write_bytes(data)
    found = fingerprint(path)
    assert (found.sha256, found.size) == (hashlib.sha256(data).hexdigest(), len(data))


def test_faults_are_blank_lines_and_the_first_line_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"a,b\n1,2\n\n3,4\n")
    assert faults(path) == Faults(blank_lines=True, not_utf8_line=None)
    path.write_bytes(b"a,b\r\n1,2\r\n3,\xe5\r\n")
    assert faults(path) == Faults(blank_lines=False, not_utf8_line=3)
    path.write_bytes(b"a,b\r\n1,2\r\n\r\n3,\xc3")  # cut off inside a character at the end
    assert faults(path) == Faults(blank_lines=True, not_utf8_line=4)


@pytest.mark.parametrize("line", [b"3,\xe5x", b'"\xc5",4', b'5,"6\xff"', b"\xe5,"])
def test_duckdb_refuses_bytes_that_are_not_utf8_wherever_they_are(
    tmp_path: Path, line: bytes
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"a,b\n1,2\n" + line + b"\n")
    with pytest.raises(duckdb.Error):
        staged_rows(Source(path, ",", ("a", "b"), numbered=False))


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_duckdb_skips_blank_lines_and_only_their_row_numbers_differ(
    tmp_path: Path, newline: bytes
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(newline.join([b"a,b", b"1,2", b"", b"3,4", b"", b"5,6", b""]))
    assert staged_rows(Source(path, ",", ("a", "b"), numbered=False)) == [
        (2, "1", "2"),
        (3, "3", "4"),
        (4, "5", "6"),
    ]
    source, malformed = renumber(path, ",", ("a", "b"), tmp_path / "n.csv")
    assert malformed == []
    assert staged_rows(source) == [(2, "1", "2"), (4, "3", "4"), (6, "5", "6")]


def test_the_fast_path_numbers_rows_as_a_spreadsheet_and_trims_values(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('a;b\n x ;"y;1"\n"multi\nline";\n', encoding="utf-8")
    rows = staged_rows(Source(path, ";", ("a", "b"), numbered=False))
    assert rows == [(2, "x", "y;1"), (3, "multi\nline", "")]


def test_rows_staged_in_any_order_have_no_row_numbers_unless_the_file_has_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    connection = duckdb.connect()
    stage(connection, Source(path, ",", ("a", "b"), numbered=False), ordered=False)
    assert connection.execute("SELECT * FROM staged ORDER BY a").fetchall() == [
        ("1", "2"),
        ("3", "4"),
    ]
    with pytest.raises(duckdb.BinderException):
        connection.execute("SELECT _row FROM staged")
    source, _ = renumber(path, ",", ("a", "b"), tmp_path / "n.csv")
    stage(connection, source, ordered=False)
    assert connection.execute("SELECT * FROM staged ORDER BY _row").fetchall() == [
        (2, "1", "2"),
        (3, "3", "4"),
    ]
    assert connection.execute("SELECT current_setting('preserve_insertion_order')").fetchone() == (
        True,
    )


def test_renumbering_skips_blank_rows_and_reports_rows_of_the_wrong_width(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2\n\n,\n3\n4,5,6\n7,8\n", encoding="utf-8")
    source, malformed = renumber(path, ",", ("a", "b"), tmp_path / "n.csv")
    assert [(m.row, m.message_sv) for m in malformed] == [
        (5, "Raden har 1 fält men rubrikraden har 2."),
        (6, "Raden har 3 fält men rubrikraden har 2."),
    ]
    assert staged_rows(source) == [(2, "1", "2"), (7, "7", "8")]


def test_duckdb_refuses_a_wrong_width_which_renumbering_then_reports(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(duckdb.Error):
        staged_rows(Source(path, ",", ("a", "b"), numbered=False))


def test_a_broken_quote_is_a_read_error_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('a,b\n1,2\n"3,4\n', encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        renumber(path, ",", ("a", "b"), tmp_path / "n.csv")
    assert caught.value.row == 3


def test_xlsx_cells_become_the_contracts_text() -> None:
    assert xlsx_text(None) == ""
    assert xlsx_text(datetime(2025, 3, 4, 0, 0)) == "2025-03-04"
    assert xlsx_text(date(2025, 3, 1), ColumnType.PERIOD) == "2025-03"
    assert xlsx_text(34.0) == "34"
    assert xlsx_text(2.5) == "2.5"
    assert xlsx_text(180, ColumnType.MUNICIPALITY) == "0180"
    assert xlsx_text(1, ColumnType.REGION) == "01"
    assert xlsx_text(True) == "1"
    assert xlsx_text(" K ") == "K"


def test_an_xlsx_sheet_is_numbered_skipping_empty_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["period", "kommun", "inskrivna"])
    sheet.append([date(2025, 3, 1), 180, 12])
    sheet.append([None, None, None])
    sheet.append(["2025-03", "0114", "..", "stray"])
    book.save(tmp_path / "r.xlsx")
    source, malformed = open_xlsx(tmp_path / "r.xlsx", tmp_path / "n.csv")
    assert source.header == ("period", "kommun", "inskrivna")
    assert [m.row for m in malformed] == [4]
    assert staged_rows(source) == [(2, "2025-03", "0180", "12")]


def test_a_broken_workbook_is_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip file")
    assert is_xlsx(path)
    with pytest.raises(ReadError, match="XLSX"):
        open_xlsx(path, tmp_path / "n.csv")


def test_an_xlsx_is_known_by_its_zip_signature_whatever_its_name(tmp_path: Path) -> None:
    path = save_upload(io.BytesIO(b"PK\x03\x04rest"), tmp_path / "upload.csv")
    assert is_xlsx(path)
    assert not is_xlsx(save_upload(io.BytesIO(b"a,b\n"), tmp_path / "upload2.csv"))
