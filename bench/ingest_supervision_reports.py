"""Rows per second and peak memory of ``pantau ingest supervision-reports`` on a 5-million-row CSV.

Goal: at least 500,000 rows/s end to end on the 2-core machine — the whole command as an operator
runs it: reading and checking the file, the all-or-nothing write (copy of the store, upsert,
rollup refresh, checkpoint, swap) and the audit row.

Builds a scratch store (never the shared demo store) with a national-shaped report schedule:
obligations spread over the real kecamatan of the reference, bodies and stages as in the domain,
so the compliance rollup refreshed by the load has its real size. Then writes the CSV the way
reports come in (Indonesian headers, DD/MM/YYYY dates, ya/tidak) and runs the command in a child
process: the first load inserts; the same file again is the idempotent reload (its rows are
already stored as they are, so the load compares and writes nothing); a third file with the same
report ids on other obligations, dates and findings replaces every stored report. Each run's
wall time, CPU time and peak RSS are the child's own (``os.wait4``), printed with the load
average: the machine is shared, and the wall time of the same work varies with what else runs
(the CPU time much less).

    .venv/bin/python bench/ingest_supervision_reports.py [--rows 5000000] [--keep DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
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
    """``rows`` reports against distinct obligations, as a Bawaslu export would have them (the
    same report ids for every seed; the seed decides their obligations, dates and findings)."""
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


def run_ingest(csv: Path, env: dict[str, str]) -> tuple[float, float, float,
                                                       list[tuple[float, str]]]:
    """Wall seconds, CPU seconds (user + system, all threads), peak RSS (MB) and timed progress
    lines of one `pantau ingest` child. The CPU time says how much of the wall time was the
    machine's other work: the bench machine is shared, and its load average is printed too."""
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
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, steps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--keep", type=Path, default=None,
                        help="work in DIR and keep it; run again with the same DIR to reuse its "
                             "schedule and CSV (the store is reset to the schedule first)")
    parser.add_argument("--runs", type=int, default=1, help="repeat the two loads N times")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="pantau-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    store = work / "bench.duckdb"
    url = f"duckdb:///{store}"
    env = dict(os.environ, PANTAU_DATABASE_URL=url, PANTAU_DATA_DIR=str(work))
    os.environ.update(PANTAU_DATABASE_URL=url, PANTAU_DATA_DIR=str(work))
    schedule = work / f"schedule-{args.rows}.duckdb"  # the store before any report
    csv = work / f"supervision_reports-{args.rows}.csv"
    changed = work / f"supervision_reports-{args.rows}-changed.csv"
    try:
        t = time.perf_counter()
        obligations = int(args.rows * OBLIGATION_SURPLUS)
        if not (schedule.exists() and csv.exists() and changed.exists()):
            store.unlink(missing_ok=True)
            build_store(url, obligations)
            shutil.copyfile(store, schedule)
            write_csv(csv, args.rows)
            write_csv(changed, args.rows, seed=12)
        print(f"setup: store with {obligations:,} obligations "
              f"({schedule.stat().st_size / 2**20:,.0f} MB), CSV of {args.rows:,} rows "
              f"({csv.stat().st_size / 2**20:,.0f} MB) in {time.perf_counter() - t:.0f} s")
        for _ in range(args.runs):
            shutil.copyfile(schedule, store)
            run_all(csv, changed, env, args.rows)
    finally:
        if args.keep is None:
            for path in sorted(work.glob("**/*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
            work.rmdir()


def run_all(csv: Path, changed: Path, env: dict[str, str], rows: int) -> None:
    """The first load (inserts every row), the reload of the same file (every row already
    stored as it is: nothing to write), then a file in which every row differs (every stored
    report replaced: the rebuild of the table, its keys and the whole rollup)."""
    for label, path in (("first load (insert)", csv), ("same file again (upsert)", csv),
                        ("every row changed (upsert)", changed)):
        load = os.getloadavg()[0]
        elapsed, cpu, peak, steps = run_ingest(path, env)
        rate = rows / elapsed
        print(f"{label}: {elapsed:.1f} s, {rate:,.0f} rows/s, CPU {cpu:.1f} s, peak RSS "
              f"{peak:,.0f} MB, load average {load:.2f} before / {os.getloadavg()[0]:.2f} after "
              f"(goal >= {GOAL_ROWS_PER_SECOND:,} rows/s: "
              f"{'met' if rate >= GOAL_ROWS_PER_SECOND else 'NOT met'})", flush=True)
        for at, line in steps:
            print(f"    {at:6.1f} s  {line}", flush=True)


if __name__ == "__main__":
    main()
