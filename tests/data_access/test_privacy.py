"""Small-cell suppression (data_access.privacy) and its use by the query modules.

``suppress`` is checked by hand and as properties over random frames: no small count is shown,
nothing shown is altered, and no hidden cell can be worked out from what is published (each
column's parent total, the shown siblings and the relations between a row's columns), by the same
linear-algebra attack the national test runs on the demo store. The query modules are checked on
the hand-made fixture store (tests/fixture_store.py), with expected values read off its lists: in
public mode the small kecamatan and desa counts are hidden and say so in exports; in internal
mode nothing is; and no argument can switch the public mode's suppression off.
"""

from __future__ import annotations

import inspect
from collections.abc import Hashable, Iterable

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.linalg import qr

from data_access import anomalies, compliance, violations
from data_access.privacy import parent_code, suppress, suppression_k
from pantau.export import export_dataset, mark_suppressed

# --- the attack: which hidden cells does a linear system of published facts determine? ---------


def determined(unknowns: list[Hashable], equations: Iterable[dict[Hashable, float]]) -> list:
    """The unknowns whose value follows from ``equations`` (each a map unknown → coefficient of
    a linear equation whose other terms are published numbers). An unknown is determined
    exactly when its unit vector lies in the row space of the coefficient matrix, i.e. when its
    projection onto that space has length 1. The space's orthonormal basis comes from a
    rank-revealing (pivoted) QR of the transposed matrix, several times faster than an SVD."""
    index = {u: i for i, u in enumerate(unknowns)}
    rows = [eq for eq in equations if any(u in index for u in eq)]
    if not unknowns or not rows:
        return []
    matrix = np.zeros((len(rows), len(unknowns)))
    for r, equation in enumerate(rows):
        for unknown, coefficient in equation.items():
            if unknown in index:
                matrix[r, index[unknown]] += coefficient
    basis, triangle, _ = qr(matrix.T, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(triangle))
    rank = int((diagonal > diagonal.max() * max(matrix.shape) * 1e-12).sum())
    reach = (basis[:, :rank] ** 2).sum(axis=1)
    return [u for u in unknowns if reach[index[u]] > 1 - 1e-9]


def test_the_attack_finds_a_lone_hidden_cell_and_not_a_pair():
    # Three siblings a, b, c with a published total; b alone hidden: b = total − a − c.
    assert determined(["b"], [{"b": 1}]) == ["b"]
    # b and c hidden: only b + c is known.
    assert determined(["b", "c"], [{"b": 1, "c": 1}]) == []
    # ... unless a row relation pins one of them (c's total = c's parts, both parts shown).
    assert determined(["b", "c"], [{"b": 1, "c": 1}, {"c": 1}]) == ["b", "c"]


def published_system(frame: pl.DataFrame, values: pl.DataFrame, columns: list[str],
                     group: str) -> tuple[list, list[dict]]:
    """The attacker's system for one suppressed frame: per group and column, the parent total
    (the sum of the true values) minus the shown cells is the sum of the hidden ones; per row,
    ``total`` = ``a`` + ``b`` when those columns exist."""
    unknowns, equations = [], []
    hidden = frame["suppressed"].to_list()
    groups = values[group].to_list()
    for column in columns:
        for g in set(groups):
            cells = [(i, column) for i, (h, gg) in enumerate(zip(hidden, groups, strict=True))
                     if h and gg == g]
            unknowns += cells
            equations.append(dict.fromkeys(cells, 1.0))
    if {"total", "a", "b"} <= set(columns):
        equations += [{(i, "total"): 1.0, (i, "a"): -1.0, (i, "b"): -1.0}
                      for i, h in enumerate(hidden) if h]
    return unknowns, equations


# --- suppress, by hand ----------------------------------------------------------------------


def test_primary_and_complementary_suppression_by_hand():
    frame = pl.DataFrame({"region_code": ["a", "b", "c", "d"], "cases": [3, 0, 12, 9]})
    out = suppress(frame, ["cases"], k=5)
    # 3 is primary; 9 is the smallest other non-zero row, so it is the complement. 0 stays.
    assert out["cases"].to_list() == [None, 0, 12, None]
    assert out["suppressed"].to_list() == [True, False, False, True]


