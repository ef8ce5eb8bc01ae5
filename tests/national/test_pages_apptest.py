"""AppTest runs of every page on the national demo store: no exception, key elements present,
URL parameters round-trip, hostile parameters handled."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = {"ringkasan": "../pages/overview.py", "profil-wilayah": "../pages/region_profile.py",
         "tentang-data": "../pages/about.py"}


def run(page: str | None = None, user: dict | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:  # AppTest.user: what st.user says (an OIDC identity)
        at.user = user
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(PAGES[page])
        for key, value in params.items():  # as if the visitor opened the page's own link
            at.query_params[key] = value
        at.run()
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning] + [
        i.value for i in at.info] + [t.value for t in at.title] + [h.value for h in at.header] + [
        s.value for s in at.subheader] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_and_says_data_is_synthetic(page):
    at = run(page)
    assert not at.exception, at.exception
    assert "Data simulasi — bukan data resmi" in texts(at)


def test_overview_headline_and_lists():
    at = run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert {"Kasus pelanggaran", "Kepatuhan pelaporan", "Anomali daftar pemilih"} <= set(labels)
    assert "Wilayah terbaik" in texts(at) and "Wilayah terburuk" in texts(at)


def test_english_switch_from_the_url():
    at = run(lang="en")
    assert not at.exception
    assert "Overview" in [t.value for t in at.title]
    assert "Simulated data — not official figures" in texts(at)


def test_scope_parameter_scopes_the_overview():
    national = run()
    kaltim = run(scope="64")
    assert not kaltim.exception
    assert "Kalimantan Timur" in texts(kaltim)
    cases = lambda at: next(m.value for m in at.metric if m.label == "Kasus pelanggaran")  # noqa: E731
    assert cases(kaltim) != cases(national)


def test_url_round_trip_keeps_the_state():
    at = run(scope="6409", election="pilkada2024", stage="campaign", lang="en",
             metric="compliance_rate")
    assert not at.exception
    params = at.query_params
    assert params["scope"] == ["64.09"] or params["scope"] == "64.09"
    assert at.selectbox(key="f_election").value == "pilkada2024"
    assert at.selectbox(key="f_stage").value == "campaign"


@pytest.mark.parametrize("params", [
    {"scope": "99.99"}, {"scope": "'; DROP TABLE region; --"}, {"election": "x" * 100_000},
    {"stage": "<script>alert(1)</script>"}, {"from": "2024-13-45"}, {"metric": "nik"},
    {"lang": "../../etc/passwd"}, {"to": "1900-01-01"},
])
@pytest.mark.parametrize("page", list(PAGES))
def test_hostile_parameters_fall_back_with_a_notice(page, params):
    at = run(page, **params)
    assert not at.exception
    assert at.info, "a visible notice explains the ignored parameter"


def test_region_profile_of_ikn_regency():
    at = run("profil-wilayah", scope="64.09")
    assert not at.exception
    assert "Penajam Paser Utara" in texts(at)
    assert len(at.dataframe) >= 2  # children and position among siblings


def test_without_boundary_files_the_page_explains_how_to_add_them(monkeypatch, tmp_path):
    monkeypatch.setenv("PANTAU_GEO_DIR", str(tmp_path / "no-boundaries"))
    at = run()
    assert not at.exception
    assert any("PANTAU_GEO_DIR" in i.value for i in at.info)
    assert [m for m in at.metric if m.label == "Kasus pelanggaran"]  # the rest still works
