"""AppTest runs of the Kepatuhan Pelaporan page on the national demo store: the page runs, shows
every rate with its denominator (checked against counts taken from the base tables by plain SQL),
ranks the planted poor regencies first, keeps its own URL parameters, refuses the missing-report
list outside the internal mode and hides desa cells behind a single supervisor in public mode."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from data_access.ground_truth import ground_truth
from pantau.formatting import format_number, format_share
from tests.accounts import oidc_user

pytestmark = pytest.mark.national

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGE = "../pages/compliance.py"


def run(user: dict | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if user is not None:
        at.user = user
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE)
    for key, value in params.items():  # as if the visitor opened the page's own link
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [*at.markdown, *at.warning, *at.info, *at.title, *at.header, *at.subheader,
             *at.caption]
    return "\n".join(str(p.value) for p in parts)


def table_with(at: AppTest, column: str):
    """The on-screen table that has ``column`` (a pandas frame), or None."""
    return next((d.value for d in at.dataframe if column in d.value.columns), None)


def heatmap(at: AppTest) -> dict:
    for chart in at.get("plotly_chart"):
        trace = json.loads(chart.proto.spec)["data"][0]
        if trace["type"] == "heatmap":
            return trace
    raise AssertionError("no heat map on the page")


def scalar(engine, sql: str, **params: object) -> tuple:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).one()


COUNTS = """
    SELECT count(*), count(r.report_id),
           sum(CASE WHEN r.submitted_on <= o.due_date THEN 1 ELSE 0 END)
    FROM report_obligation o LEFT JOIN supervision_report r ON r.obligation_id = o.obligation_id
    WHERE o.election = 'pemilu2024' AND o.body LIKE :body"""


def test_page_runs_and_says_data_is_synthetic():
    at = run()
    assert "Kepatuhan pelaporan" in [t.value for t in at.title]
    assert "Data simulasi — bukan data resmi" in texts(at)
    english = run(lang="en")
    assert "Reporting compliance" in [t.value for t in english.title]


def test_headline_rate_comes_with_its_denominator(demo_engine):
    expected, filed, on_time = scalar(demo_engine, COUNTS, body="%")
    at = run(lang="en")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reporting compliance"] == format_share(filed / expected, "en")
    assert metrics["On time"] == format_share(on_time / expected, "en")
    assert metrics["Late"] == format_share((filed - on_time) / expected, "en")
    assert metrics["Missing"] == format_share((expected - filed) / expected, "en")
    assert (f"{format_number(filed, 'en')} of {format_number(expected, 'en')} reports filed"
            in texts(at))


def test_least_compliant_list_starts_with_the_planted_poor_regencies(demo_engine):
    poor = set(ground_truth("compliance", "systematically_poor_regency",
                            engine=demo_engine)["subject"])
    at = run(lang="en")
    least = table_with(at, "Rank among siblings")
    shown = list(least["Code"])
    assert len(shown) == 10 and set(shown) <= poor, shown
    assert (least["Gap to siblings (pp)"] < -15).all()


def test_body_parameter_filters_and_stays_in_the_url(demo_engine):
    at = run(lang="en", body="ptps")
    assert at.selectbox(key="pp_kepatuhan-pelaporan_body").value == "ptps"
    assert at.query_params["body"] in ("ptps", ["ptps"])
    expected, filed, _ = scalar(demo_engine, COUNTS, body="ptps")
    assert (f"{format_number(filed, 'en')} of {format_number(expected, 'en')} reports filed"
            in texts(at))
    at.selectbox(key="pp_kepatuhan-pelaporan_body").set_value("pkd").run()
    assert not at.exception
    assert at.query_params["body"] in ("pkd", ["pkd"])
    expected, filed, _ = scalar(demo_engine, COUNTS, body="pkd")
    assert (f"{format_number(filed, 'en')} of {format_number(expected, 'en')} reports filed"
            in texts(at))


def test_week_view_puts_due_weeks_on_the_heat_map(demo_engine):
    weeks = scalar(demo_engine, """SELECT count(DISTINCT date_trunc('week', due_date))
                                   FROM report_obligation WHERE election = 'pemilu2024'""")[0]
    by_stage = heatmap(run(lang="en"))
    assert by_stage["x"][0] == "Voter-list updating" and len(by_stage["y"]) == 38
    trace = heatmap(run(lang="en", view="week"))
    days = [datetime.strptime(x, "%d %B %Y").date() for x in trace["x"]]
    assert len(days) == weeks and days == sorted(days)
    assert all(day.weekday() == 0 for day in days)  # each column is a week, Monday first


@pytest.mark.parametrize("params,notice", [
    ({"body": "<script>alert(1)</script>"}, "'body'"),
    ({"view": "pie"}, "'view'"),
    ({"body": "x" * 10_000}, "'body'"),
    ({"missing_in": "'; DROP TABLE region; --"}, None),  # not a parameter of this page
])
def test_invalid_page_parameters_fall_back_with_a_notice(params, notice):
    at = run(lang="en", **params)
    assert at.selectbox(key="pp_kepatuhan-pelaporan_body").value == "all"
    assert at.selectbox(key="pp_kepatuhan-pelaporan_view").value == "all"
    if notice:
        assert any(notice in i.value for i in at.info), [i.value for i in at.info]
    assert set(dict(at.query_params)) <= {"lang"}  # the bad value left the URL


@pytest.mark.parametrize("params", [
    {"scope": "99.99"}, {"stage": "<script>"}, {"from": "2024-13-45"}, {"metric": "nik"},
])
def test_hostile_shared_parameters_show_a_notice(params):
    at = run(**params)
    assert at.info


def test_a_selection_with_nothing_due_says_so():
    # The first Pemilu due date is 28 June 2023 (voter-list updating): nothing is due before.
    at = run(lang="en", **{"from": "2022-10-14", "to": "2023-01-31"})
    assert "No reports were due for this selection." in texts(at)
    assert {m.label: m.value for m in at.metric}["Reporting compliance"] == "–"


def test_scope_parameter_scopes_the_page():
    at = run(lang="en", scope="64")
    assert "Regions within Kalimantan Timur" in texts(at)
    assert "Least compliant (Kabupaten/Kota)" in texts(at)
    regions = table_with(at, "On time (%)")
    assert all(code.startswith("64.") for code in regions["Code"])


def test_missing_report_list_is_internal_only(demo_engine, monkeypatch):
    public = run(lang="en", scope="64.09")
    assert table_with(public, "Obligation") is None
    assert "shown in the internal mode only" in texts(public)
    monkeypatch.setenv("PANTAU_MODE", "internal")
    missing = scalar(demo_engine, """
        SELECT count(*) FROM report_obligation o
        LEFT JOIN supervision_report r ON r.obligation_id = o.obligation_id
        WHERE o.regency_code = '64.09' AND o.election = 'pemilu2024' AND r.report_id IS NULL""")[0]
    at = run(oidc_user("analyst"), lang="en", scope="64.09")
    listed = table_with(at, "Obligation")
    assert listed is not None and len(listed) == missing
    assert f"{format_number(missing, 'en')} reports missing" in texts(at)
    # A kecamatan picked from the list narrows it to that kecamatan's posts.
    at.selectbox(key="c_missing_in_64.09").set_value("64.09.03").run()
    narrowed = table_with(at, "Obligation")
    assert 0 < len(narrowed) < missing
    assert {post[:8] for post in narrowed["Post"]} == {"64.09.03"}


def test_public_mode_hides_desa_cells_behind_one_supervisor(monkeypatch):
    # Per desa only the PKD reports on the campaign (PTPS exist around voting day only): one
    # person per cell, below any k, so the whole column is suppressed in public mode.
    trace = heatmap(run(lang="en", scope="64.09.03"))
    campaign = trace["x"].index("Campaign")
    assert {row[campaign] for row in trace["text"]} <= {"suppressed", ""}
    monkeypatch.setenv("PANTAU_MODE", "internal")
    trace = heatmap(run(oidc_user("viewer"), lang="en", scope="64.09.03"))
    assert all(row[campaign].endswith("%") for row in trace["text"] if row[campaign])