def test_a_row_with_any_small_count_is_hidden_whole_with_its_rates():
    # Row x has 40 cases but 2 registered: every count and the rate go. Row y (zero registered)
    # is not sensitive; it is the smallest other non-zero row, so it is the complement.
    frame = pl.DataFrame({"cases": [40, 20, 60], "registered": [2, 0, 30],
                          "rate": [0.4, 0.2, 0.6]})
    out = suppress(frame, ["cases", "registered"], 5, derived=["rate"])
    assert out.rows() == [(None, None, None, True), (None, None, None, True),
                          (60, 30, 0.6, False)]


def test_two_primaries_need_no_complement():
    out = suppress(pl.DataFrame({"cases": [1, 2, 40, 50]}), ["cases"], k=5)
    assert out["cases"].to_list() == [None, None, 40, 50]


def test_groups_are_handled_separately():
    frame = pl.DataFrame({"parent": ["x", "x", "y", "y", "y"], "cases": [2, 30, 10, 20, 6]})
    out = suppress(frame, ["cases"], k=5, group="parent")
    assert out["cases"].to_list() == [None, None, 10, 20, 6]


def test_zero_is_hidden_only_when_no_other_complement_exists():
    out = suppress(pl.DataFrame({"cases": [3, 0, 0]}), ["cases"], k=5)
    assert out["cases"].to_list() == [None, None, 0]


def test_a_region_alone_under_its_parent_stays_hidden():
    out = suppress(pl.DataFrame({"p": ["x", "y"], "cases": [3, 8]}), ["cases"], 5, group="p")
    assert out["cases"].to_list() == [None, 8]


def test_an_extra_primary_condition_and_the_size_that_picks_the_complement():
    frame = pl.DataFrame({"cases": [7, 30, 9, 12], "weight": [1, 5, 50, 2],
                          "finer_split_small": [True, False, False, False]})
    out = suppress(frame, ["cases"], 5, primary=pl.col("finer_split_small"), size="weight")
    assert out["cases"].to_list() == [None, 30, 9, None]  # complement: the smallest weight


@pytest.mark.parametrize("k", [None, 0, 1])
def test_k_none_or_below_two_hides_nothing(k):
    out = suppress(pl.DataFrame({"cases": [1, 2, 3]}), ["cases"], k)
    assert out["cases"].to_list() == [1, 2, 3] and not out["suppressed"].any()


def test_parent_code():
    codes = pl.Series(["64", "64.09", "64.09.03", "64.09.03.2001"])
    assert pl.select(parent_code(pl.lit(codes))).to_series().to_list() == [
        "", "64", "64.09", "64.09.03"]


# --- suppress, as properties -----------------------------------------------------------------

frames = st.integers(min_value=2, max_value=10).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 3), min_size=n, max_size=n),  # group of each row
    st.lists(st.integers(0, 12), min_size=n, max_size=n),  # part a
    st.lists(st.integers(0, 12), min_size=n, max_size=n),  # part b
    st.integers(min_value=2, max_value=8)))  # k


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=300)
@given(frames)
def test_no_hidden_cell_follows_from_totals_siblings_and_row_relations(case):
    """Random frames of rows with total = a + b in sibling groups. A reader knows each group's
    total per column and every shown cell, and that total = a + b on every row."""
    groups, a, b, k = case
    values = pl.DataFrame({"g": groups, "a": a, "b": b}).with_columns(
        total=pl.col("a") + pl.col("b"))
    out = suppress(values, ["total", "a", "b"], k, group="g")
    for column in ("total", "a", "b"):
        shown = out[column].to_list()
        assert not any(v is not None and 0 < v < k for v in shown)  # no small count is shown
        assert all(s is None or s == v for s, v in zip(shown, values[column], strict=True))
    assert out["suppressed"].to_list() == out["total"].is_null().to_list()  # whole rows
    hidden_per_group = out.group_by("g").agg(pl.col("suppressed").sum(), pl.len())
    for hidden, size in hidden_per_group.select("suppressed", "len").rows():
        assert hidden != 1 or size == 1  # a lone hidden row only where it has no sibling
    unknowns, equations = published_system(out, values, ["total", "a", "b"], "g")
    alone = {i for i, (g, h) in enumerate(zip(groups, out["suppressed"], strict=True))
             if h and groups.count(g) == 1}
    assert {i for i, _ in determined(unknowns, equations)} <= alone


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=200)
@given(st.lists(st.integers(0, 40), min_size=2, max_size=12), st.integers(2, 10))
def test_one_column_one_group(values, k):
    out = suppress(pl.DataFrame({"cases": values}), ["cases"], k=k)
    shown = out["cases"].to_list()
    assert not any(v is not None and 0 < v < k for v in shown)
    assert sum(s is None for s in shown) != 1


