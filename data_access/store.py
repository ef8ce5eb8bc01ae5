"""Writing to the store: schema creation, bulk loads, and the atomic swap that protects readers.

Every write goes through :func:`writing`. On the embedded DuckDB store the write happens on a
copy of the file (or a new empty file) that replaces the live file with one ``os.replace`` when the
whole load succeeded, so a dashboard never sees half a dataset and never finds the file locked; a
crash or kill leaves the live file untouched. On a server database the same load is one
transaction, which gives readers the same guarantee through MVCC.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access import rollups, schema
from data_access.engine import duckdb_path, make_engine
from pantau.settings import get_settings

WRITER_MEMORY_LIMIT = "1GB"


def create_schema(conn: Connection) -> None:
    """Create every table that is missing (existing tables are left as they are)."""
    schema.metadata.create_all(conn)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """One writer at a time: two copy-and-swap loads would otherwise lose one another's rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def writing(url: str | None = None, *, fresh: bool = False) -> Iterator[Connection]:
    """A connection inside one all-or-nothing write.

    ``fresh=True`` starts from an empty store (the demo build); otherwise the current contents are
    the starting point. The schema exists when the block starts; the derived rollups are refreshed
    when it ends, inside the same transaction, so no loader can leave them stale.
    """
    url = url or get_settings().database_url
    path = duckdb_path(url)
    if path is None:
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                if fresh:
                    schema.metadata.drop_all(conn)
                create_schema(conn)
                yield conn
                rollups.refresh_all(conn)
        finally:
            engine.dispose()
        return

    with _file_lock(path):
        work = path.with_name(f".{path.name}.{os.getpid()}.building")
        work.unlink(missing_ok=True)
        if path.exists() and not fresh:
            shutil.copyfile(path, work)
        engine = make_engine(f"duckdb:///{work}")
        try:
            # The work file is private until the swap, so committing inside it is safe: that
            # lets a long load release memory between tables (see flush) and the swap stays the
            # one moment readers can observe.
            with engine.connect() as conn:
                # Bound DuckDB's buffer pool: a national build must stay within 4 GB in all, and
                # the generator's frames need their share. DuckDB spills beyond this if needed.
                conn.exec_driver_sql(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")
                create_schema(conn)
                yield conn
                rollups.refresh_all(conn)
                conn.commit()
                conn.exec_driver_sql("CHECKPOINT")
            engine.dispose()
            os.replace(work, path)
        except BaseException:
            engine.dispose()
            work.unlink(missing_ok=True)
            work.with_name(work.name + ".wal").unlink(missing_ok=True)
            raise


def flush(conn: Connection) -> None:
    """Let a long load release memory: commits the private work file of an embedded store (the
    live store is untouched until the swap); a no-op on a server database, where the whole load
    must stay one transaction to be invisible to readers until it is complete."""
    if conn.dialect.name == "duckdb":
        conn.commit()


def bulk_insert(conn: Connection, table: sa.Table, frame: pl.DataFrame) -> int:
    """Append a polars frame to ``table`` with the engine's fast path (Arrow scan in DuckDB,
    COPY in PostgreSQL). Columns are matched by name; missing nullable columns stay null."""
    if frame.height == 0:
        return 0
    columns = [c.name for c in table.columns if c.name in frame.columns]
    frame = frame.select(columns)
    dialect = conn.dialect.name
    if dialect == "duckdb":
        raw = conn.connection.driver_connection
        view = f"pantau_load_{table.name}"
        raw.register(view, frame.to_arrow())
        try:
            column_list = ", ".join(columns)
            raw.execute(f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM {view}")  # noqa: S608 - identifiers come from our schema
        finally:
            raw.unregister(view)
    elif dialect == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"  # noqa: S608
        ) as copy:
            for row in frame.iter_rows():
                copy.write_row(row)
    else:
        conn.execute(table.insert(), frame.to_dicts())
    return frame.height


def record_dataset(conn: Connection, dataset_id: str, kind: str, source: str, *,
                   synthetic: bool, row_count: int, note: str | None = None) -> None:
    """Upsert the provenance row every screen reads to say where its numbers come from."""
    conn.execute(sa.delete(schema.dataset).where(schema.dataset.c.dataset_id == dataset_id))
    conn.execute(sa.insert(schema.dataset).values(
        dataset_id=dataset_id, kind=kind, source=source, synthetic=synthetic,
        loaded_at=datetime.now(UTC).replace(tzinfo=None), row_count=row_count, note=note,
    ))


def _insert_missing(conn: Connection, table: sa.Table, frame: pl.DataFrame, key: str) -> int:
    """Insert the rows whose key the table lacks; existing rows are kept untouched."""
    existing = {row[0] for row in conn.execute(sa.select(table.c[key]))}
    fresh = frame.filter(~pl.col(key).is_in(list(existing))) if existing else frame
    return bulk_insert(conn, table, fresh)


def load_reference(regions: pl.DataFrame, stations: pl.DataFrame, url: str | None = None,
                   source: str = "KPU 2024 reference") -> dict[str, int]:
    """Create the schema and add the region and TPS reference (idempotent: running it again
    adds nothing and keeps every stored figure, such as voters per TPS)."""
    with writing(url) as conn:
        added = {
            "region": _insert_missing(conn, schema.region, regions, "code"),
            "polling_station": _insert_missing(conn, schema.polling_station, stations, "code"),
        }
        for table, kind in ((schema.region, "regions"), (schema.polling_station, "polling-stations")):
            total = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            record_dataset(conn, f"reference:{kind}", kind, source, synthetic=False,
                           row_count=total)
    return added
