"""Median warm time of the main aggregate queries on the national demo store.

Each query runs once cold (first call after opening the store) and then N times warm; the
median warm time is printed. Goal: under 100 ms warm at national scale.

    .venv/bin/python bench/queries.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from data_access import anomalies, compliance, overview, violations, voter_list
from data_access.engine import reader_engine
from data_access.overview import OverviewFilter

QUERIES: dict[str, Callable[[], object]] = {
    "voters_by_region(province)": lambda: voter_list.voters_by_region("province"),
    "voters_by_region(regency)": lambda: voter_list.voters_by_region("regency"),
    "voters_by_region(village, scope=32)": lambda: voter_list.voters_by_region("village", "32"),
    "compliance_by_region(province)": lambda: compliance.compliance_by_region("province"),
    "compliance_by_region(regency)": lambda: compliance.compliance_by_region("regency"),
    "compliance_by_region(district, scope=33)":
        lambda: compliance.compliance_by_region("district", "33"),
    "compliance_by(body)": lambda: compliance.compliance_by("body"),
    "compliance_summary(national)": lambda: compliance.compliance_summary(),
    "staffing_coverage(regency)": lambda: compliance.staffing_coverage("regency"),
    "violations_by_region(regency)": lambda: violations.violations_by_region("regency"),
    "violations_breakdown(category)": lambda: violations.violations_breakdown("category"),
    "weekly_cases": lambda: violations.weekly_cases(),
    "anomalies_by_region(regency)": lambda: anomalies.anomalies_by_region("regency"),
    "overview.region_metrics(regency)": lambda: overview.region_metrics("regency"),
    "overview.headline(national)": lambda: overview.headline(None, OverviewFilter()),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    reader_engine()
    print(f"{'query':<44} {'cold ms':>9} {'warm median ms':>15}")
    for name, query in QUERIES.items():
        started = time.perf_counter()
        query()
        cold = (time.perf_counter() - started) * 1000
        warm = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            query()
            warm.append((time.perf_counter() - started) * 1000)
        print(f"{name:<44} {cold:>9.1f} {statistics.median(warm):>15.1f}")


if __name__ == "__main__":
    main()
