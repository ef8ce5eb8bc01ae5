"""Time and peak memory of building the national demo store.

Runs `pantau demo` in a child process (so its peak RSS is measured alone) into a scratch store,
and prints wall time and peak memory. Goal: under 3 minutes and 4 GB on the 2-core machine.

    .venv/bin/python bench/build_store.py [--scope national|<province>] [--keep]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scope", default="national")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp:
        env = dict(os.environ, PANTAU_DATABASE_URL=f"duckdb:///{Path(tmp) / 'bench.duckdb'}",
                   PANTAU_DATA_DIR=tmp)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pantau.cli", "demo", "--quiet", "--scope",
                        args.scope, "--seed", str(args.seed)], env=env, check=True)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_mb = (Path(tmp) / "bench.duckdb").stat().st_size / 2**20
    print(f"build_store scope={args.scope} seed={args.seed}: {elapsed:.1f} s wall, "
          f"peak RSS {peak_mb:,.0f} MB, store file {size_mb:,.0f} MB "
          f"(goal: < 180 s, < 4096 MB)")


if __name__ == "__main__":
    main()
