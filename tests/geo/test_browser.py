"""The map in a real browser with the internet cut off: a tiny Streamlit app renders the province
choropleth through streamlit-folium, every request that is not to the app is blocked and
recorded, and a click on a province must come back as its code via clicked_region_code."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pantau.settings import REPO_ROOT

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
APP = """
import polars as pl
import streamlit as st
from streamlit_folium import st_folium

from geo import MapLabels, build_map, clicked_region_code, display_layer

layer = display_layer("province")
values = pl.DataFrame({"region_code": layer["code"].to_list()[3:],
                       "value": [float(i) for i in range(len(layer) - 3)]})
m = build_map(layer, values, MapLabels("Nilai", "Wilayah", "Jumlah", "Tidak ada data"))
result = st_folium(m, key="map", height=500, use_container_width=True,
                   returned_objects=["last_active_drawing"])
st.write(f"clicked: {clicked_region_code(result)}")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def map_app(tmp_path: Path, real_geo: Path, geo_cache: Path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make deps-browser)")
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "static").symlink_to(REPO_ROOT / "dashboard" / "static")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), PANTAU_GEO_DIR=str(real_geo),
               PANTAU_GEO_CACHE_DIR=str(geo_cache))
    log = open(tmp_path / "streamlit.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(tmp_path / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.enableStaticServing", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


def test_map_renders_offline_and_click_returns_the_code(map_app: str) -> None:
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def only_the_app(route) -> None:
        if route.request.url.startswith((map_app, "data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.route("**/*", only_the_app)
        page.goto(map_app)
        frame_element = page.wait_for_selector("iframe", timeout=60_000)
        frame = frame_element.content_frame()
        frame.wait_for_selector("path.leaflet-interactive", timeout=60_000)
        assert frame.locator("path.leaflet-interactive").count() == 38
        assert frame.locator(".pantau-legend").count() == 1
        fills = frame.eval_on_selector_all("path.leaflet-interactive",
                                           "els => els.map(e => e.getAttribute('fill'))")
        assert sum(f.startswith("url(#pantau-no-data)") for f in fills) == 3
        # Click inside Kalimantan Tengah (62), at a point Leaflet places for us.
        x, y = frame.evaluate("""() => {
            const p = window.map.latLngToContainerPoint([-1.5, 113.5]);
            const r = window.map.getContainer().getBoundingClientRect();
            return [p.x + r.left, p.y + r.top]; }""")
        box = frame_element.bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_function("document.body.innerText.includes('clicked: 62')",
                               timeout=30_000)
        browser.close()
    assert blocked == []
