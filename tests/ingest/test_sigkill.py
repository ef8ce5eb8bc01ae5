"""A load killed with SIGKILL in the middle leaves the store exactly as it was before the load:
the same contents (a checksum of every table's rows) and, on the embedded store, the same file
bytes; on a server, the killed load's session ends (the server notices the closed socket and
rolls its transaction back) and nothing of it is left: no session, no lock, no staging table.
The next load clears whatever the killed writer left and goes through."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from data_access import schema
from tests.ingest.helpers import Store, run_cli

REPO = Path(__file__).resolve().parents[2]


def start_ingest(store: Store, path: Path, **env: str) -> subprocess.Popen:
    environment = dict(os.environ, PANTAU_DATABASE_URL=store.url,
                       PANTAU_WRITER_DATABASE_URL=store.writer_url,
                       PANTAU_DATA_DIR=str(store.data_dir), **env)
    return subprocess.Popen([sys.executable, "-m", "pantau.cli", "ingest", "violations", str(path)],
                            env=environment, cwd=REPO, stderr=subprocess.PIPE, text=True)


def wait_for(child: subprocess.Popen, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    assert child.stderr is not None
    for line in child.stderr:
        if text in line:
            return
        assert time.monotonic() < deadline, f"no '{text}' from the ingest"
    raise AssertionError(f"the ingest ended without '{text}' (status {child.wait()})")


def violations_file(folder: Path, rows: int) -> Path:
    path = folder / "kasus.csv"
    pl.DataFrame({"nomor register": [f"K{i:07d}" for i in range(rows)]}).with_columns(
        sumber=pl.lit("laporan"), **{"status registrasi": pl.lit("belum diregistrasi"),
                                     "tanggal diterima": pl.lit("12/02/2024"),
                                     "kode wilayah": pl.lit("91.01.01.2001")},
    ).write_csv(path)
    return path


def kill(child: subprocess.Popen) -> None:
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=60) == -signal.SIGKILL  # killed, not finished


def assert_nothing_of_the_load_on_the_server(store: Store) -> None:
    """The killed load's session is gone (within moments of its client's death: the writer URL's
    tag names the sessions of this store's loads, and no other load runs), and with it its
    transaction, locks and staging tables."""
    if store.on_server:
        assert store.wait_for_loads_to_end() == []
        assert store.left_behind() == []


def test_sigkill_after_the_rows_are_written_but_before_the_commit(store, tmp_path):
    path = violations_file(tmp_path, 2_000)
    before = store.fingerprint()
    child = start_ingest(store, path, PANTAU_TEST_INGEST_PAUSE="60")
    wait_for(child, "paused for test")
    # Written, not committed: no reader sees the rows yet.
    assert store.fingerprint() == before
    if store.on_server:
        # The load's one session, inside its transaction, holding the load lock: what the checks
        # below must find gone.
        (pid, state), = store.load_backends()
        assert state == "idle in transaction"
        found = store.left_behind()
        assert f"load lock held by {pid}" in found
        assert any(f.startswith(f"backend {pid} idle in transaction") for f in found)
    kill(child)
    if store.on_server:
        assert_nothing_of_the_load_on_the_server(store)
    else:
        assert any(name.endswith(".building") for name in store.left_behind())  # its work copy
    assert store.fingerprint() == before
    # The next load discards the dead writer's copy, if any, and loads.
    assert run_cli("ingest", "violations", str(path), "-q") == 0
    assert store.left_behind() == []
    case = schema.violation_case
    assert store.rows(sa.select(sa.func.count()).select_from(case)
                      .where(case.c.case_id.like("K%"))) == [(2_000,)]


def test_sigkill_at_an_arbitrary_moment_of_a_large_load(store, tmp_path):
    path = violations_file(tmp_path, 300_000)
    before = store.fingerprint()
    child = start_ingest(store, path)
    wait_for(child, "writing 300,000 rows")
    kill(child)
    assert_nothing_of_the_load_on_the_server(store)
    assert store.fingerprint() == before
