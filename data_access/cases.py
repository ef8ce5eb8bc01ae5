"""Case-level rows of violations (*penanganan pelanggaran*): internal mode only.

The public dashboard shows aggregates (``data_access.violations``); a list of individual cases —
even without names — can single out a reporter or a reported party in a small region, so UU
27/2022 keeps it behind the internal mode and the analyst role (:mod:`data_access.access`): every
function here takes the signed-in actor, refuses in public mode whoever asks, and writes each read
to the access log. Results are deliberately not cached by the dashboard, so that each access is
logged per request.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import schema
from data_access.access import Actor, audited_read, describe
from data_access.query import check_scope, fetch
from data_access.violations import (
    DECISION_LIMIT_DAYS,
    CaseFilter,
    decided_by,
    handled_level_expression,
    latest_received,
    overdue_condition,
    status_expression,
)

case = schema.violation_case
ALL_CASES = CaseFilter()
MAX_ROWS = 1000  # a screenful for a supervisor; exports of case lists belong to internal tools


CASE_DTYPES = {"received_on": pl.Date, "registered_on": pl.Date, "decided_on": pl.Date,
               "days": pl.Int64, "days_over": pl.Int64}


def overdue_cases(scope: str | None = None, filters: CaseFilter = ALL_CASES,
                  as_of: date | None = None, *, actor: Actor | None, limit: int = MAX_ROWS,
                  engine: Engine | None = None) -> pl.DataFrame:
    """Registered cases past the 7 + 7-day decision deadline as of ``as_of`` (default: the data's
    cut-off), most overdue first: case_id, source, status, category, forwarded_to, region_code,
    region_name, handled_at, received_on, registered_on, decided_on (null while open; a decision
    after ``as_of`` shows, but the case counts as open on ``as_of``), days (to the decision, or
    open so far) and days_over (beyond the 14 days).

    The same condition as the ``overdue`` column of ``violations.violations_table``, so the list's
    length equals the table's total (up to ``limit``)."""
    scope = check_scope(scope, "polling_station")
    return audited_read(actor, "overdue cases", scope,
                        lambda: _overdue(scope, filters, as_of, limit, engine), len,
                        detail=describe(filters))


def _overdue(scope: str | None, filters: CaseFilter, as_of: date | None, limit: int,
             engine: Engine | None) -> pl.DataFrame:
    as_of = as_of or latest_received(filters.election, engine=engine) or date.today()
    limit = max(1, min(int(limit), MAX_ROWS))
    region = schema.region
    end = sa.case((decided_by(as_of), case.c.decided_on), else_=sa.literal(as_of, sa.Date))
    days = end - case.c.registered_on
    stmt = (
        sa.select(
            case.c.case_id, case.c.source, status_expression().label("status"), case.c.category,
            case.c.forwarded_to, case.c.region_code, region.c.name.label("region_name"),
            handled_level_expression().label("handled_at"), case.c.received_on,
            case.c.registered_on, case.c.decided_on, days.label("days"),
            (days - DECISION_LIMIT_DAYS).label("days_over"),
        )
        .select_from(case.outerjoin(region, region.c.code == case.c.region_code))
        .where(*filters.clauses(scope), overdue_condition(as_of))
        .order_by(sa.desc("days_over"), case.c.case_id)
        .limit(limit)
    )
    return fetch(stmt, engine, CASE_DTYPES)


__all__ = ["overdue_cases"]
