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
import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
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
    when it ends, inside the same transaction, so no loader can leave them stale: all of them,
    unless the block tracks its changes (:func:`track_changes`), in which case only those the
    changed tables feed.
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
                changes = conn.info.pop(CHANGES, None)
                server = conn.dialect.name == "postgresql"
                if server:
                    # Statistics of the new rows first: without them the planner takes the
                    # national obligations for a small table and the rollup join runs 10x slower.
                    # A write that named its tables analyses those; the others are as they were.
                    # An untracked write analyses every table of the store, by name: a bare
                    # ANALYZE would read every table of the database, other schemas' included.
                    written = sorted(schema.metadata.tables) if changes is None else [
                        t for t in sorted(changes) if t in schema.metadata.tables]
                    if written:
                        conn.exec_driver_sql("ANALYZE " + ", ".join(written))
                refreshed = rollups.refresh(conn, changes)
                _record_load(conn)
                if server:
                    conn.exec_driver_sql(f"ANALYZE {', '.join([*refreshed, 'store_load'])}")
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
                conn.info[PRIVATE] = True
                # Bound DuckDB's buffer pool: a national build must stay within 4 GB in all, and
                # the generator's frames need their share. DuckDB spills beyond this if needed.
                conn.exec_driver_sql(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")
                # No fsync at each commit of the private file (DuckDB: "NONE may cause database
                # corruption after an operating system or hardware crash"): a crash discards the
                # file anyway. It is made durable once, whole, before it replaces the store, and
                # so is the rename (5M reports: the commits and the checkpoint waited 0.8-1.4 s
                # on the disk; now 0.1-0.3 s, and 0.3-0.6 s for the one fsync).
                conn.exec_driver_sql("SET fsync_mode = 'NONE'")
                create_schema(conn)
                yield conn
                _finish_duckdb(engine, conn)
            engine.dispose()
            wal = work.with_name(work.name + ".wal")
            if wal.exists() and wal.stat().st_size:  # the checkpoint did not take everything in
                raise RuntimeError(f"{wal} was left after the checkpoint; the store is unchanged")
            _fsync(work)
            os.replace(work, path)
            _fsync(path.parent)
        except BaseException:
            engine.dispose()
            work.unlink(missing_ok=True)
            work.with_name(work.name + ".wal").unlink(missing_ok=True)
            raise


def _fsync(path: Path) -> None:
    """Flush a file (its data) or a folder (a rename in it) to stable storage."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _finish_duckdb(engine: sa.Engine, conn: Connection) -> None:
    """The end of a write into the private work file: the keys of rebuilt tables, the rollups,
    the load's row, one checkpoint.

    Adding a rebuilt table's keys builds its indexes on one core (DuckDB's ALTER TABLE … ADD
    PRIMARY KEY / UNIQUE), while the rollup join runs on all of them; neither reads what the other
    writes, so with the rows committed the rollups are refreshed on a second connection to the
    same database meanwhile (5M reports: 6.2 s one after the other, 3.9 s side by side)."""
    changes = conn.info.pop(CHANGES, None)
    keyless: dict[str, sa.Table] = conn.info.pop(KEYLESS, {})
    if keyless:
        conn.commit()
        with ThreadPoolExecutor(max_workers=1) as pool:
            refreshed = pool.submit(_refresh_on_own_connection, engine, changes)
            try:
                for table in keyless.values():
                    _add_keys(conn, table)
            finally:
                refreshed.result()  # waits for it; its error, if any, is raised
    else:
        rollups.refresh(conn, changes)
    _record_load(conn)
    conn.commit()
    conn.exec_driver_sql("CHECKPOINT")


def _refresh_on_own_connection(engine: sa.Engine, changes: rollups.Changes | None) -> None:
    with engine.connect() as other:
        rollups.refresh(other, changes)
        other.commit()


def flush(conn: Connection) -> None:
    """Let a long load release memory: commits the private work file of an embedded store (the
    live store is untouched until the swap); a no-op on a server database, where the whole load
    must stay one transaction to be invisible to readers until it is complete, and on any
    connection that :func:`writing` did not open."""
    if conn.dialect.name == "duckdb" and conn.info.get(PRIVATE):
        conn.commit()


# Keys of ``Connection.info`` (per DBAPI connection; writing() opens its own and disposes of it).
PRIVATE = "pantau.private_work_file"
CHANGES = "pantau.changes"
KEYLESS = "pantau.keyless_tables"  # rebuilt tables whose keys writing() adds at the end


def track_changes(conn: Connection) -> None:
    """From here on this write says what it changes, so that :func:`writing` refreshes only the
    rollups fed by the tables it wrote (see :func:`data_access.rollups.refresh`). The store's
    helpers (bulk_insert, upsert, delete_matching) record the tables they write; a tracked write
    must not change a rollup's source table any other way. An untracked write (the default: the
    demo build, or a block that writes in SQL of its own) refreshes every rollup in full."""
    conn.info.setdefault(CHANGES, {})


def declare_changes(conn: Connection, table: sa.Table, areas: Iterable[str] | None = None) -> None:
    """Record that this write changes ``table``: anywhere (``areas`` None), or only rows of those
    compliance areas (:func:`data_access.rollups.area`). Declare before writing, covering every
    row the write will change; a table declared (or written) anywhere stays so."""
    changes = conn.info.get(CHANGES)
    if changes is None or (table.name in changes and changes[table.name] is None):
        return
    changes[table.name] = None if areas is None else (
        (changes.get(table.name) or frozenset()) | frozenset(areas))


def _written(conn: Connection, table: sa.Table) -> None:
    """A store helper wrote ``table``: anywhere, unless the write declared its areas first."""
    changes = conn.info.get(CHANGES)
    if changes is not None and table.name in schema.metadata.tables:
        changes.setdefault(table.name, None)


def bulk_insert(conn: Connection, table: sa.Table, frame: pl.DataFrame) -> int:
    """Append a polars frame to ``table`` with the engine's fast path (Arrow scan in DuckDB,
    COPY in PostgreSQL). Columns are matched by name; missing nullable columns stay null."""
    if frame.height == 0:
        return 0
    _written(conn, table)
    columns = [c.name for c in table.columns if c.name in frame.columns]
    frame = frame.select(columns)
    dialect = conn.dialect.name
    if dialect == "duckdb":
        view = f"pantau_load_{table.name}"
        with _arrow_view(conn, view, frame):
            column_list = ", ".join(columns)
            conn.connection.driver_connection.execute(
                f"INSERT INTO {table.name} ({column_list}) SELECT {column_list} FROM {view}")  # noqa: S608 - identifiers come from our schema
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
    dataset_id = _fitting_id(dataset_id)
    conn.execute(sa.delete(schema.dataset).where(schema.dataset.c.dataset_id == dataset_id))
    conn.execute(sa.insert(schema.dataset).values(
        dataset_id=dataset_id, kind=kind, source=source, synthetic=synthetic,
        loaded_at=_utcnow(), row_count=row_count, note=note,
    ))


def _fitting_id(dataset_id: str) -> str:
    """``dataset_id`` within its column's width (an ingest's is ``ingest:<kind>:<file name>``):
    PostgreSQL refuses a longer value, which failed the load of any file with a name of more than
    about 40 characters at its last statement (DuckDB does not enforce the width). A long id keeps
    its beginning and ends in a digest of the whole, so each file still has its own row, the same
    one at every load; ``source`` keeps the full file name."""
    width = schema.dataset.c.dataset_id.type.length
    if len(dataset_id) <= width:
        return dataset_id
    digest = hashlib.sha256(dataset_id.encode()).hexdigest()[:12]
    return f"{dataset_id[:width - len(digest) - 1]}~{digest}"


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


@contextlib.contextmanager
def _arrow_view(conn: Connection, name: str, frame: pl.DataFrame) -> Iterator[None]:
    """``frame`` registered as a DuckDB view for the block. After a failed statement DuckDB
    refuses even to unregister it (the transaction is aborted): the statement's error is the
    one raised, and the view goes with the discarded connection."""
    raw = conn.connection.driver_connection
    raw.register(name, frame.to_arrow())
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            raw.unregister(name)
        raise
    raw.unregister(name)


@contextlib.contextmanager
def staged(conn: Connection, frame: pl.DataFrame, name: str,
           like: sa.Table) -> Iterator[sa.TableClause]:
    """``frame`` as a table the next statements can join, inside the caller's transaction: an
    Arrow view on DuckDB (no copy), a temporary table filled by COPY elsewhere, typed like the
    same-named columns of ``like``. Gone when the block ends."""
    if conn.dialect.name == "duckdb":
        with _arrow_view(conn, name, frame):
            yield sa.table(name, *[sa.column(c) for c in frame.columns])
        return
    table = sa.Table(name, sa.MetaData(), *[sa.Column(c, like.c[c].type) for c in frame.columns],
                     prefixes=["TEMPORARY"])
    table.create(conn)
    try:
        bulk_insert(conn, table, frame)
        yield table
    finally:
        table.drop(conn)


def delete_matching(conn: Connection, table: sa.Table, keys: pl.DataFrame) -> None:
    """Delete the rows of ``table`` whose columns named like ``keys``' columns equal one of its
    rows: the first half of an upsert by natural key. Portable: the keys are staged
    (:func:`staged`) and matched with EXISTS, which both engines run as one semi-join, inside the
    caller's transaction."""
    if keys.height == 0:
        return
    _written(conn, table)
    with staged(conn, keys.unique(), f"pantau_keys_{table.name}", table) as keyed:
        conn.execute(sa.delete(table).where(_matches(table, keyed, keys.columns)))


