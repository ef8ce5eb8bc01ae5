"""``violations``: violation cases (*pelanggaran*, Perbawaslu 7/2022), one row per laporan or
temuan, with where they stand in handling: received → registered → finding → forwarded.

Natural key: ``case_id`` (the register number). The region is where the case is handled (a
province, kab/kota, kecamatan or desa of the store). The workflow must be coherent: a finding
needs a registered case, a category a finding of violation, forwarding a violation; and no step
may be dated before the one it follows.
"""

from __future__ import annotations

import polars as pl

from data_access import schema
from data_access.ingest.base import (
    Context,
    Kind,
    Options,
    duplicates,
    problems_where,
    region_codes,
    with_ancestry,
)
from data_access.ingest.fields import Date, Field, RegionCode, Text
from data_access.ingest.vocabulary import (
    CASE_SOURCE,
    CATEGORY,
    ELECTION,
    FINDING,
    FORWARDED_TO,
    REGISTRATION_STATUS,
    REPORTED_PARTY,
    STAGE,
)
from data_access.store import upsert

FIELDS = (
    Field("case_id", Text(64), required=True,
          aliases=("nomor kasus", "nomor register", "nomor registrasi", "no register", "nomor"),
          doc="the register number, e.g. 001/LP/PL/KAB/32.04/X/2022"),
    Field("election", ELECTION, required=True, aliases=("pemilu", "pemilihan", "jenis pemilihan"),
          doc="pemilu2024 or pilkada2024 (or --election)"),
    Field("source", CASE_SOURCE, required=True, aliases=("sumber", "sumber kasus"),
          doc="laporan (public report) or temuan (finding)"),
    Field("stage", STAGE, aliases=("tahapan",), doc="the election stage (optional)"),
    Field("reported_party", REPORTED_PARTY, aliases=("terlapor", "pihak terlapor"),
          doc="candidate, political_party, … (optional)"),
    Field("registration", REGISTRATION_STATUS, required=True,
          aliases=("status registrasi", "registrasi"),
          doc="registered / not_registered / pending (diregistrasi …)"),
    Field("finding", FINDING, aliases=("hasil kajian", "status pelanggaran", "hasil"),
          doc="violation / not_violation / in_process"),
    Field("category", CATEGORY, aliases=("jenis pelanggaran", "kategori"),
          doc="administrative, criminal, ethics, other_law, tsm"),
    Field("subcategory", Text(32), aliases=("subkategori", "sub kategori"),
          doc="e.g. asn_neutrality"),
    Field("forwarded_to", FORWARDED_TO, aliases=("diteruskan ke", "penerusan", "tindak lanjut"),
          doc="KPU, Sentra Gakkumdu, DKPP, KASN/BKN, Bawaslu"),
    Field("occurred_on", Date(), aliases=("tanggal kejadian",), doc="when it happened"),
    Field("received_on", Date(), required=True,
          aliases=("tanggal diterima", "tanggal laporan", "tanggal temuan", "tanggal masuk"),
          doc="when Bawaslu received it"),
    Field("registered_on", Date(), aliases=("tanggal registrasi",), doc="registration date"),
    Field("decided_on", Date(), aliases=("tanggal putusan", "tanggal kajian", "tanggal keputusan"),
          doc="date of the finding"),
    Field("forwarded_on", Date(), aliases=("tanggal diteruskan", "tanggal penerusan"),
          doc="date forwarded"),
    Field("region_code", RegionCode(), required=True,
          aliases=("kode wilayah", "kode", "wilayah penanganan"),
          doc="where the case is handled (province … desa)"),
)
# Each step's date may not precede the step before it.
DATE_ORDER = (("occurred_on", "received_on"), ("received_on", "registered_on"),
              ("registered_on", "decided_on"), ("decided_on", "forwarded_on"))


def defaults(options: Options) -> dict[str, object]:
    return {"election": options.election}


def check(ctx: Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    col = pl.col
    problems = [
        problems_where(frame, col(later) < col(earlier), later,
                       pl.format(f"{later} is before {earlier} ({{}})", col(earlier)))
        for earlier, later in DATE_ORDER
    ]
    problems += [
        problems_where(frame, col("finding").is_not_null() & (col("registration") != "registered"),
                       "finding", "a finding needs a registered case"),
        problems_where(frame, col("category").is_not_null() & (col("finding") != "violation"),
                       "category", "a category needs the finding 'violation'"),
        problems_where(frame, col("forwarded_to").is_not_null() & (col("finding") != "violation"),
                       "forwarded_to", "only a violation is forwarded"),
        problems_where(frame, col("region_code").is_not_null()
                       & ~col("region_code").is_in(region_codes(ctx).implode()), "region_code",
                       "unknown region code: not in the store's region list"),
        duplicates(frame, ["case_id"], "case_id"),
    ]
    return frame, pl.concat(problems)


def load(ctx: Context, frame: pl.DataFrame) -> int:
    assert ctx.conn is not None
    return upsert(ctx.conn, schema.violation_case, with_ancestry(frame, "region_code"),
                  ["case_id"])


KIND = Kind("violations", "Violation cases (laporan and temuan) and their handling.",
            FIELDS, check, load, schema.violation_case, ("case_id",), defaults)
