"""``pantau export <dataset>``: the aggregates the pages show, as open data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data_access.codes import REGION_LEVELS
from data_access.domain import VOTER_LIST_STAGES


def _export(args: argparse.Namespace) -> int:
    from pantau.export import export_dataset

    out = export_dataset(args.dataset, level=args.level, scope=args.scope, stage=args.stage,
                         fmt=args.format, output=args.output)
    if args.output:
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out.decode("utf-8"))
    return 0


def register(verbs: argparse._SubParsersAction) -> None:
    export = verbs.add_parser("export", help="write aggregates as open data")
    export.add_argument("dataset", choices=["voter-list"])
    export.add_argument("--level", choices=REGION_LEVELS, required=True)
    export.add_argument("--scope", default=None, help="region code to restrict to")
    export.add_argument("--stage", choices=VOTER_LIST_STAGES, default="DPT")
    export.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
    export.add_argument("--output", "-o", type=Path, default=None)
    export.set_defaults(func=_export)
