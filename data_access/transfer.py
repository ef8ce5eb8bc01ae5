"""Copy a whole store into another — the embedded file into a PostgreSQL server, say, when a
deployment outgrows one laptop (or the test run needs the national demo on its cluster).

One all-or-nothing write on the target (``store.writing(fresh=True)``): every table of the schema
is read from the source with the engine's fast path (Arrow from DuckDB) and appended with the
target's (COPY on PostgreSQL). The derived rollups and the load record are not copied: the write
rebuilds them, exactly as any load does.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from data_access import schema
from data_access.engine import is_duckdb, make_engine
from data_access.store import bulk_insert, writing

DERIVED = ("compliance_rollup", "staffing_rollup", "store_load")


def _read(conn: sa.Connection, table: sa.Table) -> pl.DataFrame:
    if conn.dialect.name == "duckdb":
        native = conn.connection.driver_connection
        return native.sql(f'SELECT * FROM "{table.name}"').pl()  # noqa: S608 - schema's own name
    return pl.read_database(sa.select(table), conn)


def copy_store(source_url: str, target_url: str | None = None) -> dict[str, int]:
    """Replace the target store's contents with the source's; rows copied per table."""
    if is_duckdb(source_url) and target_url is not None and source_url == target_url:
        raise ValueError("the source and the target are the same store")
    source = make_engine(source_url, read_only=True)
    copied: dict[str, int] = {}
    try:
        with source.connect() as reader, writing(target_url, fresh=True) as conn:
            for table in schema.metadata.sorted_tables:
                if table.name in DERIVED:
                    continue
                copied[table.name] = bulk_insert(conn, table, _read(reader, table))
    finally:
        source.dispose()
    return copied
