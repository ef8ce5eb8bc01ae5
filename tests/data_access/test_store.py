"""The store's write discipline: readers keep answering during a load, a failed load leaves the
store as it was, reference loading is idempotent."""

from __future__ import annotations

import threading

import polars as pl
import pytest
import sqlalchemy as sa

from data_access import regions, schema
from data_access.engine import make_engine, reader_engine, store_version
from data_access.store import bulk_insert, load_reference, writing
from tests import fixture_store


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


@pytest.fixture
def store_url(tmp_path):
    return fixture_store.build(tmp_path / "store.duckdb")


def test_reader_keeps_answering_during_a_load_and_sees_the_new_store_after(store_url):
    before = regions.counts_by_level(engine=reader_engine(store_url))
    version = store_version(store_url)
    inside, release = threading.Event(), threading.Event()

    def load() -> None:
        with writing(store_url) as conn:
            bulk_insert(conn, schema.region, pl.DataFrame([{
                "code": "93", "level": "province", "parent_code": None, "name": "BARU",
                "vintage": "2024", "province_code": "93"}]))
            inside.set()
            release.wait(timeout=30)

    writer = threading.Thread(target=load)
    writer.start()
    assert inside.wait(timeout=30)
    # Mid-load: the live file is untouched and not locked, readers answer from it.
    assert regions.counts_by_level(engine=reader_engine(store_url)) == before
    assert store_version(store_url) == version
    release.set()
    writer.join(timeout=60)
    after = regions.counts_by_level(engine=reader_engine(store_url))
    assert after["province"] == before["province"] + 1
    assert store_version(store_url) != version


def test_a_failed_load_leaves_the_store_unchanged(store_url, tmp_path):
    engine = make_engine(store_url, read_only=True)
    before = {t.name: _count(engine, t) for t in schema.metadata.sorted_tables}
    engine.dispose()
    with pytest.raises(RuntimeError, match="boom"), writing(store_url) as conn:
        conn.execute(sa.delete(schema.polling_station))
        raise RuntimeError("boom")
    engine = make_engine(store_url, read_only=True)
    after = {t.name: _count(engine, t) for t in schema.metadata.sorted_tables}
    engine.dispose()
    assert after == before
    assert not list(tmp_path.glob(".store.duckdb.*"))  # no half-built file left behind


def test_reference_load_is_idempotent_and_keeps_stored_figures(store_url):
    frames = fixture_store.frames()
    stations = frames["polling_station"].drop("voters_male", "voters_female", "voters_total")
    assert load_reference(frames["region"], stations, url=store_url) == {
        "region": 0, "polling_station": 0}
    engine = make_engine(store_url, read_only=True)
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.sum(schema.polling_station.c.voters_total))
                             ).scalar_one()
    engine.dispose()
    assert total == sum(m + f for _, m, f in fixture_store.POLLING_STATIONS)
