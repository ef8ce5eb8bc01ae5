"""The ``pantau`` command line: store set-up, demo data, exports (more verbs arrive with ingest).

Errors a user can fix (a bad argument, a missing store) end with one clear line on stderr and a
non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from data_access.codes import REGION_LEVELS
from data_access.domain import VOTER_LIST_STAGES


def _cmd_db_init(args: argparse.Namespace) -> int:
    from data_access.store import load_reference
    from pantau import reference
    from pantau.settings import get_settings

    settings = get_settings()
    regions = reference.load_regions(settings.reference_dir)
    stations = reference.load_polling_stations(settings.reference_dir)
    added = load_reference(regions, stations)
    print(f"store ready: {added['region']:,} regions and {added['polling_station']:,} TPS added")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from pantau.demo.build import Scope, build_demo

    started = time.perf_counter()
    counts = build_demo(seed=args.seed, scope=Scope.parse(args.scope), progress=not args.quiet)
    for table, rows in counts.items():
        print(f"{table:>20}: {rows:>12,} rows")
    print(f"demo store built in {time.perf_counter() - started:.1f} s")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pantau.export import export_dataset

    out = export_dataset(args.dataset, level=args.level, scope=args.scope, stage=args.stage,
                         fmt=args.format, output=args.output)
    if args.output:
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out.decode("utf-8"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pantau", description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)

    db = verbs.add_parser("db", help="the store's schema and reference data")
    db_verbs = db.add_subparsers(dest="db_verb", required=True)
    init = db_verbs.add_parser("init", help="create the schema; load regions and TPS reference")
    init.set_defaults(func=_cmd_db_init)

    demo = verbs.add_parser("demo", help="build the synthetic national demo store")
    demo.add_argument("--seed", type=int, default=2024)
    demo.add_argument("--scope", default="national", help="'national' or a province code")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(func=_cmd_demo)

    export = verbs.add_parser("export", help="write aggregates as open data")
    export.add_argument("dataset", choices=["voter-list"])
    export.add_argument("--level", choices=REGION_LEVELS, required=True)
    export.add_argument("--scope", default=None, help="region code to restrict to")
    export.add_argument("--stage", choices=VOTER_LIST_STAGES, default="DPT")
    export.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
    export.add_argument("--output", "-o", type=Path, default=None)
    export.set_defaults(func=_cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from data_access.engine import StoreUnavailable
    from data_access.query import InvalidQuery

    try:
        return args.func(args)
    except (StoreUnavailable, InvalidQuery, ValueError) as exc:
        print(f"pantau: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
