"""Synthetic reporting compliance: supervisory posts, LHP obligations and the reports filed.

Compliance is reports filed / reports expected (DOMAIN.md), so the generator models the
denominator explicitly: one obligation per supervisor, per stage the body reports on
(``BODY_STAGES``), per election. Posts follow the real structure on the real 2024 region and TPS
reference: one Bawaslu Provinsi per province, one Bawaslu Kab/Kota per regency, three Panwascam
seats per kecamatan, one PKD per desa and one PTPS per TPS. Staffing gaps are planted the way
they were reported (~18,000 TPS without a PTPS at one point), clustered by regency and worse in
the remote Papua provinces; an unstaffed post simply has no supervisor row and owes nothing.

Filing and lateness vary by regency (a random effect), body (ad hoc PTPS worse than permanent
Bawaslu), stage and election. A few regencies are made systematically poor and recorded in the
ground truth so that the dashboard's compliance views can be scored against what was planted.
Everything is vectorised (~6.3 million obligations at national scale) and a pure function of the
inputs and the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from data_access.domain import BODY_STAGES, ELECTIONS, STAGE_KEYS, STAGES, SUPERVISOR_BODIES

BODIES: tuple[str, ...] = tuple(SUPERVISOR_BODIES)
_EPOCH = date(1970, 1, 1)
_ANCESTRY = ("province_code", "regency_code", "district_code", "village_code")

# Staffing: DOMAIN.md reports ~18,000 TPS without a PTPS at one point (of 820,161 TPS); for PKD
# we plant "a few hundred" desa (300 of 83,731) without one.
UNSTAFFED_PTPS_SHARE = 18_000 / 820_161
UNSTAFFED_PKD_SHARE = 300 / 83_731
# Papua, Papua Barat, Papua Selatan, Papua Tengah, Papua Pegunungan, Papua Barat Daya: the
# remote provinces where recruitment of ad hoc supervisors is hardest.
REMOTE_PROVINCES: frozenset[str] = frozenset({"91", "92", "93", "94", "95", "96"})

# Filing: a typical regency files ~92% of what it owes (national ~90% once the poor ones are in);
# systematically poor regencies file 45-65%.
TYPICAL_FILING_RATE = 0.92
TYPICAL_FILING_RANGE = (0.75, 0.99)
POOR_FILING_RANGE = (0.45, 0.65)
POOR_REGENCIES = 12
MAX_POOR_PER_PROVINCE = 2
PROVINCE_FILING_RATE = 0.97  # Bawaslu Provinsi: permanent, staffed secretariat
TYPICAL_LATE_SHARE = 0.08  # share of filed reports that arrive after the due date
POOR_LATE_SHARE = 0.22

# Log-odds effects. Ad hoc posts (PTPS, PKD) file less than permanent Bawaslu; voting day gets
# the most attention, long stages (campaign, recapitulation, voter update) the least.
FILING_BODY_EFFECT = {"bawaslu_province": 0.0, "bawaslu_regency": 1.8, "panwascam": 0.8,
                      "pkd": 0.5, "ptps": 0.0}
FILING_STAGE_EFFECT = {"voter_update": -0.3, "candidacy": -0.1, "campaign": -0.2,
                       "quiet_period": -0.1, "voting": 0.4, "counting": 0.2,
                       "recapitulation": -0.3}
FILING_ELECTION_EFFECT = {"pemilu2024": 0.1, "pilkada2024": -0.1}
LATE_BODY_EFFECT = {"bawaslu_province": -1.2, "bawaslu_regency": -0.8, "panwascam": 0.0,
                    "pkd": 0.1, "ptps": 0.3}
LATE_STAGE_EFFECT = {"voter_update": 0.2, "candidacy": 0.0, "campaign": 0.3,
                     "quiet_period": 0.0, "voting": -0.4, "counting": -0.2,
                     "recapitulation": 0.3}
SUPERVISOR_EFFECT_SD = 0.6  # some people simply do not report, whatever the stage
FINDINGS_SHARE = {"bawaslu_province": 0.10, "bawaslu_regency": 0.12, "panwascam": 0.08,
                  "pkd": 0.05, "ptps": 0.03}
FINDINGS_STAGE_FACTOR = {"campaign": 1.8, "quiet_period": 1.5, "voting": 1.3}

# Due dates. A stage-long activity is reported within 7 days of the stage's end; a PTPS exists
# only around voting day (formed 23 days before, dissolved 7 days after), so its Form A is due the
# day after the stage; other bodies report voting and counting within 3 days.
STAGE_DUE_DAYS = 7
PTPS_DUE_DAYS = 1
VOTING_DAY_DUE_DAYS = 3
MAX_LATE_DAYS = 45

# Report numbers follow the LHP pattern ``…/LHP/PM.01.xx/…`` with the issuing unit in the middle
# (as real Bawaslu letter numbers carry the unit), which makes them unique nationally.
UNIT_PREFIX = {"bawaslu_province": "BP", "bawaslu_regency": "BK", "panwascam": "PK",
               "pkd": "PKD", "ptps": "PTPS"}


@dataclass(frozen=True)
class ComplianceData:
    """Frames matching ``supervisor``, ``report_obligation``, ``supervision_report`` and
    ``demo_ground_truth``."""

    supervisor: pl.DataFrame
    report_obligation: pl.DataFrame
    supervision_report: pl.DataFrame
    ground_truth: pl.DataFrame


def _days(day: date) -> int:
    return (day - _EPOCH).days


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float | np.ndarray) -> float | np.ndarray:
    return np.log(p) - np.log1p(-p)


def _solve_offsets(groups: np.ndarray, logits: np.ndarray, weights: np.ndarray,
                   targets: np.ndarray) -> np.ndarray:
    """Per-group offset ``a`` with weighted mean of sigmoid(a + logits) equal to the group target.

    Bisection on all groups at once: the cells are few (regency × body × stage), so this is cheap
    and makes each regency's expected rate exactly the rate drawn for it.
    """
    n = len(targets)
    total = np.maximum(np.bincount(groups, weights=weights, minlength=n), 1e-12)
    lo, hi = np.full(n, -20.0), np.full(n, 20.0)
    for _ in range(60):
        mid = (lo + hi) / 2
        rate = np.bincount(groups, weights=weights * _sigmoid(mid[groups] + logits), minlength=n)
        high = rate / total > targets
        hi = np.where(high, mid, hi)
        lo = np.where(high, lo, mid)
    return (lo + hi) / 2


def _index_of(codes: pl.Series, keys: pl.Series) -> np.ndarray:
    """Position of each code in ``keys``, or -1 when absent (effect arrays keep a 0 at -1)."""
    lookup = pl.DataFrame({"key": keys, "pos": np.arange(len(keys), dtype=np.int64)})
    return (
        pl.DataFrame({"key": codes}).join(lookup, on="key", how="left", maintain_order="left")
        ["pos"].fill_null(-1).to_numpy()
    )


def _with_zero(values: np.ndarray) -> np.ndarray:
    """Append a 0 so that index -1 (an unknown parent) gets no effect."""
    return np.append(values, 0.0)


def _ancestry_for(code: pl.Expr, level_index: int) -> list[pl.Expr]:
    """Ancestor codes down to ``level_index`` (0 = province); finer ones null."""
    widths = (2, 5, 8, 13)
    return [
        (code.str.slice(0, w) if i <= level_index else pl.lit(None, dtype=pl.Utf8)).alias(name)
        for i, (name, w) in enumerate(zip(_ANCESTRY, widths, strict=True))
    ]


def _posts(frame: pl.DataFrame, body: str, level_index: int) -> pl.DataFrame:
    """Supervisor rows (without id) for the posts in ``frame`` (``code``, optionally ``seat``).
    A PTPS supervises a TPS: its ancestry, sliced from the TPS code, stops at the desa."""
    code = pl.col("code")
    return frame.select(
        body=pl.lit(body),
        seat=pl.col("seat") if "seat" in frame.columns else pl.lit(1, dtype=pl.Int32),
        region_code=code,
        polling_station_code=code if body == "ptps" else pl.lit(None, dtype=pl.Utf8),
    ).with_columns(_ancestry_for(pl.col("region_code"), level_index))


def _supervisors(regions: pl.DataFrame, stations: pl.DataFrame, regencies: pl.Series,
                 rng: np.random.Generator) -> tuple[pl.DataFrame, dict[str, int]]:
    """One row per staffed post, ordered by body then code then seat; ids 1..n."""
    level = pl.col("level")
    provinces = regions.filter(level == "province").select("code")
    districts = regions.filter(level == "district").select("code")
    villages = regions.filter(level == "village").select("code", "regency_code")

    # Staffing gaps: a regency effect (and for TPS a kecamatan effect) on the log-odds of a
    # vacancy, +2 in remote Papua, lower in cities (kota, regency part 71-79); the base is
    # solved so that the expected national count matches the reported share.
    n_reg = len(regencies)
    remote = regencies.str.slice(0, 2).is_in(list(REMOTE_PROVINCES)).to_numpy()
    kota = regencies.str.slice(3, 2).cast(pl.Int32).to_numpy() >= 71
    z_reg_ptps = rng.standard_normal(n_reg)
    z_reg_pkd = rng.standard_normal(n_reg)
    reg_logit_ptps = _with_zero(0.9 * z_reg_ptps + 2.0 * remote - 0.6 * kota)
    reg_logit_pkd = _with_zero(1.3 * z_reg_pkd + 2.5 * remote - 0.8 * kota)

    station_reg = _index_of(stations["regency_code"], regencies)
    station_dist_keys, station_dist = np.unique(stations["district_code"].to_numpy(),
                                                return_inverse=True)
    z_dist = 0.7 * rng.standard_normal(len(station_dist_keys))
    ptps_logit = reg_logit_ptps[station_reg] + z_dist[station_dist]
    base = _solve_offsets(np.zeros(len(ptps_logit), dtype=np.int64), ptps_logit,
                          np.ones(len(ptps_logit)), np.array([UNSTAFFED_PTPS_SHARE]))[0]
    ptps_vacant = rng.random(len(ptps_logit)) < _sigmoid(base + ptps_logit)

    village_reg = _index_of(villages["regency_code"], regencies)
    pkd_logit = reg_logit_pkd[village_reg]
    base = _solve_offsets(np.zeros(len(pkd_logit), dtype=np.int64), pkd_logit,
                          np.ones(len(pkd_logit)), np.array([UNSTAFFED_PKD_SHARE]))[0]
    pkd_vacant = rng.random(len(pkd_logit)) < _sigmoid(base + pkd_logit)

    seats = pl.DataFrame({"seat": pl.Series([1, 2, 3], dtype=pl.Int32)})
    parts = [
        _posts(provinces, "bawaslu_province", 0),
        _posts(pl.DataFrame({"code": regencies}), "bawaslu_regency", 1),
        _posts(districts.join(seats, how="cross").sort("code", "seat"), "panwascam", 2),
        _posts(villages.filter(pl.Series(~pkd_vacant)), "pkd", 3),
        _posts(stations.filter(pl.Series(~ptps_vacant)), "ptps", 3),
    ]
    supervisors = pl.concat(parts).with_columns(
        supervisor_id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
    gaps = {"ptps": int(ptps_vacant.sum()), "pkd": int(pkd_vacant.sum())}
    return supervisors, gaps


def _pick_poor_regencies(regencies: pl.Series, rng: np.random.Generator) -> np.ndarray:
    """Indices of the systematically poor regencies: 12 nationally (fewer on a small slice), at
    most two per province so that they are spread over several provinces."""
    n = len(regencies)
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    count = min(POOR_REGENCIES, max(2, n // 40), n - 1)
    province = regencies.str.slice(0, 2).to_list()
    cap = max(MAX_POOR_PER_PROVINCE, -(-count // len(set(province))))
    chosen: list[int] = []
    per_province: dict[str, int] = {}
    for i in rng.permutation(n):  # loops over regencies (514), not rows
        if per_province.get(province[i], 0) < cap:
            chosen.append(int(i))
            per_province[province[i]] = per_province.get(province[i], 0) + 1
            if len(chosen) == count:
                break
    return np.sort(np.array(chosen, dtype=np.int64))


def _schedule() -> pl.DataFrame:
    """Every (body, election, stage) obligation slot with its due date, in a fixed order."""
    rows = []
    for body in BODIES:
        for e, election in enumerate(ELECTIONS):
            stages = {s.key: s for s in STAGES[election]}
            for key in BODY_STAGES[body]:
                stage = stages[key]
                if body == "ptps":
                    lag = PTPS_DUE_DAYS
                elif key in ("voting", "counting"):
                    lag = VOTING_DAY_DUE_DAYS
                else:
                    lag = STAGE_DUE_DAYS
                rows.append({"body": body, "election_idx": e,
                             "stage_idx": STAGE_KEYS.index(key),
                             "end": _days(stage.end),
                             "due": _days(stage.end) + lag})
    return pl.DataFrame(rows)


def generate_compliance(regions: pl.DataFrame, polling_stations: pl.DataFrame,
                        seed: int) -> ComplianceData:
    """Supervisors, LHP obligations, filed reports and the planted ground truth.

    ``regions`` and ``polling_stations`` are the frames of ``pantau.reference`` (national or a
    slice); the result depends only on them and ``seed``.
    """
    rng = np.random.default_rng(seed)
    regions = regions.sort("code")
    stations = polling_stations.select("code", "village_code", "district_code", "regency_code",
                                       "province_code").sort("code")
    regencies = regions.filter(pl.col("level") == "regency")["code"]
    n_reg = len(regencies)

    supervisors, gaps = _supervisors(regions, stations, regencies, rng)
    n_sup = supervisors.height
    sup_body = supervisors["body"].replace_strict(
        {b: i for i, b in enumerate(BODIES)}, return_dtype=pl.Int8).to_numpy()
    sup_reg = _index_of(supervisors["regency_code"], regencies)  # -1 for Bawaslu Provinsi

    # Obligations: each supervisor × the (election, stage) slots of its body, in supervisor order.
    schedule = _schedule()
    slot_body = schedule["body"].replace_strict(
        {b: i for i, b in enumerate(BODIES)}, return_dtype=pl.Int8).to_numpy()
    ob_sup_parts, ob_slot_parts = [], []
    for b in range(len(BODIES)):
        sups = np.flatnonzero(sup_body == b)
        slots = np.flatnonzero(slot_body == b)
        ob_sup_parts.append(np.repeat(sups, len(slots)).astype(np.int32))
        ob_slot_parts.append(np.tile(slots, len(sups)).astype(np.int16))
    ob_sup = np.concatenate(ob_sup_parts)
    ob_slot = np.concatenate(ob_slot_parts)
    del ob_sup_parts, ob_slot_parts
    n_ob = len(ob_sup)

    slot_election = schedule["election_idx"].to_numpy()
    slot_stage = schedule["stage_idx"].to_numpy()
    slot_end = schedule["end"].to_numpy()
    slot_due = schedule["due"].to_numpy()
    body_names = list(BODIES)
    stage_names = list(STAGE_KEYS)

    def slot_effect(by_body: dict[str, float], by_stage: dict[str, float],
                    by_election: dict[str, float] | None = None) -> np.ndarray:
        effect = np.array([by_body[body_names[slot_body[s]]] + by_stage[stage_names[slot_stage[s]]]
                           for s in range(schedule.height)])
        if by_election:
            effect += np.array([by_election[ELECTIONS[e]] for e in slot_election])
        return effect

    file_slot = slot_effect(FILING_BODY_EFFECT, FILING_STAGE_EFFECT, FILING_ELECTION_EFFECT)
    late_slot = slot_effect(LATE_BODY_EFFECT, LATE_STAGE_EFFECT)

    # Regency rates: typical regencies around 92% (spread by a random effect), poor ones 45-65%.
    poor = _pick_poor_regencies(regencies, rng)
    is_poor = np.zeros(n_reg, dtype=bool)
    is_poor[poor] = True
    typical = _sigmoid(_logit(TYPICAL_FILING_RATE) + 0.5 * rng.standard_normal(n_reg))
    target = np.clip(typical, *TYPICAL_FILING_RANGE)
    target[poor] = rng.uniform(*POOR_FILING_RANGE, size=len(poor))
    late_base = np.where(is_poor, _logit(POOR_LATE_SHARE),
                         _logit(TYPICAL_LATE_SHARE) + 0.4 * rng.standard_normal(n_reg))

    # Solve each regency's offset on (regency, slot) cells so its expected filing rate is its
    # target; the supervisor effect is folded in with the logistic-normal approximation.
    shrink = 1.0 / np.sqrt(1.0 + np.pi * SUPERVISOR_EFFECT_SD**2 / 8.0)
    in_regency = sup_reg >= 0
    cell_sup = np.flatnonzero(in_regency)
    cells = pl.DataFrame({"reg": sup_reg[cell_sup], "body": sup_body[cell_sup]}).group_by(
        "reg", "body").len().sort("reg", "body")  # sorted: float sums in a fixed order
    cell_reg, cell_body, cell_n = (cells[c].to_numpy() for c in ("reg", "body", "len"))
    slots_of_body = [np.flatnonzero(slot_body == b) for b in range(len(BODIES))]
    counts = np.array([len(slots_of_body[b]) for b in cell_body])
    c_reg = np.repeat(cell_reg, counts)
    c_n = np.repeat(cell_n, counts).astype(np.float64)
    c_slot = np.concatenate([slots_of_body[b] for b in cell_body]) if len(cell_body) else \
        np.zeros(0, dtype=np.int64)
    offset = _solve_offsets(c_reg, shrink * file_slot[c_slot], c_n, target)
    offset = _with_zero(offset / shrink)
    late_base = _with_zero(late_base)
    province_offset = _logit(PROVINCE_FILING_RATE)

    # Per-obligation draws (float32 keeps the national run within the memory budget).
    sup_file_effect = (SUPERVISOR_EFFECT_SD * rng.standard_normal(n_sup)).astype(np.float32)
    sup_late_effect = (0.5 * rng.standard_normal(n_sup)).astype(np.float32)
    sup_offset = np.where(in_regency, offset[sup_reg], province_offset).astype(np.float32)
    sup_late = np.where(in_regency, late_base[sup_reg], _logit(TYPICAL_LATE_SHARE)).astype(
        np.float32)
    p_file = _sigmoid(sup_offset[ob_sup] + file_slot.astype(np.float32)[ob_slot]
                      + sup_file_effect[ob_sup])
    filed = rng.random(n_ob, dtype=np.float32) < p_file
    del p_file
    filed_idx = np.flatnonzero(filed)
    del filed
    f_sup = ob_sup[filed_idx]
    f_slot = ob_slot[filed_idx]
    p_late = _sigmoid(sup_late[f_sup] + late_slot.astype(np.float32)[f_slot]
                      + sup_late_effect[f_sup])
    late = rng.random(len(filed_idx), dtype=np.float32) < p_late
    del p_late

    # Submission dates: on time = between the stage's end and the due date; late = 1..45 days
    # after the due date, most within the first fortnight.
    due = slot_due[f_slot]
    window = due - slot_end[f_slot]
    on_time_day = due - np.floor(rng.random(len(filed_idx)) * (window + 1)).astype(np.int64)
    late_day = due + np.minimum(rng.geometric(0.15, size=len(filed_idx)), MAX_LATE_DAYS)
    submitted = np.where(late, late_day, on_time_day).astype(np.int32)
    del on_time_day, late_day, window, due
    findings_p = np.array([
        FINDINGS_SHARE[body_names[slot_body[s]]] * FINDINGS_STAGE_FACTOR.get(
            stage_names[slot_stage[s]], 1.0) for s in range(schedule.height)])
    has_findings = rng.random(len(filed_idx), dtype=np.float32) < findings_p[f_slot]

    # Report numbers: sequence per issuing unit (supervisor) and year, in submission order.
    submitted_dates = pl.Series(submitted).cast(pl.Date)
    year = submitted_dates.dt.year().to_numpy()
    order = np.lexsort((filed_idx, submitted, year, f_sup))
    sorted_sup, sorted_year = f_sup[order], year[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (sorted_sup[1:] != sorted_sup[:-1]) | (sorted_year[1:] != sorted_year[:-1])
    positions = np.arange(len(order))
    group_start = np.maximum.accumulate(np.where(new_group, positions, 0))
    seq = np.empty(len(order), dtype=np.int32)
    seq[order] = positions - group_start + 1
    del order, sorted_sup, sorted_year, new_group, positions, group_start

    unit = supervisors.select(
        unit=pl.concat_str([
            pl.col("body").replace_strict(UNIT_PREFIX, return_dtype=pl.Utf8), pl.lit("."),
            pl.col("region_code").str.replace_all(".", "", literal=True),
            pl.when(pl.col("body") == "panwascam")
            .then(pl.concat_str([pl.lit("."), pl.col("seat").cast(pl.Utf8)]))
            .otherwise(pl.lit("")),
        ]))["unit"]
    stage_code = pl.Series([f"{i + 1:02d}" for i in range(len(STAGE_KEYS))])
    reports = pl.DataFrame({
        "report_id": pl.Series(np.arange(1, len(filed_idx) + 1, dtype=np.int64)),
        "obligation_id": pl.Series(filed_idx.astype(np.int64) + 1),
        "seq": pl.Series(seq),
        "stage_code": stage_code.gather(pl.Series(slot_stage[f_slot].astype(np.int32))),
        "unit": unit.gather(pl.Series(f_sup)),
        "submitted_on": submitted_dates,
        "has_findings": pl.Series(has_findings),
    }).select(
        "report_id", "obligation_id",
        report_number=pl.concat_str([
            pl.col("seq").cast(pl.Utf8).str.zfill(3), pl.lit("/LHP/PM.01."), pl.col("stage_code"),
            pl.lit("/"), pl.col("unit"), pl.lit("/"),
            pl.col("submitted_on").dt.month().cast(pl.Utf8).str.zfill(2), pl.lit("/"),
            pl.col("submitted_on").dt.year().cast(pl.Utf8),
        ]),
        submitted_on="submitted_on", has_findings="has_findings",
    )
    del seq, submitted, has_findings, f_sup, f_slot, filed_idx, late

    obligations = supervisors.select("supervisor_id", "body", *_ANCESTRY).select(
        pl.all().gather(pl.Series(ob_sup))
    ).select(
        obligation_id=pl.int_range(1, n_ob + 1, dtype=pl.Int64),
        supervisor_id="supervisor_id", body="body",
        election=pl.Series(list(ELECTIONS)).gather(pl.Series(slot_election[ob_slot])),
        stage=pl.Series(stage_names).gather(pl.Series(slot_stage[ob_slot])),
        due_date=pl.Series(slot_due[ob_slot].astype(np.int32)).cast(pl.Date),
        province_code="province_code", regency_code="regency_code",
        district_code="district_code", village_code="village_code",
    )
    del ob_sup, ob_slot

    supervisors = supervisors.select(
        "supervisor_id", "body", "seat", "region_code", "polling_station_code", *_ANCESTRY)

    truth = [("compliance", "systematically_poor_regency", str(regencies[int(i)]),
              f"target filing rate {target[i]:.0%} (typical regency ~{TYPICAL_FILING_RATE:.0%}); "
              f"late share {POOR_LATE_SHARE:.0%}")
             for i in poor]
    truth += [("compliance", "unstaffed_posts", body, f"{count} posts without a supervisor")
              for body, count in gaps.items()]
    ground_truth = pl.DataFrame(truth, schema={"domain": pl.Utf8, "kind": pl.Utf8,
                                               "subject": pl.Utf8, "detail": pl.Utf8},
                                orient="row")
    return ComplianceData(supervisors, obligations, reports, ground_truth)
