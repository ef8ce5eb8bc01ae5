"""voter-records: personal data kept out of the store and out of every message (UU 27/2022).
The records are made up; the fixture store's desa are 91.01.01.2001, 91.01.01.2002, …"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
import sqlalchemy as sa
import xlsxwriter

from data_access.ingest import IngestRejected, ingest
from data_access.ingest.errors import mask
from data_access.ingest.voter_records import RECORD_SCHEMA
from tests.ingest.helpers import AUDIT, run_cli, write

HEADER = "id,nik,nama,tgl lahir,jenis kelamin,status perkawinan,alamat,no kk,kode desa,no tps\n"
PERSONAL = ("9101014508900001", "Siti Rahasia", "Jl. Rahasia No. 9", "9101010101200009",
            "Budi Tersembunyi", "9101011203080002")
RECORDS = HEADER + (
    "R1,9101014508900001,Siti Rahasia,05-08-1990,P,S,Jl. Rahasia No. 9,9101010101200009,"
    "9101012001,1\n"
    # Sixteen on voting day? No: fifteen, and married, so eligible (UU 7/2017 Pasal 198).
    "R2,9101011203080002,Budi Tersembunyi,12/03/2008,L,S,Jl. Rahasia No. 9,9101010101200009,"
    "91.01.01.2001,1\n"
    "R3,123,Nama Tiga,1950-01-01,L,P,,,91.01.01.2002,2\n"  # a malformed NIK is the anomaly rules' job
)


def extract(store) -> pl.DataFrame:
    return pl.read_parquet(store.data_dir / "extracts" / "voter_records_91.parquet")


def test_records_go_to_the_extract_never_the_store(store, tmp_path):
    path = write(tmp_path, "dpt.csv", RECORDS)
    result = ingest("voter-records", path)
    assert (result.status, result.rows_accepted) == ("loaded", 3)
    frame = extract(store)
    assert frame.schema == pl.Schema(RECORD_SCHEMA)
    assert frame.row(1) == ("R2", "9101011203080002", "Budi Tersembunyi", dt.date(2008, 3, 12),
                            "L", "S", "Jl. Rahasia No. 9", "9101010101200009", "91.01.01.2001", 1)
    columns = {c for table in store.rows(sa.text(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema()")) for c in table}
    assert "code" in columns  # the store's own tables were listed
    assert not columns & {"nik", "birth_date", "address", "family_card"}  # ("name": regions)
    for value in PERSONAL:
        assert not store.contains(value), value
    audit = store.rows(sa.select(AUDIT.c.kind, AUDIT.c.rows_accepted, AUDIT.c.message))
    assert audit == [("voter-records", 3,
                      "extract extracts/voter_records_91.parquet (outside the store)")]


def test_messages_logs_and_audit_never_show_personal_values(store, tmp_path, capsys):
    bad = HEADER + (
        "R1,9101014508900001,Siti Rahasia,31-02-1990,P,S,Jl. Rahasia No. 9,"
        "91010101012000099101010101200009999,9101012001,1\n"  # impossible date, KK too long
        "R2,9101011203080002,Budi Tersembunyi,12/03/2008,X,S,Jl. Rahasia No. 9,9101010101200009,"
        "91.01.01.2009,1\n")  # no such sex, no such desa
    path = write(tmp_path, "dpt.csv", bad)
    assert run_cli("ingest", "voter-records", str(path)) == 1
    err = capsys.readouterr().err
    assert "dpt.csv, row 2, column birth_date ('tgl lahir'): value '***': impossible date" in err
    kk = "91010" + "*" * 28 + "99"  # 35 digits: the first five and the last two shown
    assert f"row 2, column family_card ('no kk'): value '{kk}': longer than 32 characters" in err
    assert "row 3, column sex ('jenis kelamin'): value 'X': not a known sex" in err
    assert "row 3, column village_code ('kode desa'): value '91.01.01.2009': unknown desa" in err
    log = (tmp_path / "dpt.csv.ingest.log").read_text(encoding="utf-8")
    assert json.loads(log)["status"] == "rejected"
    for value in (*PERSONAL, "31-02-1990", "91010101012000099101010101200009999"):
        assert value not in err and value not in log


def test_a_nik_is_masked_as_the_issue_says():
    assert mask("6409012345678901", "digits") == "64090*********01"
    assert mask("Siti Rahasia", "full") == "***"


def test_one_province_per_file(store, tmp_path):
    path = write(tmp_path, "dpt.csv", RECORDS + "R4,1,Nama,1950-01-01,L,B,,,92.71.01.1001,1\n")
    with pytest.raises(IngestRejected) as rejected:
        ingest("voter-records", path)
    assert rejected.value.result.messages == [
        "dpt.csv, column village_code ('kode desa'): records from 2 provinces (91, 92): load one "
        "province per file (each province has its own extract)"]
    assert not (store.data_dir / "extracts").exists()


def test_a_second_file_updates_the_extract_by_record_id(store, tmp_path):
    ingest("voter-records", write(tmp_path, "a.csv", RECORDS))
    before = extract(store)
    update = HEADER + ("R3,9101010101500003,Nama Tiga,1950-01-01,L,P,,,91.01.01.2002,2\n"
                       "R4,9101015101600004,Nama Empat,1960-01-11,P,B,,,91.01.02.2001,1\n")
    ingest("voter-records", write(tmp_path, "b.csv", update))
    after = extract(store).sort("record_id")
    assert after["record_id"].to_list() == ["R1", "R2", "R3", "R4"]
    assert after.filter(pl.col("record_id") == "R3")["nik"].to_list() == ["9101010101500003"]
    assert after.filter(pl.col("record_id") == "R1").equals(
        before.filter(pl.col("record_id") == "R1"))


def test_a_rejected_file_leaves_the_extract_as_it_was(store, tmp_path):
    ingest("voter-records", write(tmp_path, "a.csv", RECORDS))
    target = store.data_dir / "extracts" / "voter_records_91.parquet"
    before = target.read_bytes()
    with pytest.raises(IngestRejected):
        ingest("voter-records", write(tmp_path, "b.csv", RECORDS.replace("05-08-1990", "1990")))
    assert target.read_bytes() == before
    assert not list(target.parent.glob(".*tmp"))


def test_nik_typed_as_numbers_in_a_workbook_is_refused(store, tmp_path):
    path = tmp_path / "dpt.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER.strip().split(","))
    sheet.write_row(1, 0, ["R1", 9101014508900001, "Siti", "1990-08-05", "P", "S", "", "",
                           "9101012001", 1])
    book.close()
    with pytest.raises(IngestRejected) as rejected:
        ingest("voter-records", path)
    assert rejected.value.result.messages == [
        "dpt.xlsx, column nik: stored as numbers in the workbook, which keep only 15 digits: "
        "format the column as text and export again"]


def test_a_nik_in_the_tps_column_is_a_rejected_row_not_a_crash(store, tmp_path):
    """Columns swapped in the file (found by tests/ingest/test_fuzz.py): a 16-digit number where
    the TPS number belongs is refused as a TPS number, which has three digits."""
    path = write(tmp_path, "dpt.csv", HEADER + "R1,1,Siti Rahasia,05-08-1990,P,S,,,9101012001,"
                 "9101014508900001\n")
    with pytest.raises(IngestRejected) as rejected:
        ingest("voter-records", path)
    assert [m.split(": ", 1)[1] for m in rejected.value.result.messages] == [
        "value '9101014508900001': must be 999 or less"]
