"""Shared query plumbing: run a SQLAlchemy Core statement and return a polars frame.

Every query function in ``data_access`` builds a ``select()`` with bound parameters and hands it
here. Aggregation is always in the statement (GROUP BY pushed down to the engine); this module
only moves the already-small result into polars.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import codes, schema
from data_access.codes import Level
from data_access.engine import reader_engine


class InvalidQuery(ValueError):
    """A query argument outside its allow-list (unknown level, stage, region code …)."""


def engine_or_default(engine: Engine | None) -> Engine:
    return engine if engine is not None else reader_engine()


def fetch(stmt: sa.Select, engine: Engine | None, dtypes: dict[str, pl.DataType]) -> pl.DataFrame:
    """Execute ``stmt`` and return its rows with the given column types (kept when empty)."""
    with engine_or_default(engine).connect() as conn:
        result = conn.execute(stmt)
        names = list(result.keys())
        rows = result.fetchall()
    schema_ = {name: dtypes.get(name, pl.Utf8) for name in names}
    return pl.DataFrame(rows, schema=schema_, orient="row")


def check_level(level: str, allowed: tuple[str, ...] = codes.REGION_LEVELS) -> Level:
    if level not in allowed:
        raise InvalidQuery(f"unknown level {level!r}; expected one of {', '.join(allowed)}")
    return level  # type: ignore[return-value]


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidQuery(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
    return value


def check_scope(scope: str | None, level: Level) -> str | None:
    """Normalise a scope code and check it sits above ``level`` (None = the whole country)."""
    if scope is None:
        return None
    try:
        canonical = codes.normalize(scope)
    except codes.InvalidRegionCode as exc:
        raise InvalidQuery(str(exc)) from exc
    scope_level = codes.level_of(canonical)
    if codes.LEVELS.index(scope_level) >= codes.LEVELS.index(level):
        raise InvalidQuery(f"scope {canonical} ({scope_level}) is not above level {level}")
    return canonical


def in_scope(table: sa.Table, scope: str | None) -> sa.ColumnElement[bool]:
    """Rows of a fact table (with ancestry columns) inside ``scope``."""
    if scope is None:
        return sa.true()
    return table.c[f"{codes.level_of(scope)}_code"] == scope


def regions_at(level: Level, scope: str | None) -> sa.Select:
    """Code and name of every region at ``level`` inside ``scope``: the left side of a per-region
    aggregate, so regions without any row still appear (with zero or null)."""
    region = schema.region
    return sa.select(region.c.code.label("region_code"), region.c.name.label("region_name")).where(
        region.c.level == level, in_scope(region, scope)
    )
