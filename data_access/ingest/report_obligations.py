"""``report-obligations``: who owes which LHP by when — the denominator of compliance.

Natural key: ``obligation_id``. The supervisor must be in the store (load ``supervisors`` first);
the obligation takes its body and region from there, so the two can never disagree. The election
comes from the file or, when the column is absent or blank, from ``--election``.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from data_access import schema
from data_access.ingest.base import Context, Kind, Options, duplicates, unknown
from data_access.ingest.fields import Date, Field, Integer
from data_access.ingest.vocabulary import ELECTION, STAGE
from data_access.store import upsert

FIELDS = (
    Field("obligation_id", Integer(minimum=1), required=True,
          aliases=("id kewajiban", "id kewajiban laporan", "id"), doc="the obligation's id"),
    Field("supervisor_id", Integer(minimum=1), required=True, aliases=("id pengawas",),
          doc="who owes the report"),
    Field("election", ELECTION, required=True, aliases=("pemilu", "pemilihan", "jenis pemilihan"),
          doc="pemilu2024 or pilkada2024 (or --election)"),
    Field("stage", STAGE, required=True, aliases=("tahapan",),
          doc="voter_update … recapitulation, or the Indonesian name"),
    Field("due_date", Date(), required=True,
          aliases=("batas waktu", "tenggat", "jatuh tempo", "tanggal jatuh tempo",
                   "batas waktu laporan"), doc="the last day the report is on time"),
)
ANCESTRY = ("province_code", "regency_code", "district_code", "village_code")


def defaults(options: Options) -> dict[str, object]:
    return {"election": options.election}


def check(ctx: Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    sup = schema.supervisor
    supervisors = ctx.fetch(sa.select(sup.c.supervisor_id, sup.c.body,
                                      *[sup.c[c] for c in ANCESTRY]))
    problems = [
        duplicates(frame, ["obligation_id"], "obligation_id"),
        unknown(frame, "supervisor_id", supervisors["supervisor_id"],
                "unknown supervisor: not in the store (load supervisors first)"),
    ]
    frame = frame.join(supervisors, on="supervisor_id", how="left")
    return frame, pl.concat(problems)


def load(ctx: Context, frame: pl.DataFrame) -> int:
    assert ctx.conn is not None
    return upsert(ctx.conn, schema.report_obligation, frame, ["obligation_id"])


KIND = Kind("report-obligations", "The LHP schedule: which supervisor owes which report by when.",
            FIELDS, check, load, schema.report_obligation, ("obligation_id",), defaults)
