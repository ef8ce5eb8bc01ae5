from __future__ import annotations

import pytest

from data_access import anomalies, regions
from data_access.query import InvalidQuery
from tests.fixture_store import FLAGS, POLLING_STATIONS, REGIONS


def test_counts_by_level(fixture_engine):
    expected: dict[str, int] = {}
    for _, level, _, _ in REGIONS:
        expected[level] = expected.get(level, 0) + 1
    assert regions.counts_by_level(engine=fixture_engine) == expected


def test_children_and_breadcrumb(fixture_engine):
    assert regions.children(None, engine=fixture_engine)["region_code"].to_list() == ["91", "92"]
    assert regions.children("91.01", engine=fixture_engine)["region_code"].to_list() == [
        "91.01.01", "91.01.02"]
    crumb = regions.breadcrumb("9101012001", engine=fixture_engine)
    assert [c["code"] for c in crumb] == ["91", "91.01", "91.01.01", "91.01.01.2001"]
    with pytest.raises(InvalidQuery):
        regions.breadcrumb("91.09", engine=fixture_engine)


def test_lookup_unknown_and_hostile_codes(fixture_engine):
    assert regions.lookup("92.71", engine=fixture_engine)["name"] == "KOTA TUJUH"
    assert regions.lookup("99", engine=fixture_engine) is None
    assert regions.lookup("' OR 1=1 --", engine=fixture_engine) is None


def test_polling_station_count(fixture_engine):
    assert regions.polling_station_count(engine=fixture_engine) == len(POLLING_STATIONS)
    assert regions.polling_station_count("91.02", engine=fixture_engine) == 2


def test_anomalies_by_region_and_rule(fixture_engine):
    frame = anomalies.anomalies_by_region("regency", engine=fixture_engine)
    got = dict(zip(frame["region_code"], frame["flags"], strict=True))
    assert got == {"91.01": 4, "91.02": 0, "92.71": 1}
    by_rule = anomalies.anomalies_by_rule("91", engine=fixture_engine)
    assert dict(zip(by_rule["rule_id"], by_rule["flags"], strict=True)) == {
        "underage": 2, "duplicate_nik": 1, "stage_growth": 1}
    assert sum(by_rule["flags"]) == sum(1 for f in FLAGS if f[3].startswith("91"))
