"""Anomaly queries on a small store whose flags are written by hand below, so every expected
count, share and order is worked out from these lists, not from the code under test."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from data_access import anomalies
from data_access.access import Actor, PublicModeRefused, RoleRefused
from data_access.anomalies import AnomalyRun, replace_flags
from data_access.engine import make_engine
from data_access.query import InvalidQuery
from data_access.security import access_log
from pantau.anomalies import FLAG_SCHEMA
from pantau.anomalies.explain import TEMPLATES
from pantau.anomalies.records import RULE_IDS
from tests import fixture_store

RUN_ID = "hand-run"
ANALYST = Actor("ana", "analyst")
ADMIN = Actor("root", "admin")
# (flag id, rule, severity, subject level, region code, record id)
HAND_FLAGS = [
    (1, "stage_growth", "high", "district", "91.01.02", None),
    (2, "voters_above_adults", "medium", "regency", "91.01", None),
    (3, "tps_over_limit", "high", "polling_station", "92.71.01.1001.002", None),
    (4, "duplicate_nik", "high", "record", "91.01.01.2001", "r1"),
    (5, "underage", "high", "record", "91.01.01.2001", "r2"),
    (6, "underage", "medium", "record", "91.01.02.2001", "r3"),
    (7, "birth_date_mismatch", "medium", "record", "91.01.01.2001", "r2"),  # r2 again
    (8, "crowded_family_card", "medium", "family_card", "91.01.01.2002", "r5"),
    (9, "tps_overfull", "high", "polling_station", "92.71.01.1001", None),
]


def hand_flags() -> pl.DataFrame:
    rows = []
    for fid, rule, severity, subject, code, record in HAND_FLAGS:
        parts = code.split(".")
        rows.append({
            "flag_id": fid, "run_id": RUN_ID, "rule_id": rule, "severity": severity,
            "subject_level": subject, "region_code": code, "record_id": record,
            "record_key": None if record is None else f"hmac-{record}",
            "stage": "DPS" if subject in ("district", "regency") else None, "evidence": "{}",
            "explanation_id": f"alasan {fid}", "explanation_en": f"reason {fid}",
            **{f"{lv}_code": ".".join(parts[: i + 1]) if len(parts) > i else None
               for i, lv in enumerate(("province", "regency", "district", "village"))},
        })
    return pl.DataFrame(rows, schema=FLAG_SCHEMA)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    url = fixture_store.build(tmp_path_factory.mktemp("anomalies") / "store.duckdb")
    now = datetime(2024, 3, 1, 8, 0)
    replace_flags(hand_flags(), AnomalyRun(RUN_ID, now, now, 6, "hand-made", False), url)
    engine = make_engine(url, read_only=True)
    yield engine
    engine.dispose()


def counts(frame: pl.DataFrame) -> dict[tuple[str, str], int]:
    return {(r["region_code"], r["rule_id"]): r["flags"] for r in frame.iter_rows(named=True)}


def test_rule_lists_partition_the_explained_rules():
    base_keys = {key.split(".")[0] for key in TEMPLATES}
    assert set(anomalies.REGION_RULES) | set(RULE_IDS) == base_keys
    assert not set(anomalies.REGION_RULES) & set(RULE_IDS)


def test_counts_per_regency_and_rule(store):
    frame = anomalies.anomaly_counts("regency", engine=store)
    assert frame.columns == ["region_code", "region_name", "rule_id", "flags", "suppressed"]
    assert not frame["suppressed"].any()  # kab/kota counts are never hidden
    assert counts(frame) == {
        ("91.01", "birth_date_mismatch"): 1, ("91.01", "crowded_family_card"): 1,
        ("91.01", "duplicate_nik"): 1, ("91.01", "stage_growth"): 1, ("91.01", "underage"): 2,
        ("91.01", "voters_above_adults"): 1,
        ("92.71", "tps_over_limit"): 1, ("92.71", "tps_overfull"): 1,
    }
    assert set(frame.filter(pl.col("region_code") == "92.71")["region_name"]) == {"KOTA TUJUH"}


def test_counts_per_district_leave_out_flags_about_a_whole_regency(store, monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")
    frame = anomalies.anomaly_counts("district", "91", engine=store)
    assert counts(frame) == {
        ("91.01.01", "birth_date_mismatch"): 1, ("91.01.01", "crowded_family_card"): 1,
        ("91.01.01", "duplicate_nik"): 1, ("91.01.01", "underage"): 1,
        ("91.01.02", "stage_growth"): 1, ("91.01.02", "underage"): 1,
    }


def test_counts_filtered_by_rule_and_severity(store):
    medium = anomalies.anomaly_counts("regency", severities=["medium"], engine=store)
    assert counts(medium) == {("91.01", "birth_date_mismatch"): 1,
                              ("91.01", "crowded_family_card"): 1, ("91.01", "underage"): 1,
                              ("91.01", "voters_above_adults"): 1}
    underage = anomalies.anomaly_counts("province", rules=["underage"], engine=store)
    assert counts(underage) == {("91", "underage"): 2}
    assert anomalies.anomaly_counts("village", "92", rules=["underage"], engine=store).height == 0


def test_public_district_counts_hide_small_record_counts_with_their_complements(store):
    """k = 5. Per rule, Kab. Satu's two kecamatan are each other's siblings: underage 1 and 1
    are both below k; birth_date_mismatch, crowded_family_card and duplicate_nik are 1 in
    91.01.01 and 0 in 91.01.02, so the 0 is hidden too (else the kab/kota total would give the 1
    away). The stage_growth flag describes a region and stays."""
    frame = anomalies.anomaly_counts("district", "91", engine=store)
    shown = {(r["region_code"], r["rule_id"]): (r["flags"], r["suppressed"])
             for r in frame.iter_rows(named=True)}
    hidden = (None, True)
    assert shown == {
        ("91.01.01", "birth_date_mismatch"): hidden, ("91.01.02", "birth_date_mismatch"): hidden,
        ("91.01.01", "crowded_family_card"): hidden, ("91.01.02", "crowded_family_card"): hidden,
        ("91.01.01", "duplicate_nik"): hidden, ("91.01.02", "duplicate_nik"): hidden,
        ("91.01.01", "underage"): hidden, ("91.01.02", "underage"): hidden,
        ("91.01.02", "stage_growth"): (1, False),
    }

@pytest.mark.parametrize("kwargs", [{"severities": ["urgent"]}, {"rules": ["x'; DROP TABLE a"]},
                                    {"rules": [""]}])
def test_filters_outside_their_allow_list_are_refused(store, kwargs):
    with pytest.raises(InvalidQuery):
        anomalies.anomaly_counts("regency", engine=store, **kwargs)


def test_record_is_not_a_region_level(store):
    with pytest.raises(InvalidQuery):
        anomalies.anomaly_counts("record", engine=store)


def test_map_metrics_count_voters_once_and_divide_by_the_dpt(store, monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")
    frame = anomalies.anomaly_map_metrics("district", "91", engine=store)
    rows = {r["region_code"]: r for r in frame.iter_rows(named=True)}
    assert set(rows) == {"91.01.01", "91.01.02", "91.02.01"}
    # 91.01.01: flags 4, 5, 7 (records r1, r2, r2) and 8 (a family-card group): voters r1, r2.
    # DPT = the desa recaps 220 + 200 + 80 + 85.
    a = rows["91.01.01"]
    assert (a["anomaly_flags"], a["region_flags"], a["record_flags"], a["flagged_voters"],
            a["voters"]) == (4, 0, 4, 2, 585)
    assert a["flagged_share"] == pytest.approx(2 / 585)
    b = rows["91.01.02"]
    assert (b["anomaly_flags"], b["region_flags"], b["record_flags"], b["flagged_voters"],
            b["voters"]) == (2, 1, 1, 1, 290)
    c = rows["91.02.01"]
    assert (c["anomaly_flags"], c["flagged_voters"], c["voters"], c["flagged_share"]) == (
        0, 0, 155, 0.0)


def test_map_metrics_nationally_and_filtered(store):
    frame = anomalies.anomaly_map_metrics("province", engine=store)
    rows = {r["region_code"]: r for r in frame.iter_rows(named=True)}
    assert (rows["91"]["anomaly_flags"], rows["91"]["region_flags"],
            rows["91"]["flagged_voters"], rows["91"]["voters"]) == (7, 2, 3, 1030)
    assert (rows["92"]["anomaly_flags"], rows["92"]["flagged_voters"], rows["92"]["voters"]) == (
        2, 0, 515)
    high = anomalies.anomaly_map_metrics("province", severities=["high"], engine=store)
    assert dict(zip(high["region_code"], high["flagged_voters"], strict=True)) == {"91": 2, "92": 0}


def test_public_map_metrics_hide_kecamatan_with_few_flagged_voters(store):
    """Flagged voters: 91.01.01 has 2, 91.01.02 has 1 (siblings under Kab. Satu: both hidden);
    91.02.01 has none and is alone under Kab. Dua: shown."""
    frame = anomalies.anomaly_map_metrics("district", "91", engine=store)
    rows = {r["region_code"]: r for r in frame.iter_rows(named=True)}
    for code in ("91.01.01", "91.01.02"):
        row = rows[code]
        assert row["suppressed"] is True
        assert (row["anomaly_flags"], row["record_flags"], row["flagged_voters"],
                row["flagged_share"]) == (None, None, None, None)
    assert (rows["91.01.02"]["region_flags"], rows["91.01.02"]["voters"]) == (1, 290)
    assert rows["91.02.01"]["suppressed"] is False and rows["91.02.01"]["flagged_voters"] == 0
    provinces = anomalies.anomaly_map_metrics("province", engine=store)
    assert not provinces["suppressed"].any()


def test_totals_of_a_scope_follow_its_row_among_siblings(store, monkeypatch):
    national = anomalies.anomaly_totals(engine=store)
    assert (national["anomaly_flags"], national["region_flags"], national["record_flags"],
            national["flagged_voters"], national["voters"]) == (9, 3, 6, 3, 1030 + 515)
    assert national["flagged_share"] == pytest.approx(3 / 1545)
    monkeypatch.setenv("PANTAU_MODE", "internal")
    internal = anomalies.anomaly_totals("91.01.02", engine=store)
    monkeypatch.setenv("PANTAU_MODE", "public")
    assert (internal["anomaly_flags"], internal["flagged_voters"], internal["voters"]) == (2, 1, 290)
    public = anomalies.anomaly_totals("91.01.02", engine=store)
    assert public["suppressed"] is True and public["flagged_voters"] is None
    with pytest.raises(InvalidQuery):
        anomalies.anomaly_totals("91.09", engine=store)


def test_rule_counts_hide_small_record_counts_in_a_kecamatan(store, monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")
    internal = anomalies.anomaly_rule_counts("91.01.01", engine=store)
    monkeypatch.setenv("PANTAU_MODE", "public")
    assert dict(zip(internal["rule_id"], internal["flags"], strict=True)) == {
        "birth_date_mismatch": 1, "crowded_family_card": 1, "duplicate_nik": 1, "underage": 1}
    # Hidden, Kec. Satu A lists every record-level cell its kab/kota publishes (underage medium
    # too, which it has none of), so a listed row does not say "at least one".
    public = anomalies.anomaly_rule_counts("91.01.01", engine=store)
    assert public["suppressed"].all() and public["flags"].null_count() == 5
    province = anomalies.anomaly_rule_counts("91", engine=store)
    assert not province["suppressed"].any()
    assert dict(province.group_by("rule_id").agg(pl.col("flags").sum()).iter_rows()) == {
        "stage_growth": 1, "voters_above_adults": 1, "duplicate_nik": 1, "underage": 2,
        "birth_date_mismatch": 1, "crowded_family_card": 1}


def test_region_flags_are_region_rules_only_most_severe_first(store):
    frame = anomalies.region_flags(engine=store)
    assert frame["region_code"].to_list() == ["91.01.02", "92.71.01.1001.002", "91.01"]
    assert frame["region_name"].to_list() == ["KEC. SATU B", "KEL. TUJUH A1", "KAB. SATU"]
    assert frame["explanation_en"].to_list() == ["reason 1", "reason 3", "reason 2"]
    assert set(anomalies.region_flags("92", engine=store)["rule_id"]) == {"tps_over_limit"}
    assert anomalies.region_flags(severities=["medium"], engine=store)["region_code"].to_list() \
        == ["91.01"]
    assert anomalies.region_flags(limit=1, engine=store).height == 1


def test_record_flags_are_refused_in_public_mode(store, monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "public")
    with pytest.raises(PublicModeRefused):
        anomalies.record_flags(actor=ADMIN, engine=store)
    monkeypatch.delenv("PANTAU_MODE")  # the default is public too
    with pytest.raises(PublicModeRefused):
        anomalies.record_flags(actor=ADMIN, engine=store)
    monkeypatch.setenv("PANTAU_MODE", "internal")
    for actor in (None, Actor("vera", "viewer")):
        with pytest.raises(RoleRefused):
            anomalies.record_flags(actor=actor, engine=store)


def test_record_flags_in_internal_mode(store, monkeypatch, security_store):
    monkeypatch.setenv("PANTAU_MODE", "internal")
    frame = anomalies.record_flags(actor=ANALYST, engine=store)
    assert frame.columns == ["region_code", "record_id", "rule_id", "severity", "subject_level",
                             "explanation_id", "explanation_en"]
    assert frame.select("region_code", "record_id", "rule_id").rows() == [
        ("91.01.01.2001", "r2", "birth_date_mismatch"), ("91.01.01.2001", "r1", "duplicate_nik"),
        ("91.01.01.2001", "r2", "underage"), ("91.01.01.2002", "r5", "crowded_family_card"),
        ("91.01.02.2001", "r3", "underage"), ("92.71.01.1001", None, "tps_overfull"),
    ]
    assert not frame["explanation_en"].str.contains("hmac").any()
    logged = access_log.recent(1, by=ADMIN).row(0, named=True)
    assert (logged["username"], logged["what"], logged["scope"], logged["rows"]) == (
        "ana", "record-level anomaly flags", "national", 6)
    scoped = anomalies.record_flags("91.01.02", actor=ANALYST, severities=["medium"], engine=store)
    assert scoped["record_id"].to_list() == ["r3"]
    assert anomalies.record_flags(actor=ANALYST, limit=2, engine=store).height == 2


def test_latest_run(store):
    run = anomalies.latest_run(engine=store)
    assert run["run_id"] == RUN_ID and run["records_scanned"] == 6
