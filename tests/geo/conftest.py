"""Shared fixtures for the geo tests: the real boundary files in ../shared/geo (skipped when absent)
and one disk cache per test session, so each level is read, repaired and generalised once."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from data_access.codes import level_of, normalize
from geo.generalize import repaired_layer
from pantau.settings import SHARED_DIR

REAL_GEO = SHARED_DIR / "geo"
REAL_REGIONS = SHARED_DIR / "reference" / "region_names_kpu_2024.csv"


@pytest.fixture(scope="session")
def real_geo() -> Path:
    if not (REAL_GEO / "districts.geojson").exists():
        pytest.skip(f"the shared boundary files are not at {REAL_GEO}")
    return REAL_GEO


@pytest.fixture(scope="session")
def geo_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("geo_cache")


@pytest.fixture(scope="session")
def repaired(real_geo: Path, geo_cache: Path):
    """Loader of the real files, repaired once per level for the whole session."""
    return lambda level: repaired_layer(level, real_geo, geo_cache)


@pytest.fixture(scope="session")
def election_regions() -> pl.DataFrame:
    """The 2024 election's region list (KPU, undotted codes) with dotted codes and levels."""
    if not REAL_REGIONS.exists():
        pytest.skip(f"{REAL_REGIONS} is missing")
    regions = pl.read_csv(REAL_REGIONS, schema_overrides={"code": pl.Utf8})
    codes = [normalize(c) for c in regions["code"]]
    return regions.with_columns(code=pl.Series(codes),
                                level=pl.Series([level_of(c) for c in codes]))


def write_geojson(path: Path, features: list[tuple[str, str, dict]]) -> Path:
    """A GeoJSON file from (code, name, geometry-dict) triples, written as is (defects kept)."""
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}
        for code, name, geometry in features]}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def square(x: float, y: float, size: float = 1.0) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
