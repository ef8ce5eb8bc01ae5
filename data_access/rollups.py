"""Refresh the derived per-kecamatan rollups inside the load that changed their sources.

The rollups are aggregates the database computes (INSERT … SELECT … GROUP BY), never Python
loops; refreshing them in the same transaction keeps them exactly consistent with the base
tables for every reader.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access import schema

ANCESTRY = ("province_code", "regency_code", "district_code")


def refresh_compliance(conn: Connection) -> None:
    ob, rep, roll = schema.report_obligation, schema.supervision_report, schema.compliance_rollup
    filed = rep.c.report_id.is_not(None)
    keys = [ob.c.election, ob.c.stage, ob.c.body, ob.c.due_date, *[ob.c[c] for c in ANCESTRY]]
    select = (
        sa.select(
            *keys,
            sa.func.count().label("expected"),
            sa.func.sum(sa.case((filed, 1), else_=0)).label("filed"),
            sa.func.sum(sa.case((sa.and_(filed, rep.c.submitted_on <= ob.c.due_date), 1),
                                else_=0)).label("on_time"),
        )
        .select_from(ob.outerjoin(rep, rep.c.obligation_id == ob.c.obligation_id))
        .group_by(*keys)
    )
    conn.execute(sa.delete(roll))
    conn.execute(roll.insert().from_select(
        ["election", "stage", "body", "due_date", *ANCESTRY, "expected", "filed", "on_time"],
        select))


def refresh_staffing(conn: Connection) -> None:
    ps, sup, region, roll = (schema.polling_station, schema.supervisor, schema.region,
                             schema.staffing_rollup)
    ptps = sa.select(sup.c.polling_station_code).where(sup.c.body == "ptps").distinct().subquery()
    pkd = sa.select(sup.c.region_code).where(sup.c.body == "pkd").distinct().subquery()
    tps = (
        sa.select(*[ps.c[c] for c in ANCESTRY], sa.func.count().label("polling_stations"),
                  sa.func.sum(sa.case((ptps.c.polling_station_code.is_(None), 1), else_=0))
                  .label("tps_without_ptps"))
        .select_from(ps.outerjoin(ptps, ptps.c.polling_station_code == ps.c.code))
        .group_by(*[ps.c[c] for c in ANCESTRY]).subquery()
    )
    desa = (
        sa.select(*[region.c[c] for c in ANCESTRY], sa.func.count().label("villages"),
                  sa.func.sum(sa.case((pkd.c.region_code.is_(None), 1), else_=0))
                  .label("villages_without_pkd"))
        .select_from(region.outerjoin(pkd, pkd.c.region_code == region.c.code))
        .where(region.c.level == "village")
        .group_by(*[region.c[c] for c in ANCESTRY]).subquery()
    )
    district = schema.region
    select = (
        sa.select(
            district.c.province_code, district.c.regency_code, district.c.district_code,
            sa.func.coalesce(tps.c.polling_stations, 0), sa.func.coalesce(tps.c.tps_without_ptps, 0),
            sa.func.coalesce(desa.c.villages, 0), sa.func.coalesce(desa.c.villages_without_pkd, 0),
        )
        .select_from(
            district.outerjoin(tps, tps.c.district_code == district.c.code)
            .outerjoin(desa, desa.c.district_code == district.c.code))
        .where(district.c.level == "district")
    )
    conn.execute(sa.delete(roll))
    conn.execute(roll.insert().from_select(
        [*ANCESTRY, "polling_stations", "tps_without_ptps", "villages", "villages_without_pkd"],
        select))


def refresh_all(conn: Connection) -> None:
    refresh_compliance(conn)
    refresh_staffing(conn)
