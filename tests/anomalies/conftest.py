"""A generated voter extract for two kab/kota of Kalimantan Timur, shared by the slice tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from pantau.anomalies.records import detect_record_anomalies
from pantau.demo.voter_records import VoterExtract, generate_voter_records, write_extract
from pantau.demo.voters import voters_per_station
from pantau.reference import load_polling_stations, load_province_dpt, load_regions
from pantau.settings import get_settings

SLICE_REGENCIES = ("64.09", "64.74")  # Penajam Paser Utara (IKN host) and Kota Bontang
HMAC_KEY = "slice-test-key"
ELECTION_DAY = date(2024, 2, 14)


@dataclass(frozen=True)
class Slice:
    extract: VoterExtract
    flags: pl.DataFrame
    path: Path
    districts: set[str]


@pytest.fixture(scope="session")
def kaltim_slice(tmp_path_factory: pytest.TempPathFactory) -> Slice:
    reference = get_settings().reference_dir
    regions = load_regions(reference)
    stations = load_polling_stations(reference).filter(pl.col("province_code") == "64")
    dpt = load_province_dpt(reference).filter(pl.col("province_code") == "64")
    stations = voters_per_station(stations, dpt, np.random.default_rng(64))
    stations = stations.filter(pl.col("regency_code").is_in(list(SLICE_REGENCIES)))
    extract = generate_voter_records(regions, stations, "64", seed=2024)
    path = write_extract(extract.records, tmp_path_factory.mktemp("extract") / "slice.parquet")
    districts = set(regions.filter(pl.col("level") == "district")["code"])
    flags = detect_record_anomalies(pl.scan_parquet(path), districts, ELECTION_DAY,
                                    HMAC_KEY, "slice-run")
    return Slice(extract, flags, path, districts)
