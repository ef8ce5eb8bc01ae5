"""A load refreshes only the rollups it can have changed, and the result is exactly what a full
recompute gives.

A supervision-reports file into a store that already holds reports refreshes the compliance
rollup of the areas it touches (the kecamatan of the obligations it names, and of the obligations
its reports leave) and leaves every other row alone. Run on the embedded store, and on PostgreSQL
when PANTAU_DATABASE_URL points at one (a private schema filled by the writer role, as the
fixture store is in tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from data_access import rollups, schema
from data_access.engine import make_engine
from data_access.ingest import ingest
from tests import fixture_store
from tests.conftest import on_server
from tests.ingest.helpers import store_digest, write
from tests.scratch import load_frames, private_schema

ROLL = schema.compliance_rollup
KEYS = ("election", "stage", "body", "due_date", "province_code", "regency_code", "district_code")


@pytest.fixture
def traced(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture schedule has ten obligations: any file smaller than it counts as small, so
    that the load traces the areas it touches (nationally: under a tenth of the schedule)."""
    from data_access.ingest import supervision_reports

    monkeypatch.setattr(supervision_reports, "AREA_REFRESH_SHARE", 1.0)


@contextmanager
def fixture_copy(folder: Path, name: str) -> Iterator[str]:
    """The writer's URL of a new store holding the fixture rows (reports for obligations 1, 2, 4,
    5, 7, 8, 10): a file in ``folder``, or a private schema on the server."""
    if not on_server():
        yield fixture_store.build(folder / f"{name}.duckdb")
        return
    with private_schema(name) as (writer, _reader):
        load_frames(writer, fixture_store.frames())
        yield writer


@pytest.fixture
def loaded_url(tmp_path: Path) -> Iterator[str]:
    with fixture_copy(tmp_path, "ingest") as url:
        yield url


def rollup_rows(conn: sa.Connection) -> dict[tuple, tuple[int, int, int]]:
    return {tuple(r[:7]): tuple(r[7:]) for r in conn.execute(
        sa.select(*[ROLL.c[k] for k in KEYS], ROLL.c.expected, ROLL.c.filed, ROLL.c.on_time))}


def stored_and_recomputed(url: str) -> tuple[dict, dict]:
    """The rollup as the load left it, and as a full recompute (rolled back) makes it."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            stored = rollup_rows(conn)
            rollups.refresh_compliance(conn)
            recomputed = rollup_rows(conn)
            conn.rollback()
        return stored, recomputed
    finally:
        engine.dispose()


def tamper(url: str, area: str) -> None:
    """Put an impossible count into the rollup rows of one kecamatan, outside any load."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.update(ROLL).where(ROLL.c.district_code == area).values(filed=99))
    finally:
        engine.dispose()


# Report 103 files obligation 3 (PKD, 91.01.01) on its due day; report 107 moves from obligation 7
# (PTPS, 91.01.02) to obligation 6 (PTPS, 91.01.01), a day late; report 101 (Bawaslu Provinsi
# 91, no kecamatan) is filed again, now a day late.
REPORTS_FILE = """ID Laporan;ID Kewajiban;Nomor LHP;Tanggal Laporan;Ada Temuan
103;3;003/LHP;17/02/2024;tidak
107;6;007/LHP;16/02/2024;ya
101;1;001/LHP;18/02/2024;tidak
"""

CAMPAIGN, VOTING = date(2024, 2, 17), date(2024, 2, 15)
# Worked out by hand from tests/fixture_store.py and the three rows above:
# (expected, filed, on time) per rollup row after the load.
EXPECTED = {
    ("pemilu2024", "campaign", "bawaslu_province", CAMPAIGN, "91", None, None): (1, 1, 0),
    ("pemilu2024", "campaign", "bawaslu_regency", CAMPAIGN, "91", "91.01", None): (1, 1, 0),
    ("pemilu2024", "campaign", "pkd", CAMPAIGN, "91", "91.01", "91.01.01"): (1, 1, 1),
    ("pemilu2024", "campaign", "pkd", CAMPAIGN, "91", "91.01", "91.01.02"): (1, 1, 1),
    ("pemilu2024", "campaign", "pkd", CAMPAIGN, "92", "92.71", "92.71.01"): (1, 0, 0),
    ("pemilu2024", "voting", "ptps", VOTING, "91", "91.01", "91.01.01"): (2, 2, 1),
    ("pemilu2024", "voting", "ptps", VOTING, "91", "91.01", "91.01.02"): (1, 0, 0),
    ("pemilu2024", "voting", "ptps", VOTING, "92", "92.71", "92.71.01"): (1, 1, 1),
    ("pilkada2024", "voting", "ptps", date(2024, 11, 28), "91", "91.01", "91.01.01"): (1, 1, 1),
}


