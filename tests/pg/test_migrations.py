"""Schema migrations on both engines: a store made by the previous revision is upgraded by
``pantau db upgrade`` without losing a row, and the migrations build exactly the schema the code
declares (so an edit of data_access/schema.py without a revision fails here)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from data_access import migrations, regions, schema
from data_access.engine import make_engine
from data_access.store import bulk_insert
from pantau.cli import main as pantau
from tests import fixture_store


@dataclass(frozen=True)
class Store:
    writer_url: str
    reader_url: str


@pytest.fixture(params=["duckdb", "postgres"])
def empty_store(request, tmp_path) -> Store:
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path / 'store.duckdb'}"
        return Store(url, url)
    database = request.getfixturevalue("pg_database")
    return Store(database.writer_url, database.reader_url)


def _at_revision(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrations.config(conn), revision)
    engine.dispose()


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url, read_only=True)
    with engine.connect() as conn:
        counts = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                  for t in schema.metadata.sorted_tables
                  if sa.inspect(conn).has_table(t.name)}
    engine.dispose()
    return counts


@pytest.mark.parametrize("start", ["0001", "0002"])
def test_upgrade_from_a_previous_revision_keeps_every_row(empty_store, start, capsys):
    _at_revision(empty_store.writer_url, start)
    engine = make_engine(empty_store.writer_url)
    with engine.connect() as conn:
        # Really the older schema: store_load came with 0002.
        assert sa.inspect(conn).has_table("store_load") == (start >= "0002")
    with engine.begin() as conn:
        for name, frame in fixture_store.frames().items():
            bulk_insert(conn, schema.metadata.tables[name], frame)
    engine.dispose()
    before = _counts(empty_store.writer_url)

    assert migrations.head() > start
    assert pantau(["db", "upgrade", "--url", empty_store.writer_url]) == 0
    assert f"{start} -> {migrations.head()}" in capsys.readouterr().out

    after = _counts(empty_store.writer_url)
    assert after["store_load"] == before.get("store_load", 0) + 1  # the upgrade's own load
    derived = ("compliance_rollup", "staffing_rollup", "store_load")
    assert {k: after[k] for k in before if k not in derived} == {
        k: v for k, v in before.items() if k not in derived}
    # The fixture's hand-made rows, counted independently of the store.
    assert after["region"] == len(fixture_store.REGIONS)
    assert after["violation_case"] == len(fixture_store.CASES)
    assert after["report_obligation"] == len(fixture_store.OBLIGATIONS)
    assert migrations.revision_at(empty_store.reader_url) == migrations.head()
    # The upgraded store answers the dashboard's queries through the reader.
    reader = make_engine(empty_store.reader_url, read_only=True)
    expected = Counter(level for _, level, _, _ in fixture_store.REGIONS)
    assert regions.counts_by_level(engine=reader) == {
        level: expected.get(level, 0) for level in ("province", "regency", "district", "village")}
    reader.dispose()


def test_upgrade_creates_an_empty_store(empty_store, capsys):
    assert pantau(["db", "upgrade", "--url", empty_store.writer_url]) == 0
    assert f"empty -> {migrations.head()}" in capsys.readouterr().out
    assert pantau(["db", "upgrade", "--url", empty_store.writer_url]) == 0  # idempotent
    assert f"{migrations.head()} -> {migrations.head()}" in capsys.readouterr().out


def test_migrations_build_exactly_the_declared_schema(empty_store):
    _at_revision(empty_store.writer_url, "head")
    declared = {(t.name, c.name, c.nullable) for t in schema.metadata.tables.values()
                for c in t.columns}
    engine = make_engine(empty_store.writer_url)
    with engine.connect() as conn:
        built = {(t, c, n == "YES") for t, c, n in conn.execute(sa.text(
            "SELECT table_name, column_name, is_nullable FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name <> 'alembic_version'"))}
        if conn.dialect.name == "postgresql":  # DuckDB cannot reflect through SQLAlchemy
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, schema.metadata) == []
    engine.dispose()
    assert built == declared


def test_a_store_from_before_migrations_is_taken_as_the_first_revision(tmp_path):
    """data/pantau.duckdb and any store built before this change carry no alembic_version."""
    url = f"duckdb:///{tmp_path / 'legacy.duckdb'}"
    _at_revision(url, "0001")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
        bulk_insert(conn, schema.region, fixture_store.frames()["region"])
    engine.dispose()
    assert migrations.revision_at(url) == "0001"
    assert pantau(["db", "upgrade", "--url", url]) == 0
    assert migrations.revision_at(url) == migrations.head()
    assert _counts(url)["region"] == len(fixture_store.REGIONS)
