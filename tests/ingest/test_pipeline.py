"""The load as a whole, through the command line: exit statuses, all-or-nothing, the audit row,
the quarantine file and the log beside the input, formula text, stale work files."""

from __future__ import annotations

import json
import os

import polars as pl
import pytest
import sqlalchemy as sa

from data_access import schema
from data_access.ingest import IngestRejected, ingest
from data_access.store import discard_stale_work_files
from pantau.export import export_dataset
from tests.ingest.helpers import AUDIT, RECAP, run_cli, write

GOOD = "kode,tahapan,total\n91.01,DPT,5\n91.02,DPT,6\n"
BAD = "kode,tahapan,total\n91.01,DPT,5\n91.02,DPT,enam\n"


def test_exit_status_zero_and_one_line_on_success(store, tmp_path, capsys):
    path = write(tmp_path, "rekap.csv", GOOD)
    assert run_cli("ingest", "voter-recap", str(path), "--quiet") == 0
    out, err = capsys.readouterr()
    assert out.startswith("rekap.csv: 2 rows loaded as voter-recap (audit #1, sha256 ")
    assert err == ""


def test_rejected_load_exits_one_and_leaves_the_store_as_it_was(store, tmp_path, capsys):
    """Byte for byte on the embedded store, with no work copy beside it; on a server, the same
    contents, and no staging table, open transaction or lock of the load left."""
    path = write(tmp_path, "rekap.csv", BAD)
    before = store.fingerprint()
    assert run_cli("ingest", "voter-recap", str(path), "-q") == 1
    err = capsys.readouterr().err
    assert ("rekap.csv, row 3, column voters_total ('total'): value 'enam': not a whole number"
            in err)
    assert "1 of 2 rows failed, nothing was loaded" in err and "Traceback" not in err
    assert store.fingerprint() == before
    assert store.left_behind() == []
    log = [json.loads(line) for line in (tmp_path / "rekap.csv.ingest.log").read_text().splitlines()]
    assert [(e["status"], e["rows_read"], e["rows_rejected"]) for e in log] == [("rejected", 2, 1)]


@pytest.mark.parametrize("workbook", [False, True])
def test_a_nul_character_in_a_cell_is_a_rejected_row_not_a_crash(store, tmp_path, workbook):
    """The reader refuses NUL bytes in a CSV file's first 64 KiB (a binary file); one further on,
    or a workbook cell spelling it (_x0000_), reaches the text fields. PostgreSQL's COPY refused it
    with a DataError that failed the load with a traceback; now it is the cell's problem, on both
    stores."""
    filler = "x" * 70_000  # an ignored column puts the NUL past the reader's first 64 KiB
    rows = [["kode", "nama", "catatan"], ["91.01", "KAB. SATU", filler], ["91.02", "KAB.\x00DUA", ""]]
    if workbook:
        path = tmp_path / "wilayah.xlsx"
        pl.DataFrame(rows[1:], schema=rows[0], orient="row").write_excel(path)
    else:
        path = write(tmp_path, "wilayah.csv", "".join(",".join(r) + "\n" for r in rows))
    before = store.fingerprint()
    with pytest.raises(IngestRejected) as rejected:
        ingest("regions", path)
    assert [m.split(", ", 1)[1] for m in rejected.value.result.messages] == [
        "row 3, column name ('nama'): value 'KAB.\\x00DUA': contains a NUL character (byte 0), "
        "which text cannot hold"]
    assert store.fingerprint() == before
    assert store.left_behind() == []


@pytest.mark.parametrize("text,expected", [
    ("kode,nama\n91,A\n", "required column(s) missing: stage (or: tahapan)"),
    ("", "the file is empty"),
    ("kode,tahapan,total\n", "no data rows below the header"),
])
def test_unusable_files_exit_two_with_one_line(store, tmp_path, capsys, text, expected):
    path = write(tmp_path, "rekap.csv", text)
    before = store.fingerprint()
    assert run_cli("ingest", "voter-recap", str(path), "-q") == 2
    err = capsys.readouterr().err
    assert err.startswith("pantau: error: rekap.csv") and expected in err
    assert store.fingerprint() == before


