"""Region-level voter-list checks on the stage recaps (rekap daftar pemilih), per PKPU 7/2022.

Rules:

* ``stage_growth``: the change between consecutive stages of one election (DP4 → DPS → DPSHP →
  DPT, skipping stages the recap lacks), judged against sibling regions;
* ``election_growth``: DPT against the previous election's DPT (``pemilu2019``), likewise;
* ``voters_above_adults``: more voters than the adult population (``region_population``);
* ``tps_over_limit``: a TPS above the 300-voter maximum of 2024.

Why peers and not a fixed threshold: growth differs by province (DPT 2019 → 2024 reached +18.4%
in Riau), so a region is unusual only relative to the regions around it. The peer group is the
regions of the same level with the same parent (the kecamatan of one kab/kota, the kab/kota of one
province); the score is the robust z of Iglewicz & Hoaglin,
``z = 0.6745 · (x − median) / MAD``, flagged when ``|z| > 3.5``. Edge cases, decided here:

* MAD = 0 (at least half the peers share one value): use the mean absolute deviation instead,
  ``z = (x − median) / (1.253314 · MeanAD)``; if that is 0 too, every peer is equal and nothing
  is flagged.
* A sibling group of 1 or 2 regions has no meaningful median: the region is compared with the
  same level one step up (all kecamatan of the province; all kab/kota nationwide). If that group
  is also smaller than 3, the region is skipped (no score, no flag): too few peers to judge.
* A z-score alone flags hair-thin differences in very uniform groups, so a flag also needs the
  growth to differ from the peer median by at least one percentage point between stages, five
  points between elections (five years of migration legitimately spread kecamatan apart).

Runs at kecamatan and kab/kota level; desa-level recap rows are summed up via the ancestry
codes. Where a recap holds rows at several levels, each region uses its finest level only, so
nothing is counted twice.
"""

from __future__ import annotations

import polars as pl

from data_access.domain import MAX_VOTERS_PER_TPS, PREVIOUS_ELECTION, VOTER_LIST_STAGES
from pantau.anomalies.common import dotted, empty_flags, evidence_json, finish, render_explanations

DETECT_LEVELS = ("district", "regency")
MIN_PEERS = 3  # smaller sibling groups fall back to the level group one step up
Z_THRESHOLD = 3.5  # Iglewicz & Hoaglin (1993)
HIGH_Z = 7.0  # twice the threshold: high severity
MAD_SCALE = 0.6745
MEANAD_SCALE = 1.253314  # MeanAD fallback when MAD = 0 (sqrt(pi/2))
# Minimum distance from the peer median: stages are weeks apart, elections five years, and
# five-year growth legitimately varies by a few points between kecamatan (migration, housing).
MIN_GROWTH_GAP = {"stage_growth": 0.01, "election_growth": 0.05}
HIGH_ADULT_RATIO = 1.05

_DEPTH = {"province": 1, "regency": 2, "district": 3, "village": 4}
_LEVEL_BY_DEPTH = {v: k for k, v in _DEPTH.items()}


def _with_codes(frame: pl.DataFrame, code: str = "region_code") -> pl.DataFrame:
    """Canonical dotted codes with depth (1 = province … 4 = desa) and ancestor codes."""
    frame = frame.with_columns(pl.col(code).pipe(dotted).alias(code))
    depth = pl.col(code).str.count_matches(r"\.") + 1
    return frame.with_columns(
        _depth=depth.cast(pl.Int8),
        **{f"_{lv}": pl.when(depth >= d).then(pl.col(code).str.slice(0, (2, 5, 8, 13)[d - 1]))
           for lv, d in _DEPTH.items()},
    )


def aggregate_recap(recap: pl.DataFrame, level: str) -> pl.DataFrame:
    """Voters per (election, stage, region) at ``level``, summed from the finest rows present.

    Returns election, stage, region_code, parent_code, grandparent_code, voters.
    """
    depth = _DEPTH[level]
    rows = _with_codes(recap).filter(pl.col("_depth") >= depth)
    key = f"_{level}"
    finest = pl.col("_depth").max().over("election", "stage", key)
    rows = rows.filter(pl.col("_depth") == finest)
    out = rows.group_by("election", "stage", pl.col(key).alias("region_code")).agg(
        voters=pl.col("voters_total").cast(pl.Int64).sum())
    parent = _LEVEL_BY_DEPTH.get(depth - 1)
    grandparent = _LEVEL_BY_DEPTH.get(depth - 2)
    prefix = {lv: (2, 5, 8, 13)[d - 1] for lv, d in _DEPTH.items()}
    return out.with_columns(
        parent_code=pl.col("region_code").str.slice(0, prefix[parent]) if parent else pl.lit(""),
        grandparent_code=(pl.col("region_code").str.slice(0, prefix[grandparent])
                          if grandparent else pl.lit("")),
    ).sort("election", "stage", "region_code")


