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

from data_access import migrations, rollups, schema
from data_access.engine import duckdb_path, make_engine
from pantau.settings import get_settings

WRITER_MEMORY_LIMIT = "1GB"


def create_schema(conn: Connection) -> None:
    """Bring the store to the schema this code expects: created when empty, migrated (Alembic)
    when an older revision; inside the caller's transaction, so a failed load undoes it too."""
    migrations.ensure_schema(conn)


def _record_load(conn: Connection) -> None:
    """Append this load to ``store_load``: a server store's readers see a new version when the
    load commits (loads are serialised, so max + 1 cannot collide)."""
    table = schema.store_load
    latest = conn.execute(sa.select(sa.func.max(table.c.load_id))).scalar()
    conn.execute(table.insert().values(load_id=(latest or 0) + 1, finished_at=_utcnow(),
                                       revision=migrations.head()))


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# Any constant works: every Pantau load takes this one transaction-scoped advisory lock, so loads
# into a server store run one at a time (as the file lock does on DuckDB) and the rollups each
# load refreshes never interleave.
LOAD_LOCK_KEY = 0x70616E746175


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
    url = url or get_settings().writer_database_url
    path = duckdb_path(url)
    if path is None:
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(LOAD_LOCK_KEY)))
                if fresh:
                    migrations.drop_everything(conn)
                create_schema(conn)
                yield conn
                server = conn.dialect.name == "postgresql"
                if server:
                    # Statistics of the new rows first: without them the planner takes the
                    # national obligations for a small table and the rollup join runs 10x slower.
                    conn.exec_driver_sql("ANALYZE")
                rollups.refresh_all(conn)
                _record_load(conn)
                if server:
                    conn.exec_driver_sql("ANALYZE compliance_rollup, staffing_rollup, store_load")
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
                _record_load(conn)
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
        _copy_csv(conn, table, frame)
    else:
        conn.execute(table.insert(), frame.to_dicts())
    return frame.height


# Rows per COPY chunk: large enough that polars' CSV writer and the server stay busy, small enough
# to keep a chunk's text (tens of MB) out of the way of a national load's memory budget.
COPY_CHUNK_ROWS = 250_000


def _copy_csv(conn: Connection, table: sa.Table, frame: pl.DataFrame) -> None:
    """PostgreSQL's COPY fed with CSV that polars writes in native code: one ``write`` per chunk
    instead of a Python call per row (``write_row``), which made the national load ~20x slower.
    An unquoted empty field is NULL; polars quotes empty strings, so they stay empty strings."""
    raw = conn.connection.driver_connection
    column_list = ", ".join(frame.columns)
    statement = f"COPY {table.name} ({column_list}) FROM STDIN WITH (FORMAT csv)"  # noqa: S608
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, frame.height, COPY_CHUNK_ROWS):
            chunk = frame.slice(start, COPY_CHUNK_ROWS)
            copy.write(chunk.write_csv(include_header=False, null_value="",
                                       datetime_format="%Y-%m-%d %H:%M:%S%.f"))


