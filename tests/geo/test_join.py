"""The vintage join: the election's 2024 codes against the 2025 boundary codes."""

from __future__ import annotations

import geopandas as gpd
import polars as pl
import pytest
from shapely.geometry import box

from geo.boundaries import boundary_names
from geo.join import join_regions, name_key
from geo.layers import election_layer

SPLITS_2025 = ["72.01.24", "72.06.20", "81.05.16", "92.02.31", "92.02.32", "92.02.33",
               "92.02.34", "92.02.35"]


@pytest.fixture()
def boundaries() -> gpd.GeoDataFrame:
    rows = [("64.09.01", "Penajam"), ("64.09.02", "Babulu"), ("64.09.03", "Waru"),
            ("64.09.04", "Sepaku Baru"), ("64.09.05", "Telemow"), ("64.09.07", "Karang Jinawi"),
            ("64.10.01", "Long Apari")]
    return gpd.GeoDataFrame({"code": [c for c, _ in rows], "name": [n for _, n in rows]},
                            geometry=[box(i, 0, i + 1, 1) for i in range(len(rows))],
                            crs="EPSG:4326")


@pytest.fixture()
def regions() -> pl.DataFrame:
    rows = [("64.09", "PENAJAM PASER UTARA", "regency"),
            ("64.09.01", "PENAJAM", "district"), ("64.09.02", "WARU", "district"),
            ("64.09.03", "BABULU", "district"), ("64.09.04", "SEPAKU", "district"),
            ("64.09.06", "KARANG JINAWE", "district"), ("64.10.02", "LONG PAHANGAI", "district"),
            ("64.09.04.2005", "TELEMOW", "village"), ("64.09.04.2006", "MARIDAN", "village"),
            ("64.09.04.2001", "SEPAKU", "village")]
    return pl.DataFrame(rows, schema=["code", "name", "level"], orient="row")


BOUNDARY_VILLAGES = pl.DataFrame({"code": ["64.09.05.2001", "64.09.05.2002", "64.09.04.2001"],
                                  "name": ["Telemow", "Maridan", "Sepaku"]})


def test_hand_made_vintages(boundaries: gpd.GeoDataFrame, regions: pl.DataFrame) -> None:
    frame, report = join_regions(boundaries, regions, boundary_villages=BOUNDARY_VILLAGES)
    matched = dict(zip(frame["code"], frame["boundary_code"], strict=True))
    assert matched == {"64.09.01": "64.09.01", "64.09.02": "64.09.03", "64.09.03": "64.09.02",
                       "64.09.04": "64.09.04,64.09.05", "64.09.06": "64.09.07"}
    assert dict(zip(frame["code"], frame["match"], strict=True))["64.09.04"] == \
        "code_name_differs"
    assert report.renumbered == [("64.09.02", "64.09.03", "WARU"),
                                 ("64.09.03", "64.09.02", "BABULU")]
    assert report.name_differs == [("64.09.04", "SEPAKU", "Sepaku Baru")]
    assert report.fuzzy == [("64.09.06", "KARANG JINAWE", "64.09.07", "Karang Jinawi")]
    assert [(e, b) for e, b, _ in report.merged_splits] == [("64.09.04", "64.09.05")]
    assert "2 of 2 villages" in report.merged_splits[0][2]
    assert report.election_without_boundary == [("64.10.02", "LONG PAHANGAI")]
    assert report.boundary_without_election == [("64.10.01", "Long Apari")]
    assert "none of its 0 villages" in report.notes["64.10.01"]
    assert "Long Apari (none of its 0 villages" in report.summary()
    sepaku = frame.set_index("code").geometry["64.09.04"]
    assert sepaku.area == pytest.approx(2.0)  # its 2025 polygon plus the split-off one
    assert frame["name"].tolist()[1] == "WARU"  # keyed and named as the election has it


def test_without_village_evidence_the_split_is_reported(boundaries, regions) -> None:
    report = join_regions(boundaries, regions.filter(pl.col("level") != "village")).report
    assert report.merged_splits == []
    assert ("64.09.05", "Telemow") in report.boundary_without_election


def test_parent_scope(boundaries, regions) -> None:
    frame, report = join_regions(boundaries, regions, parent_code="64.10")
    assert frame.empty
    assert report.election_without_boundary == [("64.10.02", "LONG PAHANGAI")]
    assert report.boundary_without_election == [("64.10.01", "Long Apari")]


def test_name_key() -> None:
    assert name_key("Kabupaten Mukomuko", "regency") == name_key("MUKO MUKO", "regency")
    assert name_key("Kota Administrasi Jakarta Pusat", "regency") == \
        name_key("KOTA JAKARTA PUSAT", "regency")
    assert name_key("Kota Bandung", "regency") != name_key("Kabupaten Bandung", "regency")
    assert name_key("DKI JAKARTA", "province") == name_key("Daerah Khusus Ibukota Jakarta",
                                                           "province")


def test_real_provinces_and_regencies_all_match(repaired, election_regions) -> None:
    for level, count in [("province", 38), ("regency", 514)]:
        frame, report = join_regions(repaired(level).frame, election_regions)
        assert len(frame) == count
        assert report.election_without_boundary == []
        assert report.boundary_without_election == []
        assert not frame.geometry.is_empty.any()


def test_real_kecamatan_differences_are_reported(repaired, election_regions) -> None:
    """2024 list: 7,277 kecamatan; 2025 boundaries: 7,285. Renumbered Papua Barat Daya codes are
    matched by name; the 8 new kecamatan are listed when no village names are given."""
    districts = repaired("district").frame
    frame, report = join_regions(districts,
                                 election_regions.filter(pl.col("level") != "village"))
    assert len(frame) == 7277 and report.election_without_boundary == []
    assert [c for c, _ in report.boundary_without_election] == SPLITS_2025
    assert report.matched["renumbered"] == 56
    assert ("96.01.39", "96.01.14", "MARIAT") in report.renumbered
    assert dict(zip(frame["code"], frame["boundary_code"], strict=True))["96.01.04"] == "96.01.02"


def test_real_splits_merge_back_with_village_evidence(repaired, real_geo, election_regions
                                                      ) -> None:
    districts = repaired("district").frame
    frame, report = join_regions(districts, election_regions,
                                 boundary_villages=boundary_names("village", real_geo))
    assert report.boundary_without_election == [] and report.election_without_boundary == []
    assert sorted(b for _, b, _ in report.merged_splits) == SPLITS_2025
    origin = {b: e for e, b, _ in report.merged_splits}
    assert origin["72.01.24"] == "72.01.09" and origin["81.05.16"] == "81.05.02"
    assert origin["92.02.33"] == origin["92.02.34"] == "92.02.05"
    toili = frame.set_index("code").loc["72.01.09"]
    assert toili["boundary_code"] == "72.01.09,72.01.24"
    # The source's 2025 Toili still contains most of Toili Jaya: the 2024 extent is the union.
    by_code = districts.set_index("code").geometry
    assert toili.geometry.area == pytest.approx(
        by_code["72.01.09"].union(by_code["72.01.24"]).area, rel=1e-3)
    assert toili.geometry.area > by_code["72.01.09"].area


def test_election_layer_for_a_province(real_geo, geo_cache, election_regions) -> None:
    frame, report = election_layer("district", "72", election_regions, folder=real_geo,
                                   cache_dir=geo_cache)
    assert report.boundary_without_election == [] and report.election_without_boundary == []
    assert {b for _, b, _ in report.merged_splits} == {"72.01.24", "72.06.20"}
    assert frame["code"].str.startswith("72.").all()
    assert not frame.geometry.is_empty.any()
