"""A throw-away PostgreSQL cluster for the tests in this folder, started for the session in a
temporary folder on a free local port (whatever store the rest of the run uses), and one fresh
database per test that needs one. Nothing is mocked: it is Debian's server, our roles, our SQL."""

from __future__ import annotations

import itertools
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pg import cluster as pg

_names = itertools.count()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.Cluster]:
    try:
        pg.server_bin()
    except pg.ClusterError as exc:
        pytest.fail(str(exc))
    # Not under pytest's own temporary folder: that one is private to root, and as root the
    # server runs as the 'postgres' user, which must reach its data folder.
    directory = Path(tempfile.mkdtemp(prefix="pantau-pg-"))
    try:
        yield pg.start(directory, _free_port())
    finally:
        pg.stop(directory)
        shutil.rmtree(directory, ignore_errors=True)


@dataclass(frozen=True)
class Database:
    """A private database: the writer's URL for loads, the reader's for the dashboard."""

    name: str
    writer_url: str
    reader_url: str


@pytest.fixture
def pg_database(pg_cluster: pg.Cluster) -> Iterator[Database]:
    name = f"scratch_{next(_names)}"
    pg.create_database(pg_cluster, name)
    yield Database(name, pg_cluster.url(pg.WRITER, name), pg_cluster.url(pg.READER, name))
    pg.drop_database(pg_cluster, name)