def robust_z(frame: pl.DataFrame, value: str, group: list[str], fallback: list[str]
             ) -> pl.DataFrame:
    """Add peers, peer_median, peer_mad, peer_meanad, z and scope (parent / grandparent / null).

    ``group`` defines siblings; ``fallback`` the wider group used when siblings are fewer than
    ``MIN_PEERS``. Rows whose value is null are ignored. See the module docstring for MAD = 0.
    """
    frame = frame.filter(pl.col(value).is_not_null() & pl.col(value).is_finite())
    v = pl.col(value)
    for tag, keys in (("p", group), ("g", fallback)):
        frame = frame.with_columns(
            pl.len().over(keys).alias(f"_n_{tag}"),
            v.median().over(keys).alias(f"_med_{tag}"),
        ).with_columns(
            (v - pl.col(f"_med_{tag}")).abs().median().over(keys).alias(f"_mad_{tag}"),
            (v - pl.col(f"_med_{tag}")).abs().mean().over(keys).alias(f"_mean_{tag}"),
        )
    use_p = pl.col("_n_p") >= MIN_PEERS
    use_g = ~use_p & (pl.col("_n_g") >= MIN_PEERS)

    def pick(name: str) -> pl.Expr:
        return pl.when(use_p).then(pl.col(f"_{name}_p")).when(use_g).then(pl.col(f"_{name}_g"))

    frame = frame.with_columns(
        peers=pick("n"), peer_median=pick("med"), peer_mad=pick("mad"), peer_meanad=pick("mean"),
        scope=pl.when(use_p).then(pl.lit("parent")).when(use_g).then(pl.lit("grandparent")),
    )
    dev = v - pl.col("peer_median")
    return frame.with_columns(
        z=pl.when(pl.col("scope").is_null()).then(None)
        .when(pl.col("peer_mad") > 0).then(MAD_SCALE * dev / pl.col("peer_mad"))
        .when(pl.col("peer_meanad") > 0).then(dev / (MEANAD_SCALE * pl.col("peer_meanad")))
        .otherwise(0.0),
    ).drop([c for c in frame.columns if c.startswith("_n_") or c.startswith("_med_")
            or c.startswith("_mad_") or c.startswith("_mean_")])


def _growth_flags(pairs: pl.DataFrame, level: str, rule_id: str) -> pl.DataFrame:
    """Score growth against peers and keep the outliers, with evidence and template numbers."""
    if pairs.height == 0:
        return pl.DataFrame()
    pairs = pairs.filter(pl.col("previous") > 0).with_columns(
        growth=pl.col("current") / pl.col("previous") - 1)
    scored = robust_z(pairs, "growth", ["election", "stage", "parent_code"],
                      ["election", "stage", "grandparent_code"])
    gap = pl.col("growth") - pl.col("peer_median")
    flagged = scored.filter((pl.col("z").abs() > Z_THRESHOLD)
                            & (gap.abs() >= MIN_GROWTH_GAP[rule_id]))
    pct = lambda c: (pl.col(c) * 100).round(2)  # noqa: E731
    evidence = {
        "previous": pl.col("previous"), "current": pl.col("current"),
        "growth_pct": pct("growth"), "peer_median_pct": pct("peer_median"),
        "peer_mad_pct": pct("peer_mad"), "peer_meanad_pct": pct("peer_meanad"),
        "robust_z": pl.col("z").round(2), "peers": pl.col("peers"),
        "wider_peer_group": (pl.col("scope") == "grandparent").cast(pl.Int8),
    }
    return flagged.select(
        "election", "stage", "region_code", "previous_stage", "previous_label",
        "previous", "current", "peers",
        rule_id=pl.lit(rule_id), template=pl.lit(rule_id),
        severity=pl.when(pl.col("z").abs() >= HIGH_Z).then(pl.lit("high"))
        .otherwise(pl.lit("medium")),
        subject_level=pl.lit(level),
        evidence=evidence_json(evidence),
        direction=pl.when(pl.col("growth") >= 0).then(pl.lit("up")).otherwise(pl.lit("down")),
        side=pl.when(gap >= 0).then(pl.lit("above")).otherwise(pl.lit("below")),
        growth_abs=pl.col("growth").abs(),
        peer_median=pl.col("peer_median"),
        peer_scope=pl.lit(f"{level}_") + pl.col("scope"),
    )


def rule_stage_growth(agg: pl.DataFrame, level: str) -> pl.DataFrame:
    """Change between consecutive voter-list stages of each election, judged against siblings.

    A jump from DP4 to DPS that neighbours do not share (the IKN case in Penajam Paser Utara) is
    what Bawaslu asks KPU to explain at the DPS plenary.
    """
    current = agg.filter(pl.col("election") != PREVIOUS_ELECTION)
    pairs = []
    for _, rows in current.group_by("election", maintain_order=True):
        present = [s for s in VOTER_LIST_STAGES if s in set(rows["stage"])]
        for before, after in zip(present, present[1:], strict=False):
            prev = rows.filter(pl.col("stage") == before).select("region_code", previous="voters")
            cur = rows.filter(pl.col("stage") == after)
            pairs.append(cur.join(prev, on="region_code").select(
                "election", "stage", "region_code", "parent_code", "grandparent_code",
                "previous", current="voters", previous_stage=pl.lit(before),
                previous_label=pl.lit(""),
            ))
    return _growth_flags(pl.concat(pairs) if pairs else pl.DataFrame(), level, "stage_growth")


