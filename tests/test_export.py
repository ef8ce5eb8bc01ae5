"""``pantau export``: every dataset on the hand-made fixture store (expected numbers worked out
by hand from tests/fixture_store.py), on a fresh store holding one ingested file, and formula
neutralisation in every format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import openpyxl
import polars as pl
import pytest

from data_access.query import InvalidQuery
from data_access.store import load_reference
from pantau.cli import main as cli_main
from pantau.export import DATASETS, dataset_frame, export_dataset, to_bytes
from tests import fixture_store
from tests.conftest import on_server
from tests.scratch import private_schema


@pytest.fixture()
def on_fixture(fixture_url, monkeypatch):
    monkeypatch.setenv("PANTAU_DATABASE_URL", fixture_url)
    monkeypatch.setenv("PANTAU_MODE", "public")


def rows(payload: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(payload.decode())))


def test_voter_list_by_province(on_fixture):
    # DPT desa rows: province 91 = 220+80+140+80 men, 200+85+150+75 women; TPS 2+1+1+2.
    assert rows(export_dataset("voter-list", level="province")) == [
        {"region_code": "91", "region_name": "PROVINSI ALFA", "stage": "DPT",
         "voters_male": "520", "voters_female": "510", "voters_total": "1030",
         "polling_stations": "6"},
        {"region_code": "92", "region_name": "PROVINSI BETA", "stage": "DPT",
         "voters_male": "255", "voters_female": "260", "voters_total": "515",
         "polling_stations": "2"},
    ]
    dps = rows(export_dataset("voter-list", level="regency", scope="91", stage="DPS"))
    assert [(r["region_code"], r["voters_total"]) for r in dps] == [
        ("91.01", str(222 + 203 + 81 + 86 + 160 + 170)), ("91.02", str(81 + 76))]


def test_violations_by_province(on_fixture):
    # Pemilu 2024 cases C1-C4 in 91 (C1-C3 registered; C1, C3 violations, both forwarded),
    # C5-C6 in 92; voters are the TPS sums (1,030 and 515).
    got = [(r["region_code"], r["cases"], r["registered"], r["violations"], r["forwarded"],
            r["voters"], round(float(r["rate_per_100k"]), 3))
           for r in rows(export_dataset("violations", level="province"))]
    assert got == [("91", "4", "3", "2", "2", "1030", round(4 * 100_000 / 1030, 3)),
                   ("92", "2", "2", "1", "1", "515", round(2 * 100_000 / 515, 3))]


def test_compliance_by_province(on_fixture):
    # Pemilu 2024 obligations 1-7 in 91: filed 1, 2 (late), 4, 5, 7 (late); 8-9 in 92: 8 filed.
    got = [(r["region_code"], r["expected"], r["filed"], r["on_time"], r["late"], r["missing"],
            r["rate"]) for r in rows(export_dataset("compliance", level="province"))]
    assert got == [("91", "7", "5", "3", "2", "2", str(5 / 7)), ("92", "2", "1", "1", "0", "1", "0.5")]
    voting = rows(export_dataset("compliance", level="province", stage="voting"))
    assert [(r["region_code"], r["expected"], r["filed"]) for r in voting] == [
        ("91", "3", "2"), ("92", "1", "1")]


def test_anomalies_per_region_and_rule(on_fixture):
    assert [(r["region_code"], r["rule_id"], r["flags"])
            for r in rows(export_dataset("anomalies", level="province"))] == [
        ("91", "duplicate_nik", "1"), ("91", "stage_growth", "1"), ("91", "underage", "2"),
        ("92", "tps_overfull", "1")]


def test_json_and_xlsx_carry_the_same_rows(on_fixture, tmp_path):
    as_csv = rows(export_dataset("voter-list", level="province"))
    as_json = json.loads(export_dataset("voter-list", level="province", fmt="json"))
    assert [str(r["voters_total"]) for r in as_json] == [r["voters_total"] for r in as_csv]
    out = tmp_path / "dpt.xlsx"
    export_dataset("voter-list", level="province", fmt="xlsx", output=out)
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[2]][:6] == ["91", "PROVINSI ALFA", "DPT", 520, 510, 1030]


def test_wrong_arguments_are_clean_errors(on_fixture, capsys):
    with pytest.raises(InvalidQuery):
        dataset_frame("violations", level="province", stage="DPT")
    with pytest.raises(ValueError, match="not split by stage"):
        dataset_frame("anomalies", level="province", stage="DPT")
    assert cli_main(["export", "voter-list", "--level", "province", "--stage", "DPTb"]) == 2
    assert cli_main(["export", "compliance", "--level", "regency", "--scope", "9"]) == 2
    assert cli_main(["export", "voter-list", "--level", "province", "--format", "xlsx"]) == 2
    assert "pantau: error:" in capsys.readouterr().err


ATTACKS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "plain", "a=b"]


def test_formula_text_is_neutralised_in_every_format():
    frame = pl.DataFrame({"region_name": ATTACKS, "n": list(range(len(ATTACKS)))})
    expected = ["'" + a for a in ATTACKS[:6]] + ["plain", "a=b"]
    assert [r["region_name"] for r in csv.DictReader(io.StringIO(to_bytes(frame, "csv")
                                                                 .decode()))] == expected
    assert [r["region_name"] for r in json.loads(to_bytes(frame, "json"))] == expected
    book = openpyxl.load_workbook(io.BytesIO(to_bytes(frame, "xlsx")))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    # (XLSX stores a carriage return as the escape _x000D_, which openpyxl leaves as it is.)
    assert [c.value.replace("_x000D_", "\r") for c in cells] == expected
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula ("f")


@pytest.fixture()
def fresh_urls(tmp_path) -> Iterator[tuple[str, str]]:
    """(writer, reader) URLs of a new, empty store: a file, or a private schema on the server."""
    if not on_server():
        url = f"duckdb:///{tmp_path / 'fresh.duckdb'}"
        yield url, url
        return
    with private_schema("export") as urls:
        yield urls


def test_exports_work_on_a_fresh_store_with_one_ingested_file(fresh_urls, tmp_path, monkeypatch):
    writer, reader = fresh_urls
    frames = fixture_store.frames()
    load_reference(frames["region"], frames["polling_station"].head(0), url=writer)
    monkeypatch.setenv("PANTAU_DATABASE_URL", reader)
    monkeypatch.setenv("PANTAU_WRITER_DATABASE_URL", writer)
    monkeypatch.setenv("PANTAU_DATA_DIR", str(tmp_path))
    recap = tmp_path / "rekap.csv"
    recap.write_text("kode;tahapan;total\n91;DPT;1.234\n92;DPT;5\n", encoding="utf-8")
    assert cli_main(["ingest", "voter-recap", str(recap), "-q"]) == 0
    assert [(r["region_code"], r["voters_total"])
            for r in rows(export_dataset("voter-list", level="province"))] == [
        ("91", "1234"), ("92", "5")]
    for dataset in DATASETS:
        payload = rows(export_dataset(dataset, level="regency"))
        if dataset in ("violations", "compliance"):  # every region, with zeros
            assert [r["region_code"] for r in payload] == ["91.01", "91.02", "92.71"]
            assert {r["cases" if dataset == "violations" else "expected"] for r in payload} == {"0"}
