"""The example files of docs/formats.md load, in the documented order, into a freshly initialised
store (the real 2024 region reference of the five Kalimantan provinces and the TPS of Kalimantan
Timur, as ``pantau db init`` would load them), and the exports show what the files say: the real
DPT 2024 of the five provinces (KPU), and by hand the Sepaku examples."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from data_access.store import load_reference
from pantau import reference
from pantau.export import export_dataset
from pantau.settings import get_settings
from tests.ingest.helpers import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
ORDER = [("regions", "regions.csv"), ("polling-stations", "polling-stations.csv"),
         ("supervisors", "supervisors.tsv"), ("report-obligations", "report-obligations.csv"),
         ("supervision-reports", "supervision-reports.csv"), ("violations", "violations.csv"),
         ("voter-recap", "voter-recap.csv"), ("voter-recap", "voter-recap.xlsx"),
         ("voter-records", "voter-records.csv"), ("boundaries", "boundaries.geojson")]
# DPT Pemilu 2024 per province, KPU (../shared/reference/dpt_2024_province.csv): L, P, total, TPS.
DPT_2024 = {"61": (2017565, 1940996, 3958561, 17626), "62": (None, None, 1935116, 7830),
            "63": (1512186, 1513034, 3025220, 13584), "64": (1435916, 1342728, 2778644, 11441),
            "65": (263000, 241252, 504252, 2295)}


def rows(payload: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(payload.decode())))


@pytest.fixture()
def fresh_store(store, tmp_path):
    """Drop the fixture's contents: a store holding only the reference, as after db init."""
    store.clear()
    settings = get_settings()
    if not (settings.reference_dir / "region_names_kpu_2024.csv").exists():
        pytest.skip(f"no reference files in {settings.reference_dir}")
    regions = reference.load_regions(settings.reference_dir)
    stations = reference.load_polling_stations(settings.reference_dir)
    load_reference(regions.filter(pl.col("province_code").is_in(list(DPT_2024))),
                   stations.filter(pl.col("province_code") == "64"), url=store.writer_url)
    return store


def test_every_example_loads_in_order(fresh_store, tmp_path):
    for kind, name in ORDER:
        copy = tmp_path / name  # the log and any quarantine file are written beside the input
        copy.write_bytes((EXAMPLES / name).read_bytes())
        assert run_cli("ingest", kind, str(copy), "--quiet") == 0, name

    voters = {r["region_code"]: tuple(int(r[c]) if r[c] else None for c in (
        "voters_male", "voters_female", "voters_total", "polling_stations"))
              for r in rows(export_dataset("voter-list", level="province"))}
    assert voters == DPT_2024

    # Sepaku (64.09.04): five obligations owed below kab/kota level, three reports filed, one
    # of them after its due date (17 Feb, filed 19 Feb), two never filed.
    sepaku = [r for r in rows(export_dataset("compliance", level="district", scope="64.09"))
              if r["region_code"] == "64.09.04"]
    assert [(r["expected"], r["filed"], r["on_time"], r["late"], r["missing"]) for r in sepaku] == [
        ("5", "3", "2", "1", "2")]
    # Three cases handled in Penajam Paser Utara, two registered, both violations, forwarded;
    # voters are the three example TPS (251 + 245 + 1,012).
    ppu = [r for r in rows(export_dataset("violations", level="regency", scope="64"))
           if r["region_code"] == "64.09"]
    assert [(r["cases"], r["registered"], r["violations"], r["forwarded"], r["voters"])
            for r in ppu] == [("3", "2", "2", "2", "1508")]

    records = pl.read_parquet(fresh_store.data_dir / "extracts" / "voter_records_64.parquet")
    assert records["record_id"].to_list() == [f"64-X-000{i}" for i in range(1, 6)]
    assert (fresh_store.geo_dir / "boundaries.geojson").exists()
