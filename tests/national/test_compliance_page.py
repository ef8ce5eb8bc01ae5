"""The compliance queries on the national demo store, scored against what the generator planted
(``demo_ground_truth``) and against counts taken straight from the base tables by plain SQL —
an independent path: the page's national and provincial views read the rollup instead."""

from __future__ import annotations

import polars as pl
import pytest
import sqlalchemy as sa

from data_access import compliance
from data_access.compliance import ComplianceFilter
from data_access.ground_truth import ground_truth

pytestmark = pytest.mark.national


@pytest.fixture(scope="module")
def poor(demo_engine) -> set[str]:
    planted = ground_truth("compliance", "systematically_poor_regency", engine=demo_engine)
    assert planted.height >= 10, "the national demo plants a dozen poor regencies"
    return set(planted["subject"])


def _base_counts(engine, regency: str, election: str = "pemilu2024") -> pl.DataFrame:
    """Per kecamatan of ``regency`` and per stage, counted from obligations and reports."""
    sql = sa.text("""
        SELECT o.district_code AS code, o.stage, count(*) AS expected,
               count(r.report_id) AS filed,
               sum(CASE WHEN r.submitted_on <= o.due_date THEN 1 ELSE 0 END) AS on_time
        FROM report_obligation o
        LEFT JOIN supervision_report r ON r.obligation_id = o.obligation_id
        WHERE o.regency_code = :regency AND o.election = :election
          AND o.district_code IS NOT NULL
        GROUP BY 1, 2""")
    with engine.connect() as conn:
        rows = conn.execute(sql, {"regency": regency, "election": election}).fetchall()
    return pl.DataFrame(rows, schema=["code", "stage", "expected", "filed", "on_time"],
                        orient="row")


def test_planted_poor_regencies_are_the_least_compliant(demo_engine, poor):
    least = compliance.least_compliant("regency", None, n=len(poor), engine=demo_engine)
    assert set(least["region_code"]) == poor
    # … and each is far below its siblings in its own province (planted 45-65% against ~92%).
    assert (least["gap"] < -0.15).all(), least.select("region_code", "rate", "gap")
    assert (least["sibling_rank"] <= 2).all()  # at most two poor regencies per province


def test_poor_regency_tops_its_province(demo_engine, poor):
    for code in sorted(poor)[:3]:
        least = compliance.least_compliant("regency", code[:2], n=3, engine=demo_engine)
        planted_here = {c for c in poor if c.startswith(code[:2] + ".")}
        assert set(least["region_code"].head(len(planted_here))) == planted_here


def test_rollup_views_match_the_base_tables(demo_engine):
    regency = "64.09"  # Penajam Paser Utara (IKN)
    base = _base_counts(demo_engine, regency)
    by_district = base.group_by("code").agg(pl.col("expected", "filed", "on_time").sum())
    frame = compliance.region_compliance("district", regency, engine=demo_engine)
    got = frame.filter(pl.col("expected") > 0).select("region_code", "expected", "filed",
                                                      "on_time")
    want = by_district.rename({"code": "region_code"}).sort("region_code")
    assert got.sort("region_code").to_dicts() == want.to_dicts()
    cells = compliance.compliance_matrix("district", regency, "stage", engine=demo_engine)
    got = {(r["region_code"], r["stage"]): (r["expected"], r["filed"], r["on_time"])
           for r in cells.iter_rows(named=True)}
    assert got == {(r["code"], r["stage"]): (r["expected"], r["filed"], r["on_time"])
                   for r in base.iter_rows(named=True)}


def test_body_filter_matches_the_base_tables(demo_engine):
    sql = sa.text("""
        SELECT count(*), count(r.report_id) FROM report_obligation o
        LEFT JOIN supervision_report r ON r.obligation_id = o.obligation_id
        WHERE o.province_code = '64' AND o.body = 'ptps' AND o.election = 'pilkada2024'""")
    with demo_engine.connect() as conn:
        expected, filed = conn.execute(sql).one()
    frame = compliance.region_compliance(
        "province", None, ComplianceFilter(election="pilkada2024", body="ptps"),
        engine=demo_engine).filter(pl.col("region_code") == "64")
    assert (frame["expected"][0], frame["filed"][0]) == (expected, filed)


def test_staffing_gaps_equal_the_planted_vacancies(demo_engine):
    planted = ground_truth("compliance", "unstaffed_posts", engine=demo_engine)
    vacancies = {r["subject"]: int(r["detail"].split()[0]) for r in planted.iter_rows(named=True)}
    gaps = compliance.staffing_gaps("province", None, engine=demo_engine)
    assert gaps["tps_without_ptps"].sum() == vacancies["ptps"]
    assert gaps["villages_without_pkd"].sum() == vacancies["pkd"]
    assert gaps["polling_stations"].sum() == 820_161 and gaps["villages"].sum() == 83_731
