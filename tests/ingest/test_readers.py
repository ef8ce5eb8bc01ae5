"""Reading CSV and XLSX as people have them: separators, encodings, line ends, workbooks, and the
clean errors for files that are not tables. Expected cells are written out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from data_access.ingest.columns import is_known
from data_access.ingest.errors import IngestError
from data_access.ingest.readers import ROW, read_table, sniff_separator
from data_access.ingest.voter_recap import FIELDS
from tests.ingest.helpers import write

KNOWN = is_known(FIELDS)
TEXT = "kode,nama wilayah,total\n6409,PENAJAM PASER UTARA,1.234\n64.01,PASER,99\n"


def cells(path: Path) -> list[list[str | None]]:
    table = read_table(path, KNOWN)
    return [list(row[1:]) for row in table.frame.iter_rows()]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_separators_bom_and_line_ends_read_the_same(tmp_path, separator, bom, newline):
    path = write(tmp_path, "f.csv", TEXT.replace(",", separator), bom=bom, newline=newline)
    table = read_table(path, KNOWN)
    assert table.headers == ["kode", "nama wilayah", "total"]
    assert table.separator == separator
    assert cells(path) == [["6409", "PENAJAM PASER UTARA", "1.234"], ["64.01", "PASER", "99"]]
    assert table.frame[ROW].to_list() == [2, 3]


def test_separator_is_chosen_by_known_headers_not_by_count():
    # The header has more commas than semicolons inside its names, but splits into known names
    # only on the semicolon.
    assert sniff_separator("kode;nama, singkat;jumlah pemilih", KNOWN) == ";"
    assert sniff_separator("kode,total", KNOWN) == ","


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(TEXT.replace(",", "\t").encode("utf-16"))
    assert cells(path)[1] == ["64.01", "PASER", "99"]


def test_latin1_is_refused_with_the_line(tmp_path):
    path = write(tmp_path, "latin.csv", "kode,nama wilayah,total\n64,CAFÉ,1\n", encoding="latin-1")
    with pytest.raises(IngestError, match=r"line 2 is not UTF-8 text \(byte 0xc9"):
        read_table(path, KNOWN)


def test_binary_and_empty_files_are_refused(tmp_path):
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"kode,total\n\x00\x01\x02")
    with pytest.raises(IngestError, match="NUL bytes"):
        read_table(binary, KNOWN)
    empty = write(tmp_path, "e.csv", "  \n")
    with pytest.raises(IngestError, match="the file is empty"):
        read_table(empty, KNOWN)


def test_unclosed_quote_is_a_clean_error(tmp_path):
    path = write(tmp_path, "q.csv", 'kode,nama wilayah,total\n64,"KALTIM,1\n65,KALTARA,2\n')
    with pytest.raises(IngestError, match="quoted field is not closed"):
        read_table(path, KNOWN)


def test_quoted_fields_keep_separators_and_line_breaks(tmp_path):
    path = write(tmp_path, "q.csv", 'kode,nama wilayah,total\n64,"KALIMANTAN, TIMUR\nBARU",1\n'
                                   '65,KALTARA,2\n')
    assert cells(path) == [["64", "KALIMANTAN, TIMUR\nBARU", "1"], ["65", "KALTARA", "2"]]
    # Row numbers count records, as a spreadsheet shows them.
    assert read_table(path, KNOWN).frame[ROW].to_list() == [2, 3]


def test_rows_with_too_many_fields_become_row_problems(tmp_path):
    path = write(tmp_path, "r.csv", "kode,nama wilayah,total\n64,A,1\n65,B,2,EXTRA\n66,C,3\n")
    table = read_table(path, KNOWN)
    assert table.problems.to_dicts() == [
        {"row": 3, "column": None, "value": None, "reason": "the row has 4 fields, the header 3"}]
    assert table.frame.height == 3


def test_blank_rows_are_dropped_and_rows_keep_their_numbers(tmp_path):
    path = write(tmp_path, "b.csv", "kode,nama wilayah,total\n64,A,1\n,,\n\n65,B,2\n")
    table = read_table(path, KNOWN)
    assert table.frame[ROW].to_list() == [2, 5]
    assert table.blank_rows == 2


def test_xlsx_numbers_dates_and_blank_headers(tmp_path):
    path = tmp_path / "rekap.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("DPT")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["Kode", "Total", "Tanggal", "", "Rasio"])
    sheet.write_number(1, 0, 6409032001)
    sheet.write_number(1, 1, 1234567)
    sheet.write_datetime(1, 2, dt.datetime(2024, 2, 14), date_format)
    sheet.write_string(1, 3, "catatan")
    sheet.write_number(1, 4, 12.5)
    sheet.write_string(2, 0, "64.09")
    sheet.write_string(2, 1, "2.000")
    book.close()
    table = read_table(path, KNOWN)
    assert table.source_format == "xlsx"
    assert table.headers == ["Kode", "Total", "Tanggal", "", "Rasio"]
    assert cells(path) == [["6409032001", "1234567", "2024-02-14", "catatan", "12,5"],
                           ["64.09", "2.000", None, None, None]]
    assert table.numeric_columns == frozenset({4})  # only the all-number column keeps its type


def test_workbook_sheet_choice_and_damaged_workbooks(tmp_path):
    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Catatan").write_row(0, 0, ["bukan data"])
    book.add_worksheet("Rekap").write_row(0, 0, ["kode", "total"])
    book.get_worksheet_by_name("Rekap").write_row(1, 0, ["64", "5"])
    book.close()
    assert read_table(path, KNOWN, sheet="Rekap").frame.height == 1
    with pytest.raises(IngestError, match=r"no sheet named 'DPT' \(sheets: Catatan, Rekap\)"):
        read_table(path, KNOWN, sheet="DPT")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(path.read_bytes()[:200])
    with pytest.raises(IngestError, match="cannot be read as a workbook"):
        read_table(broken, KNOWN)
    fake = write(tmp_path, "fake.xlsx", "kode,total\n64,1\n")
    with pytest.raises(IngestError, match="not an XLSX/XLS file"):
        read_table(fake, KNOWN)
