"""Read a table as people really have it: CSV or XLSX, into a frame of text cells.

* CSV with ``,``, ``;``, tab or ``|`` between fields (chosen by which separator splits the header
  into the most known column names: data rows may hold decimal commas, the header does not),
  UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode text"), CRLF, LF or
  old-Mac CR line ends. Any other encoding is refused with the line and byte where it breaks:
  guessing cp1252 versus latin-1 silently corrupts names.
* XLSX (and legacy XLS) read with calamine through ``fastexcel``; the format is recognised by the
  file's first bytes, not its name. Number cells become plain digits, date cells ISO dates, so
  the parsers see one spelling per value.

Every cell is text (or null when empty); parsing into numbers, dates and codes — whitespace
around a value is ignored there — is the job of :mod:`data_access.ingest.fields`, which reports
row and column.
Rows are numbered as a spreadsheet shows them: the header is row 1. Blank rows are dropped.

polars' CSV reader does the heavy lifting (a 5-million-row file in about two seconds on two
cores); Python's ``csv`` module only reads the header and, when polars finds a row with too many
fields, locates those rows so that they can be reported and quarantined one by one.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from data_access.ingest.errors import IngestError, problems_frame

SEPARATORS = (",", ";", "\t", "|")
ROW = "_row"  # the spreadsheet row number column every frame in the ingest carries
FIRST_DATA_ROW = 2  # the header is row 1
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # legacy .xls
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DECODE_CHUNK = 8 << 20
_HEAD_BYTES = 1 << 16  # enough to see a BOM, NUL bytes, the line ends and the header
_UTF8_HINT = ("save it as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8; LibreOffice: "
              "character set Unicode (UTF-8))")


@dataclass
class RawTable:
    """A file's cells as text. Columns are positional (``c0``, ``c1``, …) because headers may
    repeat or be blank; ``headers`` holds the header text of each position."""

    frame: pl.DataFrame
    headers: list[str]
    source_format: str  # csv / xlsx
    separator: str | None = None
    numeric_columns: frozenset[int] = frozenset()  # XLSX columns typed as numbers in the sheet
    problems: pl.DataFrame = field(default_factory=problems_frame)
    blank_rows: int = 0


def column_name(position: int) -> str:
    return f"c{position}"


def read_table(path: Path, known: Callable[[str], bool] = lambda _: False,
               sheet: str | None = None) -> RawTable:
    """Read ``path`` (CSV or XLSX); ``known(header)`` tells whether a header names a column of
    the kind being loaded, which decides the CSV separator. Raises IngestError."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except IsADirectoryError as exc:
        raise IngestError(f"{path} is a folder, not a file") from exc
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    if not head.strip() and len(head) < _HEAD_BYTES:
        raise IngestError(f"{path.name}: the file is empty")
    if head.startswith((_ZIP, _OLE)):
        table = _read_workbook(path, path.read_bytes(), sheet)
    else:
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            raise IngestError(f"{path.name}: named like a workbook but is not an XLSX/XLS file "
                              "(is it damaged, or a CSV with the wrong name?)")
        table = _read_csv(path, head, known)
    return _tidy(table)


# ----------------------------------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------------------------------


def _text_bytes(path: Path, data: bytes) -> bytes:
    """UTF-8 bytes without BOM, or IngestError saying where the encoding breaks."""
    if not data.strip():
        raise IngestError(f"{path.name}: the file is empty")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    elif data.startswith(_UTF16_BOMS):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise IngestError(f"{path.name}: starts like UTF-16 text but is not valid UTF-16 "
                              f"(byte {exc.start}); {_UTF8_HINT}") from exc
    if b"\x00" in data[:65536]:
        raise IngestError(f"{path.name}: contains NUL bytes, so it is not CSV text (a binary "
                          f"file, or UTF-16 without a byte-order mark); {_UTF8_HINT}")
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, len(data), _DECODE_CHUNK):
        chunk = data[start:start + _DECODE_CHUNK]
        try:
            decoder.decode(chunk, final=start + _DECODE_CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            offset = max(start + exc.start, 0)
            line = data.count(b"\n", 0, offset) + 1
            raise IngestError(
                f"{path.name}: line {line} is not UTF-8 text (byte 0x{data[offset]:02x} at "
                f"offset {offset:,}); {_UTF8_HINT}") from exc
    if b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")  # classic Mac line ends
    return data


def _header_fields(first_line: str, separator: str) -> list[str]:
    try:
        return next(csv.reader([first_line], delimiter=separator), [])
    except csv.Error:
        return first_line.split(separator)


def sniff_separator(first_line: str, known: Callable[[str], bool]) -> str:
    """The separator that splits the header into the most known names (then: the most fields)."""
    scores = []
    for separator in SEPARATORS:
        fields = _header_fields(first_line, separator)
        scores.append((sum(1 for f in fields if known(f)), len(fields), separator))
    best = max(scores, key=lambda s: (s[0], s[1]))
    return best[2] if best[1] > 1 or best[0] > 0 else ","


def _read_csv(path: Path, head: bytes, known: Callable[[str], bool]) -> RawTable:
    """The common file (UTF-8, with or without BOM, LF or CRLF) goes straight from disk to polars,
    which memory-maps it and parses on every core; anything else is decoded in Python first."""
    plain = (not head.startswith(_UTF16_BOMS) and b"\x00" not in head
             and (b"\n" in head or b"\r" not in head))
    data: bytes | None = None
    if not plain:
        data = _text_bytes(path, path.read_bytes())
        head = data[:_HEAD_BYTES]
    end = head.find(b"\n")
    first = head[: end if end >= 0 else len(head)]
    first_line = first.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r")
    separator = sniff_separator(first_line, known)
    headers = _header_fields(first_line, separator)
    problems = problems_frame()
    source: Path | bytes = path if data is None else data
    try:
        frame = _polars_csv(source, separator, ragged=False)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower() and data is None:
            _text_bytes(path, path.read_bytes())  # raises with the line and byte
        if "more fields" not in str(exc):
            raise _csv_error(path, exc) from exc
        data = data if data is not None else _text_bytes(path, path.read_bytes())
        try:
            frame = _polars_csv(data, separator, ragged=True)
            problems = _ragged_rows(data, separator, len(frame.columns))
        except Exception as again:  # any reader failure is a property of the file
            raise _csv_error(path, again) from again
    except Exception as exc:  # any reader failure is a property of the file
        raise _csv_error(path, exc) from exc
    if len(headers) != len(frame.columns):
        headers = list(frame.columns)  # a header with a quoted line break: trust polars
    frame = frame.rename({old: column_name(i) for i, old in enumerate(frame.columns)})
    return RawTable(frame, [h.strip() for h in headers], "csv", separator, problems=problems)


def _polars_csv(data: Path | bytes, separator: str, *, ragged: bool) -> pl.DataFrame:
    return pl.read_csv(data, separator=separator, has_header=True, infer_schema=False,
                       quote_char='"', raise_if_empty=False, truncate_ragged_lines=ragged)


def _csv_error(path: Path, exc: Exception) -> IngestError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "escaped" in str(exc) or "quote" in str(exc).lower():
        reason = "a quoted field is not closed (a stray \" character, or a truncated file)"
    return IngestError(f"{path.name}: cannot be read as CSV: {reason}")


def _ragged_rows(data: bytes, separator: str, width: int) -> pl.DataFrame:
    """Rows with more fields than the header, found with the csv module (slow, error path only).
    polars and the csv module split records the same way (RFC 4180 quoting)."""
    rows = []
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=separator)
    next(reader, None)
    for index, record in enumerate(reader):
        if len(record) > width:
            rows.append({"row": index + FIRST_DATA_ROW, "column": None, "value": None,
                         "reason": f"the row has {len(record)} fields, the header {width}"})
    return problems_frame(rows)


