"""Region-level rules on hand-built recaps; medians, MADs and z-scores computed by hand."""

from __future__ import annotations

import json

import polars as pl
import pytest

from pantau.anomalies.common import FLAG_SCHEMA
from pantau.anomalies.regions import aggregate_recap, detect_region_anomalies, robust_z

# One desa per kecamatan; DP4 = 100,000 everywhere, DPS gives the growth listed (in voters).
# 11.01: five kecamatan, one outlier: growth 0.4, 0.5, 0.3, 0.4, 7.9 %
# 11.02: MAD = 0: growth 1, 1, 1, 1, 6 %
# 11.03: all equal: 1, 1, 1, 1 %
# 11.04: a single kecamatan (sibling group of 1): 9 %
# 11.05: two kecamatan (sibling group of 2): 0.5 and 12 %
DPS = {
    "11.01": [100_400, 100_500, 100_300, 100_400, 107_900],
    "11.02": [101_000, 101_000, 101_000, 101_000, 106_000],
    "11.03": [101_000, 101_000, 101_000, 101_000],
    "11.04": [109_000],
    "11.05": [100_500, 112_000],
}


def recap_rows(election: str, stage: str, totals: dict[str, int]) -> list[dict]:
    return [{"election": election, "stage": stage, "region_code": code, "level": "village",
             "voters_male": None, "voters_female": None, "voters_total": total,
             "polling_stations": None, "province_code": code[:2], "regency_code": code[:5],
             "district_code": code[:8], "village_code": code} for code, total in totals.items()]


def stage_recap(dps: dict[str, list[int]]) -> pl.DataFrame:
    dp4, dps_rows = {}, {}
    for regency, values in dps.items():
        for i, value in enumerate(values, start=1):
            village = f"{regency}.{i:02d}.2001"
            dp4[village], dps_rows[village] = 100_000, value
    return pl.DataFrame(recap_rows("pemilu2024", "DP4", dp4) + recap_rows("pemilu2024", "DPS",
                                                                          dps_rows),
                        schema_overrides={"voters_male": pl.Int64, "voters_female": pl.Int64,
                                          "polling_stations": pl.Int32})


@pytest.fixture(scope="module")
def flags() -> pl.DataFrame:
    return detect_region_anomalies(stage_recap(DPS), None, None, "run-r")


def flagged(flags: pl.DataFrame, level: str = "district") -> dict[str, dict]:
    rows = flags.filter((pl.col("rule_id") == "stage_growth") & (pl.col("subject_level") == level))
    return {r["region_code"]: json.loads(r["evidence"]) for r in rows.iter_rows(named=True)}


def test_outlier_among_siblings(flags: pl.DataFrame) -> None:
    # median 0.4 %; |deviations| 0, .1, .1, 0, 7.5 -> MAD 0.1 %; z = 0.6745 * 7.5 / 0.1 = 50.59
    ev = flagged(flags)["11.01.05"]
    assert ev["robust_z"] == pytest.approx(0.6745 * 7.5 / 0.1, abs=0.01)
    assert ev["peer_median_pct"] == pytest.approx(0.4) and ev["peer_mad_pct"] == pytest.approx(0.1)
    assert (ev["peers"], ev["wider_peer_group"], ev["previous"], ev["current"]) == (
        5, 0, 100_000, 107_900)
    row = flags.filter(pl.col("region_code") == "11.01.05").row(0, named=True)
    assert row["explanation_id"] == (
        "DPS naik 7,9% dari DP4 (100.000 → 107.900 pemilih), jauh di atas wilayah sekitarnya "
        "(median 0,4% di 5 kecamatan di kabupaten/kota yang sama).")
    assert row["explanation_en"].startswith("DPS rose 7.9% from DP4 (100,000 → 107,900 voters)")
    assert (row["stage"], row["severity"], row["record_id"], row["record_key"]) == (
        "DPS", "high", None, None)
    assert (row["province_code"], row["regency_code"], row["district_code"],
            row["village_code"]) == ("11", "11.01", "11.01.05", None)


def test_mad_zero_falls_back_to_mean_absolute_deviation(flags: pl.DataFrame) -> None:
    # median 1 %, MAD 0; MeanAD = (0+0+0+0+5)/5 = 1 % -> z = 5 / (1.253314 * 1) = 3.99 > 3.5
    ev = flagged(flags)["11.02.05"]
    assert ev["peer_mad_pct"] == 0
    assert ev["robust_z"] == pytest.approx(5 / 1.253314, abs=0.01)
    assert not any(code.startswith("11.02.0") and code != "11.02.05" for code in flagged(flags))


def test_all_equal_siblings_flag_nothing(flags: pl.DataFrame) -> None:
    assert not any(code.startswith("11.03") for code in flagged(flags))


def test_sibling_groups_of_one_and_two_use_the_province(flags: pl.DataFrame) -> None:
    # 17 kecamatan in province 11; sorted growth: .3 .4 .4 .5 .5 1 1 1 1 1 1 1 1 6 7.9 9 12 %
    # median = 9th = 1 %; |dev| sorted: 0 x8, .5 .5 .6 .6 .7 5 6.9 8 11 -> MAD = 9th = 0.5 %
    got = flagged(flags)
    assert got["11.04.01"]["robust_z"] == pytest.approx(0.6745 * 8 / 0.5, abs=0.01)
    assert got["11.05.02"]["robust_z"] == pytest.approx(0.6745 * 11 / 0.5, abs=0.01)
    for code in ("11.04.01", "11.05.02"):
        assert (got[code]["peers"], got[code]["wider_peer_group"]) == (17, 1)
        assert got[code]["peer_median_pct"] == pytest.approx(1.0)
    assert "11.05.01" not in got  # 0.5 %: z = -0.67
    text = flags.filter(pl.col("region_code") == "11.04.01")["explanation_id"][0]
    assert "17 kecamatan di provinsi yang sama" in text


