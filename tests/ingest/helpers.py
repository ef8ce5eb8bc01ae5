"""Helpers shared by the ingest tests: a scratch store handle, a content checksum of a store,
files written byte for byte, and the command line run in-process."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from data_access import schema
from data_access.engine import make_engine
from pantau.cli import main as cli_main


@dataclass
class Store:
    """One test's store: its URL and folders."""

    path: Path
    data_dir: Path
    geo_dir: Path

    @property
    def url(self) -> str:
        return f"duckdb:///{self.path}"

    def digest(self, skip: tuple[str, ...] = ()) -> str:
        return store_digest(self.url, skip)

    def file_sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def rows(self, stmt: sa.Select) -> list[tuple]:
        engine = make_engine(self.url, read_only=True)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(stmt)]
        finally:
            engine.dispose()


def store_digest(url: str, skip: tuple[str, ...] = ()) -> str:
    """A checksum of the contents of every table (rows sorted), independent of the file layout:
    equal digests mean equal stores as any query sees them."""
    digest = hashlib.sha256()
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            for name in sorted(names):
                if name in skip:
                    continue
                rows = conn.exec_driver_sql(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608
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
