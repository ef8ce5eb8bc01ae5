"""A load killed with SIGKILL in the middle leaves the store exactly as it was before the load: the
same file bytes and the same contents (a checksum of every table's rows). The next load clears
the killed writer's work copy and goes through."""

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


def killed_mid_load(child: subprocess.Popen, marker: str) -> None:
    wait_for(child, marker)
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=60) == -signal.SIGKILL  # killed, not finished


def test_sigkill_after_the_rows_are_written_but_before_the_commit(store, tmp_path):
    path = violations_file(tmp_path, 2_000)
    digest, file_hash = store.digest(), store.file_sha256()
    child = start_ingest(store, path, PANTAU_TEST_INGEST_PAUSE="60")
    killed_mid_load(child, "paused for test")
    assert list(store.path.parent.glob(".pantau.duckdb.*.building"))  # the killed work copy
    assert (store.file_sha256(), store.digest()) == (file_hash, digest)
    # The next load discards the dead writer's copy and loads.
    assert run_cli("ingest", "violations", str(path), "-q") == 0
    assert not list(store.path.parent.glob(".pantau.duckdb.*.building"))
    case = schema.violation_case
    assert store.rows(sa.select(sa.func.count()).select_from(case)
                      .where(case.c.case_id.like("K%"))) == [(2_000,)]


def test_sigkill_at_an_arbitrary_moment_of_a_large_load(store, tmp_path):
    path = violations_file(tmp_path, 300_000)
    digest, file_hash = store.digest(), store.file_sha256()
    child = start_ingest(store, path)
    killed_mid_load(child, "writing 300,000 rows")
    assert (store.file_sha256(), store.digest()) == (file_hash, digest)
