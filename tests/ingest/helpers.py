"""Helpers shared by the ingest tests: a scratch store handle for either engine, a content checksum
of a store, what a load may leave behind, files written byte for byte, and the command line run
in-process."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from data_access import schema
from data_access.engine import make_engine
from data_access.store import LOAD_LOCK_KEY
from pantau.cli import main as cli_main


@dataclass
class Store:
    """One test's store: the embedded file (``path``), or a private schema on the server
    (``schema_name``; readers and loads reach it through the search_path of their URLs, and the
    writer's sessions carry ``application_name`` ``tag`` so that the load's backends can be
    found in ``pg_stat_activity``)."""

    data_dir: Path
    geo_dir: Path
    url: str  # what the dashboard reads: the file, or the read-only role
    writer_url: str  # what loads write: the same file, or the writer role
    path: Path | None = None
    schema_name: str | None = None
    tag: str | None = None
    relations: frozenset[str] = frozenset()  # on a server: the schema's relations, as made

    @property
    def on_server(self) -> bool:
        return self.path is None

    def digest(self, skip: tuple[str, ...] = ()) -> str:
        return store_digest(self.url, skip)

    def file_sha256(self) -> str:
        assert self.path is not None, "the embedded store's file; a server store has none"
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def fingerprint(self) -> tuple[str, ...]:
        """What must not change when a load does not happen: the file byte for byte on the
        embedded store (equal bytes are equal contents); the contents of every table on a server
        (where a load that did not commit changes nothing any session can see)."""
        if self.path is None:
            return (self.digest(),)
        return (self.file_sha256(),)

    def rows(self, stmt: sa.Executable) -> list[tuple]:
        engine = make_engine(self.url, read_only=True)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(stmt)]
        finally:
            engine.dispose()

    def contains(self, text: str) -> bool:
        """Whether ``text`` is anywhere in the store: in the file's bytes (free blocks and all)
        on the embedded store, in any row of any table on a server."""
        if self.path is not None:
            return text.encode() in self.path.read_bytes()
        engine = make_engine(self.url, read_only=True)
        try:
            with engine.connect() as conn:
                return any(conn.execute(sa.text(
                    f'SELECT count(*) FROM "{name}" AS t WHERE strpos(t::text, :text) > 0'),  # noqa: S608 - names from the catalog
                    {"text": text}).scalar_one()
                    for name in sa.inspect(conn).get_table_names())
        finally:
            engine.dispose()

    def load_backends(self) -> list[tuple[int, str]]:
        """(pid, state) of the server sessions opened with this store's writer URL (loads), other
        than the one asking; none on the embedded store."""
        if self.tag is None:
            return []
        return [(pid, state) for pid, state in self._admin_rows(
            "SELECT pid, state FROM pg_stat_activity WHERE application_name = :tag "
            "AND pid <> pg_backend_pid() ORDER BY pid", tag=self.tag)]

    def wait_for_loads_to_end(self, timeout: float = 30) -> list[tuple[int, str]]:
        """:meth:`load_backends` once none is left, or after ``timeout`` seconds: the backend of
        a killed client ends when it notices the closed socket, which takes it a moment (longer
        in the middle of a statement than between two)."""
        deadline = time.monotonic() + timeout
        while True:
            alive = self.load_backends()
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.1)

    def left_behind(self) -> list[str]:
        """What loads left that a finished or failed load must not leave. Embedded: any file
        beside the store but the store and its lock file (a work copy, its WAL, a spill folder).
        Server: relations the schema did not have when it was made (a staging table), staging
        tables of a session still alive, a session of this store's writer still inside a
        transaction, a lock on any relation of the schema, the load lock."""
        if self.path is not None:
            keep = {self.path.name, self.path.name + ".lock"}
            return sorted(p.name for p in self.path.parent.iterdir() if p.name not in keep)
        found = [f"relation {name}" for name in sorted(self.relation_names() - self.relations)]
        found += [f"staging table {name}" for (name,) in self._admin_rows(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname LIKE 'pg\\_temp\\_%' AND c.relname LIKE 'pantau\\_%'")]
        found += [f"backend {pid} {state} since {since}" for pid, state, since in self._admin_rows(
            "SELECT pid, state, xact_start FROM pg_stat_activity WHERE application_name = :tag "
            "AND pid <> pg_backend_pid() AND (xact_start IS NOT NULL OR state <> 'idle')",
            tag=self.tag)]
        found += [f"lock {mode} on {name} held by {pid}" for pid, name, mode in self._admin_rows(
            "SELECT l.pid, c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema "
            "AND l.pid <> pg_backend_pid()", schema=self.schema_name)]
        # A bigint advisory key shows as its high and low 32 bits.
        found += [f"load lock held by {pid}" for (pid,) in self._admin_rows(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = :high "
            "AND objid = :low AND objsubid = 1", high=LOAD_LOCK_KEY >> 32,
            low=LOAD_LOCK_KEY & 0xFFFFFFFF)]
        return found

    def relation_names(self) -> frozenset[str]:
        """Every relation of the server schema (tables, indexes, sequences, views)."""
        return frozenset(name for (name,) in self._admin_rows(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema", schema=self.schema_name))

    def clear(self) -> None:
        """An empty store, as ``pantau db init`` starts from: the file removed, or the schema's
        tables dropped and made again (the next load creates an absent store)."""
        if self.path is not None:
            self.path.unlink()
            return
        from data_access.store import writing

        with writing(self.writer_url, fresh=True):
            pass

    def _admin_rows(self, sql: str, **params: object) -> list[tuple]:
        """The server's catalog, asked as the writer role (it sees its own sessions' state) in a
        session without the loads' tag, which is never one of the sessions it looks for."""
        url = sa.make_url(self.writer_url).difference_update_query(["application_name"])
        engine = make_engine(url.render_as_string(hide_password=False))
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(sa.text(sql), params)]
        finally:
            engine.dispose()


def store_digest(url: str, skip: tuple[str, ...] = (), *, schema_name: str | None = None) -> str:
    """A checksum of the contents of every table (rows sorted), independent of the file layout:
    equal digests mean equal stores as any query sees them. On a server, the tables are those of
    the URL's first search_path schema (the inspector's default schema is ``current_schema()``,
    and unqualified names resolve there), so a private schema's digest never reads the other
    stores of the database; ``schema_name`` names a schema explicitly instead."""
    digest = hashlib.sha256()
    engine = make_engine(url, read_only=True)
    prefix = "" if schema_name is None else f'"{schema_name}".'
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names(schema=schema_name)
            for name in sorted(names):
                if name in skip:
                    continue
                rows = conn.exec_driver_sql(f'SELECT * FROM {prefix}"{name}"').fetchall()  # noqa: S608
                digest.update(name.encode())
                for row in sorted(repr(tuple(r)) for r in rows):
                    digest.update(row.encode())
    finally:
        engine.dispose()
    return digest.hexdigest()


def write(folder: Path, name: str, text: str, *, encoding: str = "utf-8", bom: bool = False,
          newline: str = "\n") -> Path:
    """A text file exactly as given (``newline`` replaces each \\n)."""
    path = folder / name
    data = text.replace("\n", newline).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def run_cli(*argv: str) -> int:
    """``pantau`` in-process: an unexpected exception propagates and fails the test."""
    return cli_main(list(argv))


AUDIT = schema.ingest_audit
RECAP = schema.voter_list_recap