def record_dataset(conn: Connection, dataset_id: str, kind: str, source: str, *,
                   synthetic: bool, row_count: int, note: str | None = None) -> None:
    """Upsert the provenance row every screen reads to say where its numbers come from."""
    conn.execute(sa.delete(schema.dataset).where(schema.dataset.c.dataset_id == dataset_id))
    conn.execute(sa.insert(schema.dataset).values(
        dataset_id=dataset_id, kind=kind, source=source, synthetic=synthetic,
        loaded_at=_utcnow(), row_count=row_count, note=note,
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


def delete_matching(conn: Connection, table: sa.Table, keys: pl.DataFrame) -> None:
    """Delete the rows of ``table`` whose columns named like ``keys``' columns equal one of its
    rows: the first half of an upsert by natural key. Portable: the keys are staged as an Arrow
    view (DuckDB) or a temporary table filled by COPY (PostgreSQL) and matched with EXISTS, which
    both engines run as one semi-join, inside the caller's transaction."""
    if keys.height == 0:
        return
    keys = keys.unique()
    name = f"pantau_keys_{table.name}"
    if conn.dialect.name == "duckdb":
        staged = sa.table(name, *[sa.column(c) for c in keys.columns])
        raw = conn.connection.driver_connection
        raw.register(name, keys.to_arrow())
        try:
            conn.execute(_delete_exists(table, staged, keys.columns))
        finally:
            raw.unregister(name)
        return
    staged_table = sa.Table(name, sa.MetaData(),
                            *[sa.Column(c, table.c[c].type) for c in keys.columns],
                            prefixes=["TEMPORARY"])
    staged_table.create(conn)
    try:
        bulk_insert(conn, staged_table, keys)
        conn.execute(_delete_exists(table, staged_table, keys.columns))
    finally:
        staged_table.drop(conn)


def _delete_exists(table: sa.Table, staged: sa.TableClause, columns: list[str]) -> sa.Delete:
    match = sa.and_(*[staged.c[c] == table.c[c] for c in columns])
    return sa.delete(table).where(sa.exists(sa.select(sa.literal(1)).select_from(staged)
                                            .where(match)))


# On DuckDB, keys are checked against the ART indexes of PRIMARY KEY / UNIQUE one row at a time:
# deleting and re-inserting a large share of a table, or filling an empty one, is several times
# slower than loading the rows into a table without those constraints and adding them afterwards,
# which builds each index in bulk (measured on 5M reports with two random keys: ~10 s against
# ~6 s). The result is the same table — same DDL, constraint names and indexes (a test compares
# DuckDB's catalog entries). Above this share of replaced rows the table is rebuilt that way.
REBUILD_SHARE = 0.2


def upsert(conn: Connection, table: sa.Table, frame: pl.DataFrame,
           keys: list[list[str]] | list[str]) -> int:
    """Replace the stored rows that share a natural key with ``frame``, then insert ``frame``:
    loading the same rows twice gives the same table. ``keys`` is one key (a list of column
    names) or several (a row goes when it matches any of them, e.g. a report's own id or its
    obligation's). All inside the caller's transaction."""
    key_sets: list[list[str]] = [keys] if keys and isinstance(keys[0], str) else keys  # type: ignore[list-item,assignment]
    if frame.height == 0:
        return 0
    if conn.dialect.name == "duckdb" and _rebuildable(table):
        stored = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        if stored == 0:
            return _rebuild(conn, table, frame, None)
        if frame.height >= REBUILD_SHARE * stored:
            matched = _count_matching(conn, table, frame, key_sets)
            if matched >= REBUILD_SHARE * stored:
                return _rebuild(conn, table, frame, key_sets)
    for key in key_sets:
        delete_matching(conn, table, frame.select(key))
    return bulk_insert(conn, table, frame)


def _rebuildable(table: sa.Table) -> bool:
    """Tables whose DDL the rebuild reproduces exactly: no server-side defaults or sequences, at
    most one UNIQUE constraint besides the primary key, no foreign keys."""
    uniques = [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    return (len(uniques) <= 1 and not table.foreign_keys
            and all(c.server_default is None and not isinstance(c.default, sa.Sequence)
                    for c in table.columns))


def _exists(table: sa.Table, staged: sa.TableClause, key: list[str]) -> sa.Exists:
    return sa.exists(sa.select(sa.literal(1)).select_from(staged).where(
        sa.and_(*[staged.c[c] == table.c[c] for c in key])))


def _count_matching(conn: Connection, table: sa.Table, frame: pl.DataFrame,
                    key_sets: list[list[str]]) -> int:
    """At least how many stored rows the upsert replaces: the most that one key matches (one
    semi-join each; an OR of EXISTS would not be planned as joins)."""
    columns = sorted({c for key in key_sets for c in key})
    name = f"pantau_keys_{table.name}"
    staged = sa.table(name, *[sa.column(c) for c in columns])
    raw = conn.connection.driver_connection
    raw.register(name, frame.select(columns).to_arrow())
    try:
        return max(conn.execute(sa.select(sa.func.count()).select_from(table)
                                .where(_exists(table, staged, key))).scalar_one()
                   for key in key_sets)
    finally:
        raw.unregister(name)


def _rebuild(conn: Connection, table: sa.Table, frame: pl.DataFrame,
             key_sets: list[list[str]] | None) -> int:
    """DuckDB only: keep the stored rows no key matches (none when ``key_sets`` is None: the
    table is empty), recreate the table without its key constraints, fill it, then add the
    primary key, the UNIQUE constraint and the indexes of the schema."""
    keep = f"pantau_keep_{table.name}"
    if key_sets is not None:
        columns = sorted({c for key in key_sets for c in key})
        name = f"pantau_keys_{table.name}"
        staged = sa.table(name, *[sa.column(c) for c in columns])
        raw = conn.connection.driver_connection
        raw.register(name, frame.select(columns).to_arrow())
        try:
            kept = sa.select(table).where(*[~_exists(table, staged, key) for key in key_sets])
            sql = str(kept.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
            conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {keep} AS {sql}")  # noqa: S608 - our identifiers
        finally:
            raw.unregister(name)
    table.drop(conn)
    bare = sa.Table(table.name, sa.MetaData(),
                    *[sa.Column(c.name, c.type, nullable=c.nullable) for c in table.columns])
    bare.create(conn)
    if key_sets is not None:
        names = ", ".join(c.name for c in table.columns)
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {keep}")  # noqa: S608
        conn.exec_driver_sql(f"DROP TABLE {keep}")
    written = bulk_insert(conn, table, frame)
    primary = ", ".join(c.name for c in table.primary_key.columns)
    if primary:
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD PRIMARY KEY ({primary})")
    for unique in (c for c in table.constraints if isinstance(c, sa.UniqueConstraint)):
        columns_sql = ", ".join(c.name for c in unique.columns)
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD UNIQUE ({columns_sql})")
    for index in table.indexes:
        index.create(conn)
    return written


def discard_stale_work_files(url: str | None = None) -> list[Path]:
    """Remove the work copies that killed writers left beside an embedded store (``writing``
    removes its own on any exception, but a SIGKILL leaves a full-size copy behind). A copy is
    stale when the process that made it is gone; a live writer's copy is left alone."""
    path = duckdb_path(url or get_settings().writer_database_url)
    if path is None or not path.parent.is_dir():
        return []
    removed = []
    for work in path.parent.glob(f".{path.name}.*.building*"):
        pid = work.name[len(path.name) + 2:].split(".", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        work.unlink(missing_ok=True)
        removed.append(work)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
