"""Voter-list queries against the fixture store; expectations from the fixture's own lists."""

from __future__ import annotations

import pytest

from data_access import voter_list
from data_access.query import InvalidQuery
from tests.fixture_store import POLLING_STATIONS, RECAP, REGIONS


def _expected(level_digits: int, stage: str) -> dict[str, tuple[int, int, int]]:
    out: dict[str, list[int]] = {}
    for village, st, male, female in RECAP:
        if st != stage:
            continue
        key = village[:level_digits]
        acc = out.setdefault(key, [0, 0, 0])
        acc[0] += male
        acc[1] += female
        acc[2] += male + female
    return {k: tuple(v) for k, v in out.items()}


@pytest.mark.parametrize("level,width", [("province", 2), ("regency", 5), ("district", 8),
                                         ("village", 13)])
@pytest.mark.parametrize("stage", ["DP4", "DPS", "DPSHP", "DPT"])
def test_voters_by_region_sums_desa_rows(fixture_engine, level, width, stage):
    frame = voter_list.voters_by_region(level, None, stage, engine=fixture_engine)
    expected = _expected(width, stage)
    got = {r["region_code"]: (r["voters_male"], r["voters_female"], r["voters_total"])
           for r in frame.iter_rows(named=True)}
    assert got == expected
    assert set(frame["stage"]) == {stage}


def test_every_region_of_the_level_appears_even_without_rows(fixture_engine):
    frame = voter_list.voters_by_region("district", "91", engine=fixture_engine)
    assert frame["region_code"].to_list() == ["91.01.01", "91.01.02", "91.02.01"]
    names = dict((code, name) for code, _, _, name in REGIONS)
    assert frame["region_name"].to_list() == [names[c] for c in frame["region_code"]]


def test_polling_stations_column_counts_tps(fixture_engine):
    frame = voter_list.voters_by_region("regency", "91", engine=fixture_engine)
    counts = dict(zip(frame["region_code"], frame["polling_stations"], strict=True))
    assert counts == {"91.01": 4, "91.02": 2}
    # The DPT recap agrees with the TPS table: voters per TPS sum to the desa recap.
    tps_total = sum(m + f for c, m, f in POLLING_STATIONS if c.startswith("91.01"))
    assert frame.filter(frame["region_code"] == "91.01")["voters_total"][0] == tps_total


def test_undotted_scope_is_accepted(fixture_engine):
    dotted = voter_list.voters_by_region("village", "91.01", engine=fixture_engine)
    undotted = voter_list.voters_by_region("village", "9101", engine=fixture_engine)
    assert dotted.equals(undotted)


@pytest.mark.parametrize("kwargs", [
    {"level": "planet"}, {"level": "province", "stage": "DPX"},
    {"level": "province", "scope": "91"}, {"level": "district", "scope": "91'; DROP TABLE x"},
    {"level": "regency", "election": "pemilu1955"},
])
def test_bad_arguments_raise_a_clear_error(fixture_engine, kwargs):
    with pytest.raises(InvalidQuery):
        voter_list.voters_by_region(engine=fixture_engine, **kwargs)


def test_stage_totals_follow_legal_order(fixture_engine):
    frame = voter_list.stage_totals("91.01", engine=fixture_engine)
    assert frame["stage"].to_list() == ["DP4", "DPS", "DPSHP", "DPT"]
    expected = [sum(m + f for v, s, m, f in RECAP if s == st and v.startswith("91.01"))
                for st in ("DP4", "DPS", "DPSHP", "DPT")]
    assert frame["voters_total"].to_list() == expected
    national = voter_list.stage_totals(None, engine=fixture_engine)
    assert national["voters_total"].to_list() == [
        sum(m + f for _, s, m, f in RECAP if s == st) for st in ("DP4", "DPS", "DPSHP", "DPT")]
