"""Violations (*pelanggaran*) aggregates, per Perbawaslu 7/2022.

Public functions here return aggregates only. Case-level rows (for example the list of overdue
cases) live in ``data_access.cases`` so the public/internal split is one module boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import schema
from data_access.domain import (
    CASE_CATEGORIES,
    CASE_SOURCES,
    DECISION_DAYS,
    ELECTIONS,
    EXTENSION_DAYS,
    FINDINGS,
    REGISTRATION,
    STAGE_KEYS,
)
from data_access.query import check_choice, check_level, check_scope, fetch, in_scope, regions_at

case = schema.violation_case
BREAKDOWN_DIMENSIONS = ("source", "category", "registration", "finding", "reported_party",
                        "forwarded_to", "stage")


@dataclass(frozen=True)
class CaseFilter:
    """The filters every violations query shares; None means 'all'."""

    election: str = "pemilu2024"
    source: str | None = None
    category: str | None = None
    finding: str | None = None
    stage: str | None = None
    received_from: date | None = None
    received_until: date | None = None

    def clauses(self, scope: str | None) -> list[sa.ColumnElement[bool]]:
        clauses = [case.c.election == check_choice("election", self.election, ELECTIONS),
                   in_scope(case, scope)]
        if self.source is not None:
            clauses.append(case.c.source == check_choice("source", self.source, CASE_SOURCES))
        if self.category is not None:
            clauses.append(case.c.category == check_choice("category", self.category,
                                                           CASE_CATEGORIES))
        if self.finding is not None:
            clauses.append(case.c.finding == check_choice("finding", self.finding, FINDINGS))
        if self.stage is not None:
            clauses.append(case.c.stage == check_choice("stage", self.stage, STAGE_KEYS))
        if self.received_from is not None:
            clauses.append(case.c.received_on >= self.received_from)
        if self.received_until is not None:
            clauses.append(case.c.received_on <= self.received_until)
        return clauses


COUNT_DTYPES = {"cases": pl.Int64, "registered": pl.Int64, "violations": pl.Int64,
                "forwarded": pl.Int64}


def _counts() -> list[sa.ColumnElement]:
    def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    return [
        sa.func.count().label("cases"),
        count_if(case.c.registration == "registered").label("registered"),
        count_if(case.c.finding == "violation").label("violations"),
        count_if(case.c.forwarded_to.is_not(None)).label("forwarded"),
    ]


def _voters(level: str, scope: str | None) -> sa.Subquery:
    ps = schema.polling_station
    group = ps.c[f"{level}_code"]
    return (sa.select(group.label("code"), sa.func.sum(ps.c.voters_total).label("voters"))
            .where(in_scope(ps, scope)).group_by(group).subquery())


def violations_by_region(level: str, scope: str | None = None, filters: CaseFilter = CaseFilter(),
                         *, engine: Engine | None = None) -> pl.DataFrame:
    """Per region: cases, registered, violations, forwarded, voters (DPT) and cases per 100,000
    voters. A case counts in a region at ``level`` when it was handled at or below that level."""
    level = check_level(level)
    scope = check_scope(scope, level)
    group = case.c[f"{level}_code"]
    totals = (sa.select(group.label("code"), *_counts()).where(*filters.clauses(scope),
                                                              group.is_not(None))
              .group_by(group).subquery())
    voters = _voters(level, scope)
    names = regions_at(level, scope).subquery()
    stmt = sa.select(
        names.c.region_code, names.c.region_name, *[totals.c[c] for c in COUNT_DTYPES],
        voters.c.voters,
    ).select_from(
        names.outerjoin(totals, totals.c.code == names.c.region_code)
        .outerjoin(voters, voters.c.code == names.c.region_code)
    ).order_by(names.c.region_code)
    frame = fetch(stmt, engine, {**COUNT_DTYPES, "voters": pl.Int64})
    return frame.with_columns(pl.col(list(COUNT_DTYPES)).fill_null(0)).with_columns(
        rate_per_100k=pl.when(pl.col("voters") > 0)
        .then(pl.col("cases") * 100_000 / pl.col("voters").cast(pl.Float64)))


def violations_summary(scope: str | None = None, filters: CaseFilter = CaseFilter(), *,
                       engine: Engine | None = None) -> dict[str, int]:
    """Headline counts for a scope (every case in it, whatever level handled it)."""
    scope = check_scope(scope, "polling_station")
    frame = fetch(sa.select(*_counts()).where(*filters.clauses(scope)), engine, COUNT_DTYPES)
    return {k: int(v or 0) for k, v in frame.row(0, named=True).items()}


def violations_breakdown(dimension: str, scope: str | None = None,
                         filters: CaseFilter = CaseFilter(), *,
                         engine: Engine | None = None) -> pl.DataFrame:
    """Cases by one dimension (source, category, registration, finding, reported party …)."""
    column = case.c[check_choice("dimension", dimension, BREAKDOWN_DIMENSIONS)]
    scope = check_scope(scope, "polling_station")
    stmt = (sa.select(column.label("value"), sa.func.count().label("cases"))
            .where(*filters.clauses(scope)).group_by(column).order_by(sa.desc("cases")))
    return fetch(stmt, engine, {"cases": pl.Int64})


def weekly_cases(scope: str | None = None, filters: CaseFilter = CaseFilter(), *,
                 engine: Engine | None = None) -> pl.DataFrame:
    """Cases received per ISO week (Monday start) and source."""
    scope = check_scope(scope, "polling_station")
    week = sa.cast(sa.func.date_trunc("week", case.c.received_on), sa.Date)
    stmt = (sa.select(week.label("week"), case.c.source, sa.func.count().label("cases"))
            .where(*filters.clauses(scope)).group_by(week, case.c.source).order_by(week))
    return fetch(stmt, engine, {"week": pl.Date, "cases": pl.Int64})


def received_between(start: date, end: date, scope: str | None = None,
                     election: str = "pemilu2024", *, engine: Engine | None = None) -> int:
    """Cases received in [start, end]: the 'last 7 days' comparisons."""
    filters = CaseFilter(election=election, received_from=start, received_until=end)
    return violations_summary(scope, filters, engine=engine)["cases"]


def latest_received(election: str = "pemilu2024", *, engine: Engine | None = None) -> date | None:
    """The data's cut-off: the last day a case was received."""
    check_choice("election", election, ELECTIONS)
    frame = fetch(sa.select(sa.func.max(case.c.received_on).label("d"))
                  .where(case.c.election == election), engine, {"d": pl.Date})
    return frame["d"][0]


