"""Synthetic violation cases (*penanganan pelanggaran*) calibrated exactly to Bawaslu's figures.

Volumes, registration and findings reproduce the published totals (DOMAIN.md and the 6 March 2024
snapshot in ``violations_2024.csv``) exactly, so the dashboard's headline numbers can be checked
against the real ones. Dates follow the workflow of Perbawaslu 7/2022: a *laporan* is filed within
7 days of the event (1 day in the quiet period and on voting day), registration follows a
preliminary review of a few days, and the finding is due 7 days after registration plus one
7-day extension; some cases overrun that deadline and are recorded as ground truth. Cases fall on
regencies in proportion to voters, with a regency random effect and a few high-rate provinces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from data_access.domain import (
    DECISION_DAYS,
    EXTENSION_DAYS,
    FORWARD_DESTINATION,
    STAGES,
    VOTING_DAY,
)

_EPOCH = date(1970, 1, 1)
SOURCES = ("laporan", "temuan")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass(frozen=True)
class Calibration:
    """Exact totals of one election; pairs are (laporan, temuan)."""

    cut_off: date
    cases: tuple[int, int]
    registered: tuple[int, int]
    not_registered: tuple[int, int]
    pending: tuple[int, int]
    categories: dict[str, int]
    uncategorised: int  # violations whose category was not published (see below)
    not_violation: int
    in_process: int
    # Cumulative (date, laporan, temuan) snapshots that shape the received dates, if published.
    snapshots: tuple[tuple[date, int, int], ...] = field(default=())


# Pemilu 2024 to 6 Mar 2024 (violations_2024.csv, 2024-03-06 rows): 2,264 cases (1,562 laporan,
# 702 temuan); registered 580 laporan + 613 temuan; 604 not registered, 467 not yet registered;
# 531 violations of which the published categories (71 + 226 + 63 + 131) sum to 491: the other 40
# are a handful of TSM plus violations left uncategorised, as in the source. Findings: 386 not a
# violation; in process is the remainder of the 1,193 registered (276; the source's 279 would
# overshoot 1,193 by 3). The laporan/temuan split of the unregistered is an assumption.
PEMILU = Calibration(
    cut_off=date(2024, 3, 6),
    cases=(1562, 702),
    registered=(580, 613),
    not_registered=(554, 50),
    pending=(428, 39),
    categories={"administrative": 71, "criminal": 63, "ethics": 226, "other_law": 131, "tsm": 3},
    uncategorised=37,
    not_violation=386,
    in_process=276,
    snapshots=(
        (date(2023, 7, 11), 327, 144),
        (date(2024, 1, 5), 703, 312),
        (date(2024, 1, 24), 848, 388),
        (date(2024, 2, 24), 1116, 606),
        (date(2024, 3, 6), 1562, 702),
    ),
)
# Pilkada 2024 to 31 Jan 2025 (DOMAIN.md): 6,981 cases (5,727 laporan, 1,254 temuan), 3,727
# registered; 501 administrative, 212 criminal, 292 ethics, 932 other law. Not published, so
# assumed: temuan registered at Pemilu's rate (~87%), few still unregistered two months after
# voting, and the split of the other registered cases between not a violation and in process.
PILKADA = Calibration(
    cut_off=date(2025, 1, 31),
    cases=(5727, 1254),
    registered=(2636, 1091),
    not_registered=(2854, 150),
    pending=(237, 13),
    categories={"administrative": 501, "criminal": 212, "ethics": 292, "other_law": 932, "tsm": 0},
    uncategorised=0,
    not_violation=1700,
    in_process=90,
)
CALIBRATION: dict[str, Calibration] = {"pemilu2024": PEMILU, "pilkada2024": PILKADA}

# Where cases sit: most are handled by Bawaslu Kab/Kota, some are pinned to a kecamatan or desa.
REGION_LEVEL_SHARES = {"regency": 0.80, "district": 0.13, "village": 0.07}
HIGH_RATE_FACTOR = 1.8  # provinces with systematically more cases
HIGH_RATE_PROVINCES = 5
REGENCY_EFFECT_SD = 0.4

# Other-law violations: mostly civil-servant (ASN) neutrality, then village officials (KASN/BKN
# and the competent agencies handle them).
OTHER_LAW_SUBCATEGORIES = {"asn_neutrality": 0.62, "village_official_neutrality": 0.23,
                           "tni_polri_neutrality": 0.05, "other": 0.10}
SUBCATEGORY_PARTY = {"asn_neutrality": "civil_servant",
                     "village_official_neutrality": "village_official",
                     "tni_polri_neutrality": "security_forces", "other": "other"}
CATEGORY_PARTIES = {
    "administrative": {"election_official": 0.5, "candidate": 0.25, "political_party": 0.25},
    "criminal": {"candidate": 0.4, "other": 0.3, "political_party": 0.15,
                 "election_official": 0.1, "village_official": 0.05},
    "ethics": {"election_official": 1.0},
    "tsm": {"candidate": 1.0},
}
GENERAL_PARTIES = {"candidate": 0.28, "political_party": 0.18, "election_official": 0.22,
                   "civil_servant": 0.12, "village_official": 0.08, "security_forces": 0.02,
                   "other": 0.10}

# Decision lead time after registration: most within the 7 days, some in the 7-day extension,
# a few overdue.
DECISION_MIX = ((0.74, 1, DECISION_DAYS),
                (0.21, DECISION_DAYS + 1, DECISION_DAYS + EXTENSION_DAYS),
                (0.05, DECISION_DAYS + EXTENSION_DAYS + 1, 35))
REGISTRATION_LAG = (0.15, 0.45, 0.30, 0.10)  # P(0, 1, 2, 3 days) for the preliminary review
REPORTING_WINDOW = 7  # a laporan is filed within 7 days of the event
SHORT_WINDOW_STAGES = ("quiet_period", "voting", "counting")  # 1 x 24 h there


@dataclass(frozen=True)
class ViolationData:
    """Frames matching ``violation_case``, ``violation_event`` and ``demo_ground_truth``."""

    violation_case: pl.DataFrame
    violation_event: pl.DataFrame
    ground_truth: pl.DataFrame


def _days(day: date) -> int:
    return (day - _EPOCH).days


def _weighted_pick(rng: np.random.Generator, weights: np.ndarray, count: int) -> np.ndarray:
    """Boolean mask of exactly ``count`` items drawn without replacement ∝ weight (Gumbel top-k);
    items with zero weight are never picked unless needed to reach the count."""
    mask = np.zeros(len(weights), dtype=bool)
    if count <= 0:
        return mask
    with np.errstate(divide="ignore"):
        keys = np.log(weights) + rng.gumbel(size=len(weights))
    mask[np.argsort(-keys, kind="stable")[:count]] = True
    return mask


def _choice(rng: np.random.Generator, mix: dict[str, float], size: int) -> np.ndarray:
    labels = np.array(list(mix), dtype=object)
    p = np.array(list(mix.values()), dtype=np.float64)
    return labels[rng.choice(len(labels), size=size, p=p / p.sum())]


def _stage_table(election: str, first: int, last: int) -> np.ndarray:
    """Stage index for every day in [first, last]: the containing stage that ends soonest
    (voting day → voting, the next day → counting), -1 for days outside every stage."""
    stages = STAGES[election]
    days = np.arange(first, last + 1)
    table = np.full(len(days), -1, dtype=np.int64)
    best_end = np.full(len(days), np.iinfo(np.int64).max)
    for i, stage in enumerate(stages):  # seven stages
        inside = (days >= _days(stage.start)) & (days <= _days(stage.end))
        better = inside & (_days(stage.end) < best_end)
        table[better] = i
        best_end[better] = _days(stage.end)
    return table


def _intensity(days: np.ndarray, election: str, source: str) -> np.ndarray:
    """Relative daily case intake: low during voter updating, higher in candidacy, high in the
    campaign, a spike on voting day and a post-voting wave of public reports, quieter once the
    recapitulation is over.

    The ratios follow the weekly rates implied by the Pemilu snapshots (≈15/week before the
    campaign, ≈60-110/week in the campaign, ≈300/week around voting day).
    """
    stages = {s.key: s for s in STAGES[election]}
    voting = _days(VOTING_DAY[election])
    weight = np.ones(len(days))
    weight[days >= _days(stages["candidacy"].start)] = 2.0
    campaign = (days >= _days(stages["campaign"].start)) & (days < _days(stages["quiet_period"].start))
    weight[campaign] = 4.5 * (1.3 if source == "temuan" else 1.0)
    after = days >= _days(stages["quiet_period"].start)
    since = days - voting
    laporan = source == "laporan"
    peak = 15.0 * np.exp(-0.5 * (since / (4.0 if laporan else 2.5)) ** 2)
    spike = np.where(since == 0, 25.0, 0.0) + np.where(since == 1, 15.0 if laporan else 5.0, 0.0)
    wave = np.where(since > 0, (6.0 if laporan else 2.0) * np.exp(-since / 25.0), 0.0)
    base = np.where(days <= _days(stages["recapitulation"].end), 3.0, 1.0)
    weight[after] = (base + peak + spike + wave)[after]
    return weight


def _received_days(rng: np.random.Generator, election: str, source: str, count: int,
                   cal: Calibration) -> np.ndarray:
    """Receipt dates: the published cumulative snapshots fix how many cases fall between two
    snapshot dates; the intensity curve shapes the days within each interval."""
    first = _days(STAGES[election][0].start)
    cut_off = _days(cal.cut_off)
    days = np.arange(first, cut_off + 1)
    weight = _intensity(days, election, source)
    column = 1 if source == "laporan" else 2
    edges, totals, previous = [first], [], 0
    for snapshot in cal.snapshots:
        edges.append(_days(snapshot[0]) + 1)
        totals.append(snapshot[column] - previous)
        previous = snapshot[column]
    if not cal.snapshots or edges[-1] <= cut_off:
        edges.append(cut_off + 1)
        totals.append(max(count - previous, 0))
    p = np.zeros(len(days))
    for lo, hi, total in zip(edges[:-1], edges[1:], totals, strict=True):
        inside = (days >= lo) & (days < hi)
        if inside.any() and weight[inside].sum() > 0:
            p[inside] = weight[inside] / weight[inside].sum() * total
    return days[rng.choice(len(days), size=count, p=p / p.sum())]


def _regency_weights(regions: pl.DataFrame, voters_by_regency: pl.DataFrame,
                     rng: np.random.Generator) -> tuple[pl.DataFrame, list[str]]:
    """Regencies with a case weight: voters × a regency effect × a provincial factor."""
    regencies = regions.filter(pl.col("level") == "regency").select("code").sort("code")
    voters = voters_by_regency.select(
        code=pl.col("regency_code").cast(pl.Utf8).str.replace(r"^(\d{2})(\d{2})$", "$1.$2"),
        voters=pl.col("voters_total").cast(pl.Float64),
    ).group_by("code").agg(pl.col("voters").sum())
    regencies = regencies.join(voters, on="code", how="left", maintain_order="left").with_columns(
        pl.col("voters").fill_null(0.0))
    if regencies["voters"].sum() <= 0:
        regencies = regencies.with_columns(voters=pl.lit(1.0))
    provinces = sorted(set(regencies["code"].str.slice(0, 2).to_list()))
    n_high = min(HIGH_RATE_PROVINCES, max(1, len(provinces) // 7))
    high = sorted(rng.choice(provinces, size=n_high, replace=False).tolist()) if provinces else []
    effect = np.exp(REGENCY_EFFECT_SD * rng.standard_normal(regencies.height))
    factor = np.where(regencies["code"].str.slice(0, 2).is_in(high).to_numpy(),
                      HIGH_RATE_FACTOR, 1.0)
    weights = regencies["voters"].to_numpy() * effect * factor
    return regencies.with_columns(weight=pl.Series(weights)), high


def _children(regions: pl.DataFrame, level: str, regencies: pl.Series) -> tuple[np.ndarray, ...]:
    """Sorted child codes of ``level`` with each regency's first index and count."""
    children = regions.filter(
        (pl.col("level") == level) & pl.col("regency_code").is_in(regencies.implode())
    ).select("code", "regency_code").sort("code")
    counts = children.group_by("regency_code").len()
    per = pl.DataFrame({"regency_code": regencies}).join(
        counts, on="regency_code", how="left", maintain_order="left")["len"].fill_null(0)
    count = per.to_numpy().astype(np.int64)
    # Children are sorted by code, hence grouped by regency in regency order.
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    return children["code"].to_numpy(), start, count


