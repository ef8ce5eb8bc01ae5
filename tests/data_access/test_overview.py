"""The overview's joined per-region metrics and headline, against the fixture's own lists."""

from __future__ import annotations

from datetime import date

import pytest

from data_access import compliance, overview, provenance, violations
from data_access.overview import OverviewFilter
from tests.fixture_store import CASES, FLAGS, OBLIGATIONS, POLLING_STATIONS, SUPERVISORS


def test_region_metrics_line_up_each_domain(fixture_engine):
    frame = overview.region_metrics("regency", "91", engine=fixture_engine)
    assert frame["region_code"].to_list() == ["91.01", "91.02"]
    row = frame.filter(frame["region_code"] == "91.01").row(0, named=True)
    # Cases handled in or below 91.01 for pemilu2024: C1, C2, C3.
    assert row["cases"] == 3
    assert row["voters"] == sum(m + f for c, m, f in POLLING_STATIONS if c.startswith("91.01"))
    # Obligations of bodies in 91.01: ids 2,3,4,5,6,7 (pemilu2024); filed 2,4,5,7.
    assert (row["expected"], row["filed"]) == (6, 4)
    assert row["compliance_rate"] == pytest.approx(4 / 6)
    assert row["anomaly_flags"] == sum(1 for f in FLAGS if f[3].startswith("91.01"))
    ptps = {c for _, b, c in SUPERVISORS if b == "ptps"}
    tps = [c for c, _, _ in POLLING_STATIONS if c.startswith("91.01")]
    assert row["tps_without_ptps"] == len([c for c in tps if c not in ptps])
    assert row["tps_without_ptps_share"] == pytest.approx(row["tps_without_ptps"] / len(tps))


def test_headline_for_country_and_scope(fixture_engine):
    national = overview.headline(engine=fixture_engine)
    assert national["cases"] == sum(1 for c in CASES if c[1] == "pemilu2024")
    assert national["expected"] == sum(1 for o in OBLIGATIONS if o[2] == "pemilu2024")
    assert national["anomaly_flags"] == len(FLAGS)
    assert national["polling_stations"] == len(POLLING_STATIONS)
    scoped = overview.headline("92", engine=fixture_engine)
    assert scoped["cases"] == 2 and scoped["polling_stations"] == 2
    assert scoped["tps_without_ptps"] == 1  # 92.71.01.1001.002 has no PTPS
    assert scoped["coverage"] == pytest.approx(0.5)


def test_stage_filter_reaches_every_domain(fixture_engine):
    voting = overview.headline(filters=OverviewFilter(stage="voting"), engine=fixture_engine)
    assert voting["expected"] == sum(1 for o in OBLIGATIONS
                                     if o[2] == "pemilu2024" and o[3] == "voting")


def test_last_days_change_compares_two_windows(fixture_engine):
    # Cut-off is the last received date (2024-02-26): window 20–26 Feb against 13–19 Feb.
    change = overview.last_days_change(None, OverviewFilter(), engine=fixture_engine)
    assert (change["start"], change["end"]) == (date(2024, 2, 20), date(2024, 2, 26))
    assert change["cases"] == 2  # C4 (20 Feb), C6 (26 Feb)
    assert change["cases_before"] == 1  # C3 (14 Feb)
    assert change["reports_due"] == 0
    assert change["reports_due_before"] == sum(
        1 for o in OBLIGATIONS if o[2] == "pemilu2024" and date(2024, 2, 13) <= o[4]
        <= date(2024, 2, 19))


def test_latest_received_and_between(fixture_engine):
    assert violations.latest_received(engine=fixture_engine) == date(2024, 2, 26)
    assert violations.received_between(date(2024, 1, 1), date(2024, 1, 31),
                                       engine=fixture_engine) == 2


def test_staffing_summary(fixture_engine):
    summary = compliance.staffing_summary("91.01", engine=fixture_engine)
    assert summary == {"polling_stations": 4, "tps_without_ptps": 1, "villages": 3,
                       "villages_without_pkd": 1}


def test_provenance_of_an_unlabelled_store(fixture_engine):
    assert provenance.datasets(engine=fixture_engine).height == 0
    assert provenance.has_synthetic(engine=fixture_engine) is False
    assert provenance.ingest_log(engine=fixture_engine).height == 0