def lead_time_buckets(scope: str | None = None, filters: CaseFilter = CaseFilter(),
                      as_of: date | None = None, *, engine: Engine | None = None) -> pl.DataFrame:
    """Registered cases by decision lead time against the legal 7 + 7 days: within 7 days,
    within the extension, late, and still open past the deadline (overdue) as of ``as_of``."""
    scope = check_scope(scope, "polling_station")
    as_of = as_of or latest_received(filters.election, engine=engine) or date.today()
    days = case.c.decided_on - case.c.registered_on
    limit = DECISION_DAYS + EXTENSION_DAYS
    bucket = sa.case(
        (sa.and_(case.c.decided_on.is_not(None), days <= DECISION_DAYS), "within_7"),
        (sa.and_(case.c.decided_on.is_not(None), days <= limit), "within_14"),
        (case.c.decided_on.is_not(None), "late"),
        (case.c.registered_on < as_of - timedelta(days=limit), "overdue_open"),
        else_="open",
    )
    stmt = (sa.select(bucket.label("bucket"), sa.func.count().label("cases"))
            .where(*filters.clauses(scope), case.c.registration == "registered",
                   case.c.registered_on.is_not(None))
            .group_by(bucket))
    return fetch(stmt, engine, {"cases": pl.Int64})


__all__ = ["REGISTRATION", "CaseFilter", "violations_by_region", "violations_summary",
           "violations_breakdown", "weekly_cases", "lead_time_buckets", "received_between"]
