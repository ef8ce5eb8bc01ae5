"""Exports of the aggregates the pages show, as open data (CSV, XLSX, JSON).

The same functions serve the command line (``pantau export``) and the dashboard's download
buttons, and each dataset is the very query its page draws, so a file and the screen always carry
the same numbers: one row per region (``region_code`` in the canonical dotted form,
``region_name``), for any store — the demo, a production store, or a fresh one holding a single
ingested file.

Text that a spreadsheet would run as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab or
carriage return: CSV injection, OWASP) is prefixed with an apostrophe in every export.

In public mode the kecamatan and desa counts that ``data_access`` suppressed (small cells and
their complements, :mod:`data_access.privacy`) are written as ``suppressed`` in the cell itself,
never as an empty cell a spreadsheet would add up as zero; the ``suppressed`` column says which
rows. The decision is the data layer's: no export option turns it off.

Which exports load back (``pantau ingest``): ``voter-list`` → ``voter-recap`` (same numbers, and
the export of the loaded store is identical). The others are aggregates of case- or report-level
data and cannot be turned back into cases or reports.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SUPPRESSED_MARKER = "suppressed"
DATASETS = ("violations", "compliance", "voter-list", "anomalies")
FORMATS = ("csv", "xlsx", "json")
COMPLIANCE_COLUMNS = ("region_code", "region_name", "expected", "filed", "on_time", "late",
                      "missing", "rate", "on_time_rate", "suppressed")


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that start like a formula with an apostrophe, as spreadsheets expect."""
    text_columns = [name for name, dtype in frame.schema.items()
                    if dtype == pl.Utf8 or isinstance(dtype, pl.Categorical | pl.Enum)]
    pattern = "^[" + "".join("\\" + p if p in "-+" else p for p in FORMULA_PREFIXES) + "]"
    return frame.with_columns(
        pl.when(pl.col(c).cast(pl.Utf8).str.contains(pattern))
        .then(pl.lit("'") + pl.col(c).cast(pl.Utf8)).otherwise(pl.col(c).cast(pl.Utf8)).alias(c)
        for c in text_columns
    )


def mark_suppressed(frame: pl.DataFrame, marker: str = SUPPRESSED_MARKER,
                    flag: str = "suppressed", columns: Sequence[str] | None = None
                    ) -> pl.DataFrame:
    """Write ``marker`` into the hidden cells of the rows flagged by the boolean column ``flag``.

    ``columns`` are the hidden ones (default: every numeric column with a null on a flagged
    row). They become text when a row is flagged, since a number column cannot say
    "suppressed"; a frame without flagged rows keeps its types."""
    if flag not in frame.columns or not frame[flag].fill_null(False).any():
        return frame
    flagged = pl.col(flag).fill_null(False)
    if columns is None:
        numeric = [name for name, dtype in frame.schema.items()
                   if dtype.is_numeric() and name != flag]
        nulls = frame.filter(flagged).select(pl.col(numeric).is_null().any())
        columns = [name for name in numeric if nulls[name][0]]
    return frame.with_columns(
        pl.when(flagged & pl.col(c).is_null()).then(pl.lit(marker))
        .otherwise(pl.col(c).cast(pl.Utf8)).alias(c)
        for c in columns
    )


def to_bytes(frame: pl.DataFrame, fmt: str) -> bytes:
    """Serialise a frame in one of the export formats: suppressed cells marked, formula-like
    text neutralised."""
    frame = neutralise_formulas(mark_suppressed(frame))
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


def dataset_frame(dataset: str, *, level: str, scope: str | None = None, stage: str | None = None,
                  election: str = "pemilu2024") -> pl.DataFrame:
    """One dataset's per-region aggregates, from the query its page shows.

    ``stage`` is a voter-list stage (DP4 … DPT, default DPT) for ``voter-list``, an election stage
    (campaign, voting, …; default all) for ``violations`` and ``compliance``, and not used by
    ``anomalies``. Violations, compliance and anomalies carry a ``suppressed`` column; in public
    mode their suppressed kecamatan and desa cells are null here (:func:`to_bytes` writes them as
    ``suppressed``).
    """
    if dataset == "voter-list":
        from data_access.voter_list import voters_by_region

        return voters_by_region(level, scope, stage or "DPT", election)
    if dataset == "violations":
        from data_access.violations import CaseFilter, violations_by_region

        return violations_by_region(level, scope, CaseFilter(election=election, stage=stage))
    if dataset == "compliance":
        from data_access.compliance import ComplianceFilter, region_compliance

        frame = region_compliance(level, scope, ComplianceFilter(election=election, stage=stage))
        return frame.select(COMPLIANCE_COLUMNS)
    if dataset == "anomalies":  # per region and rule; small counts suppressed in public mode
        from data_access.anomalies import anomaly_counts, record_flags

        if stage is not None:
            raise ValueError("anomalies are not split by stage: leave out --stage")
        if level == "record":  # internal use: refused in public mode (data_access.access)
            from data_access.access import operator

            return record_flags(scope, actor=operator(), action="export")
        return anomaly_counts(level, scope)
    raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}")


def export_dataset(dataset: str, *, level: str, scope: str | None = None, stage: str | None = None,
                   election: str = "pemilu2024", fmt: str = "csv",
                   output: Path | None = None) -> bytes:
    """Write (or return) one dataset's per-region aggregates."""
    if fmt == "xlsx" and output is None:
        raise ValueError("XLSX is binary: give --output FILE")
    frame = dataset_frame(dataset, level=level, scope=scope, stage=stage, election=election)
    payload = to_bytes(frame, fmt)
    if output is not None:
        output.write_bytes(payload)
    return payload
