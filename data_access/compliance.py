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
from data_access.privacy import FLAG, guard_scope, parent_code, small, suppress, suppression_k
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
    frame = _with_rates(fetch(stmt, engine, COUNT_DTYPES))
    k = _desa_k(level)
    if k is None:
        return frame.with_columns(pl.lit(False).alias(FLAG))
    filters = ComplianceFilter(election=election, stage=stage, body=body, due_from=due_from,
                               due_until=due_until)
    return _hide(frame, _desa_suppression(scope, filters, k, engine))


def compliance_by(dimension: str, scope: str | None = None, election: str = "pemilu2024",
                  stage: str | None = None, body: str | None = None,
                  due_until: date | None = None, due_from: date | None = None, *,
                  engine: Engine | None = None) -> pl.DataFrame:
    """Compliance split by ``body`` (supervisor level) or ``stage``."""
    check_choice("dimension", dimension, ("body", "stage"))
    scope = check_scope(scope, "polling_station")
    _guard(scope, ComplianceFilter(election=election, stage=stage, body=body,
                                   due_until=due_until, due_from=due_from), engine)
    src = _source(None, scope)
    column = src.table.c[dimension]
    stmt = (
        sa.select(column.label(dimension), *src.counts).select_from(src.from_)
        .where(*_filters(src.table, scope, election, stage, body, due_until, due_from))
        .group_by(column).order_by(column)
    )
    return _with_rates(fetch(stmt, engine, COUNT_DTYPES))


def _guard(scope: str | None, filters: ComplianceFilter, engine: Engine | None) -> None:
    """Public mode: refuse figures of a whole desa whose cell the desa table hides under the
    same filters (:class:`~data_access.privacy.ScopeSuppressed`)."""
    def hidden(level: str, parent: str, code: str) -> bool:
        table = region_compliance(level, parent, filters, engine=engine)
        return bool(table.filter(pl.col("region_code") == code)[FLAG].any())

    guard_scope(scope, hidden)


def compliance_summary(scope: str | None = None, election: str = "pemilu2024",
                       stage: str | None = None, due_until: date | None = None,
                       due_from: date | None = None, *,
                       engine: Engine | None = None) -> dict[str, float | int | None]:
    """The headline numbers for a scope: one row of counts and rates. Public mode refuses a
    desa whose cell the desa table hides (:class:`~data_access.privacy.ScopeSuppressed`)."""
    scope = check_scope(scope, "polling_station")
    _guard(scope, ComplianceFilter(election=election, stage=stage, due_until=due_until,
                                   due_from=due_from), engine)
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


# --- The reporting-compliance page (*Kepatuhan Pelaporan*) -------------------------------------
#
# The functions below serve the page's views: per region (optionally split by stage or by the
# week reports were due), the least compliant regions with how far they sit below their
# siblings, and staffing gaps. They read the same two sources as the functions above (rollup at
# kecamatan level and above, base tables per desa), with one addition for privacy: per desa the
# cells also count the supervisors behind them. A desa is one PKD and a few PTPS — named,
# known people in their village — so in the public mode desa cells are suppressed
# (data_access.privacy; UU 27/2022; DOMAIN.md "suppress small cells at fine levels"): a desa is
# hidden when any of its counts, or the supervisors behind them, is between 1 and k−1 in any
# split the page offers (supervisor level × stage). The split matters: the PKD is one person,
# and "all supervisors" minus "PTPS only" would otherwise be the PKD's own record. Cells above
# desa level describe bodies (Panwascam, Bawaslu Kab/Kota …), which are public institutions
# accountable for their reporting, and are never suppressed.

MATRIX_DIMENSIONS = ("stage", "week")
RATE_COLUMNS = ("rate", "on_time_rate")


