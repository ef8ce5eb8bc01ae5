"""Match a file's headers to a kind's canonical columns.

A header matches a column when, compared case-insensitively with underscores and runs of spaces
treated as one space, it equals the canonical English name or one of its Indonesian aliases
(``Jumlah Pemilih`` → ``voters_total``). A trailing note in brackets is ignored when the whole
header does not match (``Laki-laki (L)`` → ``laki-laki``). Headers that match nothing are
ignored and listed, so a file may carry extra columns (row numbers, remarks).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from data_access.ingest.errors import IngestError
from data_access.ingest.fields import Field

_BRACKETED = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")


def normalise_header(text: str) -> str:
    """Lower case, ``_`` and runs of whitespace as one space, no BOM or quote marks around."""
    text = text.replace("\ufeff", "").strip().strip("'\"").lower()
    return re.sub(r"[\s_]+", " ", text).strip()


def spellings(field: Field) -> set[str]:
    return {normalise_header(field.name), *(normalise_header(a) for a in field.aliases)}


def _candidates(header: str) -> list[str]:
    plain = normalise_header(header)
    stripped = _BRACKETED.sub("", plain).strip()
    return [plain] if stripped == plain or not stripped else [plain, stripped]


@dataclass(frozen=True)
class ColumnMatch:
    """Which file column (by position) feeds each canonical column, and what was ignored."""

    positions: dict[str, int]
    headers: dict[str, str]  # canonical name → the header as written in the file
    ignored: list[str]


def is_known(fields: Sequence[Field]) -> Callable[[str], bool]:
    """A predicate for the CSV separator sniffer: does a header name one of ``fields``?"""
    known = set().union(*(spellings(f) for f in fields))
    return lambda header: any(c in known for c in _candidates(header))


def match_columns(file_name: str, headers: Sequence[str], fields: Sequence[Field],
                  defaults: Sequence[str] = ()) -> ColumnMatch:
    """Map headers to fields. Missing required columns (other than those with a ``defaults``
    value from the command line) and two headers for one column are errors."""
    by_spelling: dict[str, Field] = {}
    for field in fields:
        for spelling in spellings(field):
            by_spelling[spelling] = field
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for position, header in enumerate(headers):
        field = next((by_spelling[c] for c in _candidates(header) if c in by_spelling), None)
        if field is None:
            if header.strip():
                ignored.append(header)
            continue
        if field.name in positions:
            raise IngestError(
                f"{file_name}: columns '{written[field.name]}' and '{header}' both mean "
                f"{field.name}; keep one of them")
        positions[field.name] = position
        written[field.name] = header
    missing = [f for f in fields if (f.required or f.needs_column) and f.name not in positions
               and f.name not in defaults]
    if missing:
        wanted = "; ".join(
            f"{f.name} (or: {', '.join(f.aliases)})" if f.aliases else f.name for f in missing)
        found = ", ".join(f"'{h}'" for h in headers if h.strip()) or "none"
        raise IngestError(f"{file_name}: required column(s) missing: {wanted}. "
                          f"Headers found: {found}. The header must be the first row.")
    return ColumnMatch(positions, written, ignored)
