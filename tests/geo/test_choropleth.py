"""Choropleth maps: classes, palette, legend, tooltips, click-through codes, offline HTML, size."""

from __future__ import annotations

import re

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import polars as pl
import pytest
from shapely.geometry import Point, box

from geo.choropleth import (
    NO_DATA_FILL,
    PALETTES,
    MapLabels,
    build_map,
    classify,
    clicked_region_code,
    palette,
    values_without_region,
)
from geo.layers import display_layer
from geo.offline import external_urls, leaflet_files, standalone_html, use_local_assets
from pantau.settings import REPO_ROOT

LABELS = MapLabels("Jumlah pelanggaran", "Wilayah", "Jumlah", "Tidak ada data",
                   extra={"cases": "Kasus"})


@pytest.fixture()
def regions() -> gpd.GeoDataFrame:
    codes = ["64.01", "64.02", "64.03", "64.04", "64.05", "64.09"]
    return gpd.GeoDataFrame({"code": codes, "name": [f"Kab <{i}>" for i in range(6)]},
                            geometry=[box(i, 0, i + 1, 1) for i in range(6)], crs="EPSG:4326")


@pytest.fixture()
def values() -> pl.DataFrame:
    return pl.DataFrame({"region_code": ["6401", "64.02", "64.03", "64.04", "64.05", "99.01"],
                         "value": [1200.0, 3400.0, None, 56000.0, 7800.0, 5.0],
                         "cases": [1, 2, 3, 4, 5, 6]})


def _geojson(m: folium.Map) -> folium.GeoJson:
    return next(c for c in m._children.values() if isinstance(c, folium.GeoJson))


def _legend_body(m: folium.Map) -> str:
    return next(c for c in m._children.values() if type(c).__name__ == "_Legend").body


def test_features_carry_codes_values_and_no_data(regions, values) -> None:
    m = build_map(regions, values, LABELS, lang="id")
    layer = _geojson(m)
    props = {f["properties"]["code"]: f["properties"] for f in layer.data["features"]}
    assert list(props) == list(regions["code"])  # every region drawn, keyed by its code
    assert props["64.01"]["value_label"] == "1.200"
    assert props["64.03"]["value_label"] == "Tidak ada data"  # null value
    assert props["64.09"]["value_label"] == "Tidak ada data"  # no row at all
    assert props["64.01"]["cases"] == "1" and props["64.09"]["cases"] == "–"
    assert props["64.01"]["name"] == "Kab &lt;0&gt;"  # names are escaped for the tooltip
    styles = {f["id"]: layer.style_function(f) for f in layer.data["features"]}
    assert styles["64.03"]["fillColor"] == NO_DATA_FILL
    assert styles["64.01"]["fillColor"] in PALETTES["YlGnBu"][4]


def test_legend_formats_numbers_per_language(regions, values) -> None:
    body_id = _legend_body(build_map(regions, values, LABELS, lang="id"))
    body_en = _legend_body(build_map(regions, values, LABELS, lang="en"))
    assert "56.000" in body_id and "56,000" in body_en
    assert "Jumlah pelanggaran" in body_id and "Tidak ada data (2)" in body_id
    shares = values.with_columns(pl.col("value") / 100000)
    assert re.search(r"1,2%", _legend_body(build_map(regions, shares, LABELS, as_share=True,
                                                       decimals=1)))


def test_values_without_a_region_are_listed(regions, values) -> None:
    assert values_without_region(regions, values) == ["99.01"]


def test_html_needs_no_internet(regions, values) -> None:
    html = build_map(regions, values, LABELS).get_root().render()
    assert external_urls(html) == []
    assert '<script src="/app/static/leaflet/leaflet.js">' in html
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()
    inline = standalone_html(build_map(regions, values, LABELS))
    assert "<script src=" not in inline and "L.map(" in inline


def test_tiles_are_an_opt_in_setting(regions, values, monkeypatch) -> None:
    monkeypatch.setenv("PANTAU_MAP_TILES", "https://tiles.example.invalid/{z}/{x}/{y}.png")
    monkeypatch.setenv("PANTAU_MAP_TILES_ATTRIBUTION", "Internal tiles")
    m = build_map(regions, values, LABELS)
    assert any(isinstance(c, folium.TileLayer) for c in m._children.values())
    assert not any(isinstance(c, folium.TileLayer)
                   for c in build_map(regions, values, LABELS, tiles="none")._children.values())


