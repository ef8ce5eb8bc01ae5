"""The violations generator at national scale (it is small). The calibration figures below are
typed in from DOMAIN.md and the 6 March 2024 snapshot of violations_2024.csv, not read from the
generator; the other expectations come from the workflow rules of Perbawaslu 7/2022."""

from __future__ import annotations

import re
from datetime import date, timedelta

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from data_access import schema
from data_access.domain import FORWARD_DESTINATION, REPORTED_PARTIES, STAGES
from pantau.demo.violations import generate_violations
from pantau.reference import load_polling_stations, load_regions
from pantau.settings import get_settings

SEED = 5
CUT_OFF = {"pemilu2024": date(2024, 3, 6), "pilkada2024": date(2025, 1, 31)}
# DOMAIN.md "Real volumes to calibrate synthetic data".
CASES = {"pemilu2024": {"laporan": 1562, "temuan": 702},
         "pilkada2024": {"laporan": 5727, "temuan": 1254}}
REGISTERED = {"pemilu2024": 1193, "pilkada2024": 3727}
CATEGORIES = {"pemilu2024": {"administrative": 71, "ethics": 226, "criminal": 63, "other_law": 131},
              "pilkada2024": {"administrative": 501, "criminal": 212, "ethics": 292,
                              "other_law": 932}}
PEMILU_VIOLATIONS = 531
# violations_2024.csv, 2024-03-06: registration by source and the unregistered split.
PEMILU_REGISTERED_BY_SOURCE = {"laporan": 580, "temuan": 613}
PEMILU_NOT_REGISTERED = 604
PEMILU_PENDING = 467
PEMILU_NOT_VIOLATION = 386
ANCESTRY = ("province_code", "regency_code", "district_code", "village_code")
WIDTHS = (2, 5, 8, 13)


def _polars_type(column: sa.Column) -> pl.DataType:
    kind = column.type
    if isinstance(kind, sa.BigInteger):
        return pl.Int64
    if isinstance(kind, sa.Integer):
        return pl.Int32
    if isinstance(kind, sa.Date):
        return pl.Date
    if isinstance(kind, sa.Boolean):
        return pl.Boolean
    if isinstance(kind, sa.String | sa.Text):
        return pl.Utf8
    raise AssertionError(f"unexpected column type {kind!r}")


@pytest.fixture(scope="module")
def inputs() -> tuple[pl.DataFrame, pl.DataFrame]:
    directory = get_settings().reference_dir
    regions = load_regions(directory)
    # A voter weight per regency: ~250 voters per TPS is enough for a weight.
    voters = load_polling_stations(directory).group_by("regency_code").agg(
        voters_total=(pl.len() * 250).cast(pl.Int64))
    return regions, voters


@pytest.fixture(scope="module")
def data(inputs):
    return generate_violations(*inputs, SEED)


@pytest.fixture(scope="module")
def cases(data) -> pl.DataFrame:
    return data.violation_case


@pytest.mark.parametrize("attribute,table", [
    ("violation_case", schema.violation_case), ("violation_event", schema.violation_event),
    ("ground_truth", schema.demo_ground_truth),
])
def test_frames_match_store_tables(data, attribute, table):
    frame = getattr(data, attribute)
    assert list(frame.schema.items()) == [(c.name, _polars_type(c)) for c in table.columns]
    for column in table.columns:
        if not column.nullable:
            assert frame[column.name].null_count() == 0, column.name


def test_keys_are_unique(data):
    assert data.violation_case["case_id"].is_unique().all()
    assert data.violation_event.select("case_id", "seq").is_unique().all()
    assert data.ground_truth.select("domain", "kind", "subject").is_unique().all()
    assert data.violation_case["case_id"].str.len_chars().max() <= 64