def test_regency_level_aggregates_desa_rows(flags: pl.DataFrame) -> None:
    # regency growth: 1.9, 2, 1, 9, 6.25 % -> median 2 %, MAD 1 % -> z(11.04) = 0.6745*7/1 = 4.72
    got = flagged(flags, "regency")
    assert set(got) == {"11.04"}
    assert got["11.04"]["robust_z"] == pytest.approx(0.6745 * 7, abs=0.01)


def test_robust_z_skips_when_even_the_wider_group_is_too_small() -> None:
    frame = pl.DataFrame({"v": [0.01, 0.20], "parent": ["a", "b"], "grand": ["x", "x"]})
    scored = robust_z(frame, "v", ["parent"], ["grand"])
    assert scored["scope"].to_list() == [None, None]
    assert scored["z"].to_list() == [None, None]
    recap = stage_recap({"12.01": [101_000], "12.02": [120_000]})
    district = detect_region_anomalies(recap, None, None, "r").filter(
        pl.col("subject_level") == "district")
    assert district.height == 0


def test_finest_rows_only_no_double_counting() -> None:
    recap = stage_recap({"11.01": [100_400, 100_500]})
    regency_row = recap_rows("pemilu2024", "DPS", {"11.01": 999_999})
    regency_row[0]["level"] = "regency"
    both = pl.concat([recap, pl.DataFrame(regency_row, schema=recap.schema)])
    agg = aggregate_recap(both, "regency").filter(pl.col("stage") == "DPS")
    assert agg["voters"].to_list() == [200_900]


def test_election_growth_against_2019() -> None:
    # 2019 -> 2024: 5, 5.5, 4.5, 30 %; median 5.25 %; |dev| .25 .25 .75 24.75 -> MAD 0.5 %
    rows = []
    for i, (old, new) in enumerate([(100_000, 105_000), (100_000, 105_500),
                                    (100_000, 104_500), (100_000, 130_000)], start=1):
        village = f"13.01.{i:02d}.2001"
        rows += recap_rows("pemilu2019", "DPT", {village: old})
        rows += recap_rows("pemilu2024", "DPT", {village: new})
    recap = pl.DataFrame(rows, schema_overrides={"voters_male": pl.Int64,
                                                 "voters_female": pl.Int64,
                                                 "polling_stations": pl.Int32})
    out = detect_region_anomalies(recap, None, None, "r").filter(
        pl.col("rule_id") == "election_growth")
    assert out["region_code"].to_list() == ["13.01.04"]
    ev = json.loads(out["evidence"][0])
    assert ev["robust_z"] == pytest.approx(0.6745 * 24.75 / 0.5, abs=0.01)
    assert out["explanation_id"][0].startswith(
        "DPT naik 30,0% dibanding DPT Pemilu 2019 (100.000 → 130.000 pemilih)")


def test_voters_above_adult_population() -> None:
    recap = pl.DataFrame(
        recap_rows("pemilu2024", "DPT", {"14.01.01.2001": 300_000, "14.01.02.2001": 200_000,
                                         "14.02.01.2001": 100_000}),
        schema_overrides={"voters_male": pl.Int64, "voters_female": pl.Int64,
                          "polling_stations": pl.Int32})
    population = pl.DataFrame({"region_code": ["14.01", "14.02", "14.01"],
                               "year": [2023, 2023, 2020], "adults": [480_000, 120_000, 1],
                               "source": ["t", "t", "old"]})
    out = detect_region_anomalies(recap, population, None, "r")
    assert out["region_code"].to_list() == ["14.01"]  # the 2023 figure, not the 2020 one
    assert json.loads(out["evidence"][0]) == {"voters": 500_000, "adults": 480_000,
                                              "year": 2023, "ratio_pct": 104.17}
    assert out["severity"][0] == "medium"
    assert out["explanation_id"][0] == (
        "Jumlah pemilih DPT (500.000) melebihi jumlah penduduk dewasa (480.000, data tahun "
        "2023): 104,2% dari penduduk dewasa.")


def test_tps_over_limit() -> None:
    stations = pl.DataFrame({"code": ["15.01.01.2001.001", "15.01.01.2001.002"],
                             "number": [1, 2], "voters_total": [300, 301]})
    out = detect_region_anomalies(pl.DataFrame(), None, stations, "r")
    assert out["region_code"].to_list() == ["15.01.01.2001.002"]
    assert out["village_code"].to_list() == ["15.01.01.2001"]
    assert json.loads(out["evidence"][0]) == {"voters": 301, "limit": 300, "tps_number": 2}
    assert out["explanation_en"][0] == (
        "TPS 002 has 301 voters on the DPT, above the limit of 300 voters per polling station.")


def test_schema_and_unique_ids(flags: pl.DataFrame) -> None:
    assert dict(flags.schema) == FLAG_SCHEMA
    assert flags["flag_id"].n_unique() == flags.height
    empty = detect_region_anomalies(pl.DataFrame(), None, None, "r")
    assert empty.height == 0 and dict(empty.schema) == FLAG_SCHEMA
