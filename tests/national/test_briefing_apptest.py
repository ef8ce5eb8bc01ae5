"""AppTest runs of briefing mode on the national demo store: the deck opens full-screen, its
buttons (the keyboard shortcuts' targets) move through the slides via the URL, ``mode=briefing``
strips any page of its sidebar, and every visible word comes from the catalogue.

Charts fall back to plotly in the browser here (PANTAU_CHROMIUM points nowhere): the server-side
rendering is tested in test_briefing_pack.py and in the real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from tests.dashboard.test_briefing import merged_catalogue

pytestmark = pytest.mark.national

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
BRIEFING = "../pages/briefing.py"


@pytest.fixture(autouse=True)
def no_server_rendering(monkeypatch):
    monkeypatch.setenv("PANTAU_CHROMIUM", "/nonexistent/chromium")


@pytest.fixture
def indonesian(monkeypatch):
    catalogue = merged_catalogue()
    monkeypatch.setattr(i18n, "catalogue", lambda lang: catalogue if lang == "id" else {})


def run(page: str | None = BRIEFING, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
    return at


def param(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def test_deck_opens_full_screen_on_its_first_slide(indonesian):
    at = run()
    assert not at.exception, at.exception
    assert param(at, "mode") == "briefing"  # the link to the deck says it is a presentation
    assert [t.value for t in at.title] == ["Situasi di Indonesia"]
    assert not at.sidebar.selectbox  # no filter bar: the deck owns the screen
    assert "Data simulasi — bukan data resmi" in [m.value for m in at.markdown]
    assert "**1 / 6**" in [m.value for m in at.markdown]


def test_next_and_previous_move_through_the_url(indonesian):
    at = run()
    at.button(key="briefing_next").click().run()
    assert param(at, "slide") == "2"
    assert at.title[0].value == "Kasus pelanggaran per Provinsi"
    at.button(key="k_end").click().run()
    assert param(at, "slide") == "6"
    assert at.title[0].value == "Anomali daftar pemilih"
    at.button(key="briefing_next").click().run()  # past the end: back to the cover
    assert param(at, "slide") is None and at.title[0].value == "Situasi di Indonesia"
    at.button(key="briefing_prev").click().run()
    assert param(at, "slide") == "6"


def test_a_link_opens_the_same_slide_in_english():
    at = run(slide="5", lang="en", scope="64")
    assert not at.exception
    assert at.title[0].value == "Least compliant regions"
    assert "Kalimantan Timur" in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("params", [{"slide": "0"}, {"slide": "9999999"}, {"advance": "1"},
                                    {"mode": "<script>"}, {"slide": "'; DROP TABLE region;--"}])
def test_hostile_briefing_parameters_fall_back_with_a_notice(params):
    at = run(**params)
    assert not at.exception
    assert at.info, "a visible notice explains the ignored parameter"
    assert at.title  # the deck still shows a slide


def test_auto_advance_is_kept_in_the_url():
    at = run(advance="30", lang="en")
    assert not at.exception
    assert param(at, "advance") == "30"
    assert at.selectbox(key="briefing_advance").value == 30


def test_menu_switches_language_and_scope(indonesian):
    at = run()
    at.button(key="briefing_lang").click().run()
    assert param(at, "lang") == "en" and at.title[0].value == "Situation in Indonesia"
    at.selectbox(key="briefing_scope").set_value("64").run()
    assert param(at, "scope") == "64"
    assert at.title[0].value == "Situation in Kalimantan Timur"


def test_mode_briefing_on_any_page_hides_the_sidebar_and_can_be_left():
    at = run("../pages/overview.py", mode="briefing", lang="en")
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert not at.sidebar.selectbox and not at.sidebar.segmented_control
    exit_button = next(b for b in at.button if b.label == "Exit presentation")
    exit_button.click().run()
    assert param(at, "mode") is None
    assert at.sidebar.selectbox  # the filter bar is back


def test_every_word_on_every_slide_comes_from_the_catalogue(monkeypatch):
    pseudo = {k: f"«{v}»" for k, v in merged_catalogue().items()}
    monkeypatch.setattr(i18n, "catalogue", lambda lang: pseudo if lang == "id" else {})
    allowed = {"English", "Indonesia"}  # the language switch names its language in itself
    for slide in range(1, 7):
        at = run(slide=str(slide))
        assert not at.exception
        labels = [b.label for b in at.button] + [m.label for m in at.metric] + [
            t.value for t in at.title] + [s.label for s in at.selectbox]
        for text in labels:
            assert "«" in text or text in allowed, f"slide {slide}: {text!r} bypassed t()"
