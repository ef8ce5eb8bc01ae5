"""``supervision-reports``: the LHP (*laporan hasil pengawasan*, "Form A") actually filed, one row
per report against an obligation of the schedule (``report_obligation``).

Natural key: ``report_id``, and ``obligation_id`` too (one report per obligation, as the store
enforces): a row replaces the stored report with the same id *or* for the same obligation. The
obligation must be in the store (load ``report-obligations`` first). This is the big one — about
six million rows nationally — so every check is a vectorised join.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from data_access import schema
from data_access.ingest.base import Context, Kind, duplicates, unknown
from data_access.ingest.fields import Boolean, Date, Field, Integer, Text
from data_access.store import upsert

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
    obligations = ctx.fetch(sa.select(schema.report_obligation.c.obligation_id))["obligation_id"]
    problems = [
        duplicates(frame, ["report_id"], "report_id"),
        duplicates(frame, ["obligation_id"], "obligation_id (one report per obligation)"),
        unknown(frame, "obligation_id", obligations,
                "unknown obligation: not in the store's report schedule (load "
                "report-obligations first)"),
    ]
    return frame, pl.concat(problems)


def load(ctx: Context, frame: pl.DataFrame) -> int:
    assert ctx.conn is not None
    rows = frame.with_columns(pl.col("has_findings").fill_null(False))
    return upsert(ctx.conn, schema.supervision_report, rows, [["report_id"], ["obligation_id"]])


KIND = Kind("supervision-reports", "Supervision reports (LHP, Form A) filed against obligations.",
            FIELDS, check, load, schema.supervision_report, ("report_id",))