@pytest.mark.parametrize("election", ["pemilu2024", "pilkada2024"])
def test_exact_calibration(cases, election):
    own = cases.filter(election=election)
    by_source = dict(own.group_by("source").len().iter_rows())
    assert by_source == CASES[election]
    assert own.filter(registration="registered").height == REGISTERED[election]
    violations = own.filter(finding="violation")
    categories = dict(violations.group_by("category").len().drop_nulls().iter_rows())
    for category, count in CATEGORIES[election].items():
        assert categories[category] == count, category
    assert set(categories) <= set(FORWARD_DESTINATION)
    # Registered cases are violations, not violations or in process; no finding otherwise.
    registered = own.filter(registration="registered")
    assert registered["finding"].null_count() == 0
    assert own.filter(pl.col("registration") != "registered")["finding"].null_count() == \
        own.filter(pl.col("registration") != "registered").height


def test_exact_pemilu_snapshot(cases):
    own = cases.filter(election="pemilu2024")
    assert own.height == 2264
    assert own.filter(finding="violation").height == PEMILU_VIOLATIONS
    registered = dict(own.filter(registration="registered").group_by("source").len().iter_rows())
    assert registered == PEMILU_REGISTERED_BY_SOURCE
    assert own.filter(registration="not_registered").height == PEMILU_NOT_REGISTERED
    assert own.filter(registration="pending").height == PEMILU_PENDING
    assert own.filter(finding="not_violation").height == PEMILU_NOT_VIOLATION
    tsm = own.filter(category="tsm").height
    assert 1 <= tsm <= 10  # "a handful"


def test_ground_truth_calibration_matches_the_frame(data, cases):
    truth = data.ground_truth.filter(kind="calibration")
    assert set(truth["domain"]) == {"violations"}
    figures = {s: int(d) for s, d in truth.select("subject", "detail").iter_rows()}
    for election, sources in CASES.items():
        for source, count in sources.items():
            assert figures[f"{election}:{source}"] == count
        own = cases.filter(election=election)
        assert figures[f"{election}:total"] == own.height
        assert figures[f"{election}:registered"] == REGISTERED[election]
        for category, count in CATEGORIES[election].items():
            assert figures[f"{election}:{category}"] == count
        assert figures[f"{election}:violation"] == own.filter(finding="violation").height
        assert figures[f"{election}:in_process"] == own.filter(finding="in_process").height
    assert figures["pemilu2024:violation"] == PEMILU_VIOLATIONS


def test_date_ordering(cases):
    cut_off = pl.col("election").replace_strict(CUT_OFF, return_dtype=pl.Date)
    c = cases.with_columns(cut_off=cut_off)
    chain = ("occurred_on", "received_on", "registered_on", "decided_on", "forwarded_on")
    for earlier, later in zip(chain, chain[1:], strict=False):
        bad = c.filter(pl.col(earlier) > pl.col(later))
        assert bad.height == 0, (earlier, later, bad.head(3))
    for column in chain:
        assert c.filter(pl.col(column) > pl.col("cut_off")).height == 0, column
    # Starts no earlier than the election's first stage.
    first = pl.col("election").replace_strict(
        {e: s[0].start for e, s in STAGES.items()}, return_dtype=pl.Date)
    assert c.filter(pl.col("occurred_on") < first).height == 0
    # A laporan within 7 days of the event; registration a few days after receipt.
    lag = (pl.col("received_on") - pl.col("occurred_on")).dt.total_days()
    assert c.filter((pl.col("source") == "laporan") & (lag > 7)).height == 0
    short = c.filter((pl.col("source") == "laporan")
                     & pl.col("stage").is_in(["quiet_period", "voting", "counting"]))
    assert short.filter(lag > 1).height == 0
    review = (pl.col("registered_on") - pl.col("received_on")).dt.total_days()
    assert c.filter(review > 5).height == 0


