"""Suppression: no small cell is shown, and none can be recovered from its siblings and the
published parent total."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access.privacy import suppress


def test_primary_and_complementary_suppression_by_hand():
    frame = pl.DataFrame({"region_code": ["a", "b", "c", "d"], "cases": [3, 0, 12, 9]})
    out = suppress(frame, ["cases"], k=5)
    # 3 is primary; 9 is the smallest other non-zero cell, so it is the complement. 0 stays.
    assert out["cases"].to_list() == [None, 0, 12, None]
    assert out["cases_suppressed"].to_list() == [True, False, False, True]


def test_two_primaries_need_no_complement():
    frame = pl.DataFrame({"cases": [1, 2, 40, 50]})
    out = suppress(frame, ["cases"], k=5)
    assert out["cases"].to_list() == [None, None, 40, 50]


def test_groups_are_handled_separately():
    frame = pl.DataFrame({"parent": ["x", "x", "y", "y", "y"], "cases": [2, 30, 10, 20, 6]})
    out = suppress(frame, ["cases"], k=5, group="parent")
    assert out["cases"].to_list() == [None, None, 10, 20, 6]


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=300)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=12),
       st.integers(min_value=2, max_value=10))
def test_no_suppressed_cell_can_be_recovered_from_siblings_and_total(values, k):
    """A reader knows the parent total (the sum) and every shown cell. A hidden cell is
    recoverable exactly when it is the only hidden one; that must never happen."""
    out = suppress(pl.DataFrame({"cases": values}), ["cases"], k=k)
    shown = out["cases"].to_list()
    assert not any(v is not None and 0 < v < k for v in shown)  # no small count is shown
    assert all(s is None or s == v for s, v in zip(shown, values, strict=True))  # nor altered
    hidden = sum(s is None for s in shown)
    assert hidden != 1
    assert out["cases_suppressed"].to_list() == [s is None for s in shown]


def test_zero_is_hidden_only_when_no_other_complement_exists():
    out = suppress(pl.DataFrame({"cases": [3, 0, 0]}), ["cases"], k=5)
    assert out["cases"].to_list() == [None, None, 0]
