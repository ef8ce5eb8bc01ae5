"""The Pelanggaran page's server-side run at national demo scale, cold and warm.

Each scenario runs in a fresh Python process through ``streamlit.testing.v1.AppTest`` on the
national demo store (data/pantau.duckdb): *cold* is the first run of the page in that process
(imports, engine, empty query cache, geometry read from the on-disk layer cache), *warm* is the
median of the following runs (query results cached by ``dashboard.data``). The page script runs
on its own with the filter state set in the session, as the app entry would pass it, so the
numbers are the page's and not the overview that the app opens first; only the page script is
timed (inside the run), not AppTest's own set-up. The last column is the wall time of the same
page through the full app (shell, navigation, filter bar), warm. Goal: ≤ 0.5 s warm.

    .venv/bin/python bench/violations_page.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "pages" / "violations.py"
APP = REPO / "dashboard" / "app.py"
GOAL_S = 0.5

# name → FilterState fields and page parameters
SCENARIOS: dict[str, dict[str, dict[str, str]]] = {
    "national, provinces": {"state": {}, "params": {}},
    "national, rate, category=ethics": {"state": {"metric": "rate_per_100k"},
                                        "params": {"category": "ethics"}},
    "Jawa Barat (32), kab/kota": {"state": {"scope": "32"}, "params": {}},
    "Penajam Paser Utara (64.09), kecamatan": {"state": {"scope": "64.09"}, "params": {}},
}


# The harness: run the page script inside a tiny app and time only the script, so AppTest's own
# set-up (component discovery, message parsing) is not counted as the page's.
HARNESS = """
import runpy, time
import streamlit as st
started = time.perf_counter()
runpy.run_path({page!r}, run_name="__page__")
st.session_state["_bench_seconds"] = time.perf_counter() - started
"""


def _child(name: str, repeat: int) -> dict[str, float]:
    """Run one scenario in this (fresh) process and return its timings in seconds."""
    sys.path.insert(0, str(REPO))
    from streamlit.testing.v1 import AppTest

    from dashboard.filters import FilterState

    scenario = SCENARIOS[name]
    state = FilterState(**scenario["state"])

    def session() -> AppTest:
        at = AppTest.from_string(HARNESS.format(page=str(PAGE)), default_timeout=300)
        at.session_state["_pantau_state"] = state
        for key, value in scenario["params"].items():
            at.query_params[key] = value
        return at

    def timed(at: AppTest) -> float:
        at.run()
        if at.exception:
            raise RuntimeError(f"{name}: {at.exception[0].value}")
        return at.session_state["_bench_seconds"]

    first = session()
    cold = timed(first)
    rerun = [timed(first) for _ in range(repeat)]  # the same visitor interacting
    fresh = [timed(session()) for _ in range(repeat)]  # new visitors, warm query cache

    at = AppTest.from_file(str(APP), default_timeout=300)
    params = {**state.to_params(), **scenario["params"]}
    at.query_params.update(params)
    at.run()
    at.switch_page("../pages/violations.py")
    at.query_params.update(params)
    at.run()
    app_warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        at.run()
        app_warm.append(time.perf_counter() - started)
    return {"cold": cold, "warm": statistics.median(rerun), "fresh": statistics.median(fresh),
            "warm_max": max(rerun + fresh), "app_warm": statistics.median(app_warm)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.repeat)))
        return
    header = (f"{'scenario':<42} {'cold s':>7} {'warm s':>7} {'new sess':>9} {'warm max':>9} "
              f"{'via app':>8} {'goal':>5}")
    print(header)
    print("-" * len(header))
    for name in SCENARIOS:
        out = subprocess.run(
            [sys.executable, __file__, "--child", name, "--repeat", str(args.repeat)],
            capture_output=True, text=True, cwd=REPO, check=False)
        if out.returncode != 0:
            print(f"{name:<42} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        t = json.loads(out.stdout.strip().splitlines()[-1])
        ok = "ok" if max(t["warm"], t["fresh"]) <= GOAL_S else "over"
        print(f"{name:<42} {t['cold']:>7.2f} {t['warm']:>7.2f} {t['fresh']:>9.2f} "
              f"{t['warm_max']:>9.2f} {t['app_warm']:>8.2f} {ok:>5}")
    print(f"\ncold: the page's first run in a fresh process; warm: median of {args.repeat} reruns in "
          "the same session;\nnew sess: median of a new session's first run (query cache warm); "
          f"via app: wall time of\na rerun through dashboard/app.py. Goal: ≤ {GOAL_S} s warm.")


if __name__ == "__main__":
    main()