# ----------------------------------------------------------------------------------------------
# XLSX / XLS
# ----------------------------------------------------------------------------------------------


def _read_workbook(path: Path, data: bytes, sheet: str | None) -> RawTable:
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        names = list(reader.sheet_names)
        if sheet is not None and sheet not in names:
            raise IngestError(f"{path.name}: no sheet named '{sheet}' (sheets: {', '.join(names)})")
        if not names:
            raise IngestError(f"{path.name}: the workbook has no sheet")
        loaded = reader.load_sheet(sheet if sheet is not None else 0, header_row=0,
                                   schema_sample_rows=None, dtype_coercion="coerce")
        frame = loaded.to_polars()
    except IngestError:
        raise
    except Exception as exc:  # calamine: a property of the file
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IngestError(f"{path.name}: cannot be read as a workbook: {reason}") from exc
    headers = ["" if c.startswith("__UNNAMED__") else c.strip() for c in frame.columns]
    numeric = frozenset(i for i, dtype in enumerate(frame.dtypes) if dtype.is_numeric())
    frame = frame.select(_cell_text(pl.col(c), dtype).alias(column_name(i))
                         for i, (c, dtype) in enumerate(frame.schema.items()))
    return RawTable(frame, headers, "xlsx", numeric_columns=numeric)


def _cell_text(cell: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """One spelling per value: whole numbers as digits (a code typed as a number, 6409032001.0,
    becomes 6409032001), other numbers with a decimal comma, dates as YYYY-MM-DD."""
    if dtype.is_float():
        whole = cell.is_finite() & (cell == cell.round()) & (cell.abs() < 2**63)
        return (pl.when(whole).then(cell.cast(pl.Int64, strict=False).cast(pl.Utf8))
                .when(cell.is_finite()).then(cell.cast(pl.Utf8).str.replace(".", ",", literal=True)))
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        midnight = (cell.dt.hour() == 0) & (cell.dt.minute() == 0) & (cell.dt.second() == 0)
        return (pl.when(midnight).then(cell.dt.strftime("%Y-%m-%d"))
                .otherwise(cell.dt.strftime("%Y-%m-%d %H:%M:%S")))
    if dtype == pl.Date:
        return cell.dt.strftime("%Y-%m-%d")
    return cell.cast(pl.Utf8, strict=False)


# ----------------------------------------------------------------------------------------------


def _tidy(table: RawTable) -> RawTable:
    """Number the rows and drop blank ones. Cells are not stripped here: the parsers strip what
    they read (most cells need no stripping, and at millions of rows a copy of every string
    costs seconds)."""
    frame = table.frame
    frame = frame.select(
        pl.int_range(FIRST_DATA_ROW, pl.len() + FIRST_DATA_ROW, dtype=pl.Int64).alias(ROW),
        *frame.columns)
    cells = [c for c in frame.columns if c != ROW]
    # A column without an empty cell means no blank row (null counts are kept with the columns,
    # so this costs nothing; the row-wise test takes a quarter of a second at 5M rows).
    if cells and all(frame[c].null_count() > 0 for c in cells):
        blank = pl.all_horizontal(pl.col(c).is_null() for c in cells)
        keep = frame.select(~blank).to_series()
        if not keep.all():
            table.blank_rows = int((~keep).sum())
            frame = frame.filter(keep)
    table.frame = frame
    return table
