"""``pantau anomalies run`` and ``pantau anomalies export``: voter-list anomaly detection.

``run`` checks every voter extract (personal data, kept on the internal machine's disk only, never
in the store) record by record, and the store's stage recaps, adult population and TPS region by
region; then it replaces all anomaly flags and logs the run in ONE all-or-nothing write, so the
dashboard shows the previous run's flags until the new ones are complete. Detection runs before
the write starts, so the store is locked only for the load itself.

``export`` writes the flags as a file: ``--level record`` (internal mode only) one row per
record-level flag — record id, rule, severity, explanation, never a NIK or name; a region level
the counts per region and rule (the open-data form).
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy.engine import Engine

EXTRACT_SUFFIXES = (".parquet", ".csv")
EXPORT_LEVELS = ("record", "province", "regency", "district", "village")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _user_error(message: str) -> Exception:
    from pantau.cli import UserError

    return UserError(message)


def find_extracts(data_dir: Path) -> list[Path]:
    """The extracts folder's voter extracts (``voter_records_<province>.parquet`` / ``.csv``)."""
    folder = data_dir / "extracts"
    return sorted(p for p in folder.glob("voter_records_*") if p.suffix.lower() in EXTRACT_SUFFIXES)


def scan_extract(path: Path) -> pl.LazyFrame:
    """A lazy scan of one extract, checked for the voter-records ingest columns."""
    from pantau.demo.voter_records import RECORD_SCHEMA

    if not path.is_file():
        raise FileNotFoundError(f"no voter extract at {path}")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = pl.scan_parquet(path)
    elif suffix == ".csv":
        frame = pl.scan_csv(path, infer_schema=False)  # every column as text, as ingest reads it
    else:
        raise _user_error(f"{path.name}: a voter extract is .parquet or .csv")
    try:
        columns = frame.collect_schema().names()
    except (pl.exceptions.ComputeError, OSError) as exc:
        raise _user_error(f"{path.name} cannot be read as {suffix[1:]}: {exc}") from exc
    missing = [c for c in RECORD_SCHEMA if c not in columns]
    if missing:
        raise _user_error(f"{path.name} lacks the column(s) {', '.join(missing)} of the "
                          "voter-records format")
    return frame


def detect_regions(run_id: str, engine: Engine | None = None) -> pl.DataFrame:
    """Region-level flags from the store's aggregates (recaps per kecamatan, population, TPS
    above the limit), in the ``anomaly_flag`` schema."""
    from data_access import anomalies
    from pantau.anomalies import detect_region_anomalies

    return detect_region_anomalies(
        anomalies.recap_for_detection(engine=engine),
        anomalies.population_for_detection(engine=engine),
        anomalies.polling_stations_over(engine=engine),
        run_id,
    )


