"""Refresh the derived per-kecamatan rollups inside the load that changed their sources.

The rollups are aggregates the database computes (INSERT … SELECT … GROUP BY), never Python
loops; refreshing them in the same transaction keeps them exactly consistent with the base
tables for every reader.

A load refreshes only what it can have changed (:func:`refresh`): the rollups fed by the tables it
wrote, and — when the load names them — only the *areas* it touched. Recomputing the compliance
rollup joins every obligation with every report (~6 million rows each nationally, seconds per
load), while a file of one kabupaten's reports changes a few dozen kecamatan.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access import schema

ANCESTRY = ("province_code", "regency_code", "district_code")

# Which base tables each rollup is computed from: a load that wrote none of them leaves it as is.
SOURCES: dict[str, frozenset[str]] = {
    schema.compliance_rollup.name: frozenset({schema.report_obligation.name,
                                              schema.supervision_report.name}),
    schema.staffing_rollup.name: frozenset({schema.polling_station.name, schema.supervisor.name,
                                            schema.region.name}),
}

# Above this many areas the whole compliance rollup is recomputed instead: the bound list of areas
# costs per row, and a full recompute of the national schedule (5.5M obligations, 1.8 s) is as
# cheap as ~3,000 areas (1,000: 0.7 s; 7,277: 3.6 s).
MAX_AREAS = 1_000

# What a load changed: table name -> the compliance areas it touched, or None for "anywhere".
Changes = Mapping[str, frozenset[str] | None]


def area(table: sa.Table | sa.sql.Subquery) -> sa.ColumnElement[str]:
    """The *area* of an obligation or of a compliance-rollup row: its kecamatan, or for a body
    above kecamatan level (Bawaslu Provinsi, Kabupaten/Kota, whose obligations have no kecamatan)
    the deepest region it has. A rollup row's area is a function of its group keys, so deleting
    and recomputing every row of a set of areas gives exactly the rows a full recompute gives."""
    return sa.func.coalesce(table.c.district_code, table.c.regency_code, table.c.province_code)


def refresh_compliance(conn: Connection, areas: Collection[str] | None = None) -> None:
    """Recompute the compliance rollup: every row (``areas`` None), or only the rows of ``areas``
    (bound as parameters: at most the ~8,000 kecamatan, kabupaten/kota and provinces)."""
    ob, rep, roll = schema.report_obligation, schema.supervision_report, schema.compliance_rollup
    if areas is not None and not areas:
        return
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
    delete = sa.delete(roll)
    if areas is not None:
        chosen = sa.bindparam("areas", sorted(areas), expanding=True)
        select = select.where(area(ob).in_(chosen))
        delete = delete.where(area(roll).in_(chosen))
    conn.execute(delete)
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


def refresh(conn: Connection, changes: Changes | None) -> list[str]:
    """Bring the rollups up to date after a write; returns the names of those recomputed.

    ``changes`` None means the write did not say what it changed: every rollup is recomputed in
    full. Otherwise only the rollups fed by a changed table are, and the compliance rollup only for
    the areas named when every changed source named its areas (at most :data:`MAX_AREAS`, beyond
    which the whole rollup is cheaper to recompute). The staffing rollup is always
    recomputed whole when one of its sources changed: it is one row per kecamatan from tables of
    a few hundred thousand rows (tens of milliseconds nationally), not worth a second code path.
    """
    if changes is None:
        refresh_all(conn)
        return list(SOURCES)
    done = []
    compliance = [changes[t] for t in SOURCES[schema.compliance_rollup.name] if t in changes]
    areas = (None if any(a is None for a in compliance)
             else frozenset().union(*compliance))  # type: ignore[arg-type]
    if areas is None or len(areas) > MAX_AREAS:
        refresh_compliance(conn)
        done.append(schema.compliance_rollup.name)
    elif areas:
        refresh_compliance(conn, areas)
        done.append(schema.compliance_rollup.name)
    if any(t in changes for t in SOURCES[schema.staffing_rollup.name]):
        refresh_staffing(conn)
        done.append(schema.staffing_rollup.name)
    return done


def report_areas(conn: Connection, keys: sa.FromClause) -> frozenset[str]:
    """The compliance areas a write of supervision reports touches: those of the obligations the
    rows name (``keys`` has ``report_id`` and ``obligation_id`` columns: a staged frame), and of
    the obligations of the stored reports the rows replace — a report that moves to another
    obligation leaves its old one unfiled. Run before the write, while the old rows are there."""
    ob, rep = schema.report_obligation, schema.supervision_report
    replaced = sa.select(rep.c.obligation_id).where(
        rep.c.report_id.in_(sa.select(keys.c.report_id)))
    obligations = sa.union(sa.select(keys.c.obligation_id), replaced)
    touched = sa.select(area(ob)).where(ob.c.obligation_id.in_(obligations)).distinct()
    return frozenset(row[0] for row in conn.execute(touched))
