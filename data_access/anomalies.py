"""Voter-list anomaly aggregates: flags per region and rule. No record-level rows here."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import schema
from data_access.query import check_level, check_scope, fetch, in_scope, regions_at

flag = schema.anomaly_flag


def anomalies_by_region(level: str, scope: str | None = None, *,
                        engine: Engine | None = None) -> pl.DataFrame:
    """Per region: flags (record- and region-level rules at or below the level)."""
    level = check_level(level)
    scope = check_scope(scope, level)
    group = flag.c[f"{level}_code"]
    totals = (sa.select(group.label("code"), sa.func.count().label("flags"),
                        sa.func.sum(sa.case((flag.c.subject_level == "record", 1), else_=0))
                        .label("record_flags"))
              .where(in_scope(flag, scope), group.is_not(None)).group_by(group).subquery())
    names = regions_at(level, scope).subquery()
    stmt = sa.select(names.c.region_code, names.c.region_name, totals.c.flags,
                     totals.c.record_flags).select_from(
        names.outerjoin(totals, totals.c.code == names.c.region_code)).order_by(
        names.c.region_code)
    dtypes = {"flags": pl.Int64, "record_flags": pl.Int64}
    return fetch(stmt, engine, dtypes).with_columns(pl.col(list(dtypes)).fill_null(0))


def anomalies_by_rule(scope: str | None = None, *, engine: Engine | None = None) -> pl.DataFrame:
    """Flags per rule and severity in a scope."""
    scope = check_scope(scope, "polling_station")
    stmt = (sa.select(flag.c.rule_id, flag.c.severity, flag.c.subject_level,
                      sa.func.count().label("flags"))
            .where(in_scope(flag, scope))
            .group_by(flag.c.rule_id, flag.c.severity, flag.c.subject_level)
            .order_by(sa.desc("flags")))
    return fetch(stmt, engine, {"flags": pl.Int64})
