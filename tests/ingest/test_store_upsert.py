"""The store helpers ingest adds: upsert by natural key (both the delete-then-insert path and the
DuckDB rebuild path for large replacements) and the clean-up of killed writers' work copies."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import duckdb
import polars as pl
import pytest
import sqlalchemy as sa

from data_access import schema
from data_access.store import bulk_insert, discard_stale_work_files, upsert, writing
from tests import fixture_store

DAY = dt.date(2024, 2, 14)
REPORTS = schema.supervision_report


def reports(pairs: list[tuple[int, int]], number: str) -> pl.DataFrame:
    return pl.DataFrame({"report_id": [r for r, _ in pairs], "obligation_id": [o for _, o in pairs],
                         "report_number": [number] * len(pairs), "submitted_on": [DAY] * len(pairs),
                         "has_findings": [False] * len(pairs)})


def stored(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(
        sa.select(REPORTS.c.report_id, REPORTS.c.obligation_id, REPORTS.c.report_number)
        .order_by(REPORTS.c.report_id))]


def table_ddl(conn, table: str = "supervision_report") -> tuple:
    """DuckDB's own description of a table: its DDL, its constraints (with their names) and its
    indexes."""
    sql = conn.exec_driver_sql("SELECT sql FROM duckdb_tables() WHERE table_name = ?",
                               (table,)).scalar_one()
    constraints = conn.exec_driver_sql(
        "SELECT constraint_type, constraint_text, constraint_name FROM duckdb_constraints() "
        "WHERE table_name = ? ORDER BY constraint_index", (table,)).fetchall()
    indexes = conn.exec_driver_sql("SELECT index_name, sql FROM duckdb_indexes() WHERE "
                                   "table_name = ? ORDER BY index_name", (table,)).fetchall()
    return sql, [tuple(c) for c in constraints], [tuple(i) for i in indexes]


def test_upsert_replaces_by_either_key(tmp_path):
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    old = reports([(i, 10 * i) for i in range(1, 11)], "old")
    with writing(url, fresh=True) as conn:
        bulk_insert(conn, REPORTS, old)
        fresh_ddl = table_ddl(conn)
    # Few rows (1 of 10): deleted and inserted.
    with writing(url) as conn:
        upsert(conn, REPORTS, reports([(2, 20)], "new"), [["report_id"], ["obligation_id"]])
        assert stored(conn)[:3] == [(1, 10, "old"), (2, 20, "new"), (3, 30, "old")]
    # Many rows (4 of 10, above the rebuild share): report 3 goes (its obligation 30 now has
    # report 11), report 4 moves to obligation 999, report 12 takes obligation 40.
    with writing(url) as conn:
        upsert(conn, REPORTS, reports([(11, 30), (12, 40), (4, 999), (5, 50)], "new"),
               [["report_id"], ["obligation_id"]])
        assert stored(conn) == [(1, 10, "old"), (2, 20, "new"), (4, 999, "new"), (5, 50, "new"),
                                (6, 60, "old"), (7, 70, "old"), (8, 80, "old"), (9, 90, "old"),
                                (10, 100, "old"), (11, 30, "new"), (12, 40, "new")]
    # Once the write has ended, the rebuilt table is the table every store has, constraints
    # included (they are added when the write ends).
    with writing(url) as conn:
        assert table_ddl(conn) == fresh_ddl
    with pytest.raises(sa.exc.DBAPIError, match="(?i)duplicate key"), writing(url) as conn:
        conn.execute(REPORTS.insert().values(report_id=13, obligation_id=999, submitted_on=DAY,
                                             has_findings=False))


UPSERTED = ("region", "polling_station", "supervisor", "report_obligation", "supervision_report",
            "violation_case", "voter_list_recap")


def test_tables_filled_by_the_bulk_path_are_the_schema_s_tables(tmp_path):
    """A first load goes through the bulk path (constraints added after the rows): every table an
    ingest fills must come out exactly as create_all makes it."""
    frames = fixture_store.frames()
    with writing(f"duckdb:///{tmp_path / 'plain.duckdb'}", fresh=True) as conn:
        expected = {name: table_ddl(conn, name) for name in UPSERTED}
    bulk = f"duckdb:///{tmp_path / 'bulk.duckdb'}"
    with writing(bulk, fresh=True) as conn:
        for name in UPSERTED:
            table = schema.metadata.tables[name]
            keys = [c.name for c in table.primary_key.columns]
            assert upsert(conn, table, frames[name], keys) == frames[name].height
    with writing(bulk) as conn:
        assert {name: table_ddl(conn, name) for name in UPSERTED} == expected


def test_replacing_every_row_leaves_only_the_new_rows(tmp_path):
    """The reload of a whole file: every stored row matches a key, so nothing is kept."""
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    with writing(url, fresh=True) as conn:
        bulk_insert(conn, REPORTS, reports([(i, 10 * i) for i in range(1, 6)], "old"))
        fresh_ddl = table_ddl(conn)
    # Rows 1-3 by report id, 4 by its obligation (now report 14), 5 by both keys at once.
    again = [(1, 10), (2, 20), (3, 31), (14, 40), (5, 50)]
    with writing(url) as conn:
        upsert(conn, REPORTS, reports(again, "new"), [["report_id"], ["obligation_id"]])
    with writing(url) as conn:
        assert stored(conn) == [(1, 10, "new"), (2, 20, "new"), (3, 31, "new"), (5, 50, "new"),
                                (14, 40, "new")]
        assert table_ddl(conn) == fresh_ddl


def test_a_duplicate_key_in_a_rebuilt_table_fails_the_whole_write(tmp_path):
    """A rebuilt table gets its keys when the write ends: a duplicate key fails the write there,
    and the store stays as it was."""
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    with writing(url, fresh=True):
        pass  # an empty table: the first load goes through the rebuild
    before = (tmp_path / "s.duckdb").read_bytes()
    with pytest.raises(sa.exc.DBAPIError, match="(?i)duplicate"), writing(url) as conn:
        upsert(conn, REPORTS, reports([(7, 70), (8, 70), (9, 90)], "new"),
               [["report_id"], ["obligation_id"]])
        assert len(stored(conn)) == 3  # loaded without complaint so far
    assert (tmp_path / "s.duckdb").read_bytes() == before


def test_a_duplicate_key_in_an_upserted_table_is_the_error_reported(tmp_path):
    """On the delete-and-insert path the key is checked as the rows go in; the error raised is
    that one, not a failure of the clean-up after it."""
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    with writing(url, fresh=True) as conn:
        bulk_insert(conn, REPORTS, reports([(i, 10 * i) for i in range(1, 11)], "old"))
    with pytest.raises(duckdb.ConstraintException, match="(?i)duplicate key"), \
            writing(url) as conn:
        upsert(conn, REPORTS, reports([(11, 110), (12, 110)], "new"),
               [["report_id"], ["obligation_id"]])


def test_a_killed_writer_s_work_files_are_discarded_and_a_live_one_s_kept(tmp_path):
    """The copy, its WAL and DuckDB's spill folder of a writer that is gone; a running writer's
    files stay (this process plays the running writer)."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store = tmp_path / "pantau.duckdb"
    left = [tmp_path / f".pantau.duckdb.{dead.pid}.building",
            tmp_path / f".pantau.duckdb.{dead.pid}.building.wal"]
    for path in left:
        path.write_bytes(b"x")
    spill = tmp_path / f".pantau.duckdb.{dead.pid}.building.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_block-0.block").write_bytes(b"x")
    running = tmp_path / f".pantau.duckdb.{os.getpid()}.building"
    running.write_bytes(b"x")
    removed = discard_stale_work_files(f"duckdb:///{store}")
    assert sorted(removed) == sorted([*left, spill])
    assert [p.name for p in tmp_path.iterdir()] == [running.name]