# --- the mode decides, not the caller ---------------------------------------------------------


def test_k_comes_from_the_settings_and_only_fine_levels_are_suppressed(monkeypatch):
    monkeypatch.delenv("PANTAU_MODE", raising=False)
    monkeypatch.delenv("PANTAU_SUPPRESSION_K", raising=False)
    assert [suppression_k(lv) for lv in ("province", "regency", "district", "village")] == [
        None, None, 5, 5]
    monkeypatch.setenv("PANTAU_SUPPRESSION_K", "3")
    assert suppression_k("village") == 3
    monkeypatch.setenv("PANTAU_MODE", "internal")
    assert suppression_k("village") is None
    monkeypatch.setenv("PANTAU_MODE", "anything-else")  # public unless exactly "internal"
    assert suppression_k("district") == 3


REGION_FUNCTIONS = [violations.violations_by_region, violations.violations_table,
                    compliance.compliance_by_region, compliance.region_compliance,
                    compliance.compliance_matrix, compliance.least_compliant,
                    anomalies.anomalies_by_region, anomalies.anomaly_counts,
                    anomalies.anomaly_map_metrics, anomalies.anomaly_totals,
                    anomalies.anomaly_rule_counts]


@pytest.mark.parametrize("function", REGION_FUNCTIONS, ids=lambda f: f.__qualname__)
def test_no_argument_can_switch_suppression_off(function):
    parameters = set(inspect.signature(function).parameters)
    assert not parameters & {"mode", "k", "min_supervisors", "suppress", "suppression_k"}


# --- the query modules on the fixture store -----------------------------------------------------

def by_code(frame: pl.DataFrame, *columns: str) -> dict[str, tuple]:
    return {r["region_code"]: tuple(r[c] for c in columns) for r in frame.iter_rows(named=True)}


@pytest.fixture
def public(monkeypatch):
    monkeypatch.delenv("PANTAU_MODE", raising=False)  # the default is public
    monkeypatch.delenv("PANTAU_SUPPRESSION_K", raising=False)


