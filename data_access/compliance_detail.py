"""Record-level compliance rows — which supervision reports (LHP) are missing: internal only.

A list of missing reports names posts (this desa's PKD, that TPS's PTPS), and a post in a
village is a person everyone there knows, so the list is personal data under UU 27/2022: the
public dashboard shows aggregates (``data_access.compliance``) and this module refuses in public
mode and below the analyst role — the same gate (``data_access.access``) as the violations case
list. Every read is written to the access log, and the dashboard does not cache the results, so
each access reaches the log.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import schema
from data_access.access import Actor, audited_read, describe
from data_access.compliance import ALL_REPORTS, ComplianceFilter
from data_access.domain import SUPERVISOR_BODIES
from data_access.query import InvalidQuery, check_scope, fetch

ob = schema.report_obligation
rep = schema.supervision_report
sup = schema.supervisor
MAX_ROWS = 1000  # a screenful to act on; the count says how many more there are

_BODY_ORDER = sa.case({body: i for i, body in enumerate(SUPERVISOR_BODIES)}, value=ob.c.body)


@dataclass(frozen=True)
class MissingReports:
    """The first rows of the missing-report list and how many there are in all."""

    rows: pl.DataFrame
    total: int


def _where(region: str, filters: ComplianceFilter) -> list[sa.ColumnElement[bool]]:
    return [*filters.clauses(ob, region), rep.c.report_id.is_(None)]


def missing_reports(region: str, filters: ComplianceFilter = ALL_REPORTS, *,
                    actor: Actor | None, limit: int = MAX_ROWS,
                    engine: Engine | None = None) -> MissingReports:
    """Obligations in ``region`` (a province … desa code) with no report filed, earliest due
    first, then by body (province down to TPS) and post: obligation_id, supervisor_id, body,
    seat, post_code (the region or TPS supervised), place_name (the post's region; a PTPS's
    desa), stage, due_date — and the total count. Refused (:mod:`data_access.access`) in public
    mode and to anyone below the analyst role; every read is logged."""
    if region is None:
        raise InvalidQuery("the missing-report list needs a region (the whole country is too long)")
    region = check_scope(region, "polling_station")
    limit = max(1, min(int(limit), MAX_ROWS))
    return audited_read(actor, "missing reports", region,
                        lambda: _missing(region, filters, limit, engine),
                        lambda found: found.rows.height, detail=describe(filters))


def _missing(region: str, filters: ComplianceFilter, limit: int,
             engine: Engine | None) -> MissingReports:
    place = schema.region
    deepest = sa.func.coalesce(ob.c.village_code, ob.c.district_code, ob.c.regency_code,
                               ob.c.province_code)
    joined = (ob.join(sup, sup.c.supervisor_id == ob.c.supervisor_id)
              .outerjoin(rep, rep.c.obligation_id == ob.c.obligation_id)
              .outerjoin(place, place.c.code == deepest))
    stmt = (
        sa.select(ob.c.obligation_id, ob.c.supervisor_id, ob.c.body, sup.c.seat,
                  sup.c.region_code.label("post_code"), place.c.name.label("place_name"),
                  ob.c.stage, ob.c.due_date)
        .select_from(joined).where(*_where(region, filters))
        .order_by(ob.c.due_date, _BODY_ORDER, sup.c.region_code, sup.c.seat, ob.c.obligation_id)
        .limit(limit)
    )
    rows = fetch(stmt, engine, {"obligation_id": pl.Int64, "supervisor_id": pl.Int64,
                                "seat": pl.Int64, "due_date": pl.Date})
    count = (sa.select(sa.func.count().label("n"))
             .select_from(ob.outerjoin(rep, rep.c.obligation_id == ob.c.obligation_id))
             .where(*_where(region, filters)))
    total = int(fetch(count, engine, {"n": pl.Int64})["n"][0])
    return MissingReports(rows, total)


__all__ = ["MissingReports", "missing_reports", "MAX_ROWS"]
