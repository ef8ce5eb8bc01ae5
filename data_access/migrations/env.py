"""Alembic's environment: migrations run on the connection Pantau hands over (inside a load's
transaction, or ``pantau db upgrade``'s), or on the writer URL when run by the ``alembic`` tool."""

from __future__ import annotations

from alembic import context

from data_access import migrations, schema

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=schema.metadata,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = migrations.writer_engine(config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()
