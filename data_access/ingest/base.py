"""What every kind of file shares: its definition (:class:`Kind`), the load's context, and the
checks that compare rows with each other or with the store.

A kind declares its canonical columns (:class:`~data_access.ingest.fields.Field`), a ``check``
that returns the rows ready to load plus any problems it found, and a ``load`` that writes them.
Checks return problems as frames (row, column, value, reason) rather than raising, so one pass
reports every problem in the file, and ``--allow-partial`` can load the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access import schema
from data_access.ingest.errors import PROBLEM_SCHEMA, problems_frame
from data_access.ingest.fields import Field
from data_access.ingest.readers import ROW


@dataclass(frozen=True)
class Options:
    """Command-line choices that apply to the whole file."""

    election: str = "pemilu2024"
    stage: str | None = None  # voter-recap: the stage of a file without a stage column
    allow_partial: bool = False
    sheet: str | None = None


@dataclass
class Context:
    """One load in progress: the file, the options, the store connection inside the write."""

    path: Path
    options: Options
    conn: Connection | None = None
    notes: list[str] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)  # rows with a cell that did not parse
    total_row: pl.DataFrame | None = None  # a recognised trailing total row, parsed, not loaded
    numeric_columns: set[str] = field(default_factory=set)  # XLSX columns typed as numbers
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    on_abort: list[Callable[[], None]] = field(default_factory=list)

    def fetch(self, stmt: sa.Select) -> pl.DataFrame:
        """Run a select inside the load's transaction and return a polars frame. DuckDB hands
        over Arrow directly (a few hundred ms for millions of keys); elsewhere rows are fetched."""
        conn = self.conn
        assert conn is not None, "fetch needs the store connection"
        if conn.dialect.name == "duckdb":
            sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
            raw = conn.connection.driver_connection
            return pl.from_arrow(raw.sql(sql).to_arrow_table())
        types = {c.name: _polars_type(c.type) for c in stmt.selected_columns}
        return pl.DataFrame(conn.execute(stmt).fetchall(), schema=types, orient="row")


def _polars_type(column_type: sa.types.TypeEngine) -> pl.DataType:
    """The polars type of a column, so that an empty result keeps its types."""
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        return pl.Utf8()
    known = {int: pl.Int64(), bool: pl.Boolean(), float: pl.Float64(), dt.date: pl.Date(),
             dt.datetime: pl.Datetime()}
    return known.get(python_type, pl.Utf8())


@dataclass(frozen=True)
class Kind:
    """One kind of input file (``pantau ingest <kind>``)."""

    name: str
    summary: str
    fields: tuple[Field, ...]
    # None for a file that is not a table (boundaries: see data_access.ingest.boundaries).
    check: Callable[[Context, pl.DataFrame], tuple[pl.DataFrame, pl.DataFrame]] | None = None
    load: Callable[[Context, pl.DataFrame], int] | None = None
    table: sa.Table | None = None
    natural_key: tuple[str, ...] = ()
    defaults: Callable[[Options], dict[str, object]] = lambda _options: {}
    # Splits a trailing total row off the raw rows (before parsing: its code cell is blank).
    split_total: Callable[[pl.DataFrame], tuple[pl.DataFrame, pl.DataFrame | None]] | None = None


# ----------------------------------------------------------------------------------------------
# Checks shared by several kinds. Each returns a problems frame.
# ----------------------------------------------------------------------------------------------


def problems_where(frame: pl.DataFrame, condition: pl.Expr, column: str, reason: pl.Expr | str,
                   value: pl.Expr | None = None) -> pl.DataFrame:
    """A problem for every row of ``frame`` where ``condition`` holds."""
    reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
    value_expr = (pl.col(column) if value is None else value).cast(pl.Utf8)
    hits = frame.filter(condition)
    if hits.height == 0:
        return problems_frame()
    return hits.select(pl.col(ROW).alias("row"), pl.lit(column).alias("column"),
                       value_expr.alias("value"), reason_expr.alias("reason")
                       ).cast(PROBLEM_SCHEMA)  # type: ignore[arg-type]


def duplicates(frame: pl.DataFrame, key: Sequence[str], what: str | None = None) -> pl.DataFrame:
    """Every row whose key (all columns non-null) occurs more than once, naming the other rows:
    which of two rows with one key is right only the file's owner can say."""
    key = list(key)
    present = frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
    whole = pl.struct(key) if len(key) > 1 else pl.col(key[0])
    if present.select(whole.n_unique()).item() == present.height:
        return problems_frame()  # the usual case, found several times faster than by is_duplicated
    dupes = present.filter(whole.is_duplicated())
    if dupes.height == 0:
        return problems_frame()
    shown = 5  # other rows named per problem; a key repeated 10,000 times must stay readable
    groups = dupes.group_by(key).agg(pl.col(ROW).sort().head(shown + 1).alias("_rows"),
                                     pl.len().alias("_n"))
    dupes = dupes.join(groups, on=key, how="left")
    listed = []
    for row, rows, n in zip(dupes[ROW].to_list(), dupes["_rows"].to_list(), dupes["_n"].to_list(),
                            strict=True):
        others = [str(r) for r in rows if r != row][:shown]
        more = n - 1 - len(others)
        listed.append(", ".join(others) + (f" and {more:,} more" if more > 0 else ""))
    label = what or " + ".join(key)
    value = (pl.concat_str([pl.col(k).cast(pl.Utf8) for k in key], separator=" / ")
             if len(key) > 1 else pl.col(key[0]).cast(pl.Utf8))
    return dupes.with_columns(pl.Series("_others", listed, dtype=pl.Utf8)).select(
        pl.col(ROW).alias("row"), pl.lit(key[-1]).alias("column"), value.alias("value"),
        pl.format(f"duplicate {label}: also in row {{}}", pl.col("_others")).alias("reason"),
    ).cast(PROBLEM_SCHEMA)  # type: ignore[arg-type]


def unknown(frame: pl.DataFrame, column: str, known: pl.Series, reason: str) -> pl.DataFrame:
    """Rows whose ``column`` value is not among ``known`` (null values are not checked)."""
    values = frame.select(ROW, column)
    return problems_where(values, pl.col(column).is_not_null()
                          & ~pl.col(column).is_in(known.implode()), column, reason)


def region_codes(ctx: Context, levels: Sequence[str] | None = None) -> pl.Series:
    """Codes of the regions in the store (optionally only some levels)."""
    region = schema.region
    stmt = sa.select(region.c.code)
    if levels is not None:
        stmt = stmt.where(region.c.level.in_(list(levels)))
    return ctx.fetch(stmt)["code"]


def polling_station_codes(ctx: Context) -> pl.Series:
    return ctx.fetch(sa.select(schema.polling_station.c.code))["code"]


def with_ancestry(frame: pl.DataFrame, code: str, deepest: str = "village") -> pl.DataFrame:
    """Ancestor code columns (province … ``deepest``) of a dotted code column; a TPS code's
    ancestry stops at its desa."""
    widths = {"province": 2, "regency": 5, "district": 8, "village": 13}
    names = list(widths)[: list(widths).index(deepest) + 1]
    col = pl.col(code)
    return frame.with_columns(
        pl.when(col.str.len_chars() >= widths[n]).then(col.str.slice(0, widths[n]))
        .alias(f"{n}_code") for n in names)
