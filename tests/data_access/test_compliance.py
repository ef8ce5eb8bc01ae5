"""Compliance queries against the fixture store; expectations worked out from the fixture."""

from __future__ import annotations

import pytest

from data_access import compliance
from tests.fixture_store import OBLIGATIONS, POLLING_STATIONS, REGIONS, SUPERVISORS

BODY = {sid: (body, code) for sid, body, code in SUPERVISORS}


def _expected(prefix_of, election="pemilu2024", stage=None):
    out: dict[str, dict[str, int]] = {}
    for _, sid, el, st, due, sub in OBLIGATIONS:
        if el != election or (stage and st != stage):
            continue
        key = prefix_of(BODY[sid][1])
        if key is None:
            continue
        acc = out.setdefault(key, {"expected": 0, "filed": 0, "on_time": 0, "late": 0,
                                   "missing": 0})
        acc["expected"] += 1
        if sub is None:
            acc["missing"] += 1
        else:
            acc["filed"] += 1
            acc["on_time" if sub <= due else "late"] += 1
    return out


def _prefix(width):
    return lambda code: code[:width] if len(code) >= width else None


@pytest.mark.parametrize("level,width", [("province", 2), ("regency", 5), ("district", 8),
                                         ("village", 13)])
def test_compliance_by_region(fixture_engine, level, width, monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")  # desa counts this small are hidden publicly
    frame = compliance.compliance_by_region(level, engine=fixture_engine)
    expected = _expected(_prefix(width))
    got = {r["region_code"]: {k: r[k] for k in ("expected", "filed", "on_time", "late",
                                                 "missing")}
           for r in frame.iter_rows(named=True) if r["expected"]}
    assert got == expected
    for row in frame.iter_rows(named=True):
        assert row["on_time"] + row["late"] == row["filed"]
        assert row["filed"] + row["missing"] == row["expected"]
        if row["expected"]:
            assert row["rate"] == pytest.approx(row["filed"] / row["expected"])
        else:
            assert row["rate"] is None  # no denominator, no rate


def test_compliance_by_stage_and_body(fixture_engine):
    by_stage = compliance.compliance_by("stage", engine=fixture_engine)
    assert dict(zip(by_stage["stage"], by_stage["expected"], strict=True)) == {
        "campaign": 5, "voting": 4}
    by_body = compliance.compliance_by("body", "91", engine=fixture_engine)
    ptps = by_body.filter(by_body["body"] == "ptps").row(0, named=True)
    # TPS supervisors in 91 for pemilu2024: obligations 5 (on time), 6 (missing), 7 (late).
    assert (ptps["expected"], ptps["on_time"], ptps["late"], ptps["missing"]) == (3, 1, 1, 1)


def test_summary_matches_hand_count(fixture_engine):
    summary = compliance.compliance_summary(engine=fixture_engine)
    assert summary["expected"] == 9 and summary["filed"] == 6 and summary["on_time"] == 4
    pilkada = compliance.compliance_summary(election="pilkada2024", engine=fixture_engine)
    assert pilkada["expected"] == 1 and pilkada["on_time"] == 1


@pytest.mark.parametrize("level", ["province", "regency", "district", "village"])
def test_staffing_coverage(fixture_engine, level):
    frame = compliance.staffing_coverage(level, engine=fixture_engine)
    ptps = {code for _, body, code in SUPERVISORS if body == "ptps"}
    pkd = {code for _, body, code in SUPERVISORS if body == "pkd"}
    villages = [code for code, level, _, _ in REGIONS if level == "village"]
    for row in frame.iter_rows(named=True):
        code = row["region_code"]
        tps = [c for c, _, _ in POLLING_STATIONS if c.startswith(code + ".")]
        desa = [v for v in villages if v == code or v.startswith(code + ".")]
        assert row["polling_stations"] == len(tps)
        assert row["tps_without_ptps"] == len([c for c in tps if c not in ptps])
        assert row["villages"] == len(desa)
        assert row["villages_without_pkd"] == len([v for v in desa if v not in pkd])


def test_rollup_and_base_tables_agree_inside_a_province(fixture_engine, monkeypatch):
    """A province's numbers read from the rollup equal the sum of its desa read from the base
    tables (desa level never uses the rollup)."""
    monkeypatch.setenv("PANTAU_MODE", "internal")  # desa counts this small are hidden publicly
    province = compliance.compliance_by_region("province", engine=fixture_engine)
    desa = compliance.compliance_by_region("village", "91", engine=fixture_engine)
    row = province.filter(province["region_code"] == "91").row(0, named=True)
    # Bodies above desa (Bawaslu Provinsi, Kab/Kota) count at province level but not per desa.
    above = _expected(lambda code: code if len(code) < 13 and code.startswith("91") else None)
    for column in ("expected", "filed", "on_time", "late", "missing"):
        assert row[column] == desa[column].sum() + sum(v[column] for v in above.values())
