"""Small building blocks the pages compose: metric cards, ranked lists, tables, downloads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
import streamlit as st

from data_access.access import Actor, audited_export
from pantau.export import mark_suppressed, to_bytes
from pantau.formatting import format_number, format_share
from pantau.settings import get_settings

METRIC_LABELS = {
    "cases": "Violation cases",
    "rate_per_100k": "Cases per 100,000 voters",
    "compliance_rate": "Reporting compliance",
    "anomaly_flags": "Voter-list anomalies",
    "voters": "Voters (DPT)",
    "tps_without_ptps_share": "TPS without a supervisor",
}
# Voter-list anomaly rules as users read them (ids from pantau.anomalies), for pages and slides.
RULE_LABELS = {
    "stage_growth": "Unusual change between stages",
    "election_growth": "Unusual growth since the previous election",
    "voters_above_adults": "More voters than adults",
    "tps_over_limit": "TPS above 300 voters",
    "duplicate_nik": "Duplicate NIK",
    "likely_duplicate": "Likely duplicate voter",
    "nik_malformed": "Malformed NIK",
    "nik_unknown_district": "NIK from an unknown kecamatan",
    "nik_invalid_date": "Impossible birth date in the NIK",
    "birth_date_mismatch": "Birth date differs from the NIK",
    "nik_sex_mismatch": "Sex differs from the NIK",
    "underage": "Underage",
    "implausibly_old": "Implausibly old",
    "tps_overfull": "Overfull TPS in the voter data",
    "crowded_family_card": "Too many voters on one family card",
    "crowded_address": "Too many voters at one address",
}

SHARE_METRICS = {"compliance_rate", "tps_without_ptps_share"}
# Higher is better for these; for the others a higher value is the worse one.
HIGHER_IS_BETTER = {"compliance_rate", "voters"}


def format_metric(metric: str, value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    if metric in SHARE_METRICS:
        return format_share(value, lang)
    if metric == "rate_per_100k":
        return format_number(value, lang, 1)
    return format_number(value, lang)


def labelled(frame: pl.DataFrame, column: str, label: Callable[[Any], str]) -> pl.Expr:
    """Display text for a column's values, computed in plain Python over its distinct values.

    Never a Python callback inside a polars expression (``map_elements``): under concurrent
    sessions a callback waiting for the interpreter lock inside polars' thread pool met another
    session's ``to_pandas`` waiting for that pool, and the server deadlocked (docs/scaling.md)."""
    values = [v for v in frame[column].unique().to_list() if v is not None]
    return pl.col(column).replace_strict({v: label(v) for v in values}, default=None,
                                         return_dtype=pl.Utf8)


def ranked(frame: pl.DataFrame, metric: str, n: int = 5) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Best and worst ``n`` regions for a metric (regions without a value are left out)."""
    valued = frame.filter(pl.col(metric).is_not_null())
    descending = metric in HIGHER_IS_BETTER
    ordered = valued.sort([metric, "region_code"], descending=[descending, False])
    best = ordered.head(n)
    worst = valued.sort([metric, "region_code"], descending=[not descending, False]).head(n)
    return best, worst


def with_suppressed(frame: pl.DataFrame, columns: Sequence[str],
                    tr: Callable[..., str]) -> pl.DataFrame:
    """The table as shown and downloaded: in the rows the public mode suppressed (the frame's
    ``suppressed`` column, dropped here), ``columns`` say "suppressed" in the user's language —
    never zero, never an empty cell that a spreadsheet would add up as zero."""
    return mark_suppressed(frame, tr("suppressed"), columns=columns).drop("suppressed",
                                                                          strict=False)


def suppression_note(frame: pl.DataFrame, tr: Callable[..., str]) -> None:
    """Say why cells read "suppressed", when some do (data_access.privacy decides which)."""
    if "suppressed" in frame.columns and frame["suppressed"].fill_null(False).any():
        st.caption(tr("Public mode: counts from 1 to {k} in a kecamatan or desa are suppressed, "
                      "with all the counts of their row and one more region where a single "
                      "suppressed one could be worked out from the total, so that no person can "
                      "be singled out.", k=get_settings().suppression_k - 1))


def download_buttons(frame: pl.DataFrame, basename: str, tr: Callable[..., str],
                     key: str, on_click: Callable[[], None] | str = "rerun") -> None:
    """CSV and XLSX of exactly the frame on screen (formula-like text neutralised)."""
    c1, c2 = st.columns(2)
    c1.download_button(tr("Download CSV"), to_bytes(frame, "csv"), f"{basename}.csv",
                       "text/csv", key=f"{key}_csv", icon=":material/download:", on_click=on_click)
    c2.download_button(
        tr("Download XLSX"), to_bytes(frame, "xlsx"), f"{basename}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx", icon=":material/download:", on_click=on_click)


def detail_downloads(frame: pl.DataFrame, basename: str, tr: Callable[..., str], key: str, *,
                     actor: Actor, what: str, scope: str | None) -> None:
    """:func:`download_buttons` for case- or record-level rows: each click is written to the
    access log as an export (who, what, scope, how many rows); showing them was logged as a view."""
    download_buttons(frame, basename, tr, key,
                     on_click=lambda: audited_export(actor, what, scope, frame.height))
