"""``supervisors``: supervisory posts (*pengawas*) — Bawaslu Provinsi and Kab/Kota, Panwascam,
PKD and PTPS — each with the region or TPS it supervises.

Natural key: ``supervisor_id``. The code's level must be the body's (a PTPS supervises a TPS, a
PKD a desa, …) and the region or TPS must be in the store. Panwascam have three seats; the other
bodies one.
"""

from __future__ import annotations

import polars as pl

from data_access import schema
from data_access.domain import SUPERVISOR_BODIES
from data_access.ingest.base import (
    Context,
    Kind,
    duplicates,
    polling_station_codes,
    problems_where,
    region_codes,
    with_ancestry,
)
from data_access.ingest.fields import INT32_MAX, Field, Integer, RegionCode, level_of_code
from data_access.ingest.vocabulary import BODY
from data_access.store import upsert

SEATS = {"panwascam": 3}  # Panwaslu Kecamatan: three members; every other post has one

FIELDS = (
    Field("supervisor_id", Integer(minimum=1), required=True, aliases=("id pengawas", "id"),
          doc="the post's id in the source system"),
    Field("body", BODY, required=True, aliases=("lembaga", "jenis pengawas", "pengawas", "badan"),
          doc="bawaslu_province … ptps, or the Indonesian name"),
    Field("seat", Integer(minimum=1, maximum=INT32_MAX), aliases=("kursi", "nomor kursi", "anggota ke"),
          doc="1 (Panwascam: 1–3); default 1"),
    Field("region_code", RegionCode(("province", "regency", "district", "village",
                                     "polling_station")), required=True,
          aliases=("kode wilayah", "kode", "kode tps", "wilayah pengawasan"),
          doc="the region supervised, or the TPS code for a PTPS"),
)


def check(ctx: Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = frame.with_columns(
        _level=level_of_code(pl.col("region_code")),
        _expected=pl.col("body").replace_strict(SUPERVISOR_BODIES, default=None),
        seat=pl.col("seat").fill_null(1),
    )
    seats = pl.col("body").replace_strict(SEATS, default=1, return_dtype=pl.Int64)
    known = pl.concat([region_codes(ctx), polling_station_codes(ctx)])
    problems = [
        problems_where(frame, pl.col("_level").is_not_null() & pl.col("_expected").is_not_null()
                       & (pl.col("_level") != pl.col("_expected")), "region_code",
                       pl.format("a {} supervises a {}, but this is a {} code", pl.col("body"),
                                 pl.col("_expected"), pl.col("_level"))),
        problems_where(frame, pl.col("seat") > seats, "seat",
                       pl.format("a {} has {} seat(s)", pl.col("body"), seats)),
        problems_where(frame, pl.col("region_code").is_not_null()
                       & ~pl.col("region_code").is_in(known.implode()), "region_code",
                       "unknown region or TPS code: not in the store"),
        duplicates(frame, ["supervisor_id"], "supervisor_id"),
    ]
    return frame, pl.concat(problems)


def load(ctx: Context, frame: pl.DataFrame) -> int:
    rows = with_ancestry(frame, "region_code").with_columns(
        polling_station_code=pl.when(pl.col("body") == "ptps").then(pl.col("region_code")))
    assert ctx.conn is not None
    return upsert(ctx.conn, schema.supervisor, rows, ["supervisor_id"])


KIND = Kind("supervisors", "Supervisory posts and the region or TPS each one supervises.",
            FIELDS, check, load, schema.supervisor, ("supervisor_id",))
