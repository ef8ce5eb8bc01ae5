"""What record and region detectors share: the flag schema, evidence JSON, ids and rendering.

The output matches the store's ``anomaly_flag`` table column for column (String → Utf8,
BigInteger → Int64) so the lead can load it without a mapping step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import polars as pl

from pantau.anomalies.explain import render

FLAG_SCHEMA: dict[str, pl.DataType] = {
    "flag_id": pl.Int64,
    "run_id": pl.Utf8,
    "rule_id": pl.Utf8,
    "severity": pl.Utf8,
    "subject_level": pl.Utf8,
    "region_code": pl.Utf8,
    "record_id": pl.Utf8,
    "record_key": pl.Utf8,
    "stage": pl.Utf8,
    "evidence": pl.Utf8,
    "explanation_id": pl.Utf8,
    "explanation_en": pl.Utf8,
    "province_code": pl.Utf8,
    "regency_code": pl.Utf8,
    "district_code": pl.Utf8,
    "village_code": pl.Utf8,
}

SEVERITIES = ("high", "medium", "low")


def empty_flags() -> pl.DataFrame:
    return pl.DataFrame(schema=FLAG_SCHEMA)


def evidence_json(fields: Mapping[str, pl.Expr]) -> pl.Expr:
    """A JSON object of numbers, e.g. ``{"count": 2}``; nulls become JSON null."""
    pieces: list[pl.Expr] = []
    for i, (key, expr) in enumerate(fields.items()):
        pieces.append(pl.lit(("{" if i == 0 else ", ") + f'"{key}": '))
        pieces.append(expr.cast(pl.Utf8).fill_null("null"))
    pieces.append(pl.lit("}"))
    return pl.concat_str(pieces)


def ancestry(code: pl.Expr) -> list[pl.Expr]:
    """Province … village code columns from a dotted code (TPS codes give their village)."""
    exprs = []
    for name, width in (("province", 2), ("regency", 5), ("district", 8), ("village", 13)):
        exprs.append(
            pl.when(code.str.len_chars() >= width).then(code.str.slice(0, width))
            .otherwise(None).alias(f"{name}_code")
        )
    return exprs


def dotted(expr: pl.Expr) -> pl.Expr:
    """Canonical dotted form of a dotted or undotted (KPU) region code up to the village."""
    digits = expr.cast(pl.Utf8).str.strip_chars().str.replace_all(".", "", literal=True)
    n = digits.str.len_chars()
    parts = [digits.str.slice(0, 2), digits.str.slice(2, 2), digits.str.slice(4, 2),
             digits.str.slice(6, 4), digits.str.slice(10, 3)]
    return (
        pl.when(n <= 2).then(digits)
        .when(n <= 4).then(pl.concat_str(parts[:2], separator="."))
        .when(n <= 6).then(pl.concat_str(parts[:3], separator="."))
        .when(n <= 10).then(pl.concat_str(parts[:4], separator="."))
        .otherwise(pl.concat_str(parts, separator="."))
    )


def flag_ids(keys: list[str]) -> list[int]:
    """Stable 63-bit ids from a flag's natural key, so reruns and separate detectors never clash."""
    out = []
    for key in keys:
        digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
        out.append(int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF)
    return out


def render_explanations(hits: pl.DataFrame, literals: Mapping[str, Mapping[str, pl.Expr]]
                        | None = None) -> pl.DataFrame:
    """Add explanation_id/_en, rendering each ``template`` group with its own columns.

    ``literals`` maps a language to placeholder values that are not columns (e.g. the
    election day written out).
    """
    literals = literals or {}
    parts = []
    for (key,), group in hits.group_by("template", maintain_order=True):
        parts.append(group.with_columns(
            explanation_id=render(key, "id", literals.get("id")),
            explanation_en=render(key, "en", literals.get("en")),
        ))
    if not parts:
        return hits.with_columns(explanation_id=pl.lit(None, pl.Utf8),
                                 explanation_en=pl.lit(None, pl.Utf8))
    return pl.concat(parts, how="vertical_relaxed")


def finish(frame: pl.DataFrame, run_id: str) -> pl.DataFrame:
    """Assign flag ids, fill ancestry and return exactly the anomaly_flag columns."""
    if frame.height == 0:
        return empty_flags()
    frame = frame.with_columns(ancestry(pl.col("ancestry_code")))
    natural = frame.select(pl.concat_str(
        [pl.lit(run_id), "rule_id", "subject_level", "region_code",
         pl.col("record_id").fill_null(""), pl.col("stage").fill_null(""),
         pl.col("id_extra").fill_null("") if "id_extra" in frame.columns else pl.lit("")],
        separator="|",
    )).to_series().to_list()
    frame = frame.with_columns(
        flag_id=pl.Series(flag_ids(natural), dtype=pl.Int64),
        run_id=pl.lit(run_id),
    )
    return frame.select([pl.col(c).cast(t) for c, t in FLAG_SCHEMA.items()])
