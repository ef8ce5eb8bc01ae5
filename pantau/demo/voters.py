"""Voters per TPS and voter-list stage recaps per desa, calibrated to the real 2024 figures.

The DPT per province is reproduced exactly (``dpt_2024_province.csv``), no TPS exceeds the legal
300 voters, and the national stage totals follow the published DPS (204,278,781 in-country) and
DPT (203,056,748). Planted anomalies — the unnatural DPS rise in Penajam Paser Utara (IKN) among
them — are recorded as ground truth so detection can be scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from data_access.domain import MAX_VOTERS_PER_TPS

# In-country national totals (dps_dpt_stages_2023.csv). DP4 is published only with abroad
# included (204,656,053); we take the in-country DP4 as that minus the abroad DPT (1,750,474)
# — an assumption, documented on the Tentang Data page — and interpolate DPSHP between DPS and DPT.
NATIONAL_DPS = 204_278_781
NATIONAL_DP4 = 204_656_053 - 1_750_474
NATIONAL_DPT = 203_056_748
NATIONAL_DPSHP = (NATIONAL_DPS + NATIONAL_DPT) // 2

IKN_REGENCY = "64.09"  # Kab. Penajam Paser Utara, host of the new capital
IKN_DISTRICT = "64.09.04"  # Sepaku: IKN's core area
TYPO_FREE_NATIONAL_MALE = 101_467_243  # dpt_2024_national.csv, dalam negeri


@dataclass(frozen=True)
class VoterData:
    polling_stations: pl.DataFrame  # the reference TPS with voters_male/female/total
    recap: pl.DataFrame  # voter_list_recap rows at desa level
    population: pl.DataFrame  # region_population rows (adults per kab/kota)
    ground_truth: pl.DataFrame


def _apportion(weights: np.ndarray, total: int, cap: np.ndarray | None = None) -> np.ndarray:
    """Integers proportional to ``weights`` that sum exactly to ``total`` (largest remainder),
    never above ``cap``: the excess of capped items is re-spread over the others."""
    weights = weights.astype(np.float64)
    result = np.zeros(len(weights), dtype=np.int64)
    free = np.ones(len(weights), dtype=bool)
    remaining = total
    for _ in range(50):
        share = weights[free] / weights[free].sum() * remaining
        floor = np.floor(share).astype(np.int64)
        short = remaining - floor.sum()
        order = np.argsort(-(share - floor), kind="stable")[:short]
        floor[order] += 1
        result[free] = floor
        if cap is None:
            break
        over = free & (result > cap)
        if not over.any():
            break
        result[over] = cap[over]
        free &= ~over
        remaining = total - result[~free].sum()
    return result


def _province_male_totals(province_dpt: pl.DataFrame) -> dict[str, int]:
    """Men per province; where L/P is unpublished (Kalteng, Papua Tengah) the national remainder
    is split by DPT so that the national male total is reproduced exactly."""
    known = province_dpt.filter(pl.col("dpt_male").is_not_null())
    missing = province_dpt.filter(pl.col("dpt_male").is_null())
    males = dict(zip(known["province_code"], known["dpt_male"], strict=True))
    if missing.height:
        rest = TYPO_FREE_NATIONAL_MALE - int(known["dpt_male"].sum())
        split = _apportion(missing["dpt"].to_numpy(), rest)
        males.update(zip(missing["province_code"], split.tolist(), strict=True))
    return {code: int(v) for code, v in males.items()}


def voters_per_station(polling_stations: pl.DataFrame, province_dpt: pl.DataFrame,
                       rng: np.random.Generator) -> pl.DataFrame:
    """DPT per TPS summing exactly to each province's DPT, each at most 300 voters."""
    stations = polling_stations.sort("code")
    province = stations["province_code"].to_numpy()
    special = stations["special"].to_numpy()
    # Regular TPS cluster near the province's mean; special-location TPS are smaller.
    raw = np.where(special, rng.uniform(60, 200, len(stations)), rng.normal(1.0, 0.14, len(stations)))
    raw = np.clip(raw, 0.35, None)
    total = np.zeros(len(stations), dtype=np.int64)
    male = np.zeros(len(stations), dtype=np.int64)
    males = _province_male_totals(province_dpt)
    cap = np.full(len(stations), MAX_VOTERS_PER_TPS, dtype=np.int64)
    for row in province_dpt.iter_rows(named=True):
        idx = np.flatnonzero(province == row["province_code"])
        if idx.size == 0:
            continue
        mean = row["dpt"] / idx.size
        weights = np.where(special[idx], raw[idx], raw[idx] * mean)
        total[idx] = _apportion(weights, int(row["dpt"]), cap[idx])
        share = rng.normal(males[row["province_code"]] / row["dpt"], 0.02, idx.size).clip(0.3, 0.7)
        male[idx] = _apportion(total[idx] * share, males[row["province_code"]], total[idx])
    return stations.with_columns(
        voters_male=pl.Series(male, dtype=pl.Int32),
        voters_female=pl.Series(total - male, dtype=pl.Int32),
        voters_total=pl.Series(total, dtype=pl.Int32),
    )


