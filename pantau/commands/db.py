"""``pantau db init``: create the schema and load the region and TPS reference."""

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


def register(verbs: argparse._SubParsersAction) -> None:
    db = verbs.add_parser("db", help="the store's schema and reference data")
    db_verbs = db.add_subparsers(dest="db_verb", required=True)
    init = db_verbs.add_parser("init", help="create the schema; load regions and TPS reference")
    init.set_defaults(func=_init)
