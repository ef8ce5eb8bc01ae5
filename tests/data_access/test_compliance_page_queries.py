"""The compliance page's queries on the fixture store. Every expectation is worked out from the
fixture's lists (by hand in the comments, or by plain Python over OBLIGATIONS), never from the
code under test."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import polars as pl
import pytest

from data_access import compliance
from data_access.compliance import ComplianceFilter
from data_access.domain import STAGE_KEYS
from data_access.ground_truth import ground_truth
from data_access.query import InvalidQuery
from tests.fixture_store import OBLIGATIONS, POLLING_STATIONS, REGIONS, SUPERVISORS

POST = {sid: (body, code) for sid, body, code in SUPERVISORS}
COUNTS = ("expected", "filed", "on_time", "late", "missing")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _cells(width: int, key=lambda stage, due: None, election="pemilu2024", body=None):
    """(region prefix, key) → counts and the set of supervisors, straight from OBLIGATIONS."""
    out: dict[tuple, dict] = {}
    for _, sid, el, stage, due, sub in OBLIGATIONS:
        post_body, code = POST[sid]
        if el != election or len(code) < width or (body and post_body != body):
            continue
        acc = out.setdefault((code[:width], key(stage, due)),
                             {**dict.fromkeys(COUNTS, 0), "people": set()})
        acc["expected"] += 1
        acc["people"].add(sid)
        if sub is None:
            acc["missing"] += 1
        else:
            acc["filed"] += 1
            acc["on_time" if sub <= due else "late"] += 1
    return out


def _as_dict(frame: pl.DataFrame, key: str | None = None) -> dict[tuple, dict]:
    return {(r["region_code"], r[key] if key else None): {c: r[c] for c in COUNTS}
            for r in frame.iter_rows(named=True) if r["expected"]}


@pytest.mark.parametrize("level,width", [("regency", 5), ("district", 8), ("village", 13)])
def test_matrix_by_stage(fixture_engine, level, width, monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")  # desa cells this small are hidden publicly
    frame = compliance.compliance_matrix(level, "91", "stage", engine=fixture_engine)
    expected = {k: {c: v[c] for c in COUNTS} for k, v in
                _cells(width, key=lambda stage, due: stage).items() if k[0].startswith("91.")}
    assert _as_dict(frame, "stage") == expected
    for row in frame.iter_rows(named=True):
        assert row["rate"] == pytest.approx(row["filed"] / row["expected"])


def test_matrix_by_due_week(fixture_engine):
    # Pemilu obligations are due Thu 15 or Sat 17 February 2024: both in the week of Mon 12 Feb.
    frame = compliance.compliance_matrix("province", None, "week", engine=fixture_engine)
    expected = {k: {c: v[c] for c in COUNTS}
                for k, v in _cells(2, key=lambda stage, due: _monday(due)).items()}
    assert _as_dict(frame, "week") == expected
    assert set(frame["week"]) == {date(2024, 2, 12)}


def test_matrix_rejects_unknown_dimension(fixture_engine):
    with pytest.raises(InvalidQuery):
        compliance.compliance_matrix("province", None, "supervisor", engine=fixture_engine)


def test_region_compliance_with_body_filter(fixture_engine):
    ptps = ComplianceFilter(body="ptps")
    frame = compliance.region_compliance("regency", None, ptps, engine=fixture_engine)
    expected = {k: {c: v[c] for c in COUNTS} for k, v in _cells(5, body="ptps").items()}
    assert _as_dict(frame) == expected
    # Every regency is listed, including 91.02 which owes nothing: no denominator, no rate.
    assert set(frame["region_code"]) == {c for c, lv, _, _ in REGIONS if lv == "regency"}
    empty = frame.filter(pl.col("region_code") == "91.02").row(0, named=True)
    assert empty["expected"] == 0 and empty["rate"] is None


def test_desa_cells_count_their_supervisors(fixture_engine, monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")  # publicly these desa are suppressed
    frame = compliance.region_compliance("village", "91", engine=fixture_engine)
    people = {k[0]: len(v["people"]) for k, v in _cells(13).items()}
    # DESA SATU A1: PKD 3 and PTPS 5, 6; DESA SATU B1: PKD 4 and PTPS 7.
    assert people == {"91.01.01.2001": 3, "91.01.02.2001": 2, "92.71.01.1001": 2}
    got = {r["region_code"]: r["supervisors"] for r in frame.iter_rows(named=True)
           if r["supervisors"]}
    assert got == {k: v for k, v in people.items() if k.startswith("91.")}
    # Above desa level the cells describe bodies, and the people are not counted.
    above = compliance.region_compliance("district", "91", engine=fixture_engine)
    assert above["supervisors"].null_count() == above.height


@pytest.mark.parametrize("k", [2, 3, 4])
def test_small_desa_cells_are_suppressed(fixture_engine, monkeypatch, k):
    # Every desa that owes reports has its PKD's cell (one person) and counts of 1 or 2: hidden
    # at any k >= 2. A2 owes nothing but is A1's only sibling, so it is hidden with it (else the
    # kecamatan total minus A2's zero would give A1 away); B1 is alone under Kec. Satu B.
    monkeypatch.setenv("PANTAU_SUPPRESSION_K", str(k))
    frame = compliance.region_compliance("village", "91", engine=fixture_engine)
    assert set(frame.filter("suppressed")["region_code"]) == {
        "91.01.01.2001", "91.01.01.2002", "91.01.02.2001"}
    for row in frame.filter("suppressed").iter_rows(named=True):
        assert all(row[c] is None for c in (*COUNTS, "rate", "on_time_rate", "supervisors"))


def test_suppression_never_touches_bodies_above_desa(fixture_engine, monkeypatch):
    monkeypatch.setenv("PANTAU_SUPPRESSION_K", "100")
    frame = compliance.region_compliance("district", "91", engine=fixture_engine)
    assert not frame["suppressed"].any()


def test_matrix_suppresses_whole_desa(fixture_engine, monkeypatch):
    # A hidden desa has every cell hidden, and a cell in every stage its siblings have (A2).
    monkeypatch.setenv("PANTAU_SUPPRESSION_K", "2")
    frame = compliance.compliance_matrix("village", "91", "stage", engine=fixture_engine)
    assert frame["suppressed"].all()
    assert sorted(frame.select("region_code", "stage").rows()) == [
        ("91.01.01.2001", "campaign"), ("91.01.01.2001", "voting"),
        ("91.01.01.2002", "campaign"), ("91.01.01.2002", "voting"),
        ("91.01.02.2001", "campaign"), ("91.01.02.2001", "voting")]
    # k = 1 hides nothing.
    monkeypatch.setenv("PANTAU_SUPPRESSION_K", "1")
    assert not compliance.compliance_matrix("village", "91", "stage",
                                            engine=fixture_engine)["suppressed"].any()


def test_least_compliant_order_sibling_gap_and_trend(fixture_engine):
    frame = compliance.least_compliant("province", None, engine=fixture_engine)
    by_province = {k[0]: v for k, v in _cells(2).items()}
    rate = {code: v["filed"] / v["expected"] for code, v in by_province.items()}
    # 91: 5 of 7 filed; 92: 1 of 2 (obligation 8 on time, 9 missing).
    assert rate == pytest.approx({"91": 5 / 7, "92": 0.5})
    assert frame["region_code"].to_list() == ["92", "91"]
    for row in frame.iter_rows(named=True):
        others = [r for c, r in rate.items() if c != row["region_code"]]
        assert row["sibling_median"] == pytest.approx(statistics.median(others))
        assert row["gap"] == pytest.approx(rate[row["region_code"]] - statistics.median(others))
        assert row["siblings"] == 2
    assert frame["sibling_rank"].to_list() == [1, 2]
    # Trend: the rate per stage in stage order (campaign before voting).
    stages = _cells(2, key=lambda stage, due: stage)
    for row in frame.iter_rows(named=True):
        keys = sorted((s for c, s in stages if c == row["region_code"]), key=STAGE_KEYS.index)
        want = [stages[(row["region_code"], s)]["filed"] / stages[(row["region_code"], s)]
                ["expected"] for s in keys]
        assert row["trend"] == pytest.approx(want)
        assert row["trend_stages"] == keys
        assert row["trend_change"] == pytest.approx(want[-1] - want[0])


def test_least_compliant_skips_regions_without_obligations(fixture_engine):
    frame = compliance.least_compliant("regency", None, n=10, engine=fixture_engine)
    # 92.71: 1 of 2; 91.01: 4 of 6; 91.02 owes nothing and has no rate to rank.
    assert frame["region_code"].to_list() == ["92.71", "91.01"]
    assert frame["rate"].to_list() == pytest.approx([0.5, 4 / 6])
    # 91.01's only sibling (91.02) has no rate: nothing to compare with.
    row = frame.filter(pl.col("region_code") == "91.01").row(0, named=True)
    assert row["sibling_median"] is None and row["siblings"] == 1


def test_staffing_gaps_shares_worst_first(fixture_engine):
    frame = compliance.staffing_gaps("regency", None, engine=fixture_engine)
    ptps = {code for _, body, code in SUPERVISORS if body == "ptps"}
    pkd = {code for _, body, code in SUPERVISORS if body == "pkd"}
    villages = [code for code, level, _, _ in REGIONS if level == "village"]
    share = {}
    for code in (c for c, lv, _, _ in REGIONS if lv == "regency"):
        tps = [c for c, _, _ in POLLING_STATIONS if c.startswith(code + ".")]
        desa = [v for v in villages if v.startswith(code + ".")]
        share[code] = (len([c for c in tps if c not in ptps]) / len(tps),
                       len([v for v in desa if v not in pkd]) / len(desa))
    # 91.02: no PTPS at either TPS and no PKD (1.0, 1.0); 92.71: 1 of 2 TPS unstaffed; 91.01: 1 of 4.
    assert frame["region_code"].to_list() == sorted(share, key=lambda c: (-share[c][0],
                                                                          -share[c][1]))
    for row in frame.iter_rows(named=True):
        assert (row["tps_without_ptps_share"], row["villages_without_pkd_share"]) == \
            pytest.approx(share[row["region_code"]])


def test_ground_truth_reads_planted_subjects(fixture_engine):
    # The hand-made fixture plants nothing: an empty, well-formed answer.
    frame = ground_truth("compliance", "systematically_poor_regency", engine=fixture_engine)
    assert frame.columns == ["subject", "detail"] and frame.height == 0
    with pytest.raises(ValueError):
        ground_truth("", "x", engine=fixture_engine)
