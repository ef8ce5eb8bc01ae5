"""Exports of the aggregates the pages show, as open data (CSV, XLSX, JSON).

The same function serves the command line and the dashboard's download buttons, so a file and
the screen always carry the same numbers. Text that a spreadsheet would run as a formula is
neutralised in every export (CSV injection, OWASP).
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that start like a formula with an apostrophe, as spreadsheets expect."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    pattern = "^[" + "".join("\\" + p if p in "-+" else p for p in FORMULA_PREFIXES) + "]"
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(pattern)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c))
        .alias(c)
        for c in text_columns
    )


def to_bytes(frame: pl.DataFrame, fmt: str) -> bytes:
    """Serialise a frame (already neutralised) in one of the export formats."""
    frame = neutralise_formulas(frame)
    buffer = io.BytesIO()
    if fmt == "csv":
        frame.write_csv(buffer)
    elif fmt == "json":
        frame.write_json(buffer)
    elif fmt == "xlsx":
        frame.write_excel(buffer, autofit=True)
    else:
        raise ValueError(f"unknown export format {fmt!r}; expected csv, xlsx or json")
    return buffer.getvalue()


def dataset_frame(dataset: str, *, level: str, scope: str | None, stage: str) -> pl.DataFrame:
    if dataset == "voter-list":
        from data_access.voter_list import voters_by_region

        return voters_by_region(level, scope, stage)
    raise ValueError(f"unknown dataset {dataset!r}")


def export_dataset(dataset: str, *, level: str, scope: str | None = None, stage: str = "DPT",
                   fmt: str = "csv", output: Path | None = None) -> bytes:
    """Write (or return) one dataset's per-region aggregates."""
    if fmt == "xlsx" and output is None:
        raise ValueError("XLSX is binary: give --output FILE")
    payload = to_bytes(dataset_frame(dataset, level=level, scope=scope, stage=stage), fmt)
    if output is not None:
        output.write_bytes(payload)
    return payload
