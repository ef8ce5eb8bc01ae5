"""The Kepatuhan Pelaporan page in a real Chromium against a real server on the national demo
store, with every request that is not to the app blocked: it renders (map polygons and the heat
map drawn), a shared link with the page's own parameters opens the same view, a choice made on
the page goes into the URL and survives a drill-down on the map, and the CSV download holds the
rows on screen. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

PATH = "kepatuhan-pelaporan"
# A first run of a view on a fresh server (cold queries, geometry, imports) can take tens of
# seconds on a busy machine; the waits below are for the app, not sleeps.
SLOW = 120_000


@pytest.fixture
def offline_page(offline_page):
    """The shared offline page, with this page's longer timeout (its national heat map)."""
    offline_page.set_default_timeout(SLOW)
    return offline_page


def _map_frame(page):
    element = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                     timeout=SLOW)
    frame = element.content_frame()
    frame.wait_for_selector("path.leaflet-interactive", timeout=SLOW)
    return element, frame


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.content()


def test_page_renders_map_and_heat_map(offline_page, app_url):
    offline_page.goto(f"{app_url}/{PATH}")
    wait_for_app(offline_page, SLOW)
    offline_page.get_by_role("heading", name="Kepatuhan pelaporan").first.wait_for()
    assert offline_page.get_by_text("Data simulasi — bukan data resmi").count() >= 1
    _, frame = _map_frame(offline_page)
    assert frame.locator("path.leaflet-interactive").count() == 38
    heat = offline_page.locator(".js-plotly-plot .heatmaplayer")
    heat.first.wait_for(timeout=SLOW)
    _no_exception(offline_page)
    screenshot(offline_page, "compliance-national")


def _combobox(page, label: str) -> str:
    """The value a select box shows."""
    return page.get_by_role("combobox", name=label).input_value()


def test_shared_link_with_page_parameters_opens_the_same_view(offline_page, app_url):
    offline_page.goto(f"{app_url}/{PATH}?lang=en&scope=64&body=ptps&view=week")
    wait_for_app(offline_page, SLOW)
    offline_page.get_by_role("heading", name="Reporting compliance").first.wait_for()
    offline_page.get_by_text("Regions within Kalimantan Timur").first.wait_for()
    assert _combobox(offline_page, "Supervisor level") == "PTPS"
    assert _combobox(offline_page, "Heat map") == "Region × week due"
    # The page's own parameters are still in the address once the app has settled.
    offline_page.wait_for_function("location.search.includes('body=ptps')"
                                   " && location.search.includes('view=week')")
    _no_exception(offline_page)
    screenshot(offline_page, "compliance-kaltim-ptps-by-week")


def test_a_choice_on_the_page_goes_into_the_url(offline_page, app_url):
    offline_page.goto(f"{app_url}/{PATH}?lang=en")
    wait_for_app(offline_page, SLOW)
    offline_page.get_by_role("combobox", name="Supervisor level").click()
    offline_page.get_by_role("option", name="PKD", exact=True).click()
    offline_page.wait_for_function("location.search.includes('body=pkd')")
    wait_for_app(offline_page, SLOW)
    assert _combobox(offline_page, "Supervisor level") == "PKD"
    _no_exception(offline_page)


def test_page_parameters_survive_a_map_drill_down(offline_page, app_url):
    offline_page.goto(f"{app_url}/{PATH}?lang=en&body=pkd")
    wait_for_app(offline_page, SLOW)
    element, frame = _map_frame(offline_page)
    element.scroll_into_view_if_needed()
    # Click inside Kalimantan Tengah (62); Leaflet converts the coordinate to a pixel for us.
    x, y = frame.evaluate("""() => {
        const p = window.map.latLngToContainerPoint([-1.5, 113.5]);
        const r = window.map.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""")
    box = element.bounding_box()
    offline_page.mouse.click(box["x"] + x, box["y"] + y)
    offline_page.wait_for_function("location.search.includes('scope=62')")
    wait_for_app(offline_page, SLOW)
    offline_page.get_by_text("Regions within Kalimantan Tengah").first.wait_for()
    offline_page.wait_for_function("location.search.includes('body=pkd')")
    assert _combobox(offline_page, "Supervisor level") == "PKD"
    _no_exception(offline_page)
    screenshot(offline_page, "compliance-kalimantan-tengah-pkd")


def test_csv_download_holds_the_rows_on_screen(offline_page, app_url):
    offline_page.goto(f"{app_url}/{PATH}?lang=en")
    wait_for_app(offline_page, SLOW)
    headline = offline_page.get_by_text(re.compile(r"^[\d,]+ of [\d,]+ reports filed$")).first
    headline.wait_for()
    filed, expected = (int(n.replace(",", "")) for n in
                       re.findall(r"[\d,]+", headline.inner_text()))
    with offline_page.expect_download() as info:
        offline_page.locator(".st-key-c_regions_csv button").click()
    download = info.value
    assert download.suggested_filename == "pantau-kepatuhan-wilayah-indonesia.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert len(rows) == 38  # one per province, as on screen
    # Every obligation sits in exactly one province, so the rows add up to the headline.
    assert sum(int(r["Expected"]) for r in rows) == expected
    assert sum(int(r["Filed"]) for r in rows) == filed
    assert {"Code", "Region", "Expected", "Filed", "On time", "Late", "Missing",
            "Compliance (%)"} <= set(rows[0])
    _no_exception(offline_page)
