"""The Pelanggaran page in a real Chromium against a real server on the national demo store, with
every request that is not to the app blocked: it renders its map and charts, a click on the map
and a click on a table row drill down while keeping the page's filters, and the CSV and XLSX
downloads hold exactly the filtered table. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import io

import polars as pl
import pytest

from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

MAP = 'iframe[title="streamlit_folium.st_folium"]'
ROW_HEIGHT = 35  # st.dataframe's default row height (header row included), in CSS pixels
FIRST_RUN_MS = 120_000  # a cold server imports the geometry stack on its first run; CI is shared




def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, FIRST_RUN_MS)
    page.get_by_role("heading", name="Violations").first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0


def _polygons(page, count: int) -> None:
    page.wait_for_selector(MAP, timeout=60_000)
    page.wait_for_function(
        "n => { const f = document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]');"
        " return f && f.contentDocument &&"
        " f.contentDocument.querySelectorAll('path.leaflet-interactive').length === n; }",
        arg=count, timeout=60_000)


def _headline(page, label: str) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).first
    text = metric.locator('[data-testid="stMetricValue"]').inner_text()
    return int(text.replace(",", ""))


def test_page_renders_map_and_charts_offline(offline_page, app_url):
    offline_page.goto(f"{app_url}/pelanggaran")
    wait_for_app(offline_page, FIRST_RUN_MS)
    offline_page.get_by_role("heading", name="Pelanggaran").first.wait_for()
    assert offline_page.locator('[data-testid="stException"]').count() == 0
    assert offline_page.get_by_text("Data simulasi — bukan data resmi").count() >= 1
    _polygons(offline_page, 38)
    offline_page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 6")
    screenshot(offline_page, "violations-national")


def test_map_click_drills_down_and_keeps_the_filters(offline_page, app_url):
    _open(offline_page, f"{app_url}/pelanggaran?lang=en&source=laporan")
    _polygons(offline_page, 38)
    element = offline_page.wait_for_selector(MAP)
    frame = element.content_frame()
    # Click inside Kalimantan Tengah (62); Leaflet converts the coordinate to a pixel for us.
    x, y = frame.evaluate("""() => {
        const p = window.map.latLngToContainerPoint([-1.5, 113.5]);
        const r = window.map.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""")
    box = element.bounding_box()
    offline_page.mouse.click(box["x"] + x, box["y"] + y)
    offline_page.wait_for_function("location.search.includes('scope=62')", timeout=30_000)
    wait_for_app(offline_page)
    assert "source=laporan" in offline_page.url
    offline_page.get_by_text("Kalimantan Tengah").first.wait_for()
    _polygons(offline_page, 14)  # the 13 kabupaten and 1 kota of Kalimantan Tengah
    assert _headline(offline_page, "Cases") > 0
    screenshot(offline_page, "violations-kalimantan-tengah-laporan")


def test_table_row_drills_down_and_keeps_the_filters(offline_page, app_url):
    _open(offline_page, f"{app_url}/pelanggaran?lang=en&source=temuan")
    grid = offline_page.locator('[data-testid="stDataFrame"]').last
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The first data row is Aceh (11): rows are ordered by code. Click its row marker.
    offline_page.mouse.click(box["x"] + 12, box["y"] + ROW_HEIGHT * 1.5)
    offline_page.wait_for_function("location.search.includes('scope=11')", timeout=30_000)
    wait_for_app(offline_page)
    assert "source=temuan" in offline_page.url
    offline_page.get_by_text("Aceh").first.wait_for()
    assert offline_page.locator('[data-testid="stException"]').count() == 0
    screenshot(offline_page, "violations-aceh-temuan")


def test_downloads_hold_exactly_the_filtered_table(offline_page, app_url):
    """Temuan only: 702 cases nationally (the published Pemilu 2024 figure), in the headline and
    in both files, one row per province."""
    _open(offline_page, f"{app_url}/pelanggaran?lang=en&source=temuan")
    assert _headline(offline_page, "Cases") == 702
    for label, reader in (("Download CSV", pl.read_csv), ("Download XLSX", pl.read_excel)):
        with offline_page.expect_download() as info:
            offline_page.get_by_role("button", name=label).click()
        download = info.value
        assert download.suggested_filename.startswith("pantau-pelanggaran-temuan")
        with open(download.path(), "rb") as handle:
            frame = reader(io.BytesIO(handle.read()))
        assert frame.columns[:3] == ["Code", "Region", "Cases"]
        assert frame.height == 38
        assert int(frame["Cases"].sum()) == 702, label
