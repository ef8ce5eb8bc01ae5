"""Violations queries against the fixture store."""

from __future__ import annotations

from datetime import date

import pytest

from data_access import violations
from data_access.violations import CaseFilter
from tests.fixture_store import CASES, CUTOFF, POLLING_STATIONS


def _cases(election="pemilu2024", **match):
    fields = ("case_id", "election", "source", "region_code", "registration", "finding",
              "category", "forwarded_to", "received_on", "registered_on", "decided_on")
    rows = [dict(zip(fields, c, strict=True)) for c in CASES]
    return [r for r in rows if r["election"] == election
            and all(r[k] == v for k, v in match.items())]


@pytest.mark.parametrize("level,width", [("province", 2), ("regency", 5), ("district", 8)])
def test_by_region_counts_cases_handled_at_or_below(fixture_engine, level, width, monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")  # kecamatan counts this small are hidden publicly
    frame = violations.violations_by_region(level, engine=fixture_engine)
    for row in frame.iter_rows(named=True):
        mine = [c for c in _cases() if len(c["region_code"]) >= width
                and c["region_code"][:width] == row["region_code"]]
        assert row["cases"] == len(mine)
        assert row["violations"] == sum(c["finding"] == "violation" for c in mine)
        assert row["registered"] == sum(c["registration"] == "registered" for c in mine)
        voters = sum(m + f for code, m, f in POLLING_STATIONS
                     if code.startswith(row["region_code"]))
        assert row["voters"] == voters
        assert row["rate_per_100k"] == pytest.approx(len(mine) * 100_000 / voters)


def test_headline_equals_sum_of_provinces(fixture_engine):
    summary = violations.violations_summary(engine=fixture_engine)
    frame = violations.violations_by_region("province", engine=fixture_engine)
    assert summary["cases"] == frame["cases"].sum() == len(_cases())


def test_filters(fixture_engine):
    laporan = violations.violations_summary(filters=CaseFilter(source="laporan"),
                                            engine=fixture_engine)
    assert laporan["cases"] == len(_cases(source="laporan"))
    window = CaseFilter(received_from=date(2024, 2, 1), received_until=date(2024, 2, 20))
    assert violations.violations_summary(filters=window, engine=fixture_engine)["cases"] == len(
        [c for c in _cases() if date(2024, 2, 1) <= c["received_on"] <= date(2024, 2, 20)])
    pilkada = violations.violations_summary(filters=CaseFilter(election="pilkada2024"),
                                            engine=fixture_engine)
    assert pilkada["cases"] == 1


def test_breakdown_by_category(fixture_engine):
    frame = violations.violations_breakdown("category", engine=fixture_engine)
    got = dict(zip(frame["value"], frame["cases"], strict=True))
    assert got == {"ethics": 1, "administrative": 1, "criminal": 1, None: 3}
    with pytest.raises(ValueError):
        violations.violations_breakdown("case_id; --", engine=fixture_engine)


def test_weekly_cases_start_on_monday(fixture_engine):
    frame = violations.weekly_cases(engine=fixture_engine)
    assert all(d.weekday() == 0 for d in frame["week"])
    assert frame["cases"].sum() == len(_cases())
    # C1 (Mon 8 Jan) and C2 (Tue 9 Jan) are both laporan in the week of 8 January.
    first = frame.filter(frame["week"] == date(2024, 1, 8))
    assert first["cases"].to_list() == [2]


def test_lead_time_buckets(fixture_engine):
    frame = violations.lead_time_buckets(as_of=CUTOFF, engine=fixture_engine)
    got = dict(zip(frame["bucket"], frame["cases"], strict=True))
    # C1: 5 days, C6: 3 days -> within 7; C2: 11 days -> extension; C3: 19 days -> late;
    # C5 registered 2 Feb, open on 6 Mar (> 14 days) -> overdue.
    assert got == {"within_7": 2, "within_14": 1, "late": 1, "overdue_open": 1}
