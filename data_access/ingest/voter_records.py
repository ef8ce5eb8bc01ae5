"""``voter-records``: a voter-list extract, one row per voter (DPS/DPT) — personal data.

Voter records never enter the store (UU 27/2022; the schema has no table for them): a load
validates the file and writes the extract to ``<PANTAU_DATA_DIR>/extracts/
voter_records_<province>.parquet``, which ``pantau anomalies run`` reads, and records the load in
the audit log with counts only. Messages show row, column and reason with the value masked (a NIK
as ``64090*********01``); no NIK, name, address or family card reaches the store or a log.

What is checked here is form (a date is a date, sex is L or P, the desa exists); what is merely
suspicious — a malformed NIK, a duplicate, an underage voter — is the anomaly pipeline's job, so
such rows load and get flagged there. Natural key: ``record_id``; a file updates the province's
extract (same ``record_id`` replaced, new ones added). One file holds one province. The extract is
written to a temporary file first and renamed over the old one after the audit row is committed.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from data_access.ingest.base import Context, Kind, duplicates, problems_where, region_codes
from data_access.ingest.errors import problems_frame
from data_access.ingest.fields import Date, Field, Integer, RegionCode, Text
from data_access.ingest.vocabulary import MARITAL_STATUS, SEX
from pantau.settings import get_settings

# The extract's columns and types, as the anomaly pipeline reads them.
RECORD_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.Utf8(), "nik": pl.Utf8(), "name": pl.Utf8(), "birth_date": pl.Date(),
    "sex": pl.Utf8(), "marital_status": pl.Utf8(), "address": pl.Utf8(),
    "family_card": pl.Utf8(), "village_code": pl.Utf8(), "tps": pl.Int32(),
}
NUMBER_COLUMNS = ("nik", "family_card")  # 16 digits: a spreadsheet number keeps only 15

FIELDS = (
    Field("record_id", Text(64), required=True, aliases=("id", "id data", "id record"),
          doc="the source's own non-personal row id"),
    Field("nik", Text(64), needs_column=True, personal="digits",
          aliases=("nomor induk kependudukan", "no nik"),
          doc="16 digits (checked by the anomaly rules, not here)"),
    Field("name", Text(200), required=True, personal="full",
          aliases=("nama", "nama lengkap", "nama pemilih"), doc="full name"),
    Field("birth_date", Date(), required=True, personal="full",
          aliases=("tanggal lahir", "tgl lahir", "tgl. lahir"), doc="date of birth"),
    Field("sex", SEX, required=True, aliases=("jenis kelamin", "jk", "l/p"), doc="L or P"),
    Field("marital_status", MARITAL_STATUS, required=True,
          aliases=("status perkawinan", "kawin", "status kawin"),
          doc="B never, S currently, P previously married"),
    Field("address", Text(300), personal="full", aliases=("alamat",), doc="address"),
    Field("family_card", Text(32), personal="digits", aliases=("no kk", "nkk", "nomor kk"),
          doc="family card (KK) number"),
    Field("village_code", RegionCode(("village",)), required=True,
          aliases=("kode desa", "kode wilayah", "kode kelurahan"), doc="desa/kelurahan code"),
    Field("tps", Integer(minimum=1, maximum=999), required=True, aliases=("no tps", "nomor tps"),
          doc="TPS number in the desa"),
)


def extract_path(province: str) -> Path:
    """Where a province's extract lives: the internal machine's disk, never the store."""
    return get_settings().data_dir / "extracts" / f"voter_records_{province}.parquet"


def check(ctx: Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    problems = [problems_frame([
        {"row": None, "column": column, "value": None,
         "reason": "stored as numbers in the workbook, which keep only 15 digits: format the "
                   "column as text and export again"}
        for column in NUMBER_COLUMNS if column in ctx.numeric_columns])]
    provinces = frame["village_code"].drop_nulls().str.slice(0, 2).unique().sort().to_list()
    if len(provinces) > 1:
        problems.append(problems_frame([{
            "row": None, "column": "village_code", "value": None,
            "reason": f"records from {len(provinces)} provinces ({', '.join(provinces)}): load one "
                      "province per file (each province has its own extract)"}]))
    villages = region_codes(ctx, ["village"])
    problems += [
        problems_where(frame, pl.col("village_code").is_not_null()
                       & ~pl.col("village_code").is_in(villages.implode()), "village_code",
                       "unknown desa code: not in the store's region list"),
        duplicates(frame, ["record_id"], "record_id"),
    ]
    return frame, pl.concat(problems)


def load(ctx: Context, frame: pl.DataFrame) -> int:
    province = frame["village_code"][0][:2]
    target = extract_path(province)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    new = frame.select([pl.col(c).cast(t) for c, t in RECORD_SCHEMA.items()])
    if target.exists():
        kept = pl.scan_parquet(target).join(new.lazy().select("record_id"), on="record_id",
                                            how="anti")
        merged = pl.concat([kept.select(list(RECORD_SCHEMA)).cast(RECORD_SCHEMA), new.lazy()])
    else:
        merged = new.lazy()
    ctx.on_abort.append(lambda: temp.unlink(missing_ok=True))
    merged.sink_parquet(temp, compression="zstd", row_group_size=256_000)
    ctx.after_commit.append(lambda: os.replace(temp, target))
    ctx.notes.append(f"extract extracts/{target.name} (outside the store)")
    return new.height


KIND = Kind("voter-records", "A voter-list extract, one row per voter: personal data, kept out "
            "of the store in the extracts folder.", FIELDS, check, load)
