"""The region hierarchy as stored: lookups for breadcrumbs, pickers and validation."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import codes, schema
from data_access.query import InvalidQuery, check_level, check_scope, fetch, in_scope, regions_at

_REGION_DTYPES = {"region_code": pl.Utf8, "region_name": pl.Utf8}


def children(scope: str | None, *, engine: Engine | None = None) -> pl.DataFrame:
    """The regions one level below ``scope`` (provinces for the whole country), by code."""
    level = codes.child_level(None if scope is None else codes.level_of(scope))
    return regions(level, scope, engine=engine)


def regions(level: str, scope: str | None = None, *, engine: Engine | None = None) -> pl.DataFrame:
    """Every region at ``level`` inside ``scope``: region_code, region_name."""
    level = check_level(level)
    scope = check_scope(scope, level)
    return fetch(regions_at(level, scope).order_by("region_code"), engine, _REGION_DTYPES)


def lookup(code: str, *, engine: Engine | None = None) -> dict[str, str] | None:
    """One region's code, level, name and parent; None when the code is not in the store."""
    try:
        canonical = codes.normalize(code)
    except codes.InvalidRegionCode:
        return None
    region = schema.region
    frame = fetch(
        sa.select(region.c.code, region.c.level, region.c.name, region.c.parent_code)
        .where(region.c.code == sa.bindparam("code", canonical)),
        engine, {},
    )
    return frame.row(0, named=True) if frame.height else None


def breadcrumb(code: str | None, *, engine: Engine | None = None) -> list[dict[str, str]]:
    """The chain Indonesia → … → ``code`` as stored (code, level, name), root first."""
    if code is None:
        return []
    canonical = codes.normalize(code)
    chain = [canonical]
    while (parent := codes.parent_of(chain[-1])) is not None:
        chain.append(parent)
    region = schema.region
    frame = fetch(
        sa.select(region.c.code, region.c.level, region.c.name).where(region.c.code.in_(chain)),
        engine, {},
    )
    if frame.height != len(chain):
        raise InvalidQuery(f"region {canonical} is not in the store")
    return frame.sort(pl.col("code").str.len_chars()).to_dicts()


def counts_by_level(*, engine: Engine | None = None) -> dict[str, int]:
    """How many regions of each level the store holds (the real list: 38/514/7,277/83,731)."""
    region = schema.region
    frame = fetch(sa.select(region.c.level, sa.func.count().label("n")).group_by(region.c.level),
                  engine, {"n": pl.Int64})
    return dict(zip(frame["level"], frame["n"], strict=True))


def polling_station_count(scope: str | None = None, *, engine: Engine | None = None) -> int:
    ps = schema.polling_station
    scope = check_scope(scope, "polling_station")
    stmt = sa.select(sa.func.count().label("n")).select_from(ps).where(in_scope(ps, scope))
    return int(fetch(stmt, engine, {"n": pl.Int64})["n"][0])

