"""The engine of the security store, one per process and URL."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.security.tables import metadata
from pantau.settings import get_settings

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets several dashboard processes append while others read; the busy timeout makes a
    # writer wait for the lock instead of failing on election night.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def security_engine(url: str | None = None) -> Engine:
    """The engine on ``url`` (default: ``PANTAU_SECURITY_DATABASE_URL``), tables created once."""
    url = url or get_settings().security_database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                path = sa.make_url(url).database
                if path:
                    from pathlib import Path
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                engine = sa.create_engine(url)
                sa.event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2)
            metadata.create_all(engine)
            _engines[url] = engine
    return engine


def dispose_all() -> None:
    """Close every pooled connection (tests that delete the file, process exit)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
