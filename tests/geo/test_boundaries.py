"""Reading and repairing boundaries: the real shared files and hand-made broken geometries."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo.boundaries import (
    BoundariesUnavailable,
    boundary_names,
    discover_sources,
    load_boundaries,
)
from tests.geo.conftest import square, write_geojson


def test_real_files_every_region_kept_and_valid(repaired) -> None:
    for level, count in [("province", 38), ("regency", 514), ("district", 7285)]:
        frame, report = repaired(level)
        assert len(frame) == count == report.features
        assert frame["code"].is_unique
        assert frame.geometry.is_valid.all()
        assert not frame.geometry.is_empty.any()
        assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
        assert report.empty_after_repair == [] and report.unreadable_geometry == []


def test_real_files_repair_counts(repaired) -> None:
    provinces = repaired("province").report
    assert provinces.counts()["invalid_repaired"] == 34  # only 4 of 38 valid as delivered
    regencies = repaired("regency").report
    assert regencies.counts()["invalid_repaired"] == 124
    assert regencies.collections_reduced == []  # "structure" repair stays polygonal
    districts = repaired("district").report
    assert districts.counts()["invalid_repaired"] == 275
    assert districts.rings_closed == {"81.05.16": 1}
    assert "81.05.16 (1)" in districts.summary()


def test_unclosed_ring_loses_nothing(repaired, real_geo: Path) -> None:
    """Ukar Sengan's unclosed ring is its main island (it is stored as a 'hole' outside a tiny
    shell): closing it and repairing keeps the area of every ring."""
    raw = json.loads((real_geo / "districts.geojson").read_text(encoding="utf-8"))
    rings = next(f for f in raw["features"] if f["properties"]["code"] == "81.05.16")
    ring_area = sum(Polygon(r + [r[0]]).area for r in rings["geometry"]["coordinates"])
    frame = repaired("district").frame.set_index("code")
    assert frame.geometry["81.05.16"].area == pytest.approx(ring_area, rel=1e-3)


def test_linework_repair_reduces_the_sorong_collection(real_geo: Path) -> None:
    """GEOS's default repair turns Kabupaten Sorong into a GeometryCollection (as the README
    warns); the importer keeps its polygons and reports it."""
    frame, report = load_boundaries("regency", real_geo, repair_method="linework")
    assert report.collections_reduced == ["96.01"]
    sorong = frame.set_index("code").geometry["96.01"]
    assert sorong.geom_type in {"Polygon", "MultiPolygon"} and sorong.area > 1.0


def test_bow_tie_is_repaired_and_reported(tmp_path: Path) -> None:
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}
    path = write_geojson(tmp_path / "provinces.geojson", [("64", "Bow Tie", bow_tie)])
    frame, report = load_boundaries("province", sources={"province": path})
    assert report.invalid_repaired == ["64"]
    geometry = frame.geometry.iloc[0]
    assert geometry.is_valid and geometry.geom_type == "MultiPolygon"
    assert geometry.area == pytest.approx(2.0)


def test_unclosed_ring_file_is_closed_not_dropped(tmp_path: Path) -> None:
    open_ring = {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 3], [0, 3]]]}
    fine = {"type": "Polygon", "coordinates": [square(5, 5)]}
    path = write_geojson(tmp_path / "regencies.geojson",
                         [("6409", "Terbuka", open_ring), ("64.10", "Tertutup", fine)])
    frame, report = load_boundaries("regency", sources={"regency": path})
    assert list(frame["code"]) == ["64.09", "64.10"]  # undotted codes normalised
    assert report.rings_closed == {"64.09": 1}
    assert report.unreadable_geometry == []
    assert frame.geometry.iloc[0].area == pytest.approx(9.0)


def test_collection_reduced_and_empty_kept(tmp_path: Path) -> None:
    spike = {"type": "Polygon",
             "coordinates": [[[0, 0], [2, 0], [2, 2], [3, 3], [2, 2], [0, 2], [0, 0]]]}
    flat = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}
    path = write_geojson(tmp_path / "districts.geojson",
                         [("64.09.01", "Duri", spike), ("64.09.02", "Pipih", flat)])
    frame, report = load_boundaries("district", sources={"district": path},
                                    repair_method="linework")
    assert report.collections_reduced == ["64.09.01"]
    assert frame.geometry.iloc[0].geom_type == "Polygon"
    assert frame.geometry.iloc[0].area == pytest.approx(4.0)
    assert report.empty_after_repair == ["64.09.02"]
    assert len(frame) == 2 and frame.geometry.iloc[1].is_empty  # kept, listed, not drawn


def test_invalid_codes_and_duplicates_are_reported(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "provinces.geojson", [
        ("64", "Kalimantan Timur", {"type": "Polygon", "coordinates": [square(0, 0)]}),
        ("64", "Kalimantan Timur", {"type": "Polygon", "coordinates": [square(3, 0)]}),
        ("X1", "Rusak", {"type": "Polygon", "coordinates": [square(6, 0)]}),
    ])
    frame, report = load_boundaries("province", sources={"province": path})
    assert report.duplicates_merged == ["64"]
    assert frame.geometry.iloc[0].area == pytest.approx(2.0)
    assert len(report.invalid_codes) == 1 and "row 3" in report.invalid_codes[0]


def test_any_name_any_format_custom_code_column(tmp_path: Path) -> None:
    """An operator's GeoPackage in Web Mercator, one file for two levels, codes in 'KODE'."""
    frame = gpd.GeoDataFrame(
        {"KODE": ["64", "6409", "64.10"], "NAMA": ["Kaltim", "PPU", "Mahakam Ulu"]},
        geometry=[box(116, -2, 118, 0), box(116, -2, 117, -1), box(117, -2, 118, -1)],
        crs="EPSG:4326").to_crs("EPSG:3857")
    frame.to_file(tmp_path / "batas_wilayah.gpkg", driver="GPKG")
    found = discover_sources(tmp_path, code_column="KODE")
    assert set(found) == {"province", "regency"}
    regencies, report = load_boundaries("regency", tmp_path, code_column="KODE",
                                        name_column="NAMA")
    assert list(regencies["code"]) == ["64.09", "64.10"]
    assert list(regencies["name"]) == ["PPU", "Mahakam Ulu"]
    assert report.reprojected_from is not None
    assert regencies.total_bounds == pytest.approx([116, -2, 118, -1], abs=1e-6)


