"""Cached access to ``data_access`` for the pages.

Query results are cached with ``st.cache_data`` (TTL), keyed by the store's version so that a
load that swaps in a new store is seen at once; the engine itself is shared per process by
``data_access.engine.reader_engine``. Pages call these wrappers, never SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import streamlit as st

from data_access import anomalies, compliance, overview, provenance, regions, violations, voter_list
from data_access.engine import store_version
from pantau.settings import get_settings

P = ParamSpec("P")
R = TypeVar("R")
TTL_SECONDS = 600


def cached(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache ``fn``'s result per store version, privacy settings and arguments. The privacy
    settings (``PANTAU_MODE``, ``PANTAU_SUPPRESSION_K``) are read by ``data_access`` on every
    call, never passed by a caller, so they are part of the key: a result computed in one mode
    is never served in the other."""

    @st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=512)
    def run(version: str, mode: str, k: int, name: str, *args: object, **kwargs: object) -> R:
        return fn(*args, **kwargs)

    @wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        settings = get_settings()
        return run(store_version(), settings.mode, settings.suppression_k, fn.__qualname__,
                   *args, **kwargs)

    return call


region_metrics = cached(overview.region_metrics)
headline = cached(overview.headline)
last_days_change = cached(overview.last_days_change)
children = cached(regions.children)
breadcrumb = cached(regions.breadcrumb)
lookup = cached(regions.lookup)
counts_by_level = cached(regions.counts_by_level)
voters_by_region = cached(voter_list.voters_by_region)
stage_totals = cached(voter_list.stage_totals)
compliance_summary = cached(compliance.compliance_summary)
anomalies_by_rule = cached(anomalies.anomalies_by_rule)
violations_summary = cached(violations.violations_summary)
ingest_log = cached(provenance.ingest_log)


datasets = cached(provenance.datasets)


def region_exists(code: str) -> bool:
    return lookup(code) is not None


# Pelanggaran page. Case-level rows (data_access.cases) are deliberately not cached: every call
# must reach the role check and the access log.
from data_access import cases  # noqa: E402

violations_table = cached(violations.violations_table)
violations_breakdown = cached(violations.violations_breakdown)
violations_crosstab = cached(violations.violations_crosstab)
handling_flows = cached(violations.handling_flows)
weekly_cases = cached(violations.weekly_cases)
lead_time_buckets = cached(violations.lead_time_buckets)
decision_lead_times = cached(violations.decision_lead_times)
latest_received = cached(violations.latest_received)
overdue_cases = cases.overdue_cases


# Anomali daftar pemilih page. Record-level flags are deliberately not cached: every read must
# reach the internal-mode check and its access log (data_access.anomalies.record_flags).
anomaly_map_metrics = cached(anomalies.anomaly_map_metrics)
anomaly_totals = cached(anomalies.anomaly_totals)
anomaly_rule_counts = cached(anomalies.anomaly_rule_counts)
anomaly_region_flags = cached(anomalies.region_flags)
latest_anomaly_run = cached(anomalies.latest_run)
anomaly_record_flags = anomalies.record_flags


# Kepatuhan Pelaporan page. The missing-report list (data_access.compliance_detail) is deliberately
# not cached: every call must reach the internal-mode check and the access log.
from data_access import compliance_detail  # noqa: E402

region_compliance = cached(compliance.region_compliance)
compliance_matrix = cached(compliance.compliance_matrix)
least_compliant = cached(compliance.least_compliant)
compliance_by = cached(compliance.compliance_by)
staffing_gaps = cached(compliance.staffing_gaps)
staffing_summary = cached(compliance.staffing_summary)
missing_reports = compliance_detail.missing_reports

# Briefing mode (issue 9): the slides' sources not wrapped above.
violations_by_region = cached(violations.violations_by_region)
compliance_by_region = cached(compliance.compliance_by_region)
anomalies_by_region = cached(anomalies.anomalies_by_region)


# Tentang Data: each dataset's sources from the ingest audit log (issue 7).
ingest_sources = cached(provenance.ingest_sources)
