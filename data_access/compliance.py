"""Reporting compliance (*kepatuhan pelaporan*): filed ÷ expected supervision reports (LHP).

The denominator is the obligation schedule (``report_obligation``): a rate is always returned with
``expected`` beside it. A report is on time when submitted on or before its due date, late after
it, missing when no report was filed. Counts at a level include only the bodies at or below that
level (a Bawaslu Provinsi obligation has no kab/kota to be counted in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import schema
from data_access.codes import level_of, parent_of
from data_access.domain import ELECTIONS, STAGE_KEYS, SUPERVISOR_BODIES
from data_access.query import check_choice, check_level, check_scope, fetch, in_scope, regions_at

ob = schema.report_obligation
rep = schema.supervision_report
roll = schema.compliance_rollup

COUNT_DTYPES = {"expected": pl.Int64, "filed": pl.Int64, "on_time": pl.Int64, "late": pl.Int64,
                "missing": pl.Int64}
_ROLLUP_LEVELS = ("province", "regency", "district")


@dataclass(frozen=True)
class _Source:
    """Where counts come from: the per-kecamatan rollup when the question is at kecamatan level
    or above, else the obligations joined to their reports."""

    table: sa.Table
    from_: sa.FromClause
    counts: list[sa.ColumnElement]


def _source(level: str | None, scope: str | None) -> _Source:
    scope_level = None if scope is None else level_of(scope)
    if (level is None or level in _ROLLUP_LEVELS) and scope_level in (None, *_ROLLUP_LEVELS):
        filed, on_time = sa.func.sum(roll.c.filed), sa.func.sum(roll.c.on_time)
        expected = sa.func.sum(roll.c.expected)
        return _Source(roll, roll, [expected.label("expected"), filed.label("filed"),
                                    on_time.label("on_time"), (filed - on_time).label("late"),
                                    (expected - filed).label("missing")])
    filed = rep.c.report_id.is_not(None)
    on_time = sa.and_(filed, rep.c.submitted_on <= ob.c.due_date)
    return _Source(ob, ob.outerjoin(rep, rep.c.obligation_id == ob.c.obligation_id), [
        sa.func.count().label("expected"),
        sa.func.sum(sa.case((filed, 1), else_=0)).label("filed"),
        sa.func.sum(sa.case((on_time, 1), else_=0)).label("on_time"),
        sa.func.sum(sa.case((sa.and_(filed, sa.not_(on_time)), 1), else_=0)).label("late"),
        sa.func.sum(sa.case((filed, 0), else_=1)).label("missing"),
    ])


def _filters(table: sa.Table, scope: str | None, election: str, stage: str | None,
             body: str | None, due_until: date | None, due_from: date | None = None
             ) -> list[sa.ColumnElement[bool]]:
    check_choice("election", election, ELECTIONS)
    clauses = [table.c.election == election, in_scope(table, scope)]
    if stage is not None:
        clauses.append(table.c.stage == check_choice("stage", stage, STAGE_KEYS))
    if body is not None:
        clauses.append(table.c.body == check_choice("body", body, tuple(SUPERVISOR_BODIES)))
    if due_until is not None:
        clauses.append(table.c.due_date <= due_until)
    if due_from is not None:
        clauses.append(table.c.due_date >= due_from)
    return clauses


def _with_rates(frame: pl.DataFrame) -> pl.DataFrame:
    expected = pl.col("expected").cast(pl.Float64)
    return frame.with_columns(
        pl.col(list(COUNT_DTYPES)).fill_null(0),
    ).with_columns(
        rate=pl.when(expected > 0).then(pl.col("filed") / expected),
        on_time_rate=pl.when(expected > 0).then(pl.col("on_time") / expected),
    )


def compliance_by_region(level: str, scope: str | None = None, election: str = "pemilu2024",
                         stage: str | None = None, body: str | None = None,
                         due_until: date | None = None, due_from: date | None = None, *,
                         engine: Engine | None = None) -> pl.DataFrame:
    """Per region at ``level``: expected, filed, on_time, late, missing, rate, on_time_rate."""
    level = check_level(level)
    scope = check_scope(scope, level)
    src = _source(level, scope)
    group = src.table.c[f"{level}_code"]
    totals = (
        sa.select(group.label("code"), *src.counts).select_from(src.from_)
        .where(*_filters(src.table, scope, election, stage, body, due_until, due_from),
               group.is_not(None))
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
                  due_until: date | None = None, due_from: date | None = None, *,
                  engine: Engine | None = None) -> pl.DataFrame:
    """Compliance split by ``body`` (supervisor level) or ``stage``."""
    check_choice("dimension", dimension, ("body", "stage"))
    scope = check_scope(scope, "polling_station")
    src = _source(None, scope)
    column = src.table.c[dimension]
    stmt = (
        sa.select(column.label(dimension), *src.counts).select_from(src.from_)
        .where(*_filters(src.table, scope, election, stage, body, due_until, due_from))
        .group_by(column).order_by(column)
    )
    return _with_rates(fetch(stmt, engine, COUNT_DTYPES))


def compliance_summary(scope: str | None = None, election: str = "pemilu2024",
                       stage: str | None = None, due_until: date | None = None,
                       due_from: date | None = None, *,
                       engine: Engine | None = None) -> dict[str, float | int | None]:
    """The headline numbers for a scope: one row of counts and rates."""
    scope = check_scope(scope, "polling_station")
    src = _source(None, scope)
    stmt = sa.select(*src.counts).select_from(src.from_).where(
        *_filters(src.table, scope, election, stage, None, due_until, due_from))
    return _with_rates(fetch(stmt, engine, COUNT_DTYPES)).row(0, named=True)


STAFFING_COLUMNS = ("polling_stations", "tps_without_ptps", "villages", "villages_without_pkd")


def _staffing_village_level(scope: str | None) -> sa.Select:
    """Per desa, from the base tables (the rollup stops at kecamatan)."""
    sup, ps, region = schema.supervisor, schema.polling_station, schema.region
    ptps = sa.select(sup.c.polling_station_code).where(sup.c.body == "ptps").subquery()
    pkd = sa.select(sup.c.region_code).where(sup.c.body == "pkd").subquery()
    tps = (
        sa.select(ps.c.village_code.label("code"), sa.func.count().label("polling_stations"),
                  sa.func.sum(sa.case((ptps.c.polling_station_code.is_(None), 1), else_=0))
                  .label("tps_without_ptps"))
        .select_from(ps.outerjoin(ptps, ptps.c.polling_station_code == ps.c.code))
        .where(in_scope(ps, scope)).group_by(ps.c.village_code).subquery()
    )
    desa = (
        sa.select(region.c.code, sa.literal(1).label("villages"),
                  sa.case((pkd.c.region_code.is_(None), 1), else_=0).label("villages_without_pkd"))
        .select_from(region.outerjoin(pkd, pkd.c.region_code == region.c.code))
        .where(region.c.level == "village", in_scope(region, scope)).subquery()
    )
    return sa.select(desa.c.code, tps.c.polling_stations, tps.c.tps_without_ptps,
                     desa.c.villages, desa.c.villages_without_pkd).select_from(
        desa.outerjoin(tps, tps.c.code == desa.c.code))


def staffing_coverage(level: str, scope: str | None = None, *,
                      engine: Engine | None = None) -> pl.DataFrame:
    """Per region: TPS, TPS without a PTPS (*pengawas TPS*), desa, desa without a PKD."""
    level = check_level(level)
    scope = check_scope(scope, level)
    if level == "village":
        totals = _staffing_village_level(scope).subquery()
    else:
        staff = schema.staffing_rollup
        group = staff.c[f"{level}_code"]
        totals = (sa.select(group.label("code"), *[sa.func.sum(staff.c[c]).label(c)
                                                    for c in STAFFING_COLUMNS])
                  .where(in_scope(staff, scope)).group_by(group).subquery())
    names = regions_at(level, scope).subquery()
    stmt = sa.select(
        names.c.region_code, names.c.region_name, *[totals.c[c] for c in STAFFING_COLUMNS],
    ).select_from(names.outerjoin(totals, totals.c.code == names.c.region_code)).order_by(
        names.c.region_code)
    dtypes = dict.fromkeys(STAFFING_COLUMNS, pl.Int64)
    return fetch(stmt, engine, dtypes).with_columns(pl.col(list(dtypes)).fill_null(0))


def staffing_summary(scope: str | None = None, *, engine: Engine | None = None) -> dict[str, int]:
    """Staffing totals for one scope (the whole country when None)."""
    scope = check_scope(scope, "polling_station")
    if scope is None:
        frame = staffing_coverage("province", None, engine=engine)
    else:
        frame = staffing_coverage(level_of(scope), parent_of(scope), engine=engine).filter(
            pl.col("region_code") == scope)
    return {c: int(frame[c].sum()) for c in STAFFING_COLUMNS}
