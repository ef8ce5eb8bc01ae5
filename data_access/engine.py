"""The one engine factory: every connection to the store is made here.

The store is chosen by ``PANTAU_DATABASE_URL``. The embedded default is a DuckDB file; the
dashboard opens it read-only, and writers never modify it in place (see ``data_access.store``):
they build a new file and swap it in with an atomic rename. A reader therefore notices a load by
the file's identity (inode and modification time) changing, and reopens.

On a server store (PostgreSQL) the dashboard connects as a read-only role through a bounded pool
(``PANTAU_POOL_SIZE`` + ``PANTAU_POOL_MAX_OVERFLOW`` connections per process, waiting at most
``PANTAU_POOL_TIMEOUT`` seconds for one, each checked with a ping before use), and loads connect as
the writer role (``PANTAU_WRITER_DATABASE_URL``). Every load appends a row to ``store_load`` in its
own transaction, so the newest ``load_id`` is the server store's version.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pantau.settings import get_settings


class StoreUnavailable(RuntimeError):
    """The configured store does not exist yet or cannot be opened."""


def is_duckdb(url: str) -> bool:
    return url.startswith("duckdb:")


def duckdb_path(url: str) -> Path | None:
    """The file behind a DuckDB URL, or None for an in-memory database."""
    if not is_duckdb(url):
        return None
    raw = url.split(":///", 1)[-1].split("?", 1)[0]
    return None if raw in ("", ":memory:") else Path(raw)


def make_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine on ``url`` (default: the setting). Read-only engines refuse a missing file."""
    url = url or get_settings().database_url
    if is_duckdb(url):
        path = duckdb_path(url)
        if read_only and path is not None and not path.exists():
            raise StoreUnavailable(
                f"No store at {path}. Build the demo store with 'pantau demo' (make run does it), "
                "or point PANTAU_DATABASE_URL at an existing store."
            )
        connect_args = {"read_only": read_only} if path is not None else {}
        return sa.create_engine(url, connect_args=connect_args, pool_pre_ping=False)
    settings = get_settings()
    engine = sa.create_engine(
        url, pool_pre_ping=True, pool_size=settings.pool_size,
        max_overflow=settings.pool_max_overflow, pool_timeout=settings.pool_timeout,
    )
    if read_only and engine.dialect.name == "postgresql":
        # Belt and braces beside the role's own privileges: a reader's transactions are read-only.
        sa.event.listen(engine, "connect", _read_only_session)
    return engine


def _read_only_session(dbapi_connection, _record) -> None:
    dbapi_connection.read_only = True


def _identity(url: str) -> tuple:
    path = duckdb_path(url)
    if path is None:
        return (url,)
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return (url, None)
    return (url, stat.st_ino, stat.st_mtime_ns)


_lock = threading.Lock()
_reader: dict[str, tuple[tuple, Engine]] = {}


def reader_engine(url: str | None = None) -> Engine:
    """The shared read-only engine, reopened when a load has swapped in a new store file."""
    url = url or get_settings().database_url
    identity = _identity(url)
    with _lock:
        cached = _reader.get(url)
        if cached and cached[0] == identity:
            return cached[1]
        if cached:
            cached[1].dispose()
        engine = make_engine(url, read_only=True)
        _reader[url] = (identity, engine)
        return engine


# How long a server store's version is trusted before asking again: bounds both the staleness a
# reader may see after a load and the version queries a busy dashboard sends (one per interval).
SERVER_VERSION_TTL = 2.0
_server_versions: dict[str, tuple[float, str]] = {}


def _server_version(url: str) -> str:
    now = time.monotonic()
    cached = _server_versions.get(url)
    if cached and now - cached[0] < SERVER_VERSION_TTL:
        return cached[1]
    try:
        with reader_engine(url).connect() as conn:
            latest = conn.execute(sa.text("SELECT max(load_id) FROM store_load")).scalar()
    except sa.exc.ProgrammingError:  # a store created before the store_load revision
        latest = None
    version = f"{sa.make_url(url).render_as_string(hide_password=True)}-{latest}"
    _server_versions[url] = (now, version)
    return version


@atexit.register
def _dispose_readers() -> None:
    """Close pooled connections before the interpreter tears DuckDB's bindings down."""
    with _lock:
        for _, engine in _reader.values():
            engine.dispose()
        _reader.clear()


def store_version(url: str | None = None) -> str:
    """A token that changes whenever a load has committed: a cache key for query results (the
    file's identity on DuckDB, the newest ``store_load`` row on a server)."""
    url = url or get_settings().database_url
    if not is_duckdb(url):
        return _server_version(url)
    return "-".join(str(part) for part in _identity(url))
