from __future__ import annotations

import pytest

from data_access import codes


@pytest.mark.parametrize("raw,canonical,level", [
    ("64", "64", "province"), ("6409", "64.09", "regency"), ("640904", "64.09.04", "district"),
    ("6409042001", "64.09.04.2001", "village"), ("64.09.04.2001", "64.09.04.2001", "village"),
    ("6409042001901", "64.09.04.2001.901", "polling_station"), (" 64.09 ", "64.09", "regency"),
])
def test_normalize_and_level(raw, canonical, level):
    assert codes.normalize(raw) == canonical
    assert codes.level_of(raw) == level


@pytest.mark.parametrize("raw", ["", "6", "640", "64.9", "64.09.4", "ab", "64-09", "64..09",
                                 "12345678901234567890123", None, "６４", "64.０９", "٦٤"])
def test_invalid_codes(raw):
    with pytest.raises(codes.InvalidRegionCode):
        codes.normalize(raw)


def test_hierarchy_helpers():
    assert codes.parent_of("64.09.04") == "64.09"
    assert codes.parent_of("64") is None
    assert codes.ancestor_at("64.09.04.2001", "regency") == "64.09"
    assert codes.child_level(None) == "province"
    assert codes.child_level("district") == "village"
    assert codes.undotted("64.09.04.2001") == "6409042001"