def test_village_points_from_csv(tmp_path: Path) -> None:
    (tmp_path / "village_centroids.csv").write_text(
        "code,name,lat,lng\n6409032001,Sepaku,-0.95,116.85\n64.09.03.2002,Bumi Harapan,-0.96,"
        "116.70\n", encoding="utf-8")
    frame, report = load_boundaries("village", tmp_path)
    assert list(frame["code"]) == ["64.09.03.2001", "64.09.03.2002"]
    assert (frame.geom_type == "Point").all()
    assert frame.geometry.iloc[0].x == pytest.approx(116.85)
    names = boundary_names("village", tmp_path)
    assert names is not None and names["name"].to_list() == ["Sepaku", "Bumi Harapan"]


def test_missing_boundaries_raise_a_helpful_error(tmp_path: Path) -> None:
    with pytest.raises(BoundariesUnavailable, match="PANTAU_GEO_DIR"):
        load_boundaries("province", tmp_path)
    with pytest.raises(BoundariesUnavailable):
        load_boundaries("district", tmp_path / "does-not-exist")
    assert boundary_names("village", tmp_path) is None


def test_real_files_are_discovered_by_name(real_geo: Path) -> None:
    found = discover_sources(real_geo)
    assert {lv: [s.path.name for s in v] for lv, v in found.items()} == {
        "province": ["provinces.geojson"], "regency": ["regencies.geojson"],
        "district": ["districts.geojson"], "village": ["village_centroids.csv"]}


def test_geometry_repair_never_changes_valid_input(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "provinces.geojson",
                         [("11", "Aceh", {"type": "Polygon", "coordinates": [square(0, 0, 2)]})])
    frame, report = load_boundaries("province", sources={"province": path})
    assert report.counts()["invalid_repaired"] == 0
    assert shapely.equals(frame.geometry.iloc[0], box(0, 0, 2, 2))
