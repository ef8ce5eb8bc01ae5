"""voter-recap files into the fixture store (province 91 has four desa, province 92 one; the
store holds desa-level recaps of pemilu2024). Expected figures are the file's own, by hand."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from data_access.ingest import IngestRejected, Options, ingest
from tests.ingest.helpers import AUDIT, RECAP, write

REGENCY_RECAP = (
    "Kode Wilayah;Nama Wilayah;Tahapan;L;P;Jumlah Pemilih;Jumlah TPS\n"
    "9101;KAB. SATU;dpt;1.000;1.100;2.100;7\n"
    "91.02;KAB. DUA;DPT;;;1.234.567;3\n"
    "TOTAL;;;;;1.236.667;10\n"
)


def recap_rows(store, stage="DPT", election="pemilu2024"):
    r = RECAP.c
    return store.rows(sa.select(r.region_code, r.level, r.voters_male, r.voters_female,
                                r.voters_total, r.polling_stations)
                      .where(r.stage == stage, r.election == election).order_by(r.region_code))


def test_regency_recap_replaces_the_desa_rows_below_it(store, tmp_path):
    path = write(tmp_path, "rekap.csv", REGENCY_RECAP, bom=True, newline="\r\n")
    result = ingest("voter-recap", path)
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_rejected) == (
        "loaded", 3, 2, 0)
    assert recap_rows(store) == [
        ("91.01", "regency", 1000, 1100, 2100, 7),
        ("91.02", "regency", None, None, 1234567, 3),
        ("92.71.01.1001", "village", 255, 260, 515, 2),  # province 92 untouched
    ]
    # The other stages keep their desa rows.
    assert len(recap_rows(store, "DPS")) == 5
    audit = store.rows(sa.select(AUDIT.c.kind, AUDIT.c.file_name, AUDIT.c.file_sha256,
                                 AUDIT.c.rows_read, AUDIT.c.rows_accepted, AUDIT.c.rows_rejected,
                                 AUDIT.c.status))
    assert audit == [("voter-recap", "rekap.csv", hashlib.sha256(path.read_bytes()).hexdigest(),
                      3, 2, 0, "loaded")]
    assert any("total row 4" in note for note in result.notes)


def test_total_row_that_does_not_add_up_rejects_the_file(store, tmp_path):
    path = write(tmp_path, "rekap.csv", REGENCY_RECAP.replace("1.236.667", "1.236.000"))
    before = store.fingerprint()
    with pytest.raises(IngestRejected) as rejected:
        ingest("voter-recap", path)
    assert rejected.value.result.messages == [
        "rekap.csv, row 4, column voters_total ('Jumlah Pemilih'): value '1236000': the total row "
        "says 1236000 but the rows add up to 1236667"]
    assert store.fingerprint() == before


def test_row_level_problems_are_named_precisely(store, tmp_path):
    path = write(tmp_path, "rekap.csv",
                 "kode,tahapan,laki-laki,perempuan,total\n"
                 "91.01,DPT,10,20,31\n"      # 10 + 20 is not 31
                 "91.02,DPX,1,1,2\n"         # no such stage
                 "93.01,DPT,1,1,2\n"         # not in the store
                 "91.01,dpt,1,2,3\n"         # same stage and region as row 2
                 "92.71,DPT,1,2,abc\n")      # not a number
    with pytest.raises(IngestRejected) as rejected:
        ingest("voter-recap", path)
    assert rejected.value.result.messages == [
        "rekap.csv, row 2, column voters_total ('total'): value '31': men + women = 30, not the "
        "total",
        "rekap.csv, row 2, column region_code ('kode'): value 'DPT / 91.01': duplicate stage and "
        "region: also in row 5",
        "rekap.csv, row 3, column stage ('tahapan'): value 'DPX': not a known voter-list stage: "
        "expected one of DP4, DPS, DPSHP, DPT",
        "rekap.csv, row 4, column region_code ('kode'): value '93.01': unknown region code: not in "
        "the store's region list",
        "rekap.csv, row 5, column region_code ('kode'): value 'DPT / 91.01': duplicate stage and "
        "region: also in row 2",
        "rekap.csv, row 6, column voters_total ('total'): value 'abc': not a whole number (write "
        "1.234.567 or 1234567)",
    ]
    assert rejected.value.result.rows_rejected == 5


def test_one_level_per_stage(store, tmp_path):
    path = write(tmp_path, "rekap.csv", "kode,tahapan,total\n91.01,DPT,5\n91.02,DPT,6\n"
                                        "91.01.01,DPT,7\n")
    with pytest.raises(IngestRejected) as rejected:
        ingest("voter-recap", path)
    assert [(p["row"], p["reason"]) for p in rejected.value.result.problems.to_dicts()] == [
        (4, "a district row in a regency recap: one file holds one level per stage, or voters "
            "would be counted twice")]


def test_stage_and_election_from_the_command_line(store, tmp_path):
    path = write(tmp_path, "dps.csv", "kode,total\n91,3.000\n92,4.000\n")
    ingest("voter-recap", path, Options(stage="DPS", election="pilkada2024"))
    assert recap_rows(store, "DPS", "pilkada2024") == [("91", "province", None, None, 3000, None),
                                                       ("92", "province", None, None, 4000, None)]
    assert len(recap_rows(store, "DPS")) == 5  # pemilu2024 untouched


def test_the_same_file_twice_gives_the_same_store(store, tmp_path):
    path = write(tmp_path, "rekap.csv", REGENCY_RECAP)
    ingest("voter-recap", path)
    once = store.digest(skip=("ingest_audit", "dataset", "store_load"))
    ingest("voter-recap", path)
    assert store.digest(skip=("ingest_audit", "dataset", "store_load")) == once
    assert len(store.rows(sa.select(AUDIT.c.audit_id))) == 2


def test_allow_partial_loads_the_valid_rows_and_quarantines_the_rest(store, tmp_path):
    path = write(tmp_path, "rekap.csv", "kode,tahapan,total\n91.01,DPT,5\n91.02,DPT,-6\n")
    result = ingest("voter-recap", path, Options(allow_partial=True))
    assert (result.status, result.rows_accepted, result.rows_rejected) == ("partial", 1, 1)
    # 91.02 was rejected, so its desa row stays; 91.01 replaced its two desa rows.
    assert [r[0] for r in recap_rows(store)] == ["91.01", "91.02.01.2001", "92.71.01.1001"]
    assert result.quarantine.read_text(encoding="utf-8-sig") == (
        "_row,kode,tahapan,total,_errors\n"
        "3,91.02,DPT,'-6,voters_total: must be 0 or more\n")
