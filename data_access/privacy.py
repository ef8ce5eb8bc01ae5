"""Small-cell suppression for the public mode (UU 27/2022: no person may be singled out).

At fine levels (kecamatan, desa, TPS) a count between 1 and k−1 could point at a person: one
reported official, one flagged voter, one supervisor who did not file. This module is the ONE
implementation every query module uses, and it decides from the settings alone
(:func:`suppression_k`): a page, a command-line flag or a function argument cannot switch it off
in the public mode.

The rule works on whole rows, because the counts of a row are tied to each other (cases =
laporan + temuan, expected = filed + missing, a region's total = the sum of its stage cells):

* primary — a row with ANY sensitive count between 1 and k−1 has ALL its counts and the rates
  derived from them hidden. Query modules judge a row by the finest split the public can ask for
  (each source, status, category and stage of its cases; each body and stage of its reports;
  each rule and severity of its flags), so that no filter or breakdown can reveal a small part of
  a shown row and no filter can pick out a small part of a hidden one;
* complementary — the parent's total is published and so are the shown siblings, so within each
  sibling group (the children of one parent) where exactly one row is hidden, the smallest other
  non-zero row is hidden too (if none is non-zero, any other row). Each hidden count is then one
  of at least two unknowns whose sum alone is known. A group of one has nothing to hide behind;
  its row stays hidden.

Zeros are not sensitive. Hidden cells become null and the row's ``suppressed`` flag is true, so
screens and exports say "suppressed" and never show zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from data_access import codes
from pantau.settings import get_settings

FINE_LEVELS = ("district", "village", "polling_station")
FLAG = "suppressed"
_ROW, _GROUP, _PRIMARY = "__row", "__group", "__primary"


class ScopeSuppressed(LookupError):
    """Figures for a whole kecamatan, desa or TPS that public mode hides: its row is suppressed
    among its siblings (a headline of it would republish the hidden row), or, for a TPS, it is
    finer than anything the public dashboard publishes."""


def guard_scope(scope: str | None, row_hidden: Callable[[str, str, str], bool]) -> None:
    """Raise :class:`ScopeSuppressed` when ``scope`` may not be described on its own in public
    mode. ``row_hidden(level, parent, code)`` says whether ``code``'s row is suppressed in the
    table of its siblings under ``parent``."""
    if scope is None:
        return
    level = codes.level_of(scope)
    if level not in FINE_LEVELS or suppression_k(level) is None:
        return
    if level == "polling_station":
        raise ScopeSuppressed(f"{scope}: the public dashboard goes down to desa, not to a TPS")
    if row_hidden(level, codes.parent_of(scope), scope):
        raise ScopeSuppressed(f"{scope}: its counts are suppressed among its siblings")


def suppression_k(level: str) -> int | None:
    """k for counts about regions at ``level``, or None where nothing is hidden: the internal
    mode (``PANTAU_MODE=internal``), a level coarser than kecamatan, or k ≤ 1. Read from the
    settings on every call, never from a caller."""
    settings = get_settings()
    if settings.mode == "internal" or level not in FINE_LEVELS or settings.suppression_k <= 1:
        return None
    return settings.suppression_k


def parent_code(code: pl.Expr) -> pl.Expr:
    """The parent of a dotted region code ('' for a province: all provinces are siblings)."""
    return code.str.extract(r"^(.*)\.[^.]+$", 1).fill_null("")


def small(columns: Sequence[str], k: int) -> pl.Expr:
    """True where any of ``columns`` holds a count between 1 and k−1 (null counts as zero)."""
    if not columns:
        return pl.lit(False)
    return pl.any_horizontal([pl.col(c).fill_null(0).is_between(1, k - 1) for c in columns])


def sensitive_keys(cells: pl.DataFrame, key: str, counts: Sequence[str], k: int) -> pl.Series:
    """The distinct ``key`` values with at least one cell holding a small count: ``cells`` is a
    finer split of each row (one line per key and breakdown value), already aggregated."""
    if cells.height == 0:
        return pl.Series(key, [], dtype=cells.schema.get(key, pl.Utf8))
    return cells.filter(small(counts, k))[key].unique()


def suppress(frame: pl.DataFrame, columns: Sequence[str], k: int | None, *,
             group: str | pl.Expr | None = None, sensitive: Sequence[str] | None = None,
             primary: pl.Expr | None = None, size: str | None = None,
             derived: Sequence[str] = ()) -> pl.DataFrame:
    """Hide whole rows of ``frame`` and flag them in a ``suppressed`` column.

    ``columns`` are the counts hidden on a suppressed row, and ``derived`` the values computed
    from them (rates); ``sensitive`` the counts judged against k (default: ``columns``);
    ``primary`` an extra condition that hides a row whatever its counts (a finer split judged
    elsewhere, or rows another view already hides); ``group`` names the sibling group (a column
    or an expression; None: the whole frame is one group); ``size`` orders the candidates for
    the complementary row (default: the first of ``columns``). ``k`` None hides nothing.
    """
    if k is None or k <= 1 or frame.height == 0:
        return frame.with_columns(pl.lit(False).alias(FLAG))
    size_col = pl.col(size or columns[0]).fill_null(0)
    is_primary = small(list(sensitive if sensitive is not None else columns), k)
    if primary is not None:
        is_primary = is_primary | primary.fill_null(False)
    group_expr = pl.lit(0) if group is None else (pl.col(group) if isinstance(group, str)
                                                  else group)
    work = frame.with_row_index(_ROW).with_columns(is_primary.alias(_PRIMARY),
                                                   group_expr.alias(_GROUP))
    # The complement: among the group's rows not already hidden, the smallest non-zero one (a zero
    # only when nothing else is left), the first in row order among equals.
    candidate = ~pl.col(_PRIMARY)
    chosen = pl.col(_ROW).sort_by([~candidate, size_col <= 0, size_col, pl.col(_ROW)]).first()
    lone = pl.col(_PRIMARY).sum().over(_GROUP) == 1
    hidden = pl.col(_PRIMARY) | (lone & candidate & (pl.col(_ROW) == chosen.over(_GROUP)))
    work = work.with_columns(hidden.alias(FLAG))
    return work.with_columns(
        pl.when(pl.col(FLAG)).then(None).otherwise(pl.col(c)).alias(c)
        for c in (*columns, *derived)
    ).drop(_ROW, _PRIMARY, _GROUP)


def hidden_codes(frame: pl.DataFrame, code: str = "region_code") -> pl.Series:
    """The codes of the suppressed rows of a frame returned by :func:`suppress`."""
    return frame.filter(pl.col(FLAG))[code]
