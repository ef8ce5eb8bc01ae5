"""``pantau db init``: create the schema and load the region and TPS reference.
``pantau db upgrade``: create or migrate the store's schema (Alembic) on DuckDB or PostgreSQL."""

from __future__ import annotations

import argparse


def _init(args: argparse.Namespace) -> int:
    from data_access.store import load_reference
    from pantau import reference
    from pantau.settings import get_settings

    settings = get_settings()
    regions = reference.load_regions(settings.reference_dir)
    stations = reference.load_polling_stations(settings.reference_dir)
    added = load_reference(regions, stations)
    print(f"store ready: {added['region']:,} regions and {added['polling_station']:,} TPS added")
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    """Migrate as the writer, inside one load: all or nothing (on DuckDB a copy of the file is
    migrated and swapped in whole; on PostgreSQL one transaction with transactional DDL)."""
    from data_access import migrations
    from data_access.store import writing
    from pantau.settings import get_settings

    url = args.url or get_settings().writer_database_url
    before = migrations.revision_at(url)
    if before != migrations.head():
        with writing(url):
            pass  # writing() creates or migrates the schema before its block runs
    print(f"store schema: {before or 'empty'} -> {migrations.revision_at(url)}")
    return 0


def register(verbs: argparse._SubParsersAction) -> None:
    db = verbs.add_parser("db", help="the store's schema and reference data")
    db_verbs = db.add_subparsers(dest="db_verb", required=True)
    init = db_verbs.add_parser("init", help="create the schema; load regions and TPS reference")
    init.set_defaults(func=_init)
    upgrade = db_verbs.add_parser("upgrade", help="create or migrate the store's schema to the "
                                  "newest revision (DuckDB or PostgreSQL)")
    upgrade.add_argument("--url", default=None,
                         help="store URL (default: PANTAU_WRITER_DATABASE_URL, else "
                         "PANTAU_DATABASE_URL)")
    upgrade.set_defaults(func=_upgrade)
