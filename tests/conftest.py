"""The suite runs against whichever store ``PANTAU_DATABASE_URL`` names: the embedded DuckDB file
by default, or a PostgreSQL server (``make test-postgres`` starts a throw-away cluster, builds the
national demo store in it and runs this same suite with the reader and writer URLs set).

On PostgreSQL the hand-made fixture store is built by the writer role into a private schema of
the server's database and read through the read-only role, exactly as the dashboard reads."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from data_access.engine import is_duckdb, make_engine
from pantau.settings import get_settings
from tests import fixture_store
from tests.scratch import load_frames, private_schema
from tests.servers import dashboard_server


@pytest.fixture(scope="session", autouse=True)
def session_security_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Accounts and access log of this test run in a scratch file, never ``data/``: set in the
    environment so that AppTest runs and dashboard servers started by the tests use it too."""
    url = f"sqlite:///{tmp_path_factory.mktemp('security') / 'security.sqlite'}"
    previous = os.environ.get("PANTAU_SECURITY_DATABASE_URL")
    os.environ["PANTAU_SECURITY_DATABASE_URL"] = url
    yield url
    if previous is None:
        os.environ.pop("PANTAU_SECURITY_DATABASE_URL", None)
    else:
        os.environ["PANTAU_SECURITY_DATABASE_URL"] = previous


@pytest.fixture
def security_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh, empty security store for one test (accounts and access log)."""
    url = f"sqlite:///{tmp_path / 'security.sqlite'}"
    monkeypatch.setenv("PANTAU_SECURITY_DATABASE_URL", url)
    return url


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """One dashboard server for the whole run (browser tests, the security tests' HTTP checks)."""
    with dashboard_server("streamlit-e2e") as url:
        yield url


def on_server() -> bool:
    """True when this run's store is a database server rather than the embedded file."""
    return not is_duckdb(get_settings().database_url)


# Tests that never open the store — geometry, the generators, the anomaly rules on frames, URL
# parsing, the message catalogue. The run on a server store leaves them out: they ran on the
# embedded run already, and running them again proves nothing about the server.
STORE_INDEPENDENT = ("geo/", "demo/", "anomalies/", "dashboard/test_filters.py",
                     "dashboard/test_i18n.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not on_server():
        return
    root = Path(__file__).resolve().parent
    independent = [item for item in items
                   if item.path.relative_to(root).as_posix().startswith(STORE_INDEPENDENT)]
    if independent:
        config.hook.pytest_deselected(items=independent)
        items[:] = [item for item in items if item not in independent]


@pytest.fixture(scope="session")
def fixture_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not on_server():
        yield fixture_store.build(tmp_path_factory.mktemp("store") / "fixture.duckdb")
        return
    with private_schema("fixture") as (writer, reader):
        load_frames(writer, fixture_store.frames())
        yield reader


@pytest.fixture(scope="session")
def fixture_engine(fixture_url: str) -> Engine:
    engine = make_engine(fixture_url, read_only=True)
    yield engine
    engine.dispose()
