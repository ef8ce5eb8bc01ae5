"""Voter-list (*daftar pemilih*) aggregates: voters per region and stage, DP4 → DPS → DPSHP → DPT.

Recaps may be stored at different levels (a KPU recap per kab/kota, or per desa from the demo).
Each query reads the finest level present for the election and stage, never two levels at once:
summing a kab/kota row and its desa rows would count the same voters twice.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import codes, schema
from data_access.domain import ELECTIONS, PREVIOUS_ELECTION, VOTER_LIST_STAGES
from data_access.query import check_choice, check_level, check_scope, fetch, in_scope, regions_at

recap = schema.voter_list_recap

VOTER_LIST_DTYPES = {
    "region_code": pl.Utf8, "region_name": pl.Utf8, "stage": pl.Utf8, "voters_male": pl.Int64,
    "voters_female": pl.Int64, "voters_total": pl.Int64, "polling_stations": pl.Int64,
}


def _source_level(election: str, stage: str, level: str, engine: Engine | None) -> str | None:
    """The finest stored level at or below ``level`` for this election and stage."""
    present = fetch(
        sa.select(recap.c.level).where(recap.c.election == election, recap.c.stage == stage)
        .distinct(), engine, {},
    )["level"].to_list()
    usable = [lv for lv in codes.REGION_LEVELS[codes.REGION_LEVELS.index(level):] if lv in present]
    return usable[-1] if usable else None


def voters_by_region(level: str, scope: str | None = None, stage: str = "DPT",
                     election: str = "pemilu2024", *, engine: Engine | None = None) -> pl.DataFrame:
    """One row per region at ``level`` in ``scope``: region_code, region_name, stage,
    voters_male, voters_female, voters_total, polling_stations (null where nothing is stored)."""
    level = check_level(level)
    scope = check_scope(scope, level)
    stage = check_choice("stage", stage, VOTER_LIST_STAGES)
    election = check_choice("election", election, (*ELECTIONS, PREVIOUS_ELECTION))
    source = _source_level(election, stage, level, engine)
    group = recap.c[f"{level}_code"]
    totals = (
        sa.select(
            group.label("code"),
            sa.func.sum(recap.c.voters_male).label("voters_male"),
            sa.func.sum(recap.c.voters_female).label("voters_female"),
            sa.func.sum(recap.c.voters_total).label("voters_total"),
            sa.func.sum(recap.c.polling_stations).label("polling_stations"),
        )
        .where(recap.c.election == election, recap.c.stage == stage,
               recap.c.level == (source or level), in_scope(recap, scope))
        .group_by(group)
        .subquery()
    )
    names = regions_at(level, scope).subquery()
    stmt = (
        sa.select(
            names.c.region_code, names.c.region_name, sa.literal(stage).label("stage"),
            totals.c.voters_male, totals.c.voters_female, totals.c.voters_total,
            totals.c.polling_stations,
        )
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
