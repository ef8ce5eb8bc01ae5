"""Round trip on the national demo store: export the voter-list aggregates, ingest the files into
a fresh store (only the 2024 region reference, as after ``pantau db init``), export again — the
files are identical, for every stage at the province, kab/kota and kecamatan levels, from CSV and
from XLSX. (``voter-list`` is the export that loads back; see docs/formats.md.)"""

from __future__ import annotations

import polars as pl
import pytest

from data_access.codes import REGION_LEVELS
from data_access.domain import VOTER_LIST_STAGES
from data_access.engine import duckdb_path
from data_access.ingest import ingest
from data_access.store import load_reference
from pantau import reference
from pantau.export import export_dataset
from pantau.settings import get_settings

pytestmark = pytest.mark.national


@pytest.fixture(scope="module")
def demo_exports() -> dict[tuple[str, str, str], bytes]:
    settings = get_settings()
    path = duckdb_path(settings.database_url)
    if path is not None and not path.exists():
        pytest.fail(f"no demo store at {path}: run 'make demo' (make test builds it)")
    return {(level, stage, "csv"): export_dataset("voter-list", level=level, stage=stage)
            for level in REGION_LEVELS[:3] for stage in VOTER_LIST_STAGES}


@pytest.fixture(scope="module")
def regions() -> pl.DataFrame:
    return reference.load_regions(get_settings().reference_dir)


@pytest.mark.parametrize("level", REGION_LEVELS[:3])
def test_voter_list_export_ingest_export_is_identical(demo_exports, regions, level, tmp_path,
                                                     monkeypatch):
    url = f"duckdb:///{tmp_path / 'fresh.duckdb'}"
    load_reference(regions, pl.DataFrame(schema={"code": pl.Utf8}), url=url)
    for stage in VOTER_LIST_STAGES:
        path = tmp_path / f"{level}-{stage}.csv"
        path.write_bytes(demo_exports[(level, stage, "csv")])
        result = ingest("voter-recap", path, url=url)
        assert result.rows_rejected == 0
    monkeypatch.setenv("PANTAU_DATABASE_URL", url)
    for stage in VOTER_LIST_STAGES:
        again = export_dataset("voter-list", level=level, stage=stage)
        assert again == demo_exports[(level, stage, "csv")], (level, stage)


def test_the_xlsx_export_loads_back_too(demo_exports, regions, tmp_path, monkeypatch):
    workbook = tmp_path / "dpt.xlsx"
    export_dataset("voter-list", level="regency", stage="DPT", fmt="xlsx", output=workbook)
    url = f"duckdb:///{tmp_path / 'fresh.duckdb'}"
    load_reference(regions, pl.DataFrame(schema={"code": pl.Utf8}), url=url)
    ingest("voter-recap", workbook, url=url)
    monkeypatch.setenv("PANTAU_DATABASE_URL", url)
    assert export_dataset("voter-list", level="regency", stage="DPT") == demo_exports[
        ("regency", "DPT", "csv")]
