"""The national demo reproduces the real 2024 figures exactly (reference/ and DOMAIN.md)."""

from __future__ import annotations

import csv

import polars as pl

from data_access import compliance, regions, voter_list
from pantau.settings import get_settings

REFERENCE = get_settings().reference_dir


def test_region_counts_are_the_real_list(demo_engine):
    assert regions.counts_by_level(engine=demo_engine) == {
        "province": 38, "regency": 514, "district": 7_277, "village": 83_731}


def test_polling_stations_are_the_real_820161(demo_engine):
    assert regions.polling_station_count(engine=demo_engine) == 820_161


def test_dpt_per_province_equals_the_published_figures(demo_engine):
    with open(REFERENCE / "dpt_2024_province.csv", newline="") as handle:
        published = {row["province_code"]: row for row in csv.DictReader(handle)}
    frame = voter_list.voters_by_region("province", stage="DPT", engine=demo_engine)
    assert frame.height == 38
    for row in frame.iter_rows(named=True):
        real = published[row["region_code"]]
        assert row["voters_total"] == int(real["dpt"]), row["region_code"]
        if real["dpt_male"]:
            assert row["voters_male"] == int(real["dpt_male"]), row["region_code"]
            assert row["voters_female"] == int(real["dpt_female"]), row["region_code"]
        assert row["polling_stations"] == int(real["tps"]), row["region_code"]


def test_national_dpt_is_203056748(demo_engine):
    frame = voter_list.voters_by_region("province", stage="DPT", engine=demo_engine)
    assert frame["voters_total"].sum() == 203_056_748
    assert frame["voters_male"].sum() == 101_467_243
    assert frame["voters_female"].sum() == 101_589_505


def test_dps_national_matches_published_in_country_figure(demo_engine):
    frame = voter_list.voters_by_region("province", stage="DPS", engine=demo_engine)
    assert frame["voters_total"].sum() == 204_278_781


def test_no_tps_above_300_voters(demo_engine):
    import sqlalchemy as sa

    from data_access.query import fetch
    from data_access.schema import polling_station

    top = fetch(sa.select(sa.func.max(polling_station.c.voters_total).label("m")), demo_engine,
                {"m": pl.Int64})["m"][0]
    assert 0 < top <= 300


def test_at_least_five_million_obligations(demo_engine):
    summary = compliance.compliance_summary(engine=demo_engine)
    pilkada = compliance.compliance_summary(election="pilkada2024", engine=demo_engine)
    assert summary["expected"] + pilkada["expected"] >= 5_000_000


def test_violation_volumes_match_the_published_2024_figures(demo_engine):
    from data_access.violations import CaseFilter, violations_breakdown, violations_summary

    pemilu = violations_summary(engine=demo_engine)
    assert (pemilu["cases"], pemilu["registered"], pemilu["violations"]) == (2_264, 1_193, 531)
    sources = violations_breakdown("source", engine=demo_engine)
    assert dict(zip(sources["value"], sources["cases"], strict=True)) == {
        "laporan": 1_562, "temuan": 702}
    pilkada = CaseFilter(election="pilkada2024")
    assert violations_summary(filters=pilkada, engine=demo_engine)["cases"] == 6_981
    categories = violations_breakdown("category", filters=pilkada, engine=demo_engine)
    got = dict(zip(categories["value"], categories["cases"], strict=True))
    assert (got["administrative"], got["criminal"], got["ethics"], got["other_law"]) == (
        501, 212, 292, 932)