def test_cdn_elements_are_refused() -> None:
    m = folium.Map(tiles=None)
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(ValueError, match="offline"):
        use_local_assets(m)


def test_leaflet_is_vendored_and_served() -> None:
    assert all(path.stat().st_size > 10_000 for path in leaflet_files())
    config = (REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r"enableStaticServing\s*=\s*true", config)


def test_classes() -> None:
    values = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], dtype=float)
    classes, index = classify(values, "quantiles", 5)
    assert len(classes.bins) == 5 and index.max() == 4 and classes.bins[-1] == 100
    breaks, _ = classify(values, "natural_breaks", 3)
    assert breaks.bins[-1] == 100 and len(breaks.bins) == 3
    few, few_index = classify(np.array([2.0, 2.0, 5.0]), "quantiles", 5)
    assert len(few.bins) == 2 and set(few_index) == {0, 1}
    same, _ = classify(np.array([7.0, 7.0]), "natural_breaks", 5)
    assert same.bins == [7.0] and len(same.colors) == 1
    empty, _ = classify(np.array([]), "quantiles", 5)
    assert empty.bins == []


def _luminance(color: str) -> float:
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_palettes_get_darker_class_by_class(name: str) -> None:
    """Readable in greyscale: lightness falls monotonically, and no class looks like the grey
    of regions without data."""
    for k in range(1, 8):
        lightness = [_luminance(c) for c in palette(name, k)]
        assert lightness == sorted(lightness, reverse=True)


def test_all_values_missing(regions) -> None:
    empty = pl.DataFrame({"region_code": ["64.01"], "value": [None]},
                         schema={"region_code": pl.Utf8, "value": pl.Float64})
    m = build_map(regions, empty, LABELS)
    assert "Tidak ada data (6)" in _legend_body(m)


def test_nothing_drawable_still_builds(regions, values) -> None:
    empty = regions.iloc[:1].copy()
    empty.geometry = [box(0, 0, 1, 1).buffer(-1)]
    html = build_map(empty, values, LABELS).get_root().render()
    assert "Tidak ada data" in html and external_urls(html) == []


def test_points_are_circles() -> None:
    villages = gpd.GeoDataFrame({"code": ["64.09.03.2001"], "name": ["Sepaku"]},
                                geometry=[Point(116.85, -0.95)], crs="EPSG:4326")
    m = build_map(villages, pl.DataFrame({"region_code": ["64.09.03.2001"], "value": [3]}),
                  LABELS)
    assert isinstance(_geojson(m).marker, folium.CircleMarker)


def test_duplicate_values_are_a_caller_error(regions) -> None:
    twice = pl.DataFrame({"region_code": ["64.01", "6401"], "value": [1, 2]})
    with pytest.raises(ValueError):
        build_map(regions, pl.DataFrame({"region_code": ["64.01", "64.01"], "value": [1, 2]}),
                  LABELS)
    assert len(twice) == 2


@pytest.mark.parametrize(("result", "expected"), [
    ({"last_active_drawing": {"type": "Feature", "properties": {"code": "6409"},
                              "geometry": None}}, "64.09"),
    ({"last_active_drawing": {"properties": {"code": "64.09.03"}}}, "64.09.03"),
    ({"last_active_drawing": None}, None),
    ({"last_active_drawing": {"properties": {}}}, None),
    ({"last_active_drawing": {"properties": {"code": "not-a-code"}}}, None),
    ({"last_object_clicked": {"lat": -1, "lng": 116}}, None),
    ({}, None),
    (None, None),
])
def test_clicked_region_code(result, expected) -> None:
    assert clicked_region_code(result) == expected


@pytest.mark.parametrize(("level", "parent", "budget_kb"), [
    ("province", None, 150), ("regency", None, 400), ("district", "35", 400)])
def test_payload_budgets(real_geo, geo_cache, level, parent, budget_kb) -> None:
    """The bytes a browser gets for the three reference maps (see bench/map_payload.py)."""
    layer = display_layer(level, parent, folder=real_geo, cache_dir=geo_cache)
    values = pl.DataFrame({"region_code": layer["code"].to_list(),
                           "value": np.arange(len(layer), dtype=float) * 37.5})
    html = build_map(layer, values, LABELS).get_root().render()
    assert len(html.encode()) <= budget_kb * 1024
    assert html.count('"code": ') == len(layer)  # every region present
