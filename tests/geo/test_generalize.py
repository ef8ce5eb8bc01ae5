"""Generalisation keeps every region (and its largest part), and is cached by content."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, box

import geo.generalize
from geo.boundaries import BoundariesUnavailable
from geo.generalize import (
    Profile,
    cache_file_for,
    generalize,
    generalized_layer,
    profile_for,
    scale_for,
)
from geo.layers import display_layer
from tests.geo.conftest import square, write_geojson


def _largest_part(geom):
    parts = shapely.get_parts(geom)
    return parts[np.argmax(shapely.area(parts))]


def test_synthetic_coverage_keeps_regions_and_largest_parts() -> None:
    islets = [box(10 + i, 0, 10 + i + 0.01, 0.01) for i in range(3)]
    frame = gpd.GeoDataFrame(
        {"code": ["64.01", "64.02", "64.03"], "name": ["A", "B", "Pulau-pulau"]},
        geometry=[MultiPolygon([box(0, 0, 1, 1), *islets]),
                  box(1.0004, 0, 2, 1),  # a sliver gap along the shared edge
                  MultiPolygon([box(20, 0, 20.02, 0.02), box(22, 0, 22.01, 0.01)])],
        crs="EPSG:4326")
    out, stats = generalize(frame, Profile(tolerance=0.01, min_part_area=0.01, gap_width=0.001,
                                           decimals=3))
    assert list(out["code"]) == list(frame["code"])
    assert out.geometry.is_valid.all() and not out.geometry.is_empty.any()
    assert shapely.get_num_geometries(out.geometry.iloc[0]) == 1  # islets dropped
    assert out.geometry.iloc[2].equals(box(20, 0, 20.02, 0.02))  # only islets: keep the largest
    assert shapely.coverage_is_valid(out.geometry.iloc[:2].values)  # the gap was closed
    assert stats.parts_out < stats.parts_in


@pytest.mark.parametrize(("level", "scale", "province"), [
    ("province", "national", None), ("regency", "national", None),
    ("district", "province", "35")])
def test_real_layers_keep_every_region(repaired, real_geo, geo_cache, level, scale, province
                                       ) -> None:
    source = repaired(level).frame
    if province:
        source = source[source["code"].str.startswith(province + ".")].reset_index(drop=True)
    out = generalized_layer(level, scale, province, real_geo, geo_cache)
    assert list(out["code"]) == list(source["code"])  # count in == count out, same order
    assert not out.geometry.is_empty.any() and out.geometry.is_valid.all()
    assert shapely.get_num_coordinates(out.geometry.values).sum() < \
        0.8 * shapely.get_num_coordinates(source.geometry.values).sum()
    big_enough = (10 * profile_for(level, scale).tolerance) ** 2  # to compare shapes at all
    index = source.sindex
    for i, (code, before, after) in enumerate(
            zip(source["code"], source.geometry, out.geometry, strict=True)):
        largest = _largest_part(before)
        assert after.intersects(largest), code
        if largest.area >= big_enough:
            # Source polygons overlap (Kabupaten Sorong covers 0.4 deg² of Tambrauw); cleaning
            # gives such areas to one side, so compare only the part no other region claims.
            others = [j for j in index.query(largest) if j != i]
            own = largest.difference(shapely.union_all(source.geometry.values[others]))
            assert after.intersection(own).area >= 0.8 * own.area, code


def test_new_kecamatan_are_not_swallowed_by_their_old_parent(repaired, real_geo, geo_cache
                                                             ) -> None:
    raw = repaired("district").frame.set_index("code").geometry
    out = generalized_layer("district", "province", "72", real_geo, geo_cache)
    area = dict(zip(out["code"], shapely.area(out.geometry.values), strict=True))
    for code in ("72.01.24", "72.06.20"):
        assert area[code] >= 0.8 * raw[code].area


def test_cache_is_used_and_invalidated_by_content(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "geo"
    folder.mkdir()
    source = write_geojson(folder / "provinces.geojson", [
        ("64", "A", {"type": "Polygon", "coordinates": [square(0, 0)]}),
        ("65", "B", {"type": "Polygon", "coordinates": [square(1, 0)]})])
    cache = tmp_path / "cache"
    first = generalized_layer("province", "national", None, folder, cache)
    path = cache_file_for("province", "national", None, folder, cache)
    assert path.exists()

    def no_reading(*_args, **_kwargs):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(geo.generalize, "load_boundaries", no_reading)
    again = generalized_layer("province", "national", None, folder, cache)
    assert again.geometry.equals(first.geometry)
    shutil.copy(source, tmp_path / "backup.geojson")
    source.write_text(source.read_text().replace('"B"', '"B2"'), encoding="utf-8")
    assert cache_file_for("province", "national", None, folder, cache) != path
    with pytest.raises(AssertionError, match="cache should have been used"):
        generalized_layer("province", "national", None, folder, cache)


def test_display_layer_filters_and_copies(real_geo, geo_cache) -> None:
    jatim = display_layer("district", "35", folder=real_geo, cache_dir=geo_cache)
    assert len(jatim) == 666 and jatim["code"].str.startswith("35.").all()
    malang = display_layer("district", "35.07", folder=real_geo, cache_dir=geo_cache)
    assert len(malang) > 20 and malang["code"].str.startswith("35.07.").all()
    jatim["name"] = "changed"  # callers get a copy, not the memoised frame
    assert (display_layer("district", "35", folder=real_geo, cache_dir=geo_cache)["name"]
            != "changed").all()
    with pytest.raises(ValueError):
        display_layer("province", "35", folder=real_geo, cache_dir=geo_cache)
    assert scale_for(None) == "national" and scale_for("35") == "province"
    assert scale_for("35.07") == "regency"


def test_display_layer_without_files(tmp_path: Path) -> None:
    with pytest.raises(BoundariesUnavailable):
        display_layer("regency", folder=tmp_path, cache_dir=tmp_path / "cache")
