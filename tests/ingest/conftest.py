"""Scratch stores for the ingest tests: the hand-made fixture store (tests/fixture_store.py) per
test, so every test loads into a store whose contents it knows and may change it freely. On the
embedded run a copy of a file built once per session; on a server run a private schema of the
server's database, loaded by the writer role as the fixture store of tests/conftest.py is. The
environment points PANTAU_* at it (reader and writer, each with the schema as its search_path) and
at a private data folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import fixture_store
from tests.conftest import on_server
from tests.ingest.helpers import Store
from tests.scratch import load_frames, private_schema, schema_of, with_application_name


@pytest.fixture(scope="session")
def fixture_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ingest_template") / "fixture.duckdb"
    fixture_store.build(path)
    return path


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          request: pytest.FixtureRequest) -> Iterator[Store]:
    data_dir, geo_dir = tmp_path / "data", tmp_path / "geo"
    data_dir.mkdir()
    geo_dir.mkdir()
    monkeypatch.setenv("PANTAU_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PANTAU_GEO_DIR", str(geo_dir))
    if not on_server():
        template = request.getfixturevalue("fixture_store_file")
        folder = tmp_path / "store"
        folder.mkdir()
        path = folder / "pantau.duckdb"
        shutil.copyfile(template, path)
        url = f"duckdb:///{path}"
        monkeypatch.setenv("PANTAU_DATABASE_URL", url)
        monkeypatch.delenv("PANTAU_WRITER_DATABASE_URL", raising=False)
        yield Store(data_dir, geo_dir, url, url, path=path)
        return
    with private_schema("ingest") as (writer, reader):
        load_frames(writer, fixture_store.frames())
        name = schema_of(writer)
        target = Store(data_dir, geo_dir, reader, with_application_name(writer, name),
                       schema_name=name, tag=name)
        target.relations = target.relation_names()
        monkeypatch.setenv("PANTAU_DATABASE_URL", target.url)
        monkeypatch.setenv("PANTAU_WRITER_DATABASE_URL", target.writer_url)
        yield target
