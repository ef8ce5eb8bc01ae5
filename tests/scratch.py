"""Scratch stores for tests on whichever engine the run uses: on a server, a private schema that
the writer role loads and the read-only role may read, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
import sqlalchemy as sa

from data_access import schema
from data_access.engine import make_engine
from data_access.store import bulk_insert, writing
from pantau.settings import get_settings


def with_search_path(url: str, schema_name: str) -> str:
    """``url`` whose sessions see ``schema_name`` first: a private store inside one database."""
    return sa.make_url(url).update_query_dict(
        {"options": f"-csearch_path={schema_name}"}).render_as_string(hide_password=False)


def schema_of(url: str) -> str:
    """The schema a :func:`with_search_path` URL puts first."""
    options = sa.make_url(url).query.get("options", "")
    assert isinstance(options, str) and options.startswith("-csearch_path="), url
    return options.removeprefix("-csearch_path=").split(",")[0]


def with_application_name(url: str, name: str) -> str:
    """``url`` whose sessions show as ``name`` in ``pg_stat_activity``: how a test finds the
    server sessions of the loads it started (and only those)."""
    return sa.make_url(url).update_query_dict({"application_name": name}).render_as_string(
        hide_password=False)


def load_frames(url: str, frames: dict[str, pl.DataFrame]) -> None:
    """A fresh store at ``url`` holding exactly ``frames`` (table name → rows)."""
    with writing(url, fresh=True) as conn:
        for table_name, frame in frames.items():
            bulk_insert(conn, schema.metadata.tables[table_name], frame)


@contextmanager
def private_schema(prefix: str) -> Iterator[tuple[str, str]]:
    """(writer URL, reader URL) of a new schema on the server store, dropped at the end."""
    settings = get_settings()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    reader = sa.make_url(settings.database_url).username
    admin = make_engine(settings.writer_database_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA {name} TO "{reader}"')
    try:
        yield (with_search_path(settings.writer_database_url, name),
               with_search_path(settings.database_url, name))
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        admin.dispose()