@pytest.fixture
def internal(monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")


COUNTS = ("cases", "registered", "violations", "forwarded")


def test_violations_by_kecamatan_internal_shows_every_count(fixture_engine, internal):
    # Pemilu 2024 under Provinsi Alfa: C2 handled by Kec. Satu A (registered, not a violation);
    # C3 by a desa of Kec. Satu B (registered, violation, forwarded to KPU); Kec. Dua A none.
    frame = violations.violations_by_region("district", "91", engine=fixture_engine)
    assert by_code(frame, *COUNTS, "suppressed") == {
        "91.01.01": (1, 1, 0, 0, False), "91.01.02": (1, 1, 1, 1, False),
        "91.02.01": (0, 0, 0, 0, False)}


def test_violations_by_kecamatan_public_hides_small_counts(fixture_engine, public):
    # Kec. Satu A and B (siblings under Kab. Satu) each hold one case: both hidden, counts and
    # rate null, DPT kept. Kec. Dua A (zero, alone under Kab. Dua) is shown.
    frame = violations.violations_by_region("district", "91", engine=fixture_engine)
    assert by_code(frame, *COUNTS, "rate_per_100k", "voters", "suppressed") == {
        "91.01.01": (None, None, None, None, None, 585, True),
        "91.01.02": (None, None, None, None, None, 290, True),
        "91.02.01": (0, 0, 0, 0, 0.0, 155, False)}
    # Kab/kota and provinces are never suppressed.
    regencies = violations.violations_by_region("regency", "91", engine=fixture_engine)
    assert by_code(regencies, "cases", "suppressed") == {"91.01": (3, False),
                                                          "91.02": (1, False)}


def test_violations_table_hides_the_same_rows_and_a_small_panwascam_row(fixture_engine, public):
    # Desa of Kec. Satu A: none of its cases is handled by a desa; C2 is handled by its
    # Panwascam (1 case: small). That row sits beside the desa, so one desa (both are zero; the
    # first) is hidden with it, else the kecamatan's published total would give it away.
    table = violations.violations_table("village", "91.01.01", engine=fixture_engine)
    assert [(r["region_code"], r["handled_at"], r["cases"], r["suppressed"])
            for r in table.iter_rows(named=True)] == [
        ("91.01.01.2001", None, None, True), ("91.01.01.2002", None, 0, False),
        ("91.01.01", "district", None, True)]
    districts = violations.violations_table("district", "91", engine=fixture_engine)
    by_region = violations.violations_by_region("district", "91", engine=fixture_engine)
    rows = districts.filter(pl.col("handled_at").is_null())
    assert rows["suppressed"].to_list() == by_region["suppressed"].to_list()
    # The rows handled by Bawaslu Kab/Kota (C1, C4) are a kab/kota's: shown.
    above = districts.filter(pl.col("handled_at") == "regency").row(0, named=True)
    assert (above["cases"], above["suppressed"]) == (2, False)


def test_violations_table_internal_adds_up_to_the_headline(fixture_engine, internal,
                                                           monkeypatch):
    table = violations.violations_table("village", "91.01.01", engine=fixture_engine)
    assert not table["suppressed"].any()
    assert table["cases"].sum() == violations.violations_summary(
        "91.01.01", engine=fixture_engine)["cases"] == 1
    # Without cases handled by its Panwascam, a kecamatan's desa table has no such row
    # internally; public mode lists it at zero so that its presence says nothing.
    dua = violations.violations_table("village", "91.02.01", engine=fixture_engine)
    assert dua["handled_at"].to_list() == [None]
    monkeypatch.setenv("PANTAU_MODE", "public")
    dua = violations.violations_table("village", "91.02.01", engine=fixture_engine)
    assert [(r["handled_at"], r["cases"], r["suppressed"]) for r in dua.iter_rows(named=True)] == [
        (None, 0, False), ("district", 0, False)]


def test_a_page_filter_cannot_reveal_a_hidden_region(fixture_engine, public):
    """Kec. Satu A is hidden in every view of the same cases, whichever source or status is
    picked: otherwise 'laporan' plus 'temuan' would rebuild its total."""
    for filters in (violations.CaseFilter(), violations.CaseFilter(source="laporan"),
                    violations.CaseFilter(source="temuan"),
                    violations.CaseFilter(status="not_violation")):
        frame = violations.violations_by_region("district", "91", filters, engine=fixture_engine)
        assert by_code(frame, "suppressed")["91.01.01"] == (True,), filters


def test_compliance_desa_public_and_internal(fixture_engine, monkeypatch):
    # Desa Satu A1: PKD 3 (campaign, missing) and PTPS 5, 6 (voting: one on time, one missing);
    # Desa Satu B1: PKD 4 (campaign, on time) and PTPS 7 (voting, late). Kel. Tujuh A1: PKD 9
    # (missing) and PTPS 8 (on time). Expected, filed, on time, late, missing:
    monkeypatch.setenv("PANTAU_MODE", "internal")
    frame = compliance.region_compliance("village", None, engine=fixture_engine)
    assert by_code(frame, "expected", "filed", "on_time", "late", "missing", "suppressed") == {
        "91.01.01.2001": (3, 1, 1, 0, 2, False), "91.01.01.2002": (0, 0, 0, 0, 0, False),
        "91.01.02.2001": (2, 2, 1, 1, 0, False), "91.02.01.2001": (0, 0, 0, 0, 0, False),
        "92.71.01.1001": (2, 1, 1, 0, 1, False)}
    monkeypatch.setenv("PANTAU_MODE", "public")
    frame = compliance.region_compliance("village", None, engine=fixture_engine)
    # Every desa with reports has small counts (one PKD is one person). A1's only sibling, A2,
    # owes nothing: it is hidden as A1's complement. B1 and Tujuh A1 are alone under their
    # kecamatan. Desa Dua A1 owes nothing and is alone: shown.
    assert by_code(frame, "expected", "rate", "supervisors", "suppressed") == {
        "91.01.01.2001": (None, None, None, True), "91.01.01.2002": (None, None, None, True),
        "91.01.02.2001": (None, None, None, True), "91.02.01.2001": (0, None, None, False),
        "92.71.01.1001": (None, None, None, True)}
    assert compliance.compliance_by_region("village", None, engine=fixture_engine)[
        "suppressed"].to_list() == frame["suppressed"].to_list()
    # Kecamatan cells describe bodies (Panwascam …): never suppressed.
    assert not compliance.region_compliance("district", None, engine=fixture_engine)[
        "suppressed"].any()


def test_compliance_matrix_hides_whole_desa_and_fills_their_columns(fixture_engine, public):
    cells = compliance.compliance_matrix("village", "91.01.01", "stage", engine=fixture_engine)
    # A1 has campaign and voting cells; A2 none, but as a hidden desa it gets one per column of
    # its group, so a missing cell never says "nothing was due here".
    assert sorted((r["region_code"], r["stage"], r["expected"], r["suppressed"])
                  for r in cells.iter_rows(named=True)) == [
        ("91.01.01.2001", "campaign", None, True), ("91.01.01.2001", "voting", None, True),
        ("91.01.01.2002", "campaign", None, True), ("91.01.01.2002", "voting", None, True)]


def test_anomalies_hide_the_same_kecamatan_in_every_view(fixture_engine, public):
    # Record-level flags: duplicate_nik r1 and underage r2 in Desa Satu A1, underage r3 in Desa
    # Satu B1 (Kec. Satu B also has a stage_growth flag, which describes the kecamatan).
    hidden = {"91.01.01", "91.01.02"}
    metrics = anomalies.anomaly_map_metrics("district", "91", engine=fixture_engine)
    assert set(metrics.filter("suppressed")["region_code"]) == hidden
    assert by_code(metrics, "record_flags", "region_flags")["91.01.02"] == (None, 1)
    by_region = anomalies.anomalies_by_region("district", "91", engine=fixture_engine)
    assert set(by_region.filter("suppressed")["region_code"]) == hidden
    counts = anomalies.anomaly_counts("district", "91", engine=fixture_engine)
    assert {(r["region_code"], r["rule_id"], r["flags"]) for r in counts.iter_rows(named=True)} == {
        ("91.01.01", "duplicate_nik", None), ("91.01.01", "underage", None),
        ("91.01.02", "duplicate_nik", None), ("91.01.02", "underage", None),
        ("91.01.02", "stage_growth", 1)}
    assert anomalies.anomaly_totals("91.01.01", engine=fixture_engine)["suppressed"] is True
    # Kec. Satu B's own rule table: its record-level rows are hidden, and it lists every rule
    # its sibling has too (duplicate_nik), so a listed row does not say "at least one".
    rules = anomalies.anomaly_rule_counts("91.01.02", engine=fixture_engine)
    assert {(r["rule_id"], r["flags"]) for r in rules.iter_rows(named=True)} == {
        ("underage", None), ("duplicate_nik", None), ("stage_growth", 1)}


def test_internal_mode_suppresses_nothing(fixture_engine, internal):
    frames = [violations.violations_by_region("district", "91", engine=fixture_engine),
              violations.violations_table("village", "91.01.01", engine=fixture_engine),
              compliance.region_compliance("village", "91", engine=fixture_engine),
              compliance.compliance_matrix("village", "91", "week", engine=fixture_engine),
              anomalies.anomaly_map_metrics("village", "91", engine=fixture_engine),
              anomalies.anomaly_counts("district", None, engine=fixture_engine),
              anomalies.anomalies_by_region("district", "91", engine=fixture_engine)]
    for frame in frames:
        assert not frame["suppressed"].any()
    counts = anomalies.anomaly_counts("district", "91", engine=fixture_engine)
    assert {(r["region_code"], r["rule_id"]): r["flags"] for r in counts.iter_rows(named=True)} == {
        ("91.01.01", "duplicate_nik"): 1, ("91.01.01", "underage"): 1,
        ("91.01.02", "stage_growth"): 1, ("91.01.02", "underage"): 1}


def test_a_larger_k_from_the_settings_hides_more(fixture_engine, monkeypatch):
    # Kab/kota-level tables are never hidden, whatever k; kecamatan with 1 case are hidden from
    # k = 2 up, and not at k = 1 (nothing is smaller than 1).
    monkeypatch.setenv("PANTAU_SUPPRESSION_K", "1")
    assert not violations.violations_by_region("district", "91", engine=fixture_engine)[
        "suppressed"].any()
    monkeypatch.setenv("PANTAU_SUPPRESSION_K", "2")
    assert violations.violations_by_region("district", "91", engine=fixture_engine)[
        "suppressed"].sum() == 2


# --- exports: the marker, never zero or an empty cell -------------------------------------------


def test_exports_write_suppressed_in_the_cell(fixture_url, monkeypatch):
    monkeypatch.setenv("PANTAU_DATABASE_URL", fixture_url)
    monkeypatch.delenv("PANTAU_MODE", raising=False)
    public = pl.read_csv(export_dataset("violations", level="district", scope="91"),
                         infer_schema=False)
    assert by_code(public, "cases", "forwarded", "rate_per_100k", "voters", "suppressed") == {
        "91.01.01": ("suppressed", "suppressed", "suppressed", "585", "true"),
        "91.01.02": ("suppressed", "suppressed", "suppressed", "290", "true"),
        "91.02.01": ("0", "0", "0.0", "155", "false")}
    desa = pl.read_csv(export_dataset("compliance", level="village", scope="91.01"),
                       infer_schema=False)
    assert set(desa["expected"]) == {"suppressed"}
    flags = pl.read_json(export_dataset("anomalies", level="district", scope="91", fmt="json"))
    assert set(flags.filter(pl.col("rule_id") == "underage")["flags"]) == {"suppressed"}
    monkeypatch.setenv("PANTAU_MODE", "internal")
    internal = pl.read_csv(export_dataset("violations", level="district", scope="91"))
    assert internal["cases"].to_list() == [1, 1, 0]
    assert internal["cases"].dtype == pl.Int64


def test_mark_suppressed_keeps_frames_without_hidden_rows_as_they_are():
    frame = pl.DataFrame({"n": [1, 2], "suppressed": [False, False]})
    assert mark_suppressed(frame).equals(frame)
    marked = mark_suppressed(pl.DataFrame({"n": [None, 7], "v": [10, 20],
                                           "suppressed": [True, False]}), "disembunyikan")
    assert marked.rows() == [("disembunyikan", 10, True), ("7", 20, False)]  # only n had a hole


# --- the map: a suppressed region is drawn as suppressed, not as zero or no data ----------------


def test_map_draws_suppressed_regions_with_their_own_legend_entry():
    import geopandas as gpd
    from shapely.geometry import box

    from geo.choropleth import NO_DATA_FILL, SUPPRESSED_FILL, MapLabels, build_map

    regions = gpd.GeoDataFrame(
        {"code": ["64.09.01", "64.09.02", "64.09.03", "64.09.04"],
         "name": ["Penajam", "Waru", "Babulu", "Sepaku"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(4)], crs="EPSG:4326")
    values = pl.DataFrame({"region_code": ["64.09.01", "64.09.02", "64.09.03"],
                           "value": [12.0, None, 0.0], "suppressed": [False, True, False]})
    m = build_map(regions, values, MapLabels("Kasus", "Wilayah", "Kasus", "Tidak ada data",
                                             suppressed="Disembunyikan"), tiles="none")
    html = m.get_root().render()
    layer = next(child for child in m._children.values() if hasattr(child, "style_function"))
    features = {f["id"]: f for f in layer.data["features"]}
    style = {code: layer.style_function(f)["fillColor"] for code, f in features.items()}
    assert style["64.09.02"] == SUPPRESSED_FILL and style["64.09.04"] == NO_DATA_FILL
    assert style["64.09.03"] not in (SUPPRESSED_FILL, NO_DATA_FILL)  # zero is a value
    assert features["64.09.02"]["properties"]["value_label"] == "Disembunyikan"
    assert "Disembunyikan (1)" in html and "Tidak ada data (1)" in html