def test_workflow_fields_are_consistent(cases):
    assert cases.filter(
        (pl.col("registration") == "registered") != pl.col("registered_on").is_not_null()
    ).height == 0
    decided = pl.col("finding").is_in(["violation", "not_violation"])
    assert cases.filter(decided != pl.col("decided_on").is_not_null()).height == 0
    assert cases.filter(pl.col("category").is_not_null()
                        & (pl.col("finding") != "violation")).height == 0
    assert cases.filter(pl.col("subcategory").is_not_null()
                        & pl.col("category").is_null()).height == 0
    forwarded = cases.filter(pl.col("category").is_not_null())
    expected = forwarded["category"].map_elements(FORWARD_DESTINATION.get,
                                                  return_dtype=pl.Utf8)
    assert (forwarded["forwarded_to"] == expected).all()
    assert cases.filter(pl.col("category").is_null())["forwarded_to"].null_count() == \
        cases.filter(pl.col("category").is_null()).height
    assert cases.filter(pl.col("forwarded_to").is_not_null()
                        != pl.col("forwarded_on").is_not_null()).height == 0
    assert set(cases["source"].unique()) == {"laporan", "temuan"}
    assert set(cases["registration"].unique()) <= {"registered", "not_registered", "pending"}


def test_reported_parties(cases):
    assert cases["reported_party"].is_in(list(REPORTED_PARTIES)).all()
    asn = cases.filter(subcategory="asn_neutrality")
    assert asn.height > 0 and (asn["reported_party"] == "civil_servant").all()
    ethics = cases.filter(category="ethics")
    assert (ethics["reported_party"] == "election_official").all()
    assert cases["reported_party"].n_unique() >= 5


def test_stage_matches_occurrence(cases):
    for election, stages in STAGES.items():
        own = cases.filter(election=election)
        window = {s.key: (s.start, s.end) for s in stages}
        for stage, occurred in own.select("stage", "occurred_on").iter_rows():
            if stage is None:
                assert not any(s.start <= occurred <= s.end for s in stages), occurred
            else:
                start, end = window[stage]
                assert start <= occurred <= end, (stage, occurred)


def test_received_dates_peak_around_voting(cases):
    monthly = cases.group_by("election", month=pl.col("received_on").dt.truncate("1mo")).len()
    pemilu = monthly.filter(election="pemilu2024").sort("len")["month"][-1]
    pilkada = monthly.filter(election="pilkada2024").sort("len")["month"][-1]
    assert pemilu == date(2024, 2, 1)
    assert pilkada in (date(2024, 11, 1), date(2024, 12, 1))
    # The campaign has more cases per day than voter updating.
    pemilu_cases = cases.filter(election="pemilu2024")
    per_day = {}
    for stage in ("voter_update", "campaign"):
        s = {x.key: x for x in STAGES["pemilu2024"]}[stage]
        n = pemilu_cases.filter(pl.col("received_on").is_between(s.start, s.end)).height
        per_day[stage] = n / ((s.end - s.start).days + 1)
    assert per_day["campaign"] > 2 * per_day["voter_update"]


def test_regions_and_ancestry(cases, inputs):
    regions, _ = inputs
    assert cases["region_code"].is_in(regions["code"].implode()).all()
    levels = cases.join(regions.select("code", "level"), left_on="region_code", right_on="code")
    shares = dict(levels.group_by("level").len().iter_rows())
    assert shares["regency"] > 0.6 * cases.height
    assert shares.get("district", 0) > 0 and shares.get("village", 0) > 0
    assert "province" not in shares
    for row in cases.select("region_code", *ANCESTRY).iter_rows(named=True):
        code = row["region_code"]
        for column, width in zip(ANCESTRY, WIDTHS, strict=True):
            assert row[column] == (code[:width] if len(code) >= width else None)


def test_case_ids(cases):
    pattern = re.compile(r"^(\d{3,})/(LP|TM)/PL/(KAB|KOTA)/(\d{2}\.\d{2})/([IVX]+)/(\d{4})$")
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    for case_id, source, regency, received in cases.select(
            "case_id", "source", "regency_code", "received_on").iter_rows():
        m = pattern.match(case_id)
        assert m, case_id
        assert m.group(2) == ("LP" if source == "laporan" else "TM")
        assert m.group(3) == ("KOTA" if int(regency[3:5]) >= 71 else "KAB")
        assert m.group(4) == regency
        assert m.group(5) == roman[received.month - 1]
        assert int(m.group(6)) == received.year


