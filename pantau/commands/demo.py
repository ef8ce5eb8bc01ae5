"""``pantau demo``: build the deterministic synthetic national demo store."""

from __future__ import annotations

import argparse
import time


def _demo(args: argparse.Namespace) -> int:
    from pantau.demo.build import Scope, build_demo

    started = time.perf_counter()
    counts = build_demo(seed=args.seed, scope=Scope.parse(args.scope), progress=not args.quiet)
    for table, rows in counts.items():
        print(f"{table:>20}: {rows:>12,} rows")
    print(f"demo store built in {time.perf_counter() - started:.1f} s")
    return 0


def register(verbs: argparse._SubParsersAction) -> None:
    demo = verbs.add_parser("demo", help="build the synthetic national demo store")
    demo.add_argument("--seed", type=int, default=2024)
    demo.add_argument("--scope", default="national", help="'national' or a province code")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(func=_demo)
