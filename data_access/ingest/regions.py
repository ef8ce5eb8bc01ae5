"""``regions``: the region reference (*wilayah*) — code, name, optionally level and vintage.

Natural key: ``code``. A region's parent must be in the store or in the same file, so a file may
bring a province with its kab/kota. Level, parent and ancestry are derived from the code.
"""

from __future__ import annotations

import polars as pl

from data_access import schema
from data_access.codes import REGION_LEVELS
from data_access.ingest.base import Context, Kind, duplicates, problems_where, region_codes
from data_access.ingest.fields import Field, RegionCode, Text, choice, level_of_code
from data_access.ingest.readers import ROW
from data_access.store import upsert

LEVEL = choice(REGION_LEVELS, "level", {
    "provinsi": "province", "kabupaten/kota": "regency", "kabupaten": "regency",
    "kota": "regency", "kab/kota": "regency", "kecamatan": "district", "desa/kelurahan": "village",
    "desa": "village", "kelurahan": "village",
})
DEFAULT_VINTAGE = "2024"

FIELDS = (
    Field("code", RegionCode(), required=True,
          aliases=("kode wilayah", "kode", "kode kemendagri"), doc="region code"),
    Field("name", Text(200), required=True, aliases=("nama wilayah", "nama", "wilayah"),
          doc="the region's name as written in the official list"),
    Field("level", LEVEL, aliases=("tingkat", "tingkat wilayah"),
          doc="optional; must agree with the code"),
    Field("vintage", Text(8), aliases=("versi",),
          doc=f"which code list (default {DEFAULT_VINTAGE})"),
)


def _with_parent(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        _level=level_of_code(pl.col("code")),
        parent_code=pl.when(pl.col("code").str.contains(".", literal=True))
        .then(pl.col("code").str.replace(r"\.[0-9]+$", "")))


def check(ctx: Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = _with_parent(frame)
    problems = [
        problems_where(frame, pl.col("level").is_not_null() & (pl.col("level") != pl.col("_level")),
                       "level", pl.format("the code is a {} code", pl.col("_level"))),
        duplicates(frame, ["code"], "region code"),
    ]
    stored = set(region_codes(ctx).to_list())
    # A parent counts when stored or loaded by a valid row of this file; repeat until stable, since
    # rejecting a kab/kota orphans its kecamatan (at most four rounds: four levels).
    rejected = ctx.rejected_rows | set(pl.concat(problems)["row"].drop_nulls().to_list())
    for _ in REGION_LEVELS:
        valid = frame.filter(~pl.col(ROW).is_in(list(rejected)))
        known = pl.Series("code", sorted(stored | set(valid["code"].to_list())), dtype=pl.Utf8)
        orphans = problems_where(
            valid, pl.col("parent_code").is_not_null() & ~pl.col("parent_code").is_in(known.implode()),
            "code", pl.format("its parent {} is neither in the store nor in this file",
                              pl.col("parent_code")))
        if orphans.height == 0:
            break
        problems.append(orphans)
        rejected |= set(orphans["row"].to_list())
    return frame, pl.concat(problems)


def load(ctx: Context, frame: pl.DataFrame) -> int:
    rows = frame.with_columns(
        level=pl.col("_level"), vintage=pl.col("vintage").fill_null(DEFAULT_VINTAGE),
    ).with_columns(
        province_code=pl.col("code").str.slice(0, 2),
        regency_code=pl.when(pl.col("code").str.len_chars() >= 5).then(pl.col("code").str.slice(0, 5)),
        district_code=pl.when(pl.col("code").str.len_chars() >= 8).then(pl.col("code").str.slice(0, 8)),
        village_code=pl.when(pl.col("code").str.len_chars() >= 13).then(pl.col("code").str.slice(0, 13)),
    )
    assert ctx.conn is not None
    return upsert(ctx.conn, schema.region, rows, ["code"])


KIND = Kind("regions", "The region reference: one row per province, kab/kota, kecamatan or desa.",
            FIELDS, check, load, schema.region, ("code",))
