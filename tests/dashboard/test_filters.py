"""The URL filter state: round trips, defaults, and hostile input."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.filters import FilterState, parse_params

KNOWN = {"64", "64.09", "64.09.04", "64.09.04.2001"}


def exists(code: str) -> bool:
    return code in KNOWN


def test_empty_url_gives_defaults():
    state, notices = parse_params({}, exists)
    assert state == FilterState() and notices == []


def test_round_trip_through_params():
    state = FilterState(lang="en", election="pilkada2024", stage="campaign",
                        date_from=date(2024, 9, 25), date_to=date(2024, 11, 23), scope="64.09",
                        metric="compliance_rate")
    parsed, notices = parse_params(state.to_params(), exists)
    assert parsed == state and notices == []


def test_undotted_scope_is_normalised():
    state, notices = parse_params({"scope": "6409"}, exists)
    assert state.scope == "64.09" and notices == []


@pytest.mark.parametrize("params,bad", [
    ({"scope": "99"}, "scope"),  # well-formed but not a region
    ({"scope": "64.09.04.2001"}, "scope"),  # a desa is too fine for a scope
    ({"scope": "1; DROP TABLE region"}, "scope"),
    ({"scope": "../../etc/passwd"}, "scope"),
    ({"lang": "fr"}, "lang"),
    ({"election": "pemilu2029"}, "election"),
    ({"stage": "<script>"}, "stage"),
    ({"metric": "nik"}, "metric"),
    ({"from": "yesterday"}, "from"),
    ({"from": "1999-01-01"}, "from"),
    ({"scope": "6" * 10_000_000}, "scope"),
])
def test_bad_parameters_fall_back_with_a_notice(params, bad):
    state, notices = parse_params(params, exists)
    assert [n.param for n in notices] == [bad]
    default = FilterState()
    assert state == default


def test_reversed_dates_are_ignored():
    state, notices = parse_params({"from": "2024-02-10", "to": "2024-01-01"}, exists)
    assert state.date_from is None and state.date_to is None
    assert [n.param for n in notices] == ["to"]


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=200)
@given(st.dictionaries(st.sampled_from(["lang", "election", "stage", "from", "to", "scope",
                                        "metric", "other"]),
                       st.one_of(st.text(max_size=80), st.lists(st.text(max_size=10)))))
def test_never_raises_on_arbitrary_input(params):
    state, notices = parse_params(params, exists)
    assert isinstance(state, FilterState)
