"""What can go wrong in a load, said so that the person holding the file can fix it.

Two kinds of failure, for two reasons:

* :class:`IngestError`: the file as a whole cannot be used (not readable as CSV or XLSX, not
  UTF-8, a required column missing, voter records from two provinces). Nothing is written.
* :class:`IngestRejected`: the file was read, but rows failed validation and the load is
  all-or-nothing. Every problem names its row, column, value and reason (a :data:`PROBLEMS`
  frame); the failed rows are in the quarantine file beside the input.

Voter records are personal data (UU 27/2022): their values never appear in a message, only a
mask (:func:`mask`) — a NIK ``6409012345678901`` shows as ``64090*********01``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

# One row per problem. ``row`` is the spreadsheet row number (the header is row 1) and is null
# for a problem with the file as a whole; ``column`` is the canonical column name.
PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(), "column": pl.Utf8(), "value": pl.Utf8(), "reason": pl.Utf8(),
}
MAX_SHOWN_VALUE = 60  # characters of a value quoted in a message: enough to recognise it


class IngestError(ValueError):
    """The file cannot be loaded at all; the message says why and what to do."""


def problems_frame(rows: Sequence[dict[str, object]] = ()) -> pl.DataFrame:
    """A frame of problems (possibly empty) in :data:`PROBLEM_SCHEMA`."""
    return pl.DataFrame(list(rows), schema=PROBLEM_SCHEMA, orient="row")


def mask(value: str | None, style: str = "full") -> str:
    """Hide personal data in messages. ``digits`` keeps the first five and last two characters of
    a long number (enough for the holder to find the row, too little to identify anyone);
    ``full`` shows only that a value was there."""
    if value is None:
        return ""
    text = str(value)
    if style == "digits" and len(text) >= 10:
        return text[:5] + "*" * (len(text) - 7) + text[-2:]
    return "***" if text else ""


def shown(value: object) -> str:
    """A value quoted in a message: shortened, control characters made visible."""
    text = "" if value is None else str(value)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"


def describe(file_name: str, problem: dict[str, object], headers: dict[str, str]) -> str:
    """One problem as one line: file, row, column (and its header in the file), value, reason."""
    where = f"{file_name}"
    if problem.get("row") is not None:
        where += f", row {problem['row']}"
    column = problem.get("column")
    if column:
        header = headers.get(str(column))
        where += f", column {column}" + (f" ('{header}')" if header and header != column else "")
    value = problem.get("value")
    said = f": value '{value}'" if value not in (None, "") else ""
    return f"{where}{said}: {problem['reason']}"


@dataclass
class IngestResult:
    """What one load did (also what the audit row and the log beside the input record)."""

    kind: str
    path: Path
    sha256: str
    status: str  # loaded / partial / rejected
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    problems: pl.DataFrame = field(default_factory=problems_frame)
    messages: list[str] = field(default_factory=list)
    quarantine: Path | None = None
    notes: list[str] = field(default_factory=list)
    audit_id: int | None = None


class IngestRejected(IngestError):
    """Rows failed validation and nothing was written; ``result`` holds every problem."""

    def __init__(self, result: IngestResult) -> None:
        self.result = result
        shown_lines = result.messages[:1]
        more = len(result.messages) - len(shown_lines)
        text = f"{result.path.name}: rejected, nothing loaded"
        if shown_lines:
            text += f" ({shown_lines[0]}" + (f"; and {more:,} more problem(s)" if more else "") + ")"
        super().__init__(text)
