"""The Anomali Daftar Pemilih page in a real Chromium against a real server on the national demo
store, with every request that is not to the app blocked: no exception, the map's polygons and the
waterfall drawn, the IKN explanation on screen, the share map, and a click on the map drilling
down. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import t
from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser
PATH = "anomali-daftar-pemilih"




def _map_frame(page):
    element = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                     timeout=60_000)
    frame = element.content_frame()
    frame.wait_for_selector("path.leaflet-interactive", timeout=60_000)
    return element, frame


def tr(message: str) -> str:
    return t(message, "id")


def _grid_text(page) -> str:
    """What the dataframes show: Streamlit's grid draws on a canvas, and keeps an accessible
    table of the visible cells beside it."""
    return " ".join(page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts())


def test_page_renders_map_waterfall_and_the_ikn_reason(offline_page, app_url):
    page = offline_page
    page.goto(f"{app_url}/{PATH}?scope=64.09")
    wait_for_app(page, timeout=90_000)
    page.get_by_role("heading", name="Anomali daftar pemilih").first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Data simulasi — bukan data resmi").count() >= 1
    _, frame = _map_frame(page)
    assert frame.locator("path.leaflet-interactive").count() >= 4  # the kecamatan of PPU
    chart = page.locator('[data-testid="stPlotlyChart"]')
    chart.locator("g.waterfalllayer").wait_for(state="attached")
    assert chart.locator("g.waterfalllayer g.point").count() == 5  # DP4, 3 steps, DPT
    assert "DP4 → DPS" in chart.inner_text()
    grid = page.locator('[data-testid="stDataFrame"]').filter(has_text="Sepaku")
    grid.first.wait_for()
    text = _grid_text(page)
    assert "Penajam Paser Utara" in text and "Sepaku" in text
    assert re.search(r"DPS naik 12,9% dari DP4", text), text[:500]
    screenshot(page, "anomalies-penajam-paser-utara")
    grid.first.scroll_into_view_if_needed()
    screenshot(page, "anomalies-penajam-paser-utara-reasons")


def test_share_map_and_click_drills_down(offline_page, app_url):
    page = offline_page
    page.goto(f"{app_url}/{PATH}?scope=64")
    wait_for_app(page, timeout=90_000)
    _map_frame(page)
    label = tr("Share of voters flagged")
    page.get_by_test_id("stButtonGroup").get_by_role("radio", name=label).click()
    # the map is drawn anew: wait for the new legend's title rather than for any map
    page.wait_for_function(
        """(label) => [...document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')]
            .some(f => { const l = f.contentDocument && f.contentDocument.querySelector(
                '.pantau-legend'); return l && l.textContent.includes(label); })""",
        arg=label, timeout=60_000)
    wait_for_app(page, timeout=90_000)
    element, frame = _map_frame(page)
    assert frame.locator("path.leaflet-interactive").count() == 10  # Kaltim's kab/kota
    screenshot(page, "anomalies-kalimantan-timur-share")
    # Click inside Penajam Paser Utara (64.09), near Sepaku.
    x, y = frame.evaluate("""() => {
        const p = window.map.latLngToContainerPoint([-0.95, 116.6]);
        const r = window.map.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""")
    box = element.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function("location.search.includes('scope=64.09')", timeout=30_000)
    wait_for_app(page, timeout=90_000)
    page.get_by_text("Penajam Paser Utara").first.wait_for()
    assert PATH in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
