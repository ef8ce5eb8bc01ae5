"""``pantau db init``: create the schema and load the region and TPS reference.
``pantau db upgrade``: create or migrate the store's schema (Alembic) on DuckDB or PostgreSQL.
``pantau db copy SOURCE``: replace the store's contents with another store's."""

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


def _copy(args: argparse.Namespace) -> int:
    """Replace the store's contents with another store's (for example the embedded demo file into
    a PostgreSQL server), as one all-or-nothing load."""
    import time

    from data_access.transfer import copy_store

    started = time.perf_counter()
    copied = copy_store(args.source, args.url)
    print(f"copied {sum(copied.values()):,} rows in {len(copied)} tables "
          f"in {time.perf_counter() - started:.1f} s")
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
    copy = db_verbs.add_parser("copy", help="replace the store's contents with another store's "
                               "(e.g. the embedded demo file into PostgreSQL)")
    copy.add_argument("source", help="URL of the store to copy from")
    copy.add_argument("--url", default=None,
                      help="target store URL (default: PANTAU_WRITER_DATABASE_URL, else "
                      "PANTAU_DATABASE_URL)")
    copy.set_defaults(func=_copy)