def _matches(outer: sa.FromClause, inner: sa.FromClause, key: list[str]) -> sa.Exists:
    """EXISTS a row of ``inner`` equal to the row of ``outer`` on every column of ``key``."""
    return sa.exists(sa.select(sa.literal(1)).select_from(inner).where(
        sa.and_(*[inner.c[c] == outer.c[c] for c in key])))


# On DuckDB, keys are checked against the ART indexes of PRIMARY KEY / UNIQUE one row at a time:
# deleting and re-inserting a large share of a table, or filling an empty one, is several times
# slower than loading the rows into a table without those constraints and adding them afterwards,
# which builds each index in bulk (5M reports with two keys: inserted into the keyed table 6.6 s;
# into a bare table 1.0 s, then both indexes 1.3 s). The result is the same table — same DDL,
# constraint names and indexes (a test compares DuckDB's catalog entries). Above this share of
# replaced rows the table is rebuilt that way.
REBUILD_SHARE = 0.2
# Rows of the frame whose keys are looked up to estimate that share: counting every match of a
# five-million-row file took as long as the rebuild's own anti-join (2.5 s); a sample answers
# within about a percentage point, and a wrong guess near the threshold only costs time (both
# paths give the same table).
MATCH_SAMPLE_ROWS = 10_000


# Above this share of a file's rows already stored exactly (the same file loaded again, or a
# re-export with a few corrections) only the other rows are written. Finding them costs a scan
# (5M reports: 0.35 s of CPU when the file lists its rows in the order the table holds them, a
# join on the primary key otherwise, 2.4 s); writing them all again costs the insert, the key
# rebuild and the rollup refresh (~7 s).
UNCHANGED_SHARE = 0.5


