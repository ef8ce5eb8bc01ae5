"""``voter-recap``: voters per region and voter-list stage (*rekapitulasi daftar pemilih*), as KPU
publishes it per kab/kota or per desa, into ``voter_list_recap``.

* The total is required; men and women are optional (a blank cell is null), and where all three
  are given they must add up. The stage is DP4, DPS, DPSHP or DPT in any case (a ``--stage`` gives
  it for a file without the column); the election comes from ``--election`` (default pemilu2024),
  because KPU's recaps do not say which election they belong to.
* A trailing total row (its code blank or a word such as ``TOTAL``/``JUMLAH``) is recognised,
  checked against the sum of the rows above it and not imported as a region.
* All rows of one stage must sit at one level: queries read the finest level present, and a file
  mixing kab/kota and their desa would count the same voters twice.
* Natural key: election, stage and region. A row replaces the stored figures of its region *and
  of every region below it* for that election and stage — otherwise older desa rows would keep
  winning over a newer kab/kota recap (queries read the finest level present).
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from data_access import schema
from data_access.codes import REGION_LEVELS
from data_access.ingest.base import (
    Context,
    Kind,
    Options,
    duplicates,
    problems_where,
    region_codes,
    with_ancestry,
)
from data_access.ingest.errors import PROBLEM_SCHEMA, problems_frame
from data_access.ingest.fields import INT32_MAX, Field, Integer, RegionCode, Text, level_of_code
from data_access.ingest.readers import ROW
from data_access.ingest.vocabulary import VOTER_STAGE
from data_access.store import upsert

MEN_ALIASES = ("pemilih laki-laki", "laki-laki", "l", "lk", "pemilih l", "jumlah laki-laki")
WOMEN_ALIASES = ("pemilih perempuan", "perempuan", "p", "pr", "pemilih p", "jumlah perempuan")
TOTAL_ALIASES = ("jumlah pemilih", "total", "total pemilih", "l+p", "jumlah l+p")
COUNTS = ("voters_male", "voters_female", "voters_total", "polling_stations")
TOTAL_WORDS = r"(?i)^(total|jumlah|grand total|jumlah total|total keseluruhan|jumlah keseluruhan)\b"

FIELDS = (
    Field("region_code", RegionCode(), required=True, aliases=("kode wilayah", "kode"),
          doc="province, kab/kota, kecamatan or desa code"),
    Field("region_name", Text(200), aliases=("nama wilayah", "wilayah", "nama"),
          doc="optional; informative only (the store's name is kept)"),
    Field("stage", VOTER_STAGE, required=True, aliases=("tahapan",),
          doc="DP4, DPS, DPSHP or DPT (any case); or --stage"),
    Field("voters_male", Integer(), aliases=MEN_ALIASES, doc="men (optional)"),
    Field("voters_female", Integer(), aliases=WOMEN_ALIASES, doc="women (optional)"),
    Field("voters_total", Integer(), required=True, aliases=TOTAL_ALIASES, doc="all voters"),
    Field("polling_stations", Integer(maximum=INT32_MAX), aliases=("jumlah tps", "tps"),
          doc="number of TPS (optional)"),
)


def defaults(options: Options) -> dict[str, object]:
    return {"stage": options.stage} if options.stage else {}


def split_total_row(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """The last row is a total row when its code cell is blank or a word like TOTAL/JUMLAH (or
    its name cell is): returns (the other rows, the total row or None). Works on raw text."""
    if raw.height < 2:
        return raw, None
    last = raw.tail(1)
    code = last["region_code"][0]
    name = last["region_name"][0] if "region_name" in last.columns else None
    looks_total = (code is None or bool(pl.Series([code]).str.contains(TOTAL_WORDS)[0])
                   or (name is not None and bool(pl.Series([name]).str.contains(TOTAL_WORDS)[0])))
    if not looks_total or (code is not None and any(ch.isdigit() for ch in code)):
        return raw, None
    return raw.head(raw.height - 1), last


def check_total_row(rows: pl.DataFrame, total: pl.DataFrame) -> pl.DataFrame:
    """Each count given in the total row must equal the sum of that column over the rows (only
    when every row has a parsed value: a row that failed is already reported)."""
    problems = []
    for column in COUNTS:
        if column not in total.columns or total[column][0] is None:
            continue
        if rows[column].null_count():
            continue
        expected = int(rows[column].sum())
        stated = int(total[column][0])
        if stated != expected:
            problems.append({
                "row": int(total[ROW][0]), "column": column, "value": str(stated),
                "reason": f"the total row says {stated} but the rows add up to {expected}",
            })
    return problems_frame(problems)


def check(ctx: Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = frame.with_columns(level=level_of_code(pl.col("region_code")))
    given = pl.all_horizontal(pl.col(c).is_not_null()
                              for c in ("voters_male", "voters_female", "voters_total"))
    sums = pl.col("voters_male") + pl.col("voters_female")
    problems = [
        problems_where(frame, given & (sums != pl.col("voters_total")), "voters_total",
                       pl.format("men + women = {}, not the total", sums)),
        duplicates(frame, ["stage", "region_code"], "stage and region"),
        _mixed_levels(frame),
    ]
    if ctx.total_row is not None:
        problems.append(check_total_row(frame, ctx.total_row))
        ctx.notes.append(f"total row {ctx.total_row[ROW][0]} checked and not imported")
    codes = region_codes(ctx)
    problems.append(problems_where(
        frame, pl.col("region_code").is_not_null() & ~pl.col("region_code").is_in(codes.implode()),
        "region_code", "unknown region code: not in the store's region list"))
    return frame, pl.concat(problems)


def _mixed_levels(frame: pl.DataFrame) -> pl.DataFrame:
    """One level per stage: name the rows that are not at the stage's most common level."""
    rows = frame.filter(pl.col("level").is_not_null() & pl.col("stage").is_not_null())
    levels = rows.group_by("stage", "level").len()
    mixed = levels.filter(pl.len().over("stage") > 1)
    if mixed.height == 0:
        return problems_frame()
    main = mixed.sort("len", descending=True).group_by("stage", maintain_order=True).first()
    odd = rows.join(main.select("stage", main_level="level"), on="stage").filter(
        pl.col("level") != pl.col("main_level"))
    return odd.select(
        pl.col(ROW).alias("row"), pl.lit("region_code").alias("column"),
        pl.col("region_code").alias("value"),
        pl.format("a {} row in a {} recap: one file holds one level per stage, or voters would be "
                  "counted twice", pl.col("level"), pl.col("main_level")).alias("reason"),
    ).cast(PROBLEM_SCHEMA)  # type: ignore[arg-type]