@dataclass(frozen=True)
class ComplianceFilter:
    """The page's filters; None means 'all'. ``due_from``/``due_until`` bound the due date."""

    election: str = "pemilu2024"
    stage: str | None = None
    body: str | None = None
    due_from: date | None = None
    due_until: date | None = None

    def clauses(self, table: sa.Table, scope: str | None) -> list[sa.ColumnElement[bool]]:
        return _filters(table, scope, self.election, self.stage, self.body, self.due_until,
                        self.due_from)


ALL_REPORTS = ComplianceFilter()


def _grouped(level: str, scope: str | None, filters: ComplianceFilter,
             dimension: str | None) -> sa.Subquery:
    """Counts per region code at ``level`` (and per stage or due week), aggregated in the store.
    Base-table cells also carry ``supervisors``: the distinct people whose obligations they
    count."""
    src = _source(level, scope)
    code = src.table.c[f"{level}_code"]
    keys: list[sa.ColumnElement] = [code]
    labelled: list[sa.ColumnElement] = [code.label("code")]
    if dimension == "stage":
        keys.append(src.table.c.stage)
        labelled.append(src.table.c.stage.label("stage"))
    elif dimension == "week":
        week = sa.cast(sa.func.date_trunc("week", src.table.c.due_date), sa.Date)
        keys.append(week)
        labelled.append(week.label("week"))
    counts = list(src.counts)
    if src.table is ob:
        counts.append(sa.func.count(sa.distinct(ob.c.supervisor_id)).label("supervisors"))
    return (sa.select(*labelled, *counts).select_from(src.from_)
            .where(*filters.clauses(src.table, scope), code.is_not(None))
            .group_by(*keys).subquery())


SUPPRESSED_COLUMNS = (*COUNT_DTYPES, "supervisors")


def _desa_k(level: str) -> int | None:
    """k for compliance cells at ``level``: desa only (see the comment above)."""
    return suppression_k(level) if level == "village" else None


def _desa_suppression(scope: str | None, filters: ComplianceFilter, k: int,
                      engine: Engine | None, primary: pl.Expr | None = None) -> pl.DataFrame:
    """Which desa in ``scope`` are hidden (region_code, suppressed): any count or supervisor
    count between 1 and k−1 in any supervisor level × stage cell of the desa. Only the election
    and the due dates of ``filters`` apply (the body and stage are the split), so every view of
    the same period hides the same desa. ``primary`` hides more desa (a view's own small cells),
    with complements where one would be alone."""
    base = ComplianceFilter(election=filters.election, due_from=filters.due_from,
                            due_until=filters.due_until)
    src = _source("village", scope)
    code = ob.c.village_code
    cells = fetch(
        sa.select(code.label("region_code"), ob.c.body, ob.c.stage, *src.counts,
                  sa.func.count(sa.distinct(ob.c.supervisor_id)).label("supervisors"))
        .select_from(src.from_).where(*base.clauses(ob, scope), code.is_not(None))
        .group_by(code, ob.c.body, ob.c.stage), engine, _PAGE_DTYPES)
    judged = cells.group_by("region_code").agg(
        pl.col("expected").sum(), small(list(SUPPRESSED_COLUMNS), k).any().alias("_small"))
    rows = fetch(regions_at("village", scope), engine, {}).sort("region_code").join(
        judged, on="region_code", how="left", maintain_order="left").with_columns(
        pl.col("expected").fill_null(0), pl.col("_small").fill_null(False))
    hide = pl.col("_small") if primary is None else pl.col("_small") | primary
    return suppress(rows, ["expected"], k, group=parent_code(pl.col("region_code")),
                    sensitive=[], primary=hide).select("region_code", "region_name", FLAG)


def _hide(frame: pl.DataFrame, flags: pl.DataFrame) -> pl.DataFrame:
    """Null the counts, supervisors and rates of the flagged rows of ``frame``."""
    frame = frame.drop(FLAG, strict=False).join(flags.select("region_code", FLAG),
                                                on="region_code", how="left",
                                                maintain_order="left")
    frame = frame.with_columns(pl.col(FLAG).fill_null(False))
    hidden = [c for c in (*SUPPRESSED_COLUMNS, *RATE_COLUMNS) if c in frame.columns]
    return frame.with_columns(pl.when(pl.col(FLAG)).then(None).otherwise(pl.col(c)).alias(c)
                              for c in hidden)


