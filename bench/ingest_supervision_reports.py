"""Rows per second and peak memory of ``pantau ingest supervision-reports`` on a 5-million-row CSV.

Goal: at least 500,000 rows/s end to end on the 2-core machine — the whole command as an operator
runs it: reading and checking the file, the all-or-nothing write (copy of the store, upsert,
rollup refresh, checkpoint, swap) and the audit row.

Builds a scratch store (never the shared demo store) with a national-shaped report schedule:
obligations spread over the real kecamatan of the reference, bodies and stages as in the domain,
so the compliance rollup refreshed by the load has its real size. Then writes the CSV the way
reports come in (Indonesian headers, DD/MM/YYYY dates, ya/tidak) and runs the command twice in a
child process: the first load inserts, the second replaces every row (the idempotent reload).
Each run's peak RSS is the child's own (``os.wait4``).

    .venv/bin/python bench/ingest_supervision_reports.py [--rows 5000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from data_access import schema  # noqa: E402
from data_access.domain import BODY_STAGES, STAGES  # noqa: E402
from data_access.store import bulk_insert, writing  # noqa: E402
from pantau import reference  # noqa: E402
from pantau.settings import get_settings  # noqa: E402

GOAL_ROWS_PER_SECOND = 500_000
OBLIGATION_SURPLUS = 1.1  # ~10% of obligations have no report (missing), as in the demo


def build_store(url: str, obligations: int, seed: int = 7) -> None:
    """Regions of the reference, one PKD per desa, and ``obligations`` LHP obligations."""
    rng = np.random.default_rng(seed)
    regions = reference.load_regions(get_settings().reference_dir)
    villages = regions.filter(pl.col("level") == "village")
    supervisors = villages.select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("supervisor_id"),
        pl.lit("pkd").alias("body"), pl.lit(1).alias("seat"), pl.col("code").alias("region_code"),
        "province_code", "regency_code", "district_code", "village_code")
    stages = BODY_STAGES["pkd"]
    due = {s.key: s.end for s in STAGES["pemilu2024"]}
    pick = rng.integers(0, supervisors.height, obligations)
    stage = rng.integers(0, len(stages), obligations)
    table = supervisors[pick].select(
        "supervisor_id", "body", "province_code", "regency_code", "district_code", "village_code"
    ).with_columns(
        obligation_id=pl.int_range(1, obligations + 1, dtype=pl.Int64),
        election=pl.lit("pemilu2024"),
        stage=pl.Series([stages[i] for i in range(len(stages))])[stage],
    ).with_columns(due_date=pl.col("stage").replace_strict(due, return_dtype=pl.Date))
    with writing(url, fresh=True) as conn:
        bulk_insert(conn, schema.region, regions)
        bulk_insert(conn, schema.supervisor, supervisors)
        bulk_insert(conn, schema.report_obligation, table)


def write_csv(path: Path, rows: int, seed: int = 11) -> None:
    """``rows`` reports against distinct obligations, as a Bawaslu export would have them."""
    rng = np.random.default_rng(seed)
    obligation = rng.permutation(int(rows * OBLIGATION_SURPLUS))[:rows] + 1
    days = rng.integers(0, 60, rows)
    frame = pl.DataFrame({"obligation_id": obligation}).with_columns(
        report_id=pl.int_range(1, rows + 1, dtype=pl.Int64) + 10_000_000,
        submitted=pl.date(2024, 1, 1) + pl.duration(days=pl.Series(days)),
        findings=pl.Series(rng.random(rows) < 0.07),
    ).select(
        pl.col("report_id").alias("ID Laporan"), pl.col("obligation_id").alias("ID Kewajiban"),
        pl.format("{}/LHP/PM.01.02/PKD/2024", pl.col("report_id")).alias("Nomor LHP"),
        pl.col("submitted").dt.strftime("%d/%m/%Y").alias("Tanggal Laporan"),
        pl.when(pl.col("findings")).then(pl.lit("ya")).otherwise(pl.lit("tidak"))
        .alias("Ada Temuan"),
    )
    frame.write_csv(path)


def run_ingest(csv: Path, env: dict[str, str]) -> tuple[float, float, list[tuple[float, str]]]:
    """Wall seconds, peak RSS (MB) and timed progress lines of one `pantau ingest` child."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "pantau.cli", "ingest", "supervision-reports",
                              str(csv)], env=env, stderr=subprocess.PIPE, text=True, cwd=REPO)
    steps = []
    assert child.stderr is not None
    for line in child.stderr:
        steps.append((time.perf_counter() - started, line.rstrip()))
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"ingest failed ({child.returncode}): {steps[-5:]}")
    return elapsed, usage.ru_maxrss / 1024, steps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="work in DIR and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="pantau-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    url = f"duckdb:///{work / 'bench.duckdb'}"
    env = dict(os.environ, PANTAU_DATABASE_URL=url, PANTAU_DATA_DIR=str(work))
    os.environ.update(PANTAU_DATABASE_URL=url, PANTAU_DATA_DIR=str(work))
    try:
        t = time.perf_counter()
        obligations = int(args.rows * OBLIGATION_SURPLUS)
        build_store(url, obligations)
        csv = work / "supervision_reports.csv"
        write_csv(csv, args.rows)
        store_mb = (work / "bench.duckdb").stat().st_size / 2**20
        print(f"setup: store with {obligations:,} obligations ({store_mb:,.0f} MB), CSV of "
              f"{args.rows:,} rows ({csv.stat().st_size / 2**20:,.0f} MB) in "
              f"{time.perf_counter() - t:.0f} s")
        for label in ("first load (insert)", "same file again (upsert)"):
            elapsed, peak, steps = run_ingest(csv, env)
            rate = args.rows / elapsed
            print(f"{label}: {elapsed:.1f} s, {rate:,.0f} rows/s, peak RSS {peak:,.0f} MB "
                  f"(goal >= {GOAL_ROWS_PER_SECOND:,} rows/s: "
                  f"{'met' if rate >= GOAL_ROWS_PER_SECOND else 'NOT met'})")
            for at, line in steps:
                print(f"    {at:6.1f} s  {line}")
    finally:
        if args.keep is None:
            for path in sorted(work.glob("**/*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
            work.rmdir()


if __name__ == "__main__":
    main()