def changed_rows(conn: Connection, table: sa.Table, frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``frame`` that ``table`` may not already hold exactly (every column equal,
    nulls equal to nulls), in their order — or ``frame`` itself when a sample says most of its
    rows are new or changed, or the comparison does not apply (a column of the table missing
    from the frame, no primary key). Every row left out is stored exactly as it is in the frame.

    For a frame whose keys are unique within it (every kind checks that), upserting these rows
    gives the same table as upserting the whole frame: a stored row identical to a frame row
    would only be deleted and inserted again."""
    names = [c.name for c in table.columns]
    primary = [c.name for c in table.primary_key.columns]
    if frame.height == 0 or not primary or not set(names) <= set(frame.columns):
        return frame
    if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0:
        return frame
    stored = sa.table(table.name, *[sa.column(n) for n in names])

    def same(view: sa.TableClause) -> sa.Exists:
        return sa.exists(sa.select(sa.literal(1)).select_from(stored).where(
            *[stored.c[n] == view.c[n] for n in primary],
            *[stored.c[n].is_not_distinct_from(view.c[n]) for n in names if n not in primary]))

    sample = frame.select(names)
    if sample.height > MATCH_SAMPLE_ROWS:
        sample = sample.sample(MATCH_SAMPLE_ROWS, seed=0)
    with staged(conn, sample, f"pantau_sample_{table.name}", table) as view:
        identical = conn.execute(sa.select(sa.func.count()).select_from(view)
                                 .where(same(view))).scalar_one()
    if identical < UNCHANGED_SHARE * sample.height:
        return frame
    if conn.dialect.name == "duckdb":
        differing = _positional_differences(conn, table, frame, names)
        if differing.len() <= (1 - UNCHANGED_SHARE) * frame.height:
            return frame.gather(differing)
    numbered = frame.select(names).with_row_index(POSITION)
    like = sa.Table(table.name, sa.MetaData(), sa.Column(POSITION, sa.BigInteger),
                    *[sa.Column(c.name, c.type) for c in table.columns])
    with staged(conn, numbered, f"pantau_rows_{table.name}", like) as view:
        query = sa.select(view.c[POSITION]).where(~same(view)).order_by(view.c[POSITION])
        if conn.dialect.name == "duckdb":  # millions of positions: as Arrow, not Python ints
            sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
            changed = _arrow_column(conn, sql, POSITION)
        else:
            changed = pl.Series(POSITION, conn.execute(query).scalars().all(), dtype=pl.UInt32)
    return frame.gather(changed)


POSITION = "pantau_position"


def _positional_differences(conn: Connection, table: sa.Table, frame: pl.DataFrame,
                            names: list[str]) -> pl.Series:
    """Positions of the frame rows that differ from the stored row at the same place in the
    table's scan (DuckDB's POSITIONAL JOIN: one pass, no hash table). A row equal to the stored
    row beside it is stored as it is, whatever the order; the others may or may not be, so this
    is exact for the rows it leaves out — and, when a file repeats the order the table was filled
    in (a file loaded again), it leaves out nearly all of them."""
    view = f"pantau_rows_{table.name}"
    columns = ", ".join(names)
    equal = " AND ".join(f"s.{n} IS NOT DISTINCT FROM f.{n}" for n in names)
    sql = (f"SELECT f.{POSITION} FROM (SELECT {columns} FROM {table.name}) s "  # noqa: S608 - our identifiers
           f"POSITIONAL JOIN {view} f WHERE f.{POSITION} IS NOT NULL AND NOT ({equal}) "
           f"ORDER BY f.{POSITION}")
    with _arrow_view(conn, view, frame.select(names).with_row_index(POSITION)):
        return _arrow_column(conn, sql, POSITION)


def _arrow_column(conn: Connection, sql: str, name: str) -> pl.Series:
    found = pl.from_arrow(conn.connection.driver_connection.sql(sql).to_arrow_table())
    assert isinstance(found, pl.DataFrame)
    return found[name]


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
        if (frame.height >= REBUILD_SHARE * stored
                and _estimated_matches(conn, table, frame, key_sets) >= REBUILD_SHARE * stored):
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


def _estimated_matches(conn: Connection, table: sa.Table, frame: pl.DataFrame,
                       key_sets: list[list[str]]) -> float:
    """About how many stored rows the upsert replaces, from a sample of the frame: the most that
    one key matches (one semi-join each; an OR of EXISTS would not be planned as joins)."""
    columns = sorted({c for key in key_sets for c in key})
    sample = frame.select(columns)
    if sample.height > MATCH_SAMPLE_ROWS:
        sample = sample.sample(MATCH_SAMPLE_ROWS, seed=0)
    with staged(conn, sample, f"pantau_sample_{table.name}", table) as keyed:
        hits = max(conn.execute(sa.select(sa.func.count()).select_from(keyed)
                                .where(_matches(keyed, table, key))).scalar_one()
                   for key in key_sets)
    return hits / sample.height * frame.height


def _rebuild(conn: Connection, table: sa.Table, frame: pl.DataFrame,
             key_sets: list[list[str]] | None) -> int:
    """DuckDB only: recreate the table without its key constraints, fill it with the stored rows
    no key matches (none when ``key_sets`` is None: the table is empty) and ``frame``, then add
    the primary key, the UNIQUE constraint and the indexes of the schema.

    The old table is renamed aside and read once (DuckDB refuses to rename a table that has
    indexes of its own, so those go first; they are rebuilt at the end anyway). Inside
    :func:`writing`'s private work file the keys are added when the write ends
    (:func:`_finish_duckdb`), after the rows are committed: DuckDB builds the indexes of
    constraints added in the transaction that inserted the rows at commit, at about twice the
    cost (5M reports: 3.7 s against 1.3 s), and they can be built while the rollups are refreshed.
    Until then the table is not checked for duplicate keys: a duplicate fails the whole write
    when the keys are added. Another upsert into the same table in the same write finds it
    keyless and works the same way."""
    for index in table.indexes:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")
    old = f"pantau_old_{table.name}"
    if key_sets is None:
        table.drop(conn)
    else:
        conn.exec_driver_sql(f"ALTER TABLE {table.name} RENAME TO {old}")
    bare = sa.Table(table.name, sa.MetaData(),
                    *[sa.Column(c.name, c.type, nullable=c.nullable) for c in table.columns])
    bare.create(conn)
    if key_sets is not None:
        stored = sa.table(old, *[sa.column(c.name) for c in table.columns])
        if _any_kept(conn, stored, frame, key_sets):
            columns = sorted({c for key in key_sets for c in key})
            with staged(conn, frame.select(columns), f"pantau_keys_{table.name}", table) as keyed:
                kept = sa.select(*stored.c).where(*[~_matches(stored, keyed, key)
                                                    for key in key_sets])
                conn.execute(bare.insert().from_select([c.name for c in table.columns], kept))
        conn.exec_driver_sql(f"DROP TABLE {old}")
    written = bulk_insert(conn, table, frame)
    if conn.info.get(PRIVATE):
        conn.info.setdefault(KEYLESS, {})[table.name] = table
    else:
        _add_keys(conn, table)
    return written


def _any_kept(conn: Connection, stored: sa.TableClause, frame: pl.DataFrame,
              key_sets: list[list[str]]) -> bool:
    """Whether any stored row escapes every key of ``frame``. Reloading a file replaces every
    row, and polars' hash lookups over the stored keys (fetched as Arrow) find that in a third of
    the CPU time of DuckDB's anti-join against the Arrow view of the frame (5M reports: ~0.4 s
    against ~1.3 s); composite keys are left to the anti-join."""
    if any(len(key) != 1 for key in key_sets):
        return True
    names = sorted({key[0] for key in key_sets})
    sql = str(sa.select(*[stored.c[n] for n in names])
              .compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    keys = pl.from_arrow(conn.connection.driver_connection.sql(sql).to_arrow_table())
    assert isinstance(keys, pl.DataFrame)
    # A null stored key equals nothing, as in SQL: that row is kept.
    escaped = pl.all_horizontal(
        (~pl.col(n).is_in(frame[n].cast(keys[n].dtype, strict=False).implode())).fill_null(True)
        for n in names)
    return bool(keys.select(escaped.any()).item())


def _add_keys(conn: Connection, table: sa.Table) -> None:
    """The primary key, UNIQUE constraint and indexes of the schema, on a table rebuilt bare."""
    primary = ", ".join(c.name for c in table.primary_key.columns)
    if primary:
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD PRIMARY KEY ({primary})")
    for unique in (c for c in table.constraints if isinstance(c, sa.UniqueConstraint)):
        columns_sql = ", ".join(c.name for c in unique.columns)
        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD UNIQUE ({columns_sql})")
    for index in table.indexes:
        index.create(conn)


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
        if work.is_dir():  # DuckDB's spill folder (<work file>.tmp) of a load that spilled
            shutil.rmtree(work, ignore_errors=True)
        else:
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
