"""Round trip on the national demo store: export the voter-list aggregates, ingest the files into
a fresh store (only the 2024 region reference, as after ``pantau db init``), export again — the
files are identical, for every stage at the province, kab/kota and kecamatan levels, from CSV and
from XLSX. (``voter-list`` is the export that loads back; see docs/formats.md.) On a server run the
fresh store is a private schema of the same server."""

from __future__ import annotations

from collections.abc import Iterator

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
from tests.conftest import on_server
from tests.scratch import private_schema

pytestmark = pytest.mark.national


@pytest.fixture(scope="module")
def demo_exports() -> dict[tuple[str, str, str], bytes]:
    settings = get_settings()
    path = duckdb_path(settings.database_url)
    if path is not None and not path.exists():
        pytest.fail(f"no demo store at {path}: run 'make demo' (make test builds it)")
    exports = {(level, stage, "csv"): export_dataset("voter-list", level=level, stage=stage)
               for level in REGION_LEVELS[:3] for stage in VOTER_LIST_STAGES}
    if any(payload.count(b"\n") < 2 for payload in exports.values()):  # a header and no rows
        pytest.fail("the store has no voter-list figures to export: on a server, copy the demo "
                    "store into it first ('pantau db copy'; make test-postgres does)")
    return exports


@pytest.fixture(scope="module")
def regions() -> pl.DataFrame:
    return reference.load_regions(get_settings().reference_dir)


@pytest.fixture()
def fresh_store(regions, tmp_path) -> Iterator[tuple[str, str]]:
    """(writer, reader) URLs of a new store holding only the region reference: a file, or a
    private schema of the server that the run's store is on (so ingest is exercised there)."""
    if on_server():
        with private_schema("roundtrip") as (writer, reader):
            load_reference(regions, pl.DataFrame(schema={"code": pl.Utf8}), url=writer)
            yield writer, reader
        return
    url = f"duckdb:///{tmp_path / 'fresh.duckdb'}"
    load_reference(regions, pl.DataFrame(schema={"code": pl.Utf8}), url=url)
    yield url, url


@pytest.mark.parametrize("level", REGION_LEVELS[:3])
def test_voter_list_export_ingest_export_is_identical(demo_exports, fresh_store, level, tmp_path,
                                                     monkeypatch):
    writer, reader = fresh_store
    for stage in VOTER_LIST_STAGES:
        path = tmp_path / f"{level}-{stage}.csv"
        path.write_bytes(demo_exports[(level, stage, "csv")])
        result = ingest("voter-recap", path, url=writer)
        assert result.rows_rejected == 0
    monkeypatch.setenv("PANTAU_DATABASE_URL", reader)
    for stage in VOTER_LIST_STAGES:
        again = export_dataset("voter-list", level=level, stage=stage)
        assert again == demo_exports[(level, stage, "csv")], (level, stage)


def test_the_xlsx_export_loads_back_too(demo_exports, fresh_store, tmp_path, monkeypatch):
    workbook = tmp_path / "dpt.xlsx"
    export_dataset("voter-list", level="regency", stage="DPT", fmt="xlsx", output=workbook)
    writer, reader = fresh_store
    ingest("voter-recap", workbook, url=writer)
    monkeypatch.setenv("PANTAU_DATABASE_URL", reader)
    assert export_dataset("voter-list", level="regency", stage="DPT") == demo_exports[
        ("regency", "DPT", "csv")]
