"""The load as a whole, through the command line: exit statuses, all-or-nothing, the audit row,
the quarantine file and the log beside the input, formula text, stale work files."""

from __future__ import annotations

import json
import os

import polars as pl
import pytest
import sqlalchemy as sa

from data_access import schema
from data_access.ingest import ingest
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


def test_rejected_load_exits_one_and_leaves_the_store_byte_for_byte(store, tmp_path, capsys):
    path = write(tmp_path, "rekap.csv", BAD)
    before = store.file_sha256()
    assert run_cli("ingest", "voter-recap", str(path), "-q") == 1
    err = capsys.readouterr().err
    assert ("rekap.csv, row 3, column voters_total ('total'): value 'enam': not a whole number"
            in err)
    assert "1 of 2 rows failed, nothing was loaded" in err and "Traceback" not in err
    assert store.file_sha256() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["pantau.duckdb",
                                                                   "pantau.duckdb.lock"]
    log = [json.loads(line) for line in (tmp_path / "rekap.csv.ingest.log").read_text().splitlines()]
    assert [(e["status"], e["rows_read"], e["rows_rejected"]) for e in log] == [("rejected", 2, 1)]


@pytest.mark.parametrize("text,expected", [
    ("kode,nama\n91,A\n", "required column(s) missing: stage (or: tahapan)"),
    ("", "the file is empty"),
    ("kode,tahapan,total\n", "no data rows below the header"),
])
def test_unusable_files_exit_two_with_one_line(store, tmp_path, capsys, text, expected):
    path = write(tmp_path, "rekap.csv", text)
    before = store.file_sha256()
    assert run_cli("ingest", "voter-recap", str(path), "-q") == 2
    err = capsys.readouterr().err
    assert err.startswith("pantau: error: rekap.csv") and expected in err
    assert store.file_sha256() == before


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
