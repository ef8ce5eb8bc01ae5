"""Voter-list (*daftar pemilih*) aggregates: voters per region and stage, DP4 → DPS → DPSHP → DPT.

Recaps may be stored at different levels, and at different levels in different places: a KPU
recap per kab/kota for one province beside the demo's desa rows for the others, or a kab/kota row
whose desa rows were loaded later. A stored row counts unless something finer is stored inside
it: the finest figures win region by region, never two levels at once, because summing a kab/kota
row and its desa rows would count the same voters twice. The choice is made per region, not once
for the whole country, so a province recapped only per kab/kota still shows its voters.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import codes, schema
from data_access.codes import Level
from data_access.domain import ELECTIONS, PREVIOUS_ELECTION, VOTER_LIST_STAGES
from data_access.query import check_choice, check_level, check_scope, fetch, in_scope, regions_at

recap = schema.voter_list_recap

VOTER_LIST_DTYPES = {
    "region_code": pl.Utf8, "region_name": pl.Utf8, "stage": pl.Utf8, "voters_male": pl.Int64,
    "voters_female": pl.Int64, "voters_total": pl.Int64, "polling_stations": pl.Int64,
}
_SUMMED = ("voters_male", "voters_female", "voters_total", "polling_stations")
_FINEST = codes.REGION_LEVELS[-1]


def _rows_inside(table: sa.FromClause, election: str, stage: str, levels: tuple[Level, ...],
                 scope: str | None) -> list[sa.ColumnElement[bool]]:
    """Filters for ``table``'s recap rows of one election and stage, at ``levels``, in ``scope``."""
    return [table.c.election == election, table.c.stage == stage, table.c.level.in_(levels),
            in_scope(table, scope)]  # type: ignore[arg-type]


def _superseded(levels: tuple[Level, ...], scope: str | None, stage: str,
                election: str) -> sa.CompoundSelect:
    """Codes of stored rows at one of ``levels`` that have finer rows stored inside them (a
    kab/kota row beside its desa rows).

    Each level's finer rows are matched against that level's coarse rows, a small set (a kab/kota
    recap is a few hundred rows), rather than grouping every desa row by all its ancestors, which
    measured 2x slower. On the national store (desa rows only) voters_by_region stays within
    about 1.4x of the single-level query it replaced (bench/queries.py).
    """
    parts = []
    for lv in levels:
        coarse, finer = recap.alias(f"coarse_{lv}"), recap.alias(f"finer_{lv}")
        finer_levels = codes.REGION_LEVELS[codes.REGION_LEVELS.index(lv) + 1:]
        coarse_codes = sa.select(coarse.c.region_code).where(
            *_rows_inside(coarse, election, stage, (lv,), scope))
        parts.append(
            sa.select(finer.c[f"{lv}_code"].label("code"))
            .where(*_rows_inside(finer, election, stage, finer_levels, scope),
                   finer.c[f"{lv}_code"].in_(coarse_codes)))
    return sa.union_all(*parts)


def _counted_totals(level: Level, scope: str | None, stage: str, election: str) -> sa.Subquery:
    """Sums per region at ``level`` (column ``code``) over the stored rows that count there.

    A stored row counts unless a finer row is stored inside it, so each region gets the finest
    figures stored for each of its parts: desa rows beat their kab/kota row, and a kab/kota that
    has only its own row still adds its voters to its province.
    """
    below = codes.REGION_LEVELS[codes.REGION_LEVELS.index(level):]
    counted = _rows_inside(recap, election, stage, below, scope)
    coarse_levels = below[:-1]
    if coarse_levels:
        # Desa rows are never superseded; testing only the coarse rows keeps the probe small.
        counted.append(sa.not_(sa.and_(
            recap.c.level != _FINEST,
            recap.c.region_code.in_(_superseded(coarse_levels, scope, stage, election)))))
    return (
        sa.select(recap.c[f"{level}_code"].label("code"),
                  *(sa.func.sum(recap.c[c]).label(c) for c in _SUMMED))
        .where(*counted)
        .group_by(recap.c[f"{level}_code"])
        .subquery("totals")
    )


def voters_by_region(level: str, scope: str | None = None, stage: str = "DPT",
                     election: str = "pemilu2024", *, engine: Engine | None = None) -> pl.DataFrame:
    """One row per region at ``level`` in ``scope``: region_code, region_name, stage,
    voters_male, voters_female, voters_total, polling_stations (null where nothing is stored)."""
    level = check_level(level)
    scope = check_scope(scope, level)
    stage = check_choice("stage", stage, VOTER_LIST_STAGES)
    election = check_choice("election", election, (*ELECTIONS, PREVIOUS_ELECTION))
    totals = _counted_totals(level, scope, stage, election)
    names = regions_at(level, scope).subquery()
    stmt = (
        sa.select(names.c.region_code, names.c.region_name, sa.literal(stage).label("stage"),
                  *(totals.c[c] for c in _SUMMED))
        .select_from(names.outerjoin(totals, totals.c.code == names.c.region_code))
        .order_by(names.c.region_code)
    )
    return fetch(stmt, engine, VOTER_LIST_DTYPES)


def stage_totals(scope: str | None = None, election: str = "pemilu2024", *,
                 engine: Engine | None = None) -> pl.DataFrame:
    """Voters in ``scope`` at each stage, in legal order: the DP4 → DPT waterfall's input."""
    election = check_choice("election", election, ELECTIONS)
    rows = []
    level = "province" if scope is None else codes.level_of(codes.normalize(scope))
    for stage in VOTER_LIST_STAGES:
        frame = voters_by_region(level, None if scope is None else codes.parent_of(scope),
                                 stage, election, engine=engine)
        if scope is not None:
            frame = frame.filter(pl.col("region_code") == codes.normalize(scope))
        rows.append({"stage": stage, "voters_total": frame["voters_total"].sum()
                     if frame["voters_total"].null_count() < frame.height else None})
    return pl.DataFrame(rows, schema={"stage": pl.Utf8, "voters_total": pl.Int64})
