"""``polling-stations``: TPS (*tempat pemungutan suara*) with their final voter counts (DPT).

A TPS is given by its full code (``64.09.03.2001.001``) or by its desa code and number; the desa
must be in the store. TPS numbered 9xx are special-location TPS. Voter counts are optional; where
men, women and total are all given they must add up. Natural key: the TPS code.
"""

from __future__ import annotations

import polars as pl

from data_access import schema
from data_access.ingest.base import (
    Context,
    Kind,
    duplicates,
    problems_where,
    region_codes,
    with_ancestry,
)
from data_access.ingest.errors import problems_frame
from data_access.ingest.fields import INT32_MAX, Field, Integer, RegionCode
from data_access.ingest.readers import ROW
from data_access.ingest.voter_recap import MEN_ALIASES, TOTAL_ALIASES, WOMEN_ALIASES
from data_access.store import upsert

SPECIAL_FROM = 900  # TPS 9xx: special-location TPS (lokasi khusus)
MAX_NUMBER = 999

FIELDS = (
    Field("code", RegionCode(("polling_station",)), aliases=("kode tps",),
          doc="the TPS code; or give village_code and number"),
    Field("village_code", RegionCode(("village",)),
          aliases=("kode desa", "kode kelurahan", "kode desa/kelurahan", "kode wilayah"),
          doc="the desa/kelurahan (with number)"),
    Field("number", Integer(minimum=1, maximum=INT32_MAX), aliases=("no tps", "nomor tps", "tps"),
          doc="the TPS number in its desa (with village_code)"),
    Field("voters_male", Integer(maximum=INT32_MAX), aliases=MEN_ALIASES, doc="men on the DPT (optional)"),
    Field("voters_female", Integer(maximum=INT32_MAX), aliases=WOMEN_ALIASES, doc="women (optional)"),
    Field("voters_total", Integer(maximum=INT32_MAX), aliases=TOTAL_ALIASES, doc="all voters (optional)"),
)


def check(ctx: Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    if frame["code"].null_count() == frame.height and (
            frame["village_code"].null_count() == frame.height
            or frame["number"].null_count() == frame.height):
        return frame, problems_frame([{
            "row": None, "column": "code", "value": None,
            "reason": "give each TPS's code, or its village_code and number"}])
    from_parts = pl.concat_str([pl.col("village_code"),
                                pl.col("number").cast(pl.Utf8).str.zfill(3)], separator=".")
    frame = frame.with_columns(_from_parts=pl.when(pl.col("number") <= MAX_NUMBER).then(from_parts))
    problems = [
        problems_where(frame, pl.col("number") > MAX_NUMBER, "number",
                       f"a TPS number has at most three digits (1–{MAX_NUMBER})"),
        problems_where(frame, pl.col("code").is_not_null() & pl.col("_from_parts").is_not_null()
                       & (pl.col("code") != pl.col("_from_parts")), "code",
                       pl.format("does not match village_code and number ({})",
                                 pl.col("_from_parts"))),
        problems_where(frame, pl.col("code").is_null()
                       & (pl.col("village_code").is_null() | pl.col("number").is_null())
                       & ~pl.col(ROW).is_in(list(ctx.rejected_rows)), "code",
                       "give the TPS code, or village_code and number"),
    ]
    frame = frame.with_columns(code=pl.coalesce("code", "_from_parts")).with_columns(
        number=pl.col("code").str.slice(14, 3).cast(pl.Int32, strict=False),
        village_code=pl.col("code").str.slice(0, 13))
    given = pl.all_horizontal(pl.col(c).is_not_null()
                              for c in ("voters_male", "voters_female", "voters_total"))
    sums = pl.col("voters_male") + pl.col("voters_female")
    villages = region_codes(ctx, ["village"])
    problems += [
        problems_where(frame, given & (sums != pl.col("voters_total")), "voters_total",
                       pl.format("men + women = {}, not the total", sums)),
        problems_where(frame, pl.col("code").is_not_null()
                       & ~pl.col("village_code").is_in(villages.implode()), "code",
                       pl.format("unknown desa {}: not in the store's region list",
                                 pl.col("village_code"))),
        duplicates(frame, ["code"], "TPS code"),
    ]
    return frame, pl.concat(problems)


def load(ctx: Context, frame: pl.DataFrame) -> int:
    rows = with_ancestry(frame, "code").with_columns(special=pl.col("number") >= SPECIAL_FROM)
    assert ctx.conn is not None
    return upsert(ctx.conn, schema.polling_station, rows, ["code"])


KIND = Kind("polling-stations", "Polling stations (TPS) with their voter counts (DPT).",
            FIELDS, check, load, schema.polling_station, ("code",))