def rule_election_growth(agg: pl.DataFrame, level: str) -> pl.DataFrame:
    """DPT against the previous election's DPT (pemilu2019), judged against siblings.

    Only general elections (``pemilu…``) are compared with the previous general election.
    """
    prev = agg.filter((pl.col("election") == PREVIOUS_ELECTION) & (pl.col("stage") == "DPT"))
    if prev.height == 0:
        return pl.DataFrame()
    cur = agg.filter((pl.col("election") != PREVIOUS_ELECTION)
                     & pl.col("election").str.starts_with("pemilu") & (pl.col("stage") == "DPT"))
    label = PREVIOUS_ELECTION.replace("pemilu", "Pemilu ")
    pairs = cur.join(prev.select("region_code", previous="voters"), on="region_code").select(
        "election", "stage", "region_code", "parent_code", "grandparent_code", "previous",
        current="voters", previous_stage=pl.lit("DPT"), previous_label=pl.lit(label),
    )
    return _growth_flags(pairs, level, "election_growth")


def rule_voters_above_adults(recap: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    """More voters than adults (17+) in a region: the list holds people who are not there.

    Uses each region's latest population figure, at whatever level the figures are given, for
    every stage of the current elections.
    """
    pop = _with_codes(population).sort("year").group_by("region_code").agg(
        pl.col("adults").last(), pl.col("year").last(), pl.col("_depth").last())
    parts = []
    for depth in sorted(set(pop["_depth"].to_list())):
        level = _LEVEL_BY_DEPTH.get(depth)
        if level is None:
            continue
        agg = aggregate_recap(recap, level).filter(pl.col("election") != PREVIOUS_ELECTION)
        joined = agg.join(pop.filter(pl.col("_depth") == depth), on="region_code")
        joined = joined.filter((pl.col("adults") > 0) & (pl.col("voters") > pl.col("adults")))
        parts.append(joined.with_columns(level=pl.lit(level)))
    if not parts:
        return pl.DataFrame()
    over = pl.concat(parts).with_columns(ratio=pl.col("voters") / pl.col("adults"))
    return over.select(
        "election", "stage", "region_code", "voters", "adults",
        year=pl.col("year").cast(pl.Utf8), ratio=pl.col("ratio"),
        rule_id=pl.lit("voters_above_adults"), template=pl.lit("voters_above_adults"),
        severity=pl.when(pl.col("ratio") > HIGH_ADULT_RATIO).then(pl.lit("high"))
        .otherwise(pl.lit("medium")),
        subject_level=pl.col("level"),
        evidence=evidence_json({
            "voters": pl.col("voters"), "adults": pl.col("adults"), "year": pl.col("year"),
            "ratio_pct": (pl.col("ratio") * 100).round(2)}),
    )


def rule_tps_over_limit(polling_stations: pl.DataFrame) -> pl.DataFrame:
    """A TPS with more than 300 voters on the DPT (the 2024 maximum)."""
    over = polling_stations.filter(pl.col("voters_total") > MAX_VOTERS_PER_TPS)
    return over.select(
        region_code=pl.col("code").pipe(dotted),
        stage=pl.lit("DPT"),
        election=pl.lit(""),
        voters=pl.col("voters_total").cast(pl.Int64),
        tps=pl.col("number").cast(pl.Utf8).str.zfill(3),
        rule_id=pl.lit("tps_over_limit"), template=pl.lit("tps_over_limit"),
        severity=pl.lit("high"), subject_level=pl.lit("polling_station"),
        evidence=evidence_json({"voters": pl.col("voters_total"),
                                "limit": pl.lit(MAX_VOTERS_PER_TPS),
                                "tps_number": pl.col("number")}),
        limit=pl.lit(MAX_VOTERS_PER_TPS),
    )


def detect_region_anomalies(recap: pl.DataFrame, population: pl.DataFrame | None,
                            polling_stations: pl.DataFrame | None, run_id: str) -> pl.DataFrame:
    """All region-level flags, in the ``anomaly_flag`` schema (record_id and record_key null).

    ``recap`` has the ``voter_list_recap`` columns (rows at any level), ``population`` the
    ``region_population`` columns, ``polling_stations`` the TPS table with ``voters_total``.
    """
    parts: list[pl.DataFrame] = []
    if recap.height:
        for level in DETECT_LEVELS:
            agg = aggregate_recap(recap, level)
            parts += [rule_stage_growth(agg, level), rule_election_growth(agg, level)]
        if population is not None and population.height:
            parts.append(rule_voters_above_adults(recap, population))
    if polling_stations is not None and polling_stations.height:
        parts.append(rule_tps_over_limit(polling_stations))
    parts = [p for p in parts if p.height]
    if not parts:
        return empty_flags()
    hits = pl.concat(parts, how="diagonal_relaxed").with_columns(
        record_id=pl.lit(None, pl.Utf8), record_key=pl.lit(None, pl.Utf8),
        ancestry_code=pl.col("region_code"), id_extra=pl.col("election"),
    )
    return finish(render_explanations(hits), run_id)
