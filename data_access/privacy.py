"""Small-cell suppression for public mode (UU 27/2022: no person may be singled out).

At fine levels (kecamatan, desa) a count between 1 and k−1 could point at a person — one
reported official, one voter flagged, one supervisor who did not file. Such a cell is suppressed
(primary suppression). Because the parent's total and the other siblings are published, a lone
suppressed cell could be recovered by subtraction, so within every sibling group with exactly one
suppressed cell the smallest other cell is suppressed too (complementary suppression). A group
of one region has nothing to hide behind: its value equals its parent's, which is published at
the coarser level anyway, so no finer detail is disclosed.
Suppressed cells become null with a ``<column>_suppressed`` flag, so screens and exports can say
"suppressed" and never show zero.
"""

from __future__ import annotations

import polars as pl

FINE_LEVELS = ("district", "village")


def suppress(frame: pl.DataFrame, columns: list[str], k: int, group: str | None = None
             ) -> pl.DataFrame:
    """Suppress small counts in ``columns``; ``group`` names the sibling-group column (None:
    the whole frame is one group, as for the children of one scope)."""
    if k <= 1 or frame.height == 0:
        return frame.with_columns(pl.lit(False).alias(f"{c}_suppressed") for c in columns)
    key = group or "__group"
    work = frame if group else frame.with_columns(pl.lit(0).alias(key))
    work = work.with_row_index("__row")
    for column in columns:
        value = pl.col(column)
        primary = (value > 0) & (value < k)
        work = work.with_columns(primary.fill_null(False).alias("__primary"))
        # The complement is the smallest other cell, preferring non-zero ones; a zero is taken
        # only when nothing else is left (then the hidden total is at least split in two).
        candidate = (~pl.col("__primary")) & value.is_not_null()
        work = work.with_columns(
            pl.when(candidate).then(pl.when(value > 0).then(value).otherwise(value + 2**40))
            .otherwise(None).alias("__candidate"))
        work = work.with_columns(
            pl.col("__primary").sum().over(key).alias("__n_primary"),
            (pl.col("__candidate") == pl.col("__candidate").min().over(key))
            .fill_null(False).alias("__is_min"),
        )
        # Only the first of equal minima is needed.
        work = work.with_columns(
            (pl.col("__is_min") & (pl.col("__row") == pl.col("__row").filter(pl.col("__is_min"))
                                   .min().over(key))).fill_null(False).alias("__complement"))
        hidden = pl.col("__primary") | ((pl.col("__n_primary") == 1) & pl.col("__complement"))
        work = work.with_columns(
            hidden.alias(f"{column}_suppressed"),
            pl.when(hidden).then(None).otherwise(value).alias(column),
        )
    helper = ["__row", "__primary", "__candidate", "__n_primary", "__is_min", "__complement"]
    return work.drop([*helper, *([] if group else [key])], strict=False)
