"""Scratch stores for the ingest tests: the hand-made fixture store (tests/fixture_store.py), built
once per session and copied per test, so every test loads into a store whose contents it knows
and may change it freely. The environment points PANTAU_* at the copy and a private data folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import fixture_store
from tests.ingest.helpers import Store


@pytest.fixture(scope="session")
def fixture_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ingest_template") / "fixture.duckdb"
    fixture_store.build(path)
    return path


@pytest.fixture()
def store(tmp_path: Path, fixture_store_file: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    folder = tmp_path / "store"
    folder.mkdir()
    target = Store(folder / "pantau.duckdb", tmp_path / "data", tmp_path / "geo")
    shutil.copyfile(fixture_store_file, target.path)
    target.data_dir.mkdir()
    target.geo_dir.mkdir()
    monkeypatch.setenv("PANTAU_DATABASE_URL", target.url)
    monkeypatch.delenv("PANTAU_WRITER_DATABASE_URL", raising=False)
    monkeypatch.setenv("PANTAU_DATA_DIR", str(target.data_dir))
    monkeypatch.setenv("PANTAU_GEO_DIR", str(target.geo_dir))
    return target


