"""``pantau ingest <kind> <file>``: load a CSV/XLSX (or boundary) file into the store.

Exit status: 0 loaded (with ``--allow-partial``, possibly with rows quarantined), 1 rejected
(rows failed validation; nothing was loaded), 2 the file or the command line cannot be used.
The formats are in docs/formats.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data_access.domain import ELECTIONS, PREVIOUS_ELECTION, VOTER_LIST_STAGES

# The kinds, in the order a fresh store is filled (data_access.ingest.KINDS; kept here as names
# so that building the command line does not import the ingest machinery).
KIND_NAMES = ("regions", "polling-stations", "supervisors", "report-obligations",
              "supervision-reports", "violations", "voter-recap", "voter-records", "boundaries")
SHOWN_PROBLEMS = 20


def _ingest(args: argparse.Namespace) -> int:
    from data_access.ingest import IngestError, IngestRejected, Options, ingest
    from pantau.cli import UserError

    if args.election not in ELECTIONS and args.kind != "voter-recap":
        raise UserError(f"--election {args.election} is for voter-recap only; expected one of "
                        f"{', '.join(ELECTIONS)}")
    if args.stage is not None and args.kind != "voter-recap":
        raise UserError("--stage applies to voter-recap files only")
    say = (lambda _m: None) if args.quiet else (lambda m: print(f"ingest: {m}", file=sys.stderr))
    options = Options(election=args.election, stage=args.stage, allow_partial=args.allow_partial,
                      sheet=args.sheet)
    try:
        result = ingest(args.kind, args.file, options, progress=say)
    except IngestRejected as rejected:
        result = rejected.result
        _print_problems(result.messages)
        where = f"; the failed rows are in {result.quarantine}" if result.quarantine else ""
        print(f"pantau: {args.file.name} rejected: {result.rows_rejected:,} of "
              f"{result.rows_read:,} rows failed, nothing was loaded{where}. "
              "Fix them, or load the valid rows with --allow-partial.", file=sys.stderr)
        return 1
    except IngestError as exc:
        print(f"pantau: error: {exc}", file=sys.stderr)
        return 2
    if result.rows_rejected:
        _print_problems(result.messages)
    for note in result.notes:
        say(note)
    rows = "row" if result.rows_accepted == 1 else "rows"
    line = (f"{result.path.name}: {result.rows_accepted:,} {rows} loaded as {result.kind} "
            f"(audit #{result.audit_id}, sha256 {result.sha256[:12]})")
    if result.rows_rejected:
        line += f"; {result.rows_rejected:,} rows rejected, see {result.quarantine}"
    print(line)
    return 0


def _print_problems(messages: list[str]) -> None:
    for message in messages[:SHOWN_PROBLEMS]:
        print(f"  {message}", file=sys.stderr)
    if len(messages) > SHOWN_PROBLEMS:
        print(f"  … and {len(messages) - SHOWN_PROBLEMS:,} more (all in the quarantine file)",
              file=sys.stderr)


def register(verbs: argparse._SubParsersAction) -> None:
    ingest = verbs.add_parser(
        "ingest", help="load a CSV/XLSX file into the store (formats: docs/formats.md)",
        description="Load one file, all or nothing: a file with any invalid row is rejected "
                    "(the rows and reasons go to FILE.quarantine.csv) unless --allow-partial.")
    ingest.add_argument("kind", choices=KIND_NAMES)
    ingest.add_argument("file", type=Path)
    ingest.add_argument("--allow-partial", action="store_true",
                        help="load the valid rows and quarantine the rest")
    ingest.add_argument("--election", default="pemilu2024",
                        choices=(*ELECTIONS, PREVIOUS_ELECTION),
                        help="the election of a voter-recap file; the default of files without "
                             "an election column (default: pemilu2024)")
    ingest.add_argument("--stage", type=str.upper, choices=VOTER_LIST_STAGES, default=None,
                        help="voter-recap: the stage of a file without a stage column")
    ingest.add_argument("--sheet", default=None, help="XLSX: the sheet to read (default: first)")
    ingest.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    ingest.set_defaults(func=_ingest)