def test_options_for_the_wrong_kind_and_a_missing_file(store, tmp_path, capsys):
    path = write(tmp_path, "kasus.csv", GOOD)
    assert run_cli("ingest", "violations", str(path), "--stage", "DPT") == 2
    assert run_cli("ingest", "violations", str(path), "--election", "pemilu2019") == 2
    assert run_cli("ingest", "voter-recap", str(tmp_path / "nowhere.csv")) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_the_audit_row_and_dataset_row_are_part_of_the_load(store, tmp_path):
    path = write(tmp_path, "rekap.csv", GOOD + "91.01,DPT,7\n")
    ingest("voter-recap", write(tmp_path, "ok.csv", GOOD))
    with pytest.raises(ValueError):
        ingest("voter-recap", path)  # duplicate row: rejected, so no audit row for it
    assert store.rows(sa.select(AUDIT.c.file_name, AUDIT.c.status)) == [("ok.csv", "loaded")]
    ds = schema.dataset
    assert store.rows(sa.select(ds.c.dataset_id, ds.c.source, ds.c.synthetic, ds.c.row_count)
                      .where(ds.c.kind == "voter-recap")) == [
        ("ingest:voter-recap:ok.csv", "ok.csv", False, 2)]


def test_files_with_long_names_each_keep_their_own_dataset_row(store, tmp_path):
    """The dataset row's id (ingest:<kind>:<file name>) has 64 characters at most: PostgreSQL
    refused a longer one, failing at its last statement, after every row was written, the load
    of any file whose name is longer than 45 characters (voter-recap; 37 for supervision-reports);
    DuckDB does not enforce the width. Two long names alike in their first 60 characters keep a
    row each, and loading one again replaces its own row."""
    common = "rekap-dpt-kabupaten-penajam-paser-utara-kecamatan-sepaku-"
    names = [common + "tahap-1.csv", common + "tahap-2.csv"]
    for name in [*names, names[0]]:
        assert ingest("voter-recap", write(tmp_path, name, GOOD)).status == "loaded"
    ds = schema.dataset
    rows = store.rows(sa.select(ds.c.dataset_id, ds.c.source, ds.c.row_count)
                      .where(ds.c.kind == "voter-recap").order_by(ds.c.source))
    assert [(source, count) for _, source, count in rows] == [(names[0], 2), (names[1], 2)]
    ids = [dataset_id for dataset_id, _, _ in rows]
    assert len(set(ids)) == 2 and all(len(i) <= 64 and i.startswith("ingest:voter-recap:rekap-dpt")
                                      for i in ids)
    assert len(store.rows(sa.select(AUDIT.c.audit_id))) == 3


def test_the_quarantine_file_can_be_fixed_and_loaded(store, tmp_path):
    path = write(tmp_path, "rekap.csv", BAD)
    with pytest.raises(ValueError):
        ingest("voter-recap", path)
    quarantine = tmp_path / "rekap.csv.quarantine.csv"
    rows = pl.read_csv(quarantine, infer_schema=False)
    assert rows.to_dicts() == [{"_row": "3", "kode": "91.02", "tahapan": "DPT", "total": "enam",
                                "_errors": "voters_total: not a whole number (write 1.234.567 "
                                           "or 1234567)"}]
    quarantine.write_text(quarantine.read_text(encoding="utf-8-sig").replace("enam", "6"),
                          encoding="utf-8")
    result = ingest("voter-recap", quarantine)
    assert result.rows_accepted == 1 and "ignored column(s): _row, _errors" in result.notes
    r = RECAP.c
    assert store.rows(sa.select(r.voters_total).where(r.region_code == "91.02",
                                                      r.stage == "DPT")) == [(6,)]


def test_formula_text_is_stored_as_written_and_neutralised_in_exports(store, tmp_path):
    attack = "=cmd|' /C calc'!A0"
    path = write(tmp_path, "wilayah.csv", f'kode,nama\n91.02,"{attack}"\n')
    ingest("regions", path)
    assert store.rows(sa.select(schema.region.c.name).where(schema.region.c.code == "91.02")) == [
        (attack,)]
    csv = export_dataset("violations", level="regency", scope="91").decode()
    assert f"91.02,'{attack}," in csv


def test_work_files_of_killed_writers_are_discarded(store):
    if store.on_server:
        pytest.skip("work copies beside the file are the embedded store's; a killed load on a "
                    "server is test_sigkill.py's")
    stale = store.path.parent / ".pantau.duckdb.999999999.building"
    live = store.path.parent / f".pantau.duckdb.{os.getpid()}.building"
    stale.write_bytes(b"x")
    live.write_bytes(b"x")
    assert discard_stale_work_files(store.url) == [stale]
    assert live.exists() and not stale.exists()


def test_the_command_line_offers_every_kind_in_order():
    from data_access.ingest import KINDS
    from pantau.commands.ingest import KIND_NAMES

    assert KIND_NAMES == tuple(KINDS)
