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

P = ParamSpec("P")
R = TypeVar("R")
TTL_SECONDS = 600


def cached(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache ``fn``'s result per store version and arguments."""

    @st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=512)
    def run(version: str, name: str, *args: object, **kwargs: object) -> R:
        return fn(*args, **kwargs)

    @wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return run(store_version(), fn.__qualname__, *args, **kwargs)

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