def test_events_follow_the_case(data, cases):
    events = data.violation_event
    assert set(events["case_id"].unique()) == set(cases["case_id"])
    seqs = events.group_by("case_id").agg(pl.col("seq").sort(), pl.col("event_date").sort_by(
        "seq"), pl.col("event").sort_by("seq"))
    case_by_id = {r["case_id"]: r for r in cases.iter_rows(named=True)}
    for case_id, seq, dates, names in seqs.iter_rows():
        assert seq == list(range(1, len(seq) + 1))
        assert dates == sorted(dates)
        case = case_by_id[case_id]
        assert names[0] == "received" and dates[0] == case["received_on"]
        expected = ["received"]
        if case["registration"] != "pending":
            expected.append(case["registration"])
        if case["registered_on"] is not None:
            assert dates[1] == case["registered_on"]
            deadline = case["registered_on"] + timedelta(days=7)
            end = case["decided_on"] or CUT_OFF[case["election"]]
            if end > deadline:
                expected.append("extension")
                assert dates[names.index("extension")] == deadline
        if case["decided_on"] is not None:
            expected.append("decided")
            assert dates[names.index("decided")] == case["decided_on"]
        if case["forwarded_on"] is not None:
            expected.append("forwarded")
            assert dates[names.index("forwarded")] == case["forwarded_on"]
        assert names == expected, (case_id, names)


def test_overdue_cases_in_ground_truth(data, cases):
    limit = 14  # 7 days plus the 7-day extension
    c = cases.with_columns(cut_off=pl.col("election").replace_strict(CUT_OFF,
                                                                     return_dtype=pl.Date))
    late = (pl.col("decided_on") - pl.col("registered_on")).dt.total_days() > limit
    stuck = (pl.col("finding") == "in_process") & (
        (pl.col("cut_off") - pl.col("registered_on")).dt.total_days() > limit)
    expected = c.filter(late.fill_null(False) | stuck)
    truth = data.ground_truth.filter(kind="overdue")
    assert set(truth["subject"]) == set(expected["case_id"])
    for election in CUT_OFF:
        own = expected.filter(election=election)
        assert own.filter(pl.col("decided_on").is_not_null()).height > 0
        assert own.filter(pl.col("finding") == "in_process").height > 0
    # Most decisions still come within the 7 days.
    decided = cases.filter(pl.col("decided_on").is_not_null())
    within = (decided["decided_on"] - decided["registered_on"]).dt.total_days() <= 7
    assert within.mean() > 0.5
    extended = (decided["decided_on"] - decided["registered_on"]).dt.total_days().is_between(8, 14)
    assert extended.sum() > 0


def test_more_voters_more_cases(cases, inputs):
    _, voters = inputs
    per_regency = cases.group_by("regency_code").len().join(
        voters, on="regency_code", how="right").with_columns(pl.col("len").fill_null(0))
    assert per_regency.select(pl.corr("len", "voters_total")).item() > 0.5


def test_determinism(data, inputs):
    again = generate_violations(*inputs, SEED)
    for name in ("violation_case", "violation_event", "ground_truth"):
        assert_frame_equal(getattr(data, name), getattr(again, name))
    other = generate_violations(*inputs, SEED + 1)
    assert not other.violation_case.equals(data.violation_case)


def test_a_one_province_slice_keeps_the_national_totals(inputs):
    regions, voters = inputs
    kaltim = regions.filter(province_code="64")
    data = generate_violations(kaltim, voters.filter(pl.col("regency_code").str.starts_with("64")),
                               SEED)
    cases = data.violation_case
    assert cases.height == sum(sum(v.values()) for v in CASES.values())
    assert (cases["province_code"] == "64").all()
    assert data.ground_truth.filter(kind="high_rate_province")["subject"].to_list() == ["64"]
