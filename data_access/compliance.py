"""Reporting compliance (*kepatuhan pelaporan*): filed ÷ expected supervision reports (LHP).

The denominator is the obligation schedule (``report_obligation``): a rate is always returned with
``expected`` beside it. A report is on time when submitted on or before its due date, late after
it, missing when no report was filed. Counts at a level include only the bodies at or below that
level (a Bawaslu Provinsi obligation has no kab/kota to be counted in).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import schema
from data_access.domain import ELECTIONS, STAGE_KEYS, SUPERVISOR_BODIES
from data_access.query import check_choice, check_level, check_scope, fetch, in_scope, regions_at

ob = schema.report_obligation
rep = schema.supervision_report

COUNT_DTYPES = {"expected": pl.Int64, "filed": pl.Int64, "on_time": pl.Int64, "late": pl.Int64,
                "missing": pl.Int64}


def _counts() -> list[sa.ColumnElement]:
    filed = rep.c.report_id.is_not(None)
    on_time = sa.and_(filed, rep.c.submitted_on <= ob.c.due_date)
    return [
        sa.func.count().label("expected"),
        sa.func.sum(sa.case((filed, 1), else_=0)).label("filed"),
        sa.func.sum(sa.case((on_time, 1), else_=0)).label("on_time"),
        sa.func.sum(sa.case((sa.and_(filed, sa.not_(on_time)), 1), else_=0)).label("late"),
        sa.func.sum(sa.case((filed, 0), else_=1)).label("missing"),
    ]


def _filters(scope: str | None, election: str, stage: str | None, body: str | None,
             due_until: date | None, due_from: date | None = None
             ) -> list[sa.ColumnElement[bool]]:
    check_choice("election", election, ELECTIONS)
    clauses = [ob.c.election == election, in_scope(ob, scope)]
    if stage is not None:
        clauses.append(ob.c.stage == check_choice("stage", stage, STAGE_KEYS))
    if body is not None:
        clauses.append(ob.c.body == check_choice("body", body, tuple(SUPERVISOR_BODIES)))
    if due_until is not None:
        clauses.append(ob.c.due_date <= due_until)
    if due_from is not None:
        clauses.append(ob.c.due_date >= due_from)
    return clauses


def _with_rates(frame: pl.DataFrame) -> pl.DataFrame:
    expected = pl.col("expected").cast(pl.Float64)
    return frame.with_columns(
        pl.col(list(COUNT_DTYPES)).fill_null(0),
    ).with_columns(
        rate=pl.when(expected > 0).then(pl.col("filed") / expected),
        on_time_rate=pl.when(expected > 0).then(pl.col("on_time") / expected),
    )


def _joined() -> sa.FromClause:
    return ob.outerjoin(rep, rep.c.obligation_id == ob.c.obligation_id)


def compliance_by_region(level: str, scope: str | None = None, election: str = "pemilu2024",
                         stage: str | None = None, body: str | None = None,
                         due_until: date | None = None, due_from: date | None = None, *,
                         engine: Engine | None = None) -> pl.DataFrame:
    """Per region at ``level``: expected, filed, on_time, late, missing, rate, on_time_rate."""
    level = check_level(level)
    scope = check_scope(scope, level)
    group = ob.c[f"{level}_code"]
    totals = (
        sa.select(group.label("code"), *_counts()).select_from(_joined())
        .where(*_filters(scope, election, stage, body, due_until, due_from), group.is_not(None))
        .group_by(group).subquery()
    )
    names = regions_at(level, scope).subquery()
    stmt = sa.select(
        names.c.region_code, names.c.region_name,
        *[totals.c[c] for c in COUNT_DTYPES],
    ).select_from(names.outerjoin(totals, totals.c.code == names.c.region_code)).order_by(
        names.c.region_code)
    return _with_rates(fetch(stmt, engine, COUNT_DTYPES))


def compliance_by(dimension: str, scope: str | None = None, election: str = "pemilu2024",
                  stage: str | None = None, body: str | None = None,
                  due_until: date | None = None, *, engine: Engine | None = None) -> pl.DataFrame:
    """Compliance split by ``body`` (supervisor level) or ``stage``."""
    column = ob.c[check_choice("dimension", dimension, ("body", "stage"))]
    scope = check_scope(scope, "polling_station")
    stmt = (
        sa.select(column.label(dimension), *_counts()).select_from(_joined())
        .where(*_filters(scope, election, stage, body, due_until))
        .group_by(column).order_by(column)
    )
    return _with_rates(fetch(stmt, engine, COUNT_DTYPES))


def compliance_summary(scope: str | None = None, election: str = "pemilu2024",
                       stage: str | None = None, due_until: date | None = None,
                       due_from: date | None = None, *,
                       engine: Engine | None = None) -> dict[str, float | int | None]:
    """The headline numbers for a scope: one row of counts and rates."""
    scope = check_scope(scope, "polling_station")
    stmt = sa.select(*_counts()).select_from(_joined()).where(
        *_filters(scope, election, stage, None, due_until, due_from))
    return _with_rates(fetch(stmt, engine, COUNT_DTYPES)).row(0, named=True)


def staffing_coverage(level: str, scope: str | None = None, *,
                      engine: Engine | None = None) -> pl.DataFrame:
    """Per region: TPS, TPS without a PTPS, desa, desa without a PKD."""
    level = check_level(level, ("province", "regency", "district", "village"))
    scope = check_scope(scope, level)
    sup, ps, region = schema.supervisor, schema.polling_station, schema.region
    ptps = sa.select(sup.c.polling_station_code).where(sup.c.body == "ptps").subquery()
    pkd = sa.select(sup.c.region_code).where(sup.c.body == "pkd").subquery()
    tps_group = ps.c[f"{level}_code"]
    tps = (
        sa.select(tps_group.label("code"), sa.func.count().label("polling_stations"),
                  sa.func.sum(sa.case((ptps.c.polling_station_code.is_(None), 1), else_=0))
                  .label("tps_without_ptps"))
        .select_from(ps.outerjoin(ptps, ptps.c.polling_station_code == ps.c.code))
        .where(in_scope(ps, scope)).group_by(tps_group).subquery()
    )
    desa_group = region.c[f"{level}_code"]
    desa = (
        sa.select(desa_group.label("code"), sa.func.count().label("villages"),
                  sa.func.sum(sa.case((pkd.c.region_code.is_(None), 1), else_=0))
                  .label("villages_without_pkd"))
        .select_from(region.outerjoin(pkd, pkd.c.region_code == region.c.code))
        .where(region.c.level == "village", in_scope(region, scope))
        .group_by(desa_group).subquery()
    )
    names = regions_at(level, scope).subquery()
    stmt = sa.select(
        names.c.region_code, names.c.region_name, tps.c.polling_stations, tps.c.tps_without_ptps,
        desa.c.villages, desa.c.villages_without_pkd,
    ).select_from(
        names.outerjoin(tps, tps.c.code == names.c.region_code)
        .outerjoin(desa, desa.c.code == names.c.region_code)
    ).order_by(names.c.region_code)
    dtypes = {c: pl.Int64 for c in ("polling_stations", "tps_without_ptps", "villages",
                                     "villages_without_pkd")}
    return fetch(stmt, engine, dtypes).with_columns(pl.col(list(dtypes)).fill_null(0))


def staffing_summary(scope: str | None = None, *, engine: Engine | None = None) -> dict[str, int]:
    """Staffing totals for one scope (the whole country when None)."""
    scope = check_scope(scope, "polling_station")
    if scope is None:
        frame = staffing_coverage("province", None, engine=engine)
    else:
        from data_access.codes import level_of, parent_of

        frame = staffing_coverage(level_of(scope), parent_of(scope), engine=engine).filter(
            pl.col("region_code") == scope)
    return {c: int(frame[c].sum()) for c in ("polling_stations", "tps_without_ptps", "villages",
                                              "villages_without_pkd")}