def load(ctx: Context, frame: pl.DataFrame) -> int:
    rows = with_ancestry(frame.with_columns(election=pl.lit(ctx.options.election)),
                         "region_code")
    assert ctx.conn is not None
    written = 0
    for level in REGION_LEVELS:
        part = rows.filter(pl.col("level") == level)
        if part.height:
            # Keyed on the ancestor column of this level: the row's own region and every region
            # below it (their <level>_code is this code) are replaced.
            written += upsert(ctx.conn, schema.voter_list_recap, part,
                              ["election", "stage", f"{level}_code"])
    _note_mixed_levels(ctx, frame["stage"].unique().to_list())
    return written


def _note_mixed_levels(ctx: Context, stages: list[str]) -> None:
    """Say so when the store now holds a stage at two levels (a kab/kota recap for one province
    beside desa rows for others): voter-list queries read the finest level present."""
    recap = schema.voter_list_recap
    present = ctx.fetch(sa.select(recap.c.stage, recap.c.level).distinct().where(
        recap.c.election == ctx.options.election, recap.c.stage.in_(stages)))
    for stage, levels in present.group_by("stage").agg(pl.col("level").sort()).iter_rows():
        if len(levels) > 1:
            ctx.notes.append(f"{ctx.options.election} {stage} is now stored at {len(levels)} "
                             f"levels ({', '.join(levels)}); queries read the finest one present")


KIND = Kind("voter-recap", "Voters per region and voter-list stage (DP4, DPS, DPSHP, DPT).",
            FIELDS, check, load, schema.voter_list_recap, ("election", "stage", "region_code"),
            defaults, split_total_row)
