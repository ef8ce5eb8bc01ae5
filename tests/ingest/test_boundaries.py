"""boundaries: a GDAL-readable file checked with the geo package and installed in the boundary
folder, with its audit row; unusable codes are problems like any other."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from data_access.ingest import IngestError, IngestRejected, Options, ingest
from geo import load_boundaries
from tests.ingest.helpers import AUDIT, write


def square(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1],
                                                [x, y]]]}


def geojson(tmp_path, name, features):
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": label}, "geometry": geometry}
        for code, label, geometry in features]}
    return write(tmp_path, name, json.dumps(collection))


def test_a_boundary_file_is_checked_and_installed(store, tmp_path):
    path = geojson(tmp_path, "kab.geojson", [("9101", "KAB. SATU", square(120, -3)),
                                            ("91.02", "KAB. DUA", square(121, -3)),
                                            ("91.03", "KAB. BARU", square(122, -3))])
    result = ingest("boundaries", path)
    assert (result.status, result.rows_read, result.rows_accepted) == ("loaded", 3, 3)
    installed = store.geo_dir / "kab.geojson"
    assert installed.read_bytes() == path.read_bytes()
    layer = load_boundaries("regency", store.geo_dir)
    assert layer.frame["code"].tolist() == ["91.01", "91.02", "91.03"]
    assert any("1 code(s) not in the store's region list" in note and "91.03" in note
               for note in result.notes)
    assert store.rows(sa.select(AUDIT.c.kind, AUDIT.c.file_name, AUDIT.c.rows_accepted)) == [
        ("boundaries", "kab.geojson", 3)]


def test_unusable_codes_reject_the_file_unless_partial(store, tmp_path):
    path = geojson(tmp_path, "kab.geojson", [("9101", "KAB. SATU", square(120, -3)),
                                            ("KAB-2", "KAB. DUA", square(121, -3))])
    before = store.fingerprint()
    with pytest.raises(IngestRejected) as rejected:
        ingest("boundaries", path)
    assert [(p["row"], p["reason"]) for p in rejected.value.result.problems.to_dicts()] == [
        (2, "'KAB-2' is not a region code: expected 2, 4, 6, 10 or 13 digits, or the dotted "
            "form")]
    assert store.fingerprint() == before and not (store.geo_dir / "kab.geojson").exists()
    assert rejected.value.result.quarantine.read_text(encoding="utf-8-sig").splitlines()[0] == (
        "_feature,_errors")
    result = ingest("boundaries", path, Options(allow_partial=True))
    assert (result.status, result.rows_accepted, result.rows_rejected) == ("partial", 1, 1)


def test_files_that_are_not_boundaries(store, tmp_path):
    with pytest.raises(IngestError, match="no region boundaries found"):
        ingest("boundaries", write(tmp_path, "notes.geojson", '{"type": "FeatureCollection", '
                                                              '"features": []}'))
    with pytest.raises(IngestError, match="cannot be read as a boundary file|no region boundaries"):
        ingest("boundaries", write(tmp_path, "random.gpkg", "not a geopackage"))
