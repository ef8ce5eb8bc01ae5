"""The ``pantau`` command line: store set-up, demo data, ingest, anomalies, exports.

Errors a user can fix (a bad argument, a missing store, a malformed file) end with one clear line
on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pantau.commands import COMMANDS


class UserError(Exception):
    """An error the user can fix; its message is printed as is."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pantau", description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    for name in COMMANDS:
        importlib.import_module(f"pantau.commands.{name}").register(verbs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from data_access.engine import StoreUnavailable
    from data_access.query import InvalidQuery

    try:
        return args.func(args)
    except (UserError, StoreUnavailable, InvalidQuery, ValueError, FileNotFoundError,
            PermissionError) as exc:
        print(f"pantau: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
