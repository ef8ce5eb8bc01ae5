"""The store each ingest test loads into is its own: reads through its URL see the fixture rows
of that store only, and its contents digest covers exactly that store's tables — on a server,
the private schema's, never the same-named tables of the public schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from data_access import schema
from data_access.engine import make_engine
from tests import fixture_store
from tests.ingest.helpers import store_digest


def test_the_store_holds_the_fixture_rows(store):
    for table in (schema.region, schema.polling_station, schema.supervision_report):
        assert store.rows(sa.select(sa.func.count()).select_from(table)) == [
            (fixture_store.frames()[table.name].height,)], table.name
    assert store.left_behind() == []


def test_the_digest_reads_the_private_schema_s_tables(store):
    if not store.on_server:
        pytest.skip("a search_path question: the embedded store is one file with one schema")
    engine = make_engine(store.url, read_only=True)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_schema()")).scalar_one() == (
                store.schema_name)
            public = set(sa.inspect(conn).get_table_names(schema="public"))
    finally:
        engine.dispose()
    # The public schema holds a store too (pantau db upgrade; the demo copy on `make test`), with
    # the same table names: the digest through the search_path reads the private ones, because
    # the inspector's default schema is the first of the search_path.
    assert schema.region.name in public, "run 'pantau db upgrade' on the server first"
    with engine.connect() as conn:
        assert sa.inspect(conn).default_schema_name == store.schema_name
    engine.dispose()
    assert store.digest() == store_digest(store.url, schema_name=store.schema_name)
