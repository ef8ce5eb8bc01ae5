"""Schema migrations (Alembic) for both engines: the embedded DuckDB file and PostgreSQL.

``ensure_schema`` is what every load calls inside its own transaction: an empty store gets the
current schema in one step (``metadata.create_all``, stamped as the head revision; a test checks
that this equals running every revision), an older store is upgraded revision by revision. On
DuckDB the load works on a copy of the file, on PostgreSQL in one transaction with transactional
DDL, so a migration that fails leaves the live store as it was.

A store built before migrations existed (no ``alembic_version`` table, but the tables of the
first revision) is taken to be at the first revision.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.ddl.impl import DefaultImpl
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from data_access import schema

HERE = Path(__file__).resolve().parent
BASELINE = "0001"  # the schema as it was when migrations were introduced


class DuckDBImpl(DefaultImpl):
    """Alembic's DDL for DuckDB: plain ANSI DDL, transactional like PostgreSQL's."""

    __dialect__ = "duckdb"
    transactional_ddl = True


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def head() -> str:
    """The newest revision this code expects."""
    return ScriptDirectory.from_config(config()).get_current_head()


def current(conn: Connection) -> str | None:
    """The store's revision; None for a store without Pantau's tables."""
    revision = MigrationContext.configure(conn).get_current_revision()
    if revision is None and _has_baseline_tables(conn):
        return BASELINE
    return revision


def _has_baseline_tables(conn: Connection) -> bool:
    # A query read to its end, not the inspector: DuckDB's has_table leaves a result open, and
    # an open result makes the load's next Arrow registration fail.
    found = conn.execute(sa.text(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_name = :name"),
        {"name": schema.region.name}).scalar_one()
    return found > 0


def upgrade(conn: Connection, revision: str = "head") -> tuple[str | None, str]:
    """Run the revisions the store lacks, on ``conn`` (inside the caller's transaction);
    returns (revision before, revision after)."""
    before = current(conn)
    if before == BASELINE and MigrationContext.configure(conn).get_current_revision() is None:
        command.stamp(config(conn), BASELINE)
    command.upgrade(config(conn), revision)
    return before, MigrationContext.configure(conn).get_current_revision()


def ensure_schema(conn: Connection) -> None:
    """Bring the store to the head revision: create it when empty, else migrate if behind."""
    revision = current(conn)
    if revision is None:
        schema.metadata.create_all(conn)
        command.stamp(config(conn), "head")
    elif revision != head():
        upgrade(conn)


def drop_everything(conn: Connection) -> None:
    """Empty a server store for a fresh build (Pantau's tables and the revision marker)."""
    schema.metadata.drop_all(conn)
    conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def revision_at(url: str) -> str | None:
    """The revision of the store at ``url``; None when it is missing or empty."""
    from data_access.engine import duckdb_path, make_engine

    path = duckdb_path(url)
    if path is not None and not path.exists():
        return None
    engine = make_engine(url, read_only=path is not None)
    try:
        with engine.connect() as conn:
            return current(conn)
    finally:
        engine.dispose()


def writer_engine(url: str | None = None) -> Engine:
    from data_access.engine import make_engine
    from pantau.settings import get_settings

    return make_engine(url or get_settings().writer_database_url)