def test_incremental_rollup_equals_a_full_recompute(traced, loaded_url, tmp_path):
    path = write(tmp_path, "lhp.csv", REPORTS_FILE)
    result = ingest("supervision-reports", path, url=loaded_url)
    assert (result.status, result.rows_accepted) == ("loaded", 3)
    stored, recomputed = stored_and_recomputed(loaded_url)
    assert stored == recomputed
    assert stored == EXPECTED


def test_a_small_load_recomputes_only_the_areas_it_touches(traced, loaded_url, tmp_path):
    # 92.71.01 is not touched by the file: its tampered rows stay as they are, which shows the
    # rollup was not recomputed there; every touched area is recomputed exactly.
    tamper(loaded_url, "92.71.01")
    ingest("supervision-reports", write(tmp_path, "lhp.csv", REPORTS_FILE), url=loaded_url)
    stored, _ = stored_and_recomputed(loaded_url)
    untouched = {k: v for k, v in stored.items() if k[6] == "92.71.01"}
    assert untouched == {k: (v[0], 99, v[2]) for k, v in EXPECTED.items() if k[6] == "92.71.01"}
    assert {k: v for k, v in stored.items() if k[6] != "92.71.01"} == {
        k: v for k, v in EXPECTED.items() if k[6] != "92.71.01"}


def test_a_load_of_a_table_no_rollup_reads_leaves_the_rollups_alone(loaded_url, tmp_path):
    tamper(loaded_url, "91.01.01")
    before, _ = stored_and_recomputed(loaded_url)
    path = write(tmp_path, "kasus.csv", "nomor register;sumber;status registrasi;"
                 "tanggal diterima;kode wilayah\nK9;laporan;belum diregistrasi;12/02/2024;"
                 "91.01.01.2001\n")
    assert ingest("violations", path, url=loaded_url).status == "loaded"
    after, recomputed = stored_and_recomputed(loaded_url)
    assert after == before != recomputed


@pytest.mark.parametrize("limit", ["rows", "areas"])
def test_a_large_load_recomputes_the_whole_rollup(limit, traced, loaded_url, tmp_path,
                                                  monkeypatch):
    # A file too large to trace (more rows than the share of the schedule), or one that touches
    # more areas than a partial refresh pays for, recomputes every row: the tampered kecamatan,
    # untouched by the file, is put right too.
    from data_access.ingest import supervision_reports

    if limit == "rows":
        monkeypatch.setattr(supervision_reports, "AREA_REFRESH_SHARE", 0.0)
    else:
        monkeypatch.setattr(rollups, "MAX_AREAS", 2)  # the file touches three
    tamper(loaded_url, "92.71.01")
    ingest("supervision-reports", write(tmp_path, "lhp.csv", REPORTS_FILE), url=loaded_url)
    stored, recomputed = stored_and_recomputed(loaded_url)
    assert stored == recomputed == EXPECTED


def test_refresh_names_the_rollups_a_change_feeds():
    """Which rollups a change of each table refreshes, without touching a store: the mapping
    from tables to rollups, as the schema documents it."""

    class NoStore:
        def execute(self, *_args, **_kwargs):
            raise AssertionError("no rollup should be refreshed")

    assert rollups.refresh(NoStore(), {"violation_case": None, "ingest_audit": None}) == []
    assert rollups.refresh(NoStore(), {"supervision_report": frozenset()}) == []  # no area


# Against the fixture: report 101 (obligation 1) and 105 (obligation 5) exactly as stored, report
# 102 with another date (it was filed 20 Feb), report 103 new (obligation 3 was never reported).
MOSTLY_STORED = """id laporan,id kewajiban,nomor lhp,tanggal laporan,ada temuan
101,1,1/LHP,2024-02-16,tidak
105,5,5/LHP,2024-02-15,tidak
102,2,2/LHP,2024-02-17,tidak
103,3,3/LHP,2024-02-17,ya
"""
AUDIT_TABLES = ("ingest_audit", "dataset", "store_load")


