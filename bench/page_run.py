"""Server-side run time of a dashboard page at national demo scale, cold and warm.

Cold = the first run in a fresh process (empty caches: queries, geometry from the disk cache);
warm = the median of the following runs (Streamlit's caches filled), the way a second visitor or
a filter change back to a seen view is served. Goals (issue 3): overview ≤ 0.5 s warm, ≤ 3 s cold.

    .venv/bin/python bench/page_run.py [--page ringkasan] [--scope 64] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"ringkasan": None, "profil-wilayah": "region_profile.py", "tentang-data": "about.py",
         "pelanggaran": "violations.py", "kepatuhan-pelaporan": "compliance.py",
         "anomali-daftar-pemilih": "voter_anomalies.py"}


def timed_run(page: str, params: dict[str, str], at: AppTest | None) -> tuple[float, AppTest]:
    if at is None:
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    started = time.perf_counter()
    at.run()
    if PAGES[page] is not None:
        at.switch_page(f"../pages/{PAGES[page]}")
        at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"page raised: {at.exception}")
    return elapsed, at


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", default="ringkasan", choices=PAGES)
    parser.add_argument("--scope", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    params = {"scope": args.scope} if args.scope else {}
    # A server imports its libraries once, at its first session; time that apart from the
    # page's own cold run (empty query caches, geometry read from the disk cache).
    started = time.perf_counter()
    import folium  # noqa: F401
    import plotly.express  # noqa: F401
    import streamlit_folium  # noqa: F401

    import dashboard.map_view  # noqa: F401
    import geo  # noqa: F401
    imports = time.perf_counter() - started
    cold, at = timed_run(args.page, params, None)
    warm = [timed_run(args.page, params, at)[0] for _ in range(args.repeat)]
    print(f"page={args.page} scope={args.scope or 'Indonesia'}: library imports {imports:.2f} s "
          f"(once per server), cold {cold:.2f} s, "
          f"warm median {statistics.median(warm):.3f} s (min {min(warm):.3f}, "
          f"max {max(warm):.3f}) over {args.repeat} runs")


if __name__ == "__main__":
    main()
