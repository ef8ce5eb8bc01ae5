"""The PostgreSQL store's own guarantees: the dashboard's role cannot write, the pool is bounded
by the settings, COPY keeps every value as it was, and a load is one transaction that readers
see all at once or not at all."""

from __future__ import annotations

import threading
from datetime import date, datetime

import polars as pl
import psycopg
import pytest
import sqlalchemy as sa

from data_access import engine as engines
from data_access import regions, schema
from data_access.engine import make_engine, reader_engine, store_version
from data_access.store import bulk_insert, writing
from tests import fixture_store


@pytest.fixture
def loaded(pg_database):
    with writing(pg_database.writer_url, fresh=True) as conn:
        for name, frame in fixture_store.frames().items():
            bulk_insert(conn, schema.metadata.tables[name], frame)
    return pg_database


def test_the_reader_role_can_read_but_not_write(loaded):
    reader = make_engine(loaded.reader_url, read_only=True)
    with reader.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.region)).scalar_one() \
            == len(fixture_store.REGIONS)
    # Even with the session's read-only default switched off, the role has no write privilege.
    raw = psycopg.connect(sa.make_url(loaded.reader_url).set(drivername="postgresql")
                          .render_as_string(hide_password=False), autocommit=True)
    raw.execute("SET default_transaction_read_only = off")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        raw.execute("DELETE FROM region")
    raw.close()
    with pytest.raises(sa.exc.DBAPIError), writing(loaded.reader_url) as conn:
        conn.execute(sa.delete(schema.region))
    reader.dispose()


def test_the_pool_is_bounded_and_pings(monkeypatch, loaded):
    monkeypatch.setenv("PANTAU_POOL_SIZE", "3")
    monkeypatch.setenv("PANTAU_POOL_MAX_OVERFLOW", "1")
    monkeypatch.setenv("PANTAU_POOL_TIMEOUT", "0.5")
    engine = make_engine(loaded.reader_url, read_only=True)
    assert engine.pool._pre_ping
    held = [engine.connect() for _ in range(4)]  # pool size + overflow
    with pytest.raises(sa.exc.TimeoutError):
        engine.connect()
    for conn in held:
        conn.close()
    engine.dispose()


def test_copy_keeps_awkward_values(pg_database):
    frame = pl.DataFrame({
        "dataset_id": ["plain", "comma, \"quote\"", "new\nline\\back", "kosong", "unicode ë 🗳"],
        "kind": ["a", "b", "c", "d", "e"],
        "source": ["x", "", "tab\there", "NULL", "\\N"],
        "synthetic": [True, False, True, False, True],
        "loaded_at": [datetime(2024, 2, 14, 7, 0, 0, 123456)] * 5,
        "row_count": [0, 1, 2**40, -5, 7],
        "note": [None, "", "n", None, "end"],
    })
    with writing(pg_database.writer_url, fresh=True) as conn:
        assert bulk_insert(conn, schema.dataset, frame) == 5
    reader = make_engine(pg_database.reader_url, read_only=True)
    with reader.connect() as conn:
        rows = conn.execute(sa.select(*[schema.dataset.c[c] for c in frame.columns])
                            .order_by(schema.dataset.c.kind)).fetchall()
    reader.dispose()
    assert [tuple(r) for r in rows] == list(frame.iter_rows())


def test_copy_keeps_dates_and_nulls_of_a_fact_table(pg_database):
    cases = fixture_store.frames()["violation_case"]
    with writing(pg_database.writer_url, fresh=True) as conn:
        bulk_insert(conn, schema.violation_case, cases)
    reader = make_engine(pg_database.reader_url, read_only=True)
    with reader.connect() as conn:
        stored = {r.case_id: (r.registered_on, r.decided_on, r.category)
                  for r in conn.execute(sa.select(schema.violation_case))}
    reader.dispose()
    expected = {c[0]: (c[9], c[10], c[6]) for c in fixture_store.CASES}
    assert stored == expected
    assert stored["C4"] == (None, None, None)
    assert stored["C3"][1] == date(2024, 3, 5)


def test_a_load_is_seen_all_at_once_and_a_failed_one_not_at_all(loaded, monkeypatch):
    monkeypatch.setattr(engines, "SERVER_VERSION_TTL", 0.0)
    reader = reader_engine(loaded.reader_url)
    before = regions.counts_by_level(engine=reader)
    version = store_version(loaded.reader_url)
    inside, release = threading.Event(), threading.Event()

    def load() -> None:
        with writing(loaded.writer_url) as conn:
            bulk_insert(conn, schema.region, pl.DataFrame([{
                "code": "93", "level": "province", "parent_code": None, "name": "BARU",
                "vintage": "2024", "province_code": "93"}]))
            inside.set()
            release.wait(timeout=30)

    writer = threading.Thread(target=load)
    writer.start()
    assert inside.wait(timeout=30)
    assert regions.counts_by_level(engine=reader) == before  # mid-load: MVCC shows the old rows
    assert store_version(loaded.reader_url) == version
    release.set()
    writer.join(timeout=60)
    assert regions.counts_by_level(engine=reader)["province"] == before["province"] + 1
    assert store_version(loaded.reader_url) != version

    version = store_version(loaded.reader_url)
    with pytest.raises(RuntimeError, match="boom"), writing(loaded.writer_url) as conn:
        conn.execute(sa.delete(schema.polling_station))
        raise RuntimeError("boom")
    with reader.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.polling_station)
                            ).scalar_one() == len(fixture_store.POLLING_STATIONS)
    assert store_version(loaded.reader_url) == version


def test_the_writer_url_only_ever_names_the_readers_own_database(monkeypatch):
    from pantau.settings import get_settings

    reader = "postgresql+psycopg://pantau_reader:r@127.0.0.1:5432/pantau"
    writer = "postgresql+psycopg://pantau_writer:w@127.0.0.1:5432/pantau"
    monkeypatch.setenv("PANTAU_DATABASE_URL", reader)
    monkeypatch.setenv("PANTAU_WRITER_DATABASE_URL", writer)
    assert get_settings().writer_database_url == writer
    # A test or a tool pointing the store elsewhere must not load into the server's database.
    monkeypatch.setenv("PANTAU_DATABASE_URL", "duckdb:////tmp/elsewhere.duckdb")
    assert get_settings().writer_database_url == "duckdb:////tmp/elsewhere.duckdb"
    other = "postgresql+psycopg://pantau_reader:r@127.0.0.1:5432/another"
    monkeypatch.setenv("PANTAU_DATABASE_URL", other)
    assert get_settings().writer_database_url == other
    monkeypatch.delenv("PANTAU_WRITER_DATABASE_URL")
    monkeypatch.setenv("PANTAU_DATABASE_URL", reader)
    assert get_settings().writer_database_url == reader
