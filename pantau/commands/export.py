"""``pantau export <dataset>``: the aggregates the pages show, as open data.

Datasets: ``violations``, ``compliance``, ``voter-list`` and ``anomalies``, one row per region
(``anomalies``: per region and rule). ``--stage`` is a voter-list stage (DP4, DPS, DPSHP, DPT;
default DPT) for ``voter-list`` and an election stage (campaign, voting, …) for ``violations``
and ``compliance``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data_access.codes import REGION_LEVELS
from data_access.domain import ELECTIONS, PREVIOUS_ELECTION
from pantau.export import DATASETS, FORMATS


def _export(args: argparse.Namespace) -> int:
    from pantau.export import export_dataset

    stage = args.stage.upper() if args.stage and args.dataset == "voter-list" else args.stage
    out = export_dataset(args.dataset, level=args.level, scope=args.scope, stage=stage,
                         election=args.election, fmt=args.format, output=args.output)
    if args.output:
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out.decode("utf-8"))
    return 0


def register(verbs: argparse._SubParsersAction) -> None:
    export = verbs.add_parser("export", help="write aggregates as open data")
    export.add_argument("dataset", choices=DATASETS)
    export.add_argument("--level", choices=(*REGION_LEVELS, "record"), required=True,
                        help="a region level, or 'record' (anomalies only, internal mode)")
    export.add_argument("--scope", default=None, help="region code to restrict to")
    export.add_argument("--stage", default=None,
                        help="voter-list: DP4, DPS, DPSHP or DPT (default DPT); violations and "
                             "compliance: an election stage such as campaign or voting")
    export.add_argument("--election", choices=(*ELECTIONS, PREVIOUS_ELECTION),
                        default="pemilu2024")
    export.add_argument("--format", choices=FORMATS, default="csv")
    export.add_argument("--output", "-o", type=Path, default=None)
    export.set_defaults(func=_export)
