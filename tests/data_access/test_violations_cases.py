"""Case-level rows (``data_access.cases``): refused outside the internal mode, and the overdue
list agrees with the aggregates. Expected rows worked out by hand from the shared fixture."""

from __future__ import annotations

from datetime import date

import pytest

from data_access import cases, violations
from data_access.access import Actor, PublicModeRefused, RoleRefused
from data_access.violations import CaseFilter
from tests.fixture_store import CUTOFF

ANALYST = Actor("ana", "analyst")


@pytest.mark.parametrize("mode", [None, "public", "", "Internal", "internal "])
def test_refused_unless_the_setting_says_internal(fixture_engine, monkeypatch, mode):
    if mode is None:
        monkeypatch.delenv("PANTAU_MODE", raising=False)  # the default is public
    else:
        monkeypatch.setenv("PANTAU_MODE", mode)
    with pytest.raises(PublicModeRefused):
        cases.overdue_cases(as_of=CUTOFF, actor=Actor("root", "admin"), engine=fixture_engine)


@pytest.mark.parametrize("actor", [None, Actor("vera", "viewer")])
def test_refused_to_anonymous_and_viewers(fixture_engine, monkeypatch, actor):
    monkeypatch.setenv("PANTAU_MODE", "internal")
    with pytest.raises(RoleRefused):
        cases.overdue_cases(as_of=CUTOFF, actor=actor, engine=fixture_engine)


def test_refusal_comes_before_any_query(monkeypatch):
    # An engine that cannot be used proves the refusal happens first.
    monkeypatch.setenv("PANTAU_MODE", "public")
    with pytest.raises(PublicModeRefused):
        cases.overdue_cases(actor=ANALYST, engine=object())  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def internal(monkeypatch):
    """Internal mode unless a test says otherwise: the reads below are an analyst's."""
    monkeypatch.setenv("PANTAU_MODE", "internal")


def test_overdue_cases_by_hand(fixture_engine):
    frame = cases.overdue_cases(as_of=CUTOFF, actor=ANALYST, engine=fixture_engine)
    # C5 registered 2 Feb, still open on 6 Mar: 33 days, 19 past the 14-day limit.
    # C3 registered 15 Feb, decided 5 Mar: 19 days, 5 past the limit.
    assert frame.select("case_id", "days", "days_over", "status").rows() == [
        ("C5", 33, 19, "in_process"), ("C3", 19, 5, "violation")]
    c3 = frame.row(1, named=True)
    assert c3["region_name"] == "DESA SATU B1" and c3["handled_at"] == "village"
    assert c3["decided_on"] == date(2024, 3, 5)


def test_overdue_cases_follow_scope_filters_and_limit(fixture_engine):
    beta = cases.overdue_cases("92", as_of=CUTOFF, actor=ANALYST, engine=fixture_engine)
    assert beta["case_id"].to_list() == ["C5"]
    temuan = cases.overdue_cases(filters=CaseFilter(source="laporan"), as_of=CUTOFF,
                                 actor=ANALYST, engine=fixture_engine)
    assert temuan.is_empty()  # both overdue cases are temuan
    one = cases.overdue_cases(as_of=CUTOFF, actor=ANALYST, limit=1, engine=fixture_engine)
    assert one["case_id"].to_list() == ["C5"]
    # Earlier cut-off: on 20 Feb C5 is 18 days open (overdue); C3, decided on 5 Mar, was then
    # 5 days past registration and not yet overdue.
    early = cases.overdue_cases(as_of=date(2024, 2, 20), actor=ANALYST, engine=fixture_engine)
    assert early.select("case_id", "days").rows() == [("C5", 18)]
    on_26_feb = violations.violations_table("province", as_of=date(2024, 2, 26),
                                            engine=fixture_engine)
    # 26 Feb: C5 open 24 days (overdue); C3 open 11 days (not yet).
    assert on_26_feb["overdue"].sum() == 1


def test_list_length_equals_the_tables_overdue_total(fixture_engine):
    frame = cases.overdue_cases(as_of=CUTOFF, actor=ANALYST, engine=fixture_engine)
    table = violations.violations_table("regency", as_of=CUTOFF, engine=fixture_engine)
    assert frame.height == table["overdue"].sum()


def test_columns_are_workflow_facts_only(fixture_engine):
    """No reporter, reported person or narrative: adding a column here is a privacy decision."""
    frame = cases.overdue_cases(as_of=CUTOFF, actor=ANALYST, engine=fixture_engine)
    assert frame.columns == ["case_id", "source", "status", "category", "forwarded_to",
                             "region_code", "region_name", "handled_at", "received_on",
                             "registered_on", "decided_on", "days", "days_over"]
