"""``pantau db copy``: a store copied into another holds the same rows, and the target's rollups
are rebuilt to the same figures (from the fixture store, on whichever engine the run uses, into
a fresh embedded file)."""

from __future__ import annotations

import polars as pl
import pytest
import sqlalchemy as sa

from data_access import schema
from data_access.engine import make_engine
from data_access.transfer import DERIVED, copy_store


def table_rows(engine: sa.Engine, table: sa.Table) -> pl.DataFrame:
    key = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]
    with engine.connect() as conn:
        return pl.read_database(sa.select(table).order_by(*key), conn, infer_schema_length=None)


def test_copy_keeps_every_row_and_rebuilds_the_rollups(fixture_url, fixture_engine, tmp_path):
    target = f"duckdb:///{tmp_path / 'copy.duckdb'}"
    copied = copy_store(fixture_url, target)
    engine = make_engine(target, read_only=True)
    try:
        for table in schema.metadata.sorted_tables:
            if table.name == "store_load":
                continue
            source_rows, target_rows = table_rows(fixture_engine, table), table_rows(engine, table)
            assert target_rows.height == source_rows.height, table.name
            assert target_rows.to_dicts() == source_rows.to_dicts(), table.name
            if table.name not in DERIVED:
                assert copied[table.name] == source_rows.height
        assert sum(copied.values()) > 0
    finally:
        engine.dispose()


def test_a_store_is_not_copied_onto_itself(tmp_path):
    url = f"duckdb:///{tmp_path / 'x.duckdb'}"
    with pytest.raises(ValueError, match="same store"):
        copy_store(url, url)