def test_the_same_file_twice_gives_the_same_store_and_writes_nothing_the_second_time(
        traced, loaded_url, tmp_path):
    path = write(tmp_path, "lhp.csv", MOSTLY_STORED)
    ingest("supervision-reports", path, url=loaded_url)
    first = store_digest(loaded_url, AUDIT_TABLES)
    tamper(loaded_url, "91.01.01")  # a rollup row the second load would put right if it wrote
    second = ingest("supervision-reports", path, url=loaded_url)
    assert (second.status, second.rows_accepted) == ("loaded", 4)
    stored, recomputed = stored_and_recomputed(loaded_url)
    # Still tampered: the second load wrote nothing, so it refreshed no rollup either.
    assert {k for k, v in stored.items() if v != recomputed[k]} == {
        k for k in stored if k[6] == "91.01.01"}
    tamper_back = make_engine(loaded_url)
    with tamper_back.begin() as conn:
        rollups.refresh_compliance(conn)
    tamper_back.dispose()
    assert store_digest(loaded_url, AUDIT_TABLES) == first


def test_writing_only_the_changed_rows_gives_the_store_a_full_upsert_gives(
        loaded_url, tmp_path, monkeypatch):
    from data_access import store

    path = write(tmp_path, "lhp.csv", MOSTLY_STORED)
    assert store.UNCHANGED_SHARE <= 0.5  # two of the four rows are stored as they are
    ingest("supervision-reports", path, url=loaded_url)
    diffed = store_digest(loaded_url, AUDIT_TABLES)
    rep = schema.supervision_report
    engine = make_engine(loaded_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(rep.c.report_id, rep.c.obligation_id, rep.c.submitted_on,
                                      rep.c.has_findings).order_by(rep.c.report_id)).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        (101, 1, date(2024, 2, 16), False), (102, 2, date(2024, 2, 17), False),
        (103, 3, date(2024, 2, 17), True), (104, 4, date(2024, 2, 17), False),
        (105, 5, date(2024, 2, 15), False), (107, 7, date(2024, 2, 18), False),
        (108, 8, date(2024, 2, 14), False), (110, 10, date(2024, 11, 28), False)]
    # The same file into a fresh copy of the fixture with the comparison switched off.
    monkeypatch.setattr(store, "UNCHANGED_SHARE", 2.0)
    with fixture_copy(tmp_path, "other") as other:
        ingest("supervision-reports", path, url=other)
        assert store_digest(other, AUDIT_TABLES) == diffed


def reports_frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, orient="row", schema={
        "report_id": pl.Int64, "obligation_id": pl.Int64, "report_number": pl.Utf8,
        "submitted_on": pl.Date, "has_findings": pl.Boolean})


def test_changed_rows_are_the_rows_not_stored_as_they_are(loaded_url):
    """Every column counts, a null equals a null, and the frame's order is kept — whether the
    file lists its rows in the table's order (on DuckDB compared row beside row) or not (by
    key)."""
    from data_access.store import changed_rows

    url = loaded_url
    # The fixture's reports in the order they were stored; 104's number is emptied below.
    stored = [(101, 1, "1/LHP", date(2024, 2, 16), False), (102, 2, "2/LHP", date(2024, 2, 20),
              False), (104, 4, None, date(2024, 2, 17), False), (105, 5, "5/LHP",
              date(2024, 2, 15), False), (107, 7, "7/LHP", date(2024, 2, 18), False),
              (108, 8, "8/LHP", date(2024, 2, 14), False), (110, 10, "10/LHP",
              date(2024, 11, 28), False)]
    in_order = [*stored[:4], (107, 7, "7/LHP", date(2024, 2, 18), True), *stored[5:],
                (999, 9, None, date(2024, 2, 17), False)]  # 107 has findings now; 999 new
    shuffled = [stored[6], stored[0], (999, 9, None, date(2024, 2, 17), False),
                (102, 2, "2/LHP", date(2024, 2, 20), True), stored[2]]  # 102 has findings now
    engine = make_engine(url)
    with engine.connect() as conn:
        conn.execute(sa.update(schema.supervision_report).where(
            schema.supervision_report.c.report_id == 104).values(report_number=None))
        table = schema.supervision_report
        assert changed_rows(conn, table, reports_frame(in_order))["report_id"].to_list() == [
            107, 999]
        assert changed_rows(conn, table, reports_frame(shuffled))["report_id"].to_list() == [
            999, 102]
        conn.rollback()
    engine.dispose()