def _pick(codes: list[str], k: int, rng: np.random.Generator, exclude: set[str]) -> list[str]:
    pool = [c for c in codes if c not in exclude]
    return sorted(rng.choice(pool, size=k, replace=False).tolist())


def stage_recaps(stations: pl.DataFrame, regions: pl.DataFrame,
                 rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Desa-level recaps for DP4, DPS, DPSHP, DPT (Pemilu 2024) and the 2019 DPT, the adult
    population per kab/kota, and the ground truth of planted anomalies."""
    desa = (
        stations.group_by("village_code").agg(
            pl.col("voters_male").sum().cast(pl.Int64), pl.col("voters_female").sum().cast(pl.Int64),
            pl.col("voters_total").sum().cast(pl.Int64), pl.len().cast(pl.Int32).alias("tps"),
        ).sort("village_code")
        .with_columns(district_code=pl.col("village_code").str.slice(0, 8),
                      regency_code=pl.col("village_code").str.slice(0, 5),
                      province_code=pl.col("village_code").str.slice(0, 2))
    )
    n = desa.height
    dpt = desa["voters_total"].to_numpy().astype(np.float64)
    district = desa["district_code"].to_numpy()
    regency = desa["regency_code"].to_numpy()
    province = desa["province_code"].to_numpy()

    # Natural stage-over-stage drift: national ratios plus small per-desa noise.
    dpshp_w = dpt * rng.normal(NATIONAL_DPSHP / NATIONAL_DPT, 0.003, n)
    dps_w = dpshp_w * rng.normal(NATIONAL_DPS / NATIONAL_DPSHP, 0.003, n)
    dp4_w = dps_w * rng.normal(NATIONAL_DP4 / NATIONAL_DPS, 0.004, n)

    districts = sorted(set(district))
    regencies = sorted(set(regency))
    truth: list[dict[str, str]] = []

    # The IKN case: Sepaku's DPS rose ~12% over DP4 (workers arriving), far above its siblings,
    # and the rise persisted to the DPT (as in the real PPU series). DPT is fixed by the TPS, so
    # the plant lowers the earlier DP4 instead.
    spiked = {IKN_DISTRICT: 1.12} if IKN_DISTRICT in set(district) else {}
    for code in _pick(districts, min(14, len(districts) // 20), rng, {IKN_DISTRICT}):
        spiked[code] = float(rng.uniform(1.08, 1.20))
    for code, factor in spiked.items():
        dp4_w[district == code] /= factor
        truth.append({"domain": "voter_recap", "kind": "stage_growth", "subject": code,
                      "detail": f"DP4->DPS x{factor:.3f}"})
    if IKN_DISTRICT in spiked:
        truth.append({"domain": "voter_recap", "kind": "stage_growth", "subject": IKN_REGENCY,
                      "detail": "IKN: DPS rise in Penajam Paser Utara"})
    # A late jump: DPSHP -> DPT in a few kecamatan (voters added after the corrected list).
    for code in _pick(districts, min(6, len(districts) // 40), rng, set(spiked)):
        mask = district == code
        factor = float(rng.uniform(0.82, 0.90))
        dpshp_w[mask] *= factor
        dps_w[mask] *= factor
        dp4_w[mask] *= factor
        truth.append({"domain": "voter_recap", "kind": "stage_growth", "subject": code,
                      "detail": f"DPSHP->DPT x{1 / factor:.3f}"})

    # 2019 DPT: province-wide growth differs (Riau reached +18.4%); desa noise is small, so a
    # fast-growing province is normal among its own regions. A few regencies are planted outliers.
    growth_by_province = {p: float(rng.normal(0.07, 0.03)) for p in sorted(set(province))}
    growth_by_province["14"] = 0.184
    growth = np.array([growth_by_province[p] for p in province]) + rng.normal(0, 0.01, n)
    for code in _pick(regencies, min(5, len(regencies) // 10), rng, {IKN_REGENCY}):
        growth[regency == code] += float(rng.uniform(0.25, 0.40))
        truth.append({"domain": "voter_recap", "kind": "election_growth", "subject": code,
                      "detail": "DPT 2019->2024 growth far above siblings"})
    dpt2019_w = dpt / (1 + growth)

    # Stage totals follow the national ratios to the DPT, so a national build reproduces the
    # published DPS exactly and a province build keeps the province's own size.
    dpt_total = int(dpt.sum())

    def scaled(weights: np.ndarray, national: int) -> np.ndarray:
        target = national if dpt_total == NATIONAL_DPT else round(national * dpt_total / NATIONAL_DPT)
        return _apportion(np.clip(weights, 1, None), target)

    recap_cols = {
        "DP4": scaled(dp4_w, NATIONAL_DP4),
        "DPS": scaled(dps_w, NATIONAL_DPS),
        "DPSHP": scaled(dpshp_w, NATIONAL_DPSHP),
        "DPT": dpt.astype(np.int64),
    }
    male_share = (desa["voters_male"] / desa["voters_total"].clip(1)).to_numpy()
    frames = []
    for stage, totals in recap_cols.items():
        is_dpt = stage == "DPT"
        male = desa["voters_male"].to_numpy() if is_dpt else np.round(totals * male_share)
        frames.append(pl.DataFrame({
            "election": "pemilu2024", "stage": stage, "region_code": desa["village_code"],
            "level": "village", "voters_male": male.astype(np.int64),
            "voters_female": (totals - male).astype(np.int64), "voters_total": totals,
            "polling_stations": desa["tps"],
        }))
    dpt2019 = np.round(dpt2019_w).astype(np.int64)
    m2019 = np.round(dpt2019 * male_share).astype(np.int64)
    frames.append(pl.DataFrame({
        "election": "pemilu2019", "stage": "DPT", "region_code": desa["village_code"],
        "level": "village", "voters_male": m2019, "voters_female": dpt2019 - m2019,
        "voters_total": dpt2019, "polling_stations": pl.Series([None] * n, dtype=pl.Int32),
    }))
    recap = pl.concat(frames).with_columns(
        province_code=pl.col("region_code").str.slice(0, 2),
        regency_code=pl.col("region_code").str.slice(0, 5),
        district_code=pl.col("region_code").str.slice(0, 8),
        village_code=pl.col("region_code"),
    )

    # Adult population per kab/kota (a census-style projection): usually 2-12% above the DPT;
    # a few regencies are planted with more voters than adults.
    regency_dpt = desa.group_by("regency_code").agg(pl.col("voters_total").sum()).sort("regency_code")
    ratio = rng.uniform(1.02, 1.12, regency_dpt.height)
    over = _pick(regency_dpt["regency_code"].to_list(), min(4, regency_dpt.height // 10), rng,
                 {IKN_REGENCY})
    for code in over:
        i = regency_dpt["regency_code"].to_list().index(code)
        ratio[i] = float(rng.uniform(0.88, 0.96))
        truth.append({"domain": "voter_recap", "kind": "voters_above_adults", "subject": code,
                      "detail": f"adults = {ratio[i]:.3f} x DPT"})
    population = pl.DataFrame({
        "region_code": regency_dpt["regency_code"],
        "year": pl.Series([2023] * regency_dpt.height, dtype=pl.Int32),
        "adults": np.round(regency_dpt["voters_total"].to_numpy() * ratio).astype(np.int64),
        "source": "synthetic projection (demo)",
    })
    names = dict(zip(regions["code"], regions["name"], strict=True))
    ground_truth = pl.DataFrame(truth).with_columns(
        detail=pl.concat_str([pl.col("detail"), pl.col("subject").replace_strict(
            names, default="")], separator=" | "))
    return recap, population, ground_truth


def generate_voters(polling_stations: pl.DataFrame, regions: pl.DataFrame,
                    province_dpt: pl.DataFrame, seed: int) -> VoterData:
    rng = np.random.default_rng([seed, 1])
    stations = voters_per_station(polling_stations, province_dpt, rng)
    recap, population, truth = stage_recaps(stations, regions, rng)
    return VoterData(stations, recap, population, truth)
