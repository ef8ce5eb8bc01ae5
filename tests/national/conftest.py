"""Tests on the national demo store that `make test` builds (data/pantau.duckdb)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from data_access.engine import duckdb_path, make_engine
from pantau.settings import get_settings


@pytest.fixture(scope="session")
def demo_engine() -> Engine:
    url = get_settings().database_url
    path = duckdb_path(url)
    if path is not None and not path.exists():
        pytest.fail(f"no demo store at {path}: run 'make demo' (make test builds it)")
    engine = make_engine(url, read_only=True)
    yield engine
    engine.dispose()
