"""The one engine factory: every connection to the store is made here.

The store is chosen by ``PANTAU_DATABASE_URL``. The embedded default is a DuckDB file; the
dashboard opens it read-only, and writers never modify it in place (see ``data_access.store``):
they build a new file and swap it in with an atomic rename. A reader therefore notices a load by
the file's identity (inode and modification time) changing, and reopens.
"""

from __future__ import annotations

import os
import threading
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
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=settings.pool_size,
        max_overflow=settings.pool_max_overflow,
    )


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


def store_version(url: str | None = None) -> str:
    """A token that changes whenever the store is replaced: a cache key for query results."""
    return "-".join(str(part) for part in _identity(url or get_settings().database_url))
