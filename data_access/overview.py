"""The overview's per-region metrics: one frame joining each domain's per-region aggregate.

Each part is a GROUP BY in the database (see the domain modules); this module only lines the
small per-region results up side by side, so the overview map, the best/worst lists and the
region profile all read the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from sqlalchemy.engine import Engine

from data_access import anomalies, compliance, violations
from data_access.privacy import FLAG, ScopeSuppressed
from data_access.query import check_level, check_scope
from data_access.violations import CaseFilter


@dataclass(frozen=True)
class OverviewFilter:
    """The shared filter bar's values, as the overview queries need them."""

    election: str = "pemilu2024"
    stage: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def cases(self) -> CaseFilter:
        return CaseFilter(election=self.election, stage=self.stage,
                          received_from=self.date_from, received_until=self.date_to)


def region_metrics(level: str, scope: str | None = None, filters: OverviewFilter = OverviewFilter(),
                   *, engine: Engine | None = None) -> pl.DataFrame:
    """Per region at ``level``: voters, cases, rate per 100k, compliance (with denominators),
    anomaly flags and TPS staffing."""
    level = check_level(level)
    scope = check_scope(scope, level)
    cases = violations.violations_by_region(level, scope, filters.cases(), engine=engine)
    reports = compliance.compliance_by_region(
        level, scope, filters.election, filters.stage, due_from=filters.date_from,
        due_until=filters.date_to, engine=engine,
    ).select("region_code", "expected", "filed", "on_time", "late", "missing",
             pl.col("rate").alias("compliance_rate"))
    flags = anomalies.anomalies_by_region(level, scope, engine=engine).select(
        "region_code", pl.col("flags").alias("anomaly_flags"))
    staffing = compliance.staffing_coverage(level, scope, engine=engine).select(
        "region_code", "polling_stations", "tps_without_ptps")
    return (
        cases.join(reports, on="region_code", how="left")
        .join(flags, on="region_code", how="left")
        .join(staffing, on="region_code", how="left")
        .with_columns(
            tps_without_ptps_share=pl.when(pl.col("polling_stations") > 0)
            .then(pl.col("tps_without_ptps") / pl.col("polling_stations").cast(pl.Float64)))
    )


def _or_hidden(read: Callable[[], dict], keys: tuple[str, ...]) -> dict:
    """``read()``, or its keys as None with ``suppressed`` set when public mode hides the scope
    (:class:`~data_access.privacy.ScopeSuppressed`): the page says "suppressed", never zero."""
    try:
        return {**read(), FLAG: False}
    except ScopeSuppressed:
        return {**dict.fromkeys(keys), FLAG: True}


def headline(scope: str | None = None, filters: OverviewFilter = OverviewFilter(), *,
             engine: Engine | None = None) -> dict[str, float | int | None]:
    """The overview's headline numbers for a scope."""
    scope = check_scope(scope, "polling_station")
    cases = _or_hidden(lambda: violations.violations_summary(scope, filters.cases(),
                                                             engine=engine),
                       ("cases", "violations", "registered"))
    reports = _or_hidden(lambda: compliance.compliance_summary(
        scope, filters.election, filters.stage, filters.date_to, filters.date_from,
        engine=engine), ("expected", "filed", "on_time", "rate"))
    rules = anomalies.anomalies_by_rule(scope, engine=engine)
    flags_hidden = bool(rules[FLAG].any()) if FLAG in rules.columns else False
    flags = None if flags_hidden else int(rules["flags"].sum())
    staffing = compliance.staffing_summary(scope, engine=engine)
    tps, unstaffed = staffing["polling_stations"], staffing["tps_without_ptps"]
    return {
        "cases_suppressed": cases[FLAG], "reports_suppressed": reports[FLAG],
        "cases": cases["cases"], "violations": cases["violations"],
        "registered": cases["registered"],
        "expected": reports["expected"], "filed": reports["filed"],
        "on_time": reports["on_time"], "compliance_rate": reports["rate"],
        "anomaly_flags": flags, "anomalies_suppressed": flags_hidden,
        "polling_stations": tps, "tps_without_ptps": unstaffed,
        "coverage": (tps - unstaffed) / tps if tps else None,
    }


def last_days_change(scope: str | None, filters: OverviewFilter, days: int = 7, *,
                     engine: Engine | None = None) -> dict[str, object]:
    """Cases received and reports due in the last ``days`` days before the filter's end (or the
    data's cut-off), against the ``days`` before that."""
    end = filters.date_to or violations.latest_received(filters.election, engine=engine)
    if end is None:
        return {"end": None}
    start = end - timedelta(days=days - 1)
    prev_end, prev_start = start - timedelta(days=1), start - timedelta(days=days)
    now = _or_hidden(lambda: {"cases": violations.received_between(
        start, end, scope, filters.election, engine=engine)}, ("cases",))["cases"]
    before = _or_hidden(lambda: {"cases": violations.received_between(
        prev_start, prev_end, scope, filters.election, engine=engine)}, ("cases",))["cases"]
    due = ("expected", "filed")
    filed_now = _or_hidden(lambda: compliance.compliance_summary(
        scope, filters.election, None, end, start, engine=engine), due)
    filed_before = _or_hidden(lambda: compliance.compliance_summary(
        scope, filters.election, None, prev_end, prev_start, engine=engine), due)
    return {"start": start, "end": end, "cases": now, "cases_before": before,
            "reports_due": filed_now["expected"], "reports_filed": filed_now["filed"],
            "reports_due_before": filed_before["expected"],
            "reports_filed_before": filed_before["filed"]}