def detect_records(paths: Sequence[Path], run_id: str, election: str,
                   engine: Engine | None = None) -> tuple[pl.DataFrame, int]:
    """Record-level flags of every extract, and the number of records scanned."""
    from data_access import regions
    from data_access.domain import VOTING_DAY
    from pantau.anomalies import FLAG_SCHEMA, detect_record_anomalies
    from pantau.settings import get_settings

    # NIKs travel with people who move, so the valid kecamatan list is the national one.
    districts = regions.regions("district", engine=engine)["region_code"]
    key = get_settings().anomaly_hmac_key
    parts, scanned = [], 0
    for path in paths:
        frame = scan_extract(path)
        started = time.perf_counter()
        flags = detect_record_anomalies(frame, districts, VOTING_DAY[election], key, run_id)
        rows = frame.select(pl.len()).collect().item()
        scanned += rows
        print(f"  {path.name}: {rows:,} records, {flags.height:,} flags "
              f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
        parts.append(flags)
    if not parts:
        return pl.DataFrame(schema=FLAG_SCHEMA), 0
    return pl.concat(parts), scanned


def run_detection(extracts: Sequence[Path], *, election: str = "pemilu2024",
                  url: str | None = None) -> dict[str, object]:
    """Detect on ``extracts`` and the store, then replace the store's flags in one write."""
    from data_access import anomalies
    from data_access.engine import make_engine

    started = _now()
    run_id = f"run-{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    engine = make_engine(url, read_only=True)
    try:
        record = detect_records(extracts, run_id, election, engine)
        region = detect_regions(run_id, engine)
        synthetic = anomalies.input_is_synthetic(engine=engine)
    finally:
        engine.dispose()
    record_flags, scanned = record
    flags = pl.concat([region, record_flags])
    names = ", ".join(p.name for p in extracts) or "no voter extract"
    run = anomalies.AnomalyRun(
        run_id=run_id, started_at=started, finished_at=_now(), records_scanned=scanned,
        source=f"pantau anomalies run: {names}; store recaps, population and TPS",
        synthetic=synthetic)
    anomalies.replace_flags(flags, run, url)
    return {"run_id": run_id, "records_scanned": scanned, "record_flags": record_flags.height,
            "region_flags": region.height}


def _run(args: argparse.Namespace) -> int:
    from pantau.settings import get_settings

    settings = get_settings()
    if args.extract:
        extracts = list(args.extract)
    elif args.regions_only:
        extracts = []
    else:
        extracts = find_extracts(settings.data_dir)
        if not extracts:
            raise _user_error(
                f"no voter extracts in {settings.data_dir / 'extracts'}: give --extract PATH, or "
                "--regions-only to run the region-level checks alone (this removes every "
                "record-level flag from the store)")
    for path in extracts:
        scan_extract(path)  # every extract is checked before anything runs
    started = time.perf_counter()
    print(f"anomaly detection on {len(extracts)} extract(s) and the store's recaps",
          file=sys.stderr)
    result = run_detection(extracts, election=args.election)
    print(f"run {result['run_id']}: {result['records_scanned']:,} records scanned, "
          f"{result['record_flags']:,} record-level and {result['region_flags']:,} region-level "
          f"flags stored in {time.perf_counter() - started:.1f} s")
    return 0


def export_frame(level: str, scope: str | None) -> pl.DataFrame:
    """What ``export --level`` writes: the ``anomalies`` dataset of ``pantau export`` (record-level
    flags in internal mode only, logged as an export; otherwise counts per region and rule)."""
    from pantau.export import dataset_frame

    return dataset_frame("anomalies", level=level, scope=scope)


def _export(args: argparse.Namespace) -> int:
    from data_access.access import AccessRefused
    from pantau.export import to_bytes

    if args.format == "xlsx" and args.output is None:
        raise _user_error("XLSX is binary: give --output FILE")
    try:
        frame = export_frame(args.level, args.scope)
    except AccessRefused as exc:
        raise _user_error(str(exc)) from exc
    payload = to_bytes(frame, args.format)
    if args.output is not None:
        args.output.write_bytes(payload)
        print(f"wrote {args.output} ({frame.height:,} rows)", file=sys.stderr)
    else:
        sys.stdout.write(payload.decode("utf-8"))
    return 0


def register(verbs: argparse._SubParsersAction) -> None:
    from data_access.domain import ELECTIONS

    anomalies = verbs.add_parser("anomalies", help="voter-list anomaly detection and export")
    sub = anomalies.add_subparsers(dest="anomalies_verb", required=True)
    run = sub.add_parser("run", help="detect anomalies; replace the stored flags in one write")
    source = run.add_mutually_exclusive_group()
    source.add_argument("--extract", type=Path, action="append", metavar="PATH",
                     help="a voter extract (.parquet or .csv); repeatable. Default: every "
                          "voter_records_*.parquet/.csv in <PANTAU_DATA_DIR>/extracts")
    source.add_argument("--regions-only", action="store_true",
                     help="no record-level checks (removes the stored record-level flags)")
    run.add_argument("--election", choices=ELECTIONS, default="pemilu2024",
                     help="the election whose voting day ages are computed on")
    run.set_defaults(func=_run)

    export = sub.add_parser("export", help="write anomaly flags or counts as a file")
    export.add_argument("--level", choices=EXPORT_LEVELS, required=True,
                        help="'record' (internal mode only) or a region level")
    export.add_argument("--scope", default=None, help="region code to restrict to")
    export.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
    export.add_argument("--output", "-o", type=Path, default=None)
    export.set_defaults(func=_export)
