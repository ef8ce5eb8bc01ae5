from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from data_access.engine import make_engine
from tests import fixture_store


@pytest.fixture(scope="session")
def fixture_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return fixture_store.build(tmp_path_factory.mktemp("store") / "fixture.duckdb")


@pytest.fixture(scope="session")
def fixture_engine(fixture_url: str) -> Engine:
    engine = make_engine(fixture_url, read_only=True)
    yield engine
    engine.dispose()