_PAGE_DTYPES = {**COUNT_DTYPES, "supervisors": pl.Int64, "week": pl.Date}


def region_compliance(level: str, scope: str | None = None,
                      filters: ComplianceFilter = ALL_REPORTS, *,
                      engine: Engine | None = None) -> pl.DataFrame:
    """Every region at ``level`` in ``scope`` (regions without obligations too, with zero
    counts and no rate): expected, filed, on_time, late, missing, rate, on_time_rate,
    supervisors (per desa only) and suppressed. In public mode desa cells are suppressed (null
    counts, supervisors and rates; see the comment above)."""
    level = check_level(level)
    scope = check_scope(scope, level)
    totals = _grouped(level, scope, filters, None)
    names = regions_at(level, scope).subquery()
    supervisors = totals.c.supervisors if "supervisors" in totals.c else sa.null()
    stmt = sa.select(
        names.c.region_code, names.c.region_name, *[totals.c[c] for c in COUNT_DTYPES],
        supervisors.label("supervisors"),
    ).select_from(names.outerjoin(totals, totals.c.code == names.c.region_code)).order_by(
        names.c.region_code)
    frame = _with_rates(fetch(stmt, engine, _PAGE_DTYPES))
    k = _desa_k(level)
    if k is None:
        return frame.with_columns(pl.lit(False).alias(FLAG))
    return _hide(frame, _desa_suppression(scope, filters, k, engine))


def compliance_matrix(level: str, scope: str | None = None, dimension: str = "stage",
                      filters: ComplianceFilter = ALL_REPORTS, *,
                      engine: Engine | None = None) -> pl.DataFrame:
    """Region × stage (or × the week reports were due, Monday start): the heat map's cells. Only
    cells with obligations are returned; columns as :func:`region_compliance` plus ``stage`` or
    ``week``.

    In public mode a desa hidden by :func:`region_compliance`, or with a small cell here, has
    every cell hidden, and one cell for each column its siblings have (a missing cell would
    say "zero"): a region's cells add up to its total, so one shown cell beside hidden ones, or
    one hidden cell in a column, could be worked out."""
    level = check_level(level)
    scope = check_scope(scope, level)
    check_choice("dimension", dimension, MATRIX_DIMENSIONS)
    totals = _grouped(level, scope, filters, dimension)
    names = regions_at(level, scope).subquery()
    supervisors = totals.c.supervisors if "supervisors" in totals.c else sa.null()
    stmt = sa.select(
        names.c.region_code, names.c.region_name, totals.c[dimension],
        *[totals.c[c] for c in COUNT_DTYPES], supervisors.label("supervisors"),
    ).select_from(names.join(totals, totals.c.code == names.c.region_code)).order_by(
        names.c.region_code, totals.c[dimension])
    frame = _with_rates(fetch(stmt, engine, _PAGE_DTYPES))
    k = _desa_k(level)
    if k is None:
        return frame.with_columns(pl.lit(False).alias(FLAG))
    small_here = frame.filter(small(list(SUPPRESSED_COLUMNS), k))["region_code"].unique()
    flags = _desa_suppression(scope, filters, k, engine,
                              primary=pl.col("region_code").is_in(small_here.implode()))
    hidden = flags.filter(FLAG).with_columns(_group=parent_code(pl.col("region_code")))
    shown = frame.join(hidden, on="region_code", how="anti").with_columns(
        pl.lit(False).alias(FLAG))
    # Every hidden desa gets a (hidden) cell in every column its sibling group has.
    columns = frame.select(dimension, _group=parent_code(pl.col("region_code"))).unique()
    grid = (hidden.join(columns, on="_group")
            .select("region_code", "region_name", dimension,
                    *[pl.lit(None, dtype).alias(c) for c, dtype in _PAGE_DTYPES.items()
                      if c in SUPPRESSED_COLUMNS],
                    *[pl.lit(None, pl.Float64).alias(c) for c in RATE_COLUMNS],
                    pl.lit(True).alias(FLAG)))
    return pl.concat([shown, grid.select(shown.columns)], how="vertical_relaxed").sort(
        "region_code", dimension)


