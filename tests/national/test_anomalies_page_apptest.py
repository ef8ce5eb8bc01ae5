"""AppTest runs of the Anomali Daftar Pemilih page on the national demo store: it runs, it finds and
explains the IKN case, its filters narrow the tables, and record-level rows appear in internal
mode only."""

from __future__ import annotations

import polars as pl
import pytest
import sqlalchemy as sa

from dashboard.i18n import t
from data_access import schema
from data_access.query import fetch
from tests.accounts import oidc_user
from tests.national.test_pages_apptest import run, texts

pytestmark = pytest.mark.national
PAGE = "../pages/voter_anomalies.py"
REGION_RULES = ["stage_growth", "election_growth", "voters_above_adults", "tps_over_limit"]


def tr(message: str, lang: str = "id") -> str:
    """A label as the page shows it (the catalogue's translation once it has one)."""
    return t(message, lang)


def open_page(user: dict | None = None, **params: str):
    at = run(None, user=user, **params)
    at.switch_page(PAGE)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def table(at, column: str):
    """The dataframe on the page that has ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("scope", ["64", "64.09"])
def test_ikn_case_is_found_and_explained(scope):
    at = open_page(scope=scope)
    assert "Data simulasi — bukan data resmi" in texts(at)
    reasons = table(at, tr("Reason"))
    ikn = reasons[reasons[tr("Code")].isin(["64.09", "64.09.04"])]
    assert set(ikn[tr("Region")]) == {"Penajam Paser Utara", "Sepaku"}
    assert set(ikn[tr("Rule")]) == {tr("Unusual change between stages")}
    # the planted IKN case: DPS rose over DP4 in Sepaku, and so in Penajam Paser Utara
    assert ikn[tr("Reason")].str.startswith("DPS naik").all()
    assert ikn[tr("Reason")].str.contains("dari DP4").all()
    # and the reasons are written out in full, not only in the table
    written = [m.value for m in at.markdown if "DPS naik" in m.value and "dari DP4" in m.value]
    assert any("**Sepaku** (64.09.04)" in m for m in written), written
    assert any("**Penajam Paser Utara** (64.09)" in m for m in written), written


def test_english_page_explains_in_english():
    at = open_page(scope="64.09", lang="en")
    assert "Voter-list anomalies" in [t.value for t in at.title]
    reasons = table(at, "Reason")
    assert reasons["Reason"].str.startswith("DPS rose").sum() == 2


def test_public_page_lists_no_record_level_rows(demo_engine):
    at = open_page(scope="64.09")
    f = schema.anomaly_flag
    record_ids = set(fetch(sa.select(f.c.record_id).where(
        f.c.regency_code == "64.09", f.c.record_id.is_not(None)), demo_engine, {})["record_id"])
    assert len(record_ids) > 100
    shown = {str(v) for d in at.dataframe for col in d.value.columns for v in d.value[col]}
    assert not record_ids & shown
    assert tr("Record-level flags point at single voters, so they are listed in internal mode "
              "only; this public view shows their counts per rule and region.") in texts(at)


def test_headline_counts_match_the_store(demo_engine):
    f = schema.anomaly_flag
    expected = fetch(sa.select(sa.func.count().label("n")).where(f.c.province_code == "64"),
                     demo_engine, {"n": pl.Int64})["n"][0]
    at = open_page(scope="64")
    assert metric(at, tr("Anomaly flags")).replace(".", "") == str(expected)
    assert metric(at, tr("Region-level flags")) == "2"  # Penajam Paser Utara and Sepaku


def test_rule_and_severity_filters_narrow_the_tables():
    at = open_page(scope="64")
    at.multiselect(key="anomaly_rules").set_value(["underage"]).run()
    assert not at.exception
    per_rule = table(at, tr("Flags"))
    assert set(per_rule[tr("Rule")]) == {tr("Underage")}
    assert metric(at, tr("Region-level flags")) == "0"
    at.multiselect(key="anomaly_rules").set_value([]).run()
    at.multiselect(key="anomaly_severities").set_value(["low"]).run()
    assert not at.exception
    assert set(table(at, tr("Flags"))[tr("Severity")]) == {tr("Low")}
    # no region-level flag in Kalimantan Timur is of low severity: no reasons table
    assert not any(tr("Reason") in d.value.columns for d in at.dataframe)
    assert tr("No region-level flags for this selection.") in [i.value for i in at.info]


def test_internal_mode_lists_record_level_rows(monkeypatch, demo_engine):
    monkeypatch.setenv("PANTAU_MODE", "internal")
    at = open_page(oidc_user("analyst"), scope="64.09.04")
    records = table(at, tr("Record id"))
    f = schema.anomaly_flag
    expected = fetch(sa.select(sa.func.count().label("n")).where(
        f.c.district_code == "64.09.04",
        f.c.rule_id.not_in(REGION_RULES)), demo_engine, {"n": pl.Int64})["n"][0]
    assert len(records) == expected > 0
    assert records[tr("Code")].str.startswith("64.09.04.").all()


def test_hostile_parameters_fall_back_with_a_notice():
    at = open_page(scope="'; DROP TABLE anomaly_flag; --")
    assert at.info


@pytest.mark.parametrize("scope", [None, "64", "64.09"])
def test_share_map_draws_without_error(scope):
    at = open_page(**({"scope": scope} if scope else {}))
    at.segmented_control(key="anomaly_map_metric").set_value("flagged_share").run()
    assert not at.exception, at.exception
    assert at.segmented_control(key="anomaly_map_metric").value == "flagged_share"


def small_record_counts(at) -> list:
    """Counts of record-level rules between 1 and 4 in the flags-per-rule table."""
    per_rule = table(at, tr("Flags"))
    region_rules = {tr(label) for label in ("Unusual change between stages",
                                            "Unusual growth since the previous election",
                                            "More voters than adults", "TPS above 300 voters")}
    rows = per_rule[~per_rule[tr("Rule")].isin(region_rules)]
    # In public mode the column is text once a cell reads "suppressed".
    counts = [float(v) for v in rows[tr("Flags")] if str(v).replace(".", "", 1).isdigit()]
    return [v for v in counts if 1 <= v <= 4]


def test_public_kecamatan_view_hides_small_counts(monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")
    internal = open_page(oidc_user("analyst"), scope="64.09.04")
    assert small_record_counts(internal), "Sepaku has rules with 1-4 flags: the test can fail"
    monkeypatch.setenv("PANTAU_MODE", "public")
    public = open_page(scope="64.09.04")
    assert small_record_counts(public) == []
    assert any("1 to 4" in c.value or "1 sampai 4" in c.value for c in public.caption)
