"""``supervision-reports``: the LHP (*laporan hasil pengawasan*, "Form A") actually filed, one row
per report against an obligation of the schedule (``report_obligation``).

Natural key: ``report_id``, and ``obligation_id`` too (one report per obligation, as the store
enforces): a row replaces the stored report with the same id *or* for the same obligation. The
obligation must be in the store (load ``report-obligations`` first). This is the big one — about
six million rows nationally — so every check is a vectorised join.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import polars as pl
import sqlalchemy as sa

from data_access import rollups, schema
from data_access.ingest.base import Context, Kind, duplicates, unknown
from data_access.ingest.fields import Boolean, Date, Field, Integer, Text
from data_access.store import changed_rows, declare_changes, staged, upsert

FIELDS = (
    Field("report_id", Integer(minimum=1), required=True,
          aliases=("id laporan", "id lhp", "id"), doc="the report's id in the source system"),
    Field("obligation_id", Integer(minimum=1), required=True,
          aliases=("id kewajiban", "id kewajiban laporan"), doc="the obligation it fulfils"),
    Field("report_number", Text(64), aliases=("nomor laporan", "nomor lhp", "no lhp", "nomor"),
          doc="e.g. 001/LHP/PM.01.03/PKD.64/02/2024"),
    Field("submitted_on", Date(), required=True,
          aliases=("tanggal laporan", "tanggal lapor", "tanggal kirim", "tanggal penyampaian",
                   "tanggal"), doc="the day it was filed"),
    Field("has_findings", Boolean(), aliases=("ada temuan", "temuan"),
          doc="ya/tidak (default tidak)"),
)


def check(ctx: Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    # The file's own duplicates are looked for while the store's obligations are fetched.
    with ThreadPoolExecutor(max_workers=1) as pool:
        within = pool.submit(lambda: [
            duplicates(frame, ["report_id"], "report_id"),
            duplicates(frame, ["obligation_id"], "obligation_id (one report per obligation)")])
        obligations = ctx.fetch(sa.select(schema.report_obligation.c.obligation_id))
        problems = [
            *within.result(),
            unknown(frame, "obligation_id", obligations["obligation_id"],
                    "unknown obligation: not in the store's report schedule (load "
                    "report-obligations first)"),
        ]
    return frame, pl.concat(problems)


# A file with fewer rows than this share of the store's obligations has the areas it touches
# traced (one join of its keys), and only their compliance-rollup rows are recomputed; a larger one
# touches nearly every kecamatan, so the whole rollup is recomputed without tracing.
AREA_REFRESH_SHARE = 0.1


def load(ctx: Context, frame: pl.DataFrame) -> int:
    """Upsert the rows; only those the store does not already hold as they are are written, and
    only the rollup areas those touch are recomputed (loading the same file again writes
    nothing). Returns the rows accepted, all of which the store then holds."""
    conn = ctx.conn
    assert conn is not None
    rows = frame.with_columns(pl.col("has_findings").fill_null(False))
    table = schema.supervision_report
    changed = changed_rows(conn, table, rows)  # report_id and obligation_id unique: checked
    obligations = conn.execute(sa.select(sa.func.count())
                               .select_from(schema.report_obligation)).scalar_one()
    if changed.height < AREA_REFRESH_SHARE * obligations:
        keys = changed.select("report_id", "obligation_id")
        with staged(conn, keys, "pantau_report_keys", table) as keyed:
            declare_changes(conn, table, rollups.report_areas(conn, keyed))
    upsert(conn, table, changed, [["report_id"], ["obligation_id"]])
    return rows.height


KIND = Kind("supervision-reports", "Supervision reports (LHP, Form A) filed against obligations.",
            FIELDS, check, load, schema.supervision_report, ("report_id",))