def sibling_gap(frame: pl.DataFrame, column: str = "rate") -> pl.DataFrame:
    """Add, per region, the median ``column`` of its siblings (same parent, itself excluded),
    the gap to it and its rank among them (1 = lowest). Regions without a value get none."""
    valued = frame.filter(pl.col(column).is_not_null()).select(
        "region_code", pl.col(column).alias("_value"), parent_code(pl.col("region_code")).alias("_p"))
    others = (
        valued.join(valued, on="_p", suffix="_other")
        .filter(pl.col("region_code") != pl.col("region_code_other"))
        .group_by("region_code").agg(sibling_median=pl.col("_value_other").median())
    )
    ranks = valued.with_columns(
        sibling_rank=pl.col("_value").rank("min").over("_p").cast(pl.Int64),
        siblings=pl.len().over("_p").cast(pl.Int64),
    ).select("region_code", "sibling_rank", "siblings")
    return (frame.join(others, on="region_code", how="left")
            .join(ranks, on="region_code", how="left")
            .with_columns(gap=pl.col(column) - pl.col("sibling_median")))


def least_compliant(level: str, scope: str | None = None,
                    filters: ComplianceFilter = ALL_REPORTS, n: int = 10, *,
                    engine: Engine | None = None) -> pl.DataFrame:
    """The ``n`` regions at ``level`` with the lowest filing rate, lowest first, with their
    sibling comparison (:func:`sibling_gap`), ``trend`` — the rate per stage in the order of the
    stages (a list, for a sparkline) — and ``trend_change``, the last stage's rate minus the
    first's. Regions with nothing expected (or suppressed) have no rate and are not ranked."""
    n = max(1, min(int(n), 100))
    regions = sibling_gap(region_compliance(level, scope, filters, engine=engine))
    worst = (regions.filter(pl.col("rate").is_not_null())
             .sort(["rate", "region_code"]).head(n))
    cells = compliance_matrix(level, scope, "stage", filters, engine=engine)
    order = {key: i for i, key in enumerate(STAGE_KEYS)}
    trend = (
        cells.filter(pl.col("region_code").is_in(worst["region_code"].implode()),
                     pl.col("rate").is_not_null())
        .with_columns(_order=pl.col("stage").replace_strict(order, return_dtype=pl.Int64))
        .sort("region_code", "_order")
        .group_by("region_code", maintain_order=True)
        .agg(trend=pl.col("rate"), trend_stages=pl.col("stage"))
        .with_columns(trend_change=pl.col("trend").list.last() - pl.col("trend").list.first())
    )
    return worst.join(trend, on="region_code", how="left", maintain_order="left")


def staffing_gaps(level: str, scope: str | None = None, *,
                  engine: Engine | None = None) -> pl.DataFrame:
    """:func:`staffing_coverage` with the shares of TPS without a PTPS and desa without a PKD,
    worst first (by the TPS share, then the desa share)."""
    frame = staffing_coverage(level, scope, engine=engine)
    share = lambda part, whole: (  # noqa: E731
        pl.when(pl.col(whole) > 0).then(pl.col(part) / pl.col(whole).cast(pl.Float64)))
    return frame.with_columns(
        tps_without_ptps_share=share("tps_without_ptps", "polling_stations"),
        villages_without_pkd_share=share("villages_without_pkd", "villages"),
    ).sort(["tps_without_ptps_share", "villages_without_pkd_share", "region_code"],
           descending=[True, True, False], nulls_last=True)