def _dates(values: np.ndarray, keep: np.ndarray | None = None) -> pl.Series:
    """Days since 1970 as a Date series, null where ``keep`` is False."""
    dates = pl.Series(values.astype(np.int32)).cast(pl.Date)
    return dates if keep is None else pl.select(pl.when(pl.Series(keep)).then(dates)).to_series()


def _election_cases(election: str, cal: Calibration, regencies: pl.DataFrame,
                    regions: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """All cases of one election with their workflow state and dates (no case id yet)."""
    first = _days(STAGES[election][0].start)
    cut_off = _days(cal.cut_off)
    n_l, n_t = cal.cases
    n = n_l + n_t
    source = np.array(["laporan"] * n_l + ["temuan"] * n_t, dtype=object)
    is_laporan = source == "laporan"
    received = np.concatenate([_received_days(rng, election, "laporan", n_l, cal),
                               _received_days(rng, election, "temuan", n_t, cal)])

    # The event: within 7 days before receipt; a public report about the quiet period, voting or
    # counting must be filed within one day.
    stage_of = _stage_table(election, first, cut_off)
    lag = np.minimum(rng.geometric(np.where(is_laporan, 0.4, 0.5)) - 1, REPORTING_WINDOW)
    occurred = np.maximum(received - lag, first)
    stage_keys = [s.key for s in STAGES[election]]
    short = np.isin(stage_of[occurred - first],
                    [stage_keys.index(k) for k in SHORT_WINDOW_STAGES])
    occurred = np.where(is_laporan & short & (received - occurred > 1),
                        np.maximum(received - 1, first), occurred)
    stage_index = stage_of[occurred - first]

    # Registration: the not-yet-registered are mostly the most recent; then exact counts of
    # registered and not registered per source.
    registration = np.empty(n, dtype=object)
    age = cut_off - received
    for s, mask in enumerate((is_laporan, ~is_laporan)):
        idx = np.flatnonzero(mask)
        pending = _weighted_pick(rng, np.exp(-age[idx] / 10.0) + 0.02, cal.pending[s])
        registration[idx[pending]] = "pending"
        rest = idx[~pending]
        registered = _weighted_pick(rng, np.ones(len(rest)), cal.registered[s])
        registration[rest[registered]] = "registered"
        registration[rest[~registered]] = "not_registered"
    review = rng.choice(len(REGISTRATION_LAG), size=n, p=REGISTRATION_LAG)
    reviewed = np.minimum(received + review, cut_off)  # registered or rejected on this day
    is_registered = registration == "registered"

    # Findings: in process are mostly recent registrations (some old: overdue), violations are
    # likelier for supervisors' own findings than for public reports.
    finding = np.full(n, None, dtype=object)
    reg_idx = np.flatnonzero(is_registered)
    reg_age = cut_off - reviewed[reg_idx]
    in_process = _weighted_pick(rng, np.exp(-reg_age / 7.0) + 0.02 * np.exp(-reg_age / 60.0),
                                 cal.in_process)
    finding[reg_idx[in_process]] = "in_process"
    decided_idx = reg_idx[~in_process]
    n_violation = sum(cal.categories.values()) + cal.uncategorised
    violation = _weighted_pick(rng, np.where(is_laporan[decided_idx], 1.0, 1.6), n_violation)
    finding[decided_idx[violation]] = "violation"
    finding[decided_idx[~violation]] = "not_violation"

    category = np.full(n, None, dtype=object)
    labels = [c for c, k in cal.categories.items() for _ in range(k)]
    labels += [None] * cal.uncategorised
    category[decided_idx[violation]] = np.array(labels, dtype=object)[
        rng.permutation(len(labels))]
    subcategory = np.full(n, None, dtype=object)
    other_law = category == "other_law"
    subcategory[other_law] = _choice(rng, OTHER_LAW_SUBCATEGORIES, int(other_law.sum()))

    # Decision dates: registration + lead time, never after the cut-off.
    band = rng.choice(len(DECISION_MIX), size=n, p=[m[0] for m in DECISION_MIX])
    low = np.array([m[1] for m in DECISION_MIX])[band]
    high = np.array([m[2] for m in DECISION_MIX])[band]
    lead = low + np.floor(rng.random(n) * (high - low + 1)).astype(np.int64)
    is_decided = (finding == "violation") | (finding == "not_violation")
    decided = np.minimum(reviewed + lead, cut_off)
    is_forwarded = np.not_equal(category, None)
    forwarded = np.minimum(decided + rng.integers(0, 4, size=n), cut_off)

    # Reported party: fixed by the kind of violation where the rules say who it concerns.
    party = _choice(rng, GENERAL_PARTIES, n)
    for cat, mix in CATEGORY_PARTIES.items():
        mask = category == cat
        party[mask] = _choice(rng, mix, int(mask.sum()))
    for sub, who in SUBCATEGORY_PARTY.items():
        party[subcategory == sub] = who

    # Region: a regency ∝ weight; sometimes one of its kecamatan or desa.
    codes = regencies["code"]
    weight = regencies["weight"].to_numpy()
    reg_pick = rng.choice(len(codes), size=n, p=weight / weight.sum())
    level = rng.choice(3, size=n, p=list(REGION_LEVEL_SHARES.values()))
    region = codes.to_numpy()[reg_pick].astype(object)
    for lv, name in ((1, "district"), (2, "village")):
        child_codes, start, count = _children(regions, name, codes)
        mask = (level == lv) & (count[reg_pick] > 0)
        offset = np.floor(rng.random(int(mask.sum())) * count[reg_pick[mask]]).astype(np.int64)
        region[mask] = child_codes[start[reg_pick[mask]] + offset]

    stage_names = pl.Series([*stage_keys, None], dtype=pl.Utf8)
    return pl.DataFrame({
        "election": pl.Series([election] * n, dtype=pl.Utf8),
        "source": pl.Series(source.tolist(), dtype=pl.Utf8),
        "stage": stage_names.gather(pl.Series(np.where(stage_index < 0, len(stage_keys),
                                                       stage_index))),
        "reported_party": pl.Series(party.tolist(), dtype=pl.Utf8),
        "registration": pl.Series(registration.tolist(), dtype=pl.Utf8),
        "finding": pl.Series(finding.tolist(), dtype=pl.Utf8),
        "category": pl.Series(category.tolist(), dtype=pl.Utf8),
        "subcategory": pl.Series(subcategory.tolist(), dtype=pl.Utf8),
        "forwarded_to": pl.Series(category.tolist(), dtype=pl.Utf8).replace_strict(
            FORWARD_DESTINATION, default=None, return_dtype=pl.Utf8),
        "occurred_on": _dates(occurred),
        "received_on": _dates(received),
        "registered_on": _dates(reviewed, is_registered),
        "decided_on": _dates(decided, is_decided),
        "forwarded_on": _dates(forwarded, is_forwarded),
        "reviewed_on": _dates(reviewed),
        "region_code": pl.Series(region.tolist(), dtype=pl.Utf8),
    })


def _events(cases: pl.DataFrame) -> pl.DataFrame:
    """The workflow log: received, registered / not_registered, extension, decided, forwarded."""
    cut_off = pl.col("election").replace_strict(
        {e: c.cut_off for e, c in CALIBRATION.items()}, return_dtype=pl.Date)
    deadline = pl.col("registered_on") + pl.duration(days=DECISION_DAYS)
    extended = (pl.col("decided_on") > deadline) | (
        (pl.col("finding") == "in_process") & (cut_off > deadline))
    received = cases.select(
        "case_id", event=pl.lit("received"), event_date="received_on",
        detail=pl.when(pl.col("source") == "laporan").then(pl.lit("public report received"))
        .otherwise(pl.lit("supervisors' finding recorded")), order=pl.lit(0))
    registered = cases.filter(pl.col("registration") != "pending").select(
        "case_id", event="registration", event_date="reviewed_on",
        detail=pl.when(pl.col("registration") == "registered")
        .then(pl.lit("formal and material requirements met"))
        .otherwise(pl.lit("formal or material requirements not met")), order=pl.lit(1))
    extension = cases.filter(extended.fill_null(False)).select(
        "case_id", event=pl.lit("extension"), event_date=deadline,
        detail=pl.lit(f"decision deadline extended by {EXTENSION_DAYS} days"), order=pl.lit(2))
    decided = cases.filter(pl.col("decided_on").is_not_null()).select(
        "case_id", event=pl.lit("decided"), event_date="decided_on",
        detail=pl.concat_str([pl.col("finding"), pl.col("category")], separator=": ",
                             ignore_nulls=True), order=pl.lit(3))
    forwarded = cases.filter(pl.col("forwarded_on").is_not_null()).select(
        "case_id", event=pl.lit("forwarded"), event_date="forwarded_on",
        detail=pl.col("forwarded_to"), order=pl.lit(4))
    return (
        pl.concat([received, registered, extension, decided, forwarded])
        .sort("case_id", "order")
        .select("case_id", seq=pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("case_id"),
                event="event", event_date="event_date", detail="detail")
    )


def generate_violations(regions: pl.DataFrame, voters_by_regency: pl.DataFrame,
                        seed: int) -> ViolationData:
    """Cases and events of Pemilu 2024 and Pilkada 2024, with calibration and overdue cases as
    ground truth.

    ``regions`` is the region frame of ``pantau.reference`` (national or a slice);
    ``voters_by_regency`` has ``regency_code`` and ``voters_total`` (the case weight). Totals are
    the national ones whatever the slice.
    """
    rng = np.random.default_rng(seed)
    regions = regions.sort("code")
    regencies, high = _regency_weights(regions, voters_by_regency, rng)
    cases = pl.concat([_election_cases(election, CALIBRATION[election], regencies, regions, rng)
                       for election in CALIBRATION])

    # Case numbers: a sequence per regency, source and year in order of receipt, e.g.
    # 001/LP/PL/KAB/64.09/II/2024 (LP = laporan, TM = temuan; KAB for part 01-69, KOTA 71-79).
    cases = cases.with_columns(
        pl.col("region_code").str.slice(0, 2).alias("province_code"),
        pl.col("region_code").str.slice(0, 5).alias("regency_code"),
        pl.when(pl.col("region_code").str.len_chars() >= 8)
        .then(pl.col("region_code").str.slice(0, 8)).alias("district_code"),
        pl.when(pl.col("region_code").str.len_chars() >= 13)
        .then(pl.col("region_code")).alias("village_code"),
        year=pl.col("received_on").dt.year(),
        row=pl.int_range(pl.len()),
    ).sort("regency_code", "source", "year", "received_on", "row").with_columns(
        seq=pl.int_range(1, pl.len() + 1).over("regency_code", "source", "year"))
    cases = cases.with_columns(case_id=pl.concat_str([
        pl.col("seq").cast(pl.Utf8).str.zfill(3),
        pl.when(pl.col("source") == "laporan").then(pl.lit("LP")).otherwise(pl.lit("TM")),
        pl.lit("PL"),
        pl.when(pl.col("regency_code").str.slice(3, 2).cast(pl.Int32) >= 71)
        .then(pl.lit("KOTA")).otherwise(pl.lit("KAB")),
        pl.col("regency_code"),
        pl.col("received_on").dt.month().cast(pl.Int64).replace_strict(
            {i + 1: r for i, r in enumerate(ROMAN_MONTHS)}, return_dtype=pl.Utf8),
        pl.col("year").cast(pl.Utf8),
    ], separator="/")).sort("election", "received_on", "case_id")

    events = _events(cases)
    violation_case = cases.select(
        "case_id", "election", "source", "stage", "reported_party", "registration", "finding",
        "category", "subcategory", "forwarded_to", "occurred_on", "received_on", "registered_on",
        "decided_on", "forwarded_on", "region_code", "province_code", "regency_code",
        "district_code", "village_code")
    return ViolationData(violation_case, events, _ground_truth(violation_case, high))


def _ground_truth(cases: pl.DataFrame, high_rate_provinces: list[str]) -> pl.DataFrame:
    """Calibration totals (the exact published figures), overdue cases and high-rate provinces."""
    rows: list[tuple[str, str, str, str]] = []
    for election, cal in CALIBRATION.items():
        figures = {
            "total": sum(cal.cases), "laporan": cal.cases[0], "temuan": cal.cases[1],
            "registered": sum(cal.registered), "registered_laporan": cal.registered[0],
            "registered_temuan": cal.registered[1], "not_registered": sum(cal.not_registered),
            "pending": sum(cal.pending),
            "violation": sum(cal.categories.values()) + cal.uncategorised,
            "not_violation": cal.not_violation, "in_process": cal.in_process,
            **cal.categories, "uncategorised": cal.uncategorised,
        }
        rows += [("violations", "calibration", f"{election}:{key}", str(value))
                 for key, value in figures.items()]
    cut_off = pl.col("election").replace_strict(
        {e: c.cut_off for e, c in CALIBRATION.items()}, return_dtype=pl.Date)
    limit = DECISION_DAYS + EXTENSION_DAYS
    decided_days = (pl.col("decided_on") - pl.col("registered_on")).dt.total_days()
    open_days = (cut_off - pl.col("registered_on")).dt.total_days()
    overdue = cases.filter(
        (decided_days > limit) | ((pl.col("finding") == "in_process") & (open_days > limit))
    ).select(
        domain=pl.lit("violations"), kind=pl.lit("overdue"), subject="case_id",
        detail=pl.when(pl.col("decided_on").is_not_null())
        .then(pl.format("decided {} days after registration (limit {})", decided_days,
                        pl.lit(limit)))
        .otherwise(pl.format("in process {} days after registration at the cut-off {} "
                             "(limit {})", open_days, cut_off, pl.lit(limit))))
    rows += [("violations", "high_rate_province", code,
              f"case rate x{HIGH_RATE_FACTOR} on top of voters and regency effect")
             for code in high_rate_provinces]
    fixed = pl.DataFrame(rows, schema={"domain": pl.Utf8, "kind": pl.Utf8, "subject": pl.Utf8,
                                       "detail": pl.Utf8}, orient="row")
    return pl.concat([fixed, overdue])
