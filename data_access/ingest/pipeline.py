"""One load, start to finish: read → match columns → parse → check → write → audit.

Guarantees, and how they are kept:

* **All or nothing.** Checks run inside :func:`data_access.store.writing`, on the connection that
  then writes, so they see exactly the state the rows are written into. A rejected load raises
  inside the block: the embedded store's work copy is discarded (the live file is never touched,
  so it stays byte-for-byte the same) and a server store rolls back. A crash or SIGKILL anywhere
  leaves the store as it was.
* **Idempotent.** Each kind upserts by its natural key, so the same file twice gives the same
  store (only the audit log grows).
* **Audited.** See :mod:`data_access.ingest.audit`: the audit row of an accepted load is part of
  its write; a rejected load is recorded beside the input.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from data_access.ingest import audit
from data_access.ingest.base import Context, Kind, Options
from data_access.ingest.columns import ColumnMatch, is_known, match_columns
from data_access.ingest.errors import PROBLEM_SCHEMA, IngestError, IngestRejected, IngestResult
from data_access.ingest.fields import Field, Integer
from data_access.ingest.readers import ROW, RawTable, column_name, read_table
from data_access.store import discard_stale_work_files, record_dataset, track_changes, writing

Progress = Callable[[str], None]
TEST_PAUSE_ENV = "PANTAU_TEST_INGEST_PAUSE"


class _Abort(Exception):
    """Raised inside the write to discard it (the store stays as it was)."""


# Columns parsed side by side: each field's parse is a chain of eager polars operations, most of
# them on one core, and polars releases the GIL (5M reports: 1.2 s of CPU, in 0.65 s of wall time
# when both cores are free).
PARSE_THREADS = 2


def parse_fields(frame: pl.DataFrame, fields: tuple[Field, ...],
                 defaults: dict[str, object]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed columns for every field (an absent optional column is null, or the command-line
    default), and one problem per cell that does not parse or required cell left blank."""

    def parse(field: Field) -> tuple[pl.Series, pl.DataFrame | None]:
        if field.name not in frame.columns:
            default = defaults.get(field.name)
            return pl.repeat(default, frame.height, dtype=field.type.dtype,
                             eager=True).alias(field.name), None
        cell = frame[field.name]
        if field.name in defaults:
            cell = cell.fill_null(str(defaults[field.name]))
        value, reason = field.type.parse(cell)
        if field.required:
            reason = pl.select(pl.when(pl.lit(value).is_null() & pl.lit(reason).is_null())
                               .then(pl.lit("a value is required"))
                               .otherwise(pl.lit(reason)))[:, 0]
        if reason.null_count() == reason.len():
            return value.alias(field.name), None
        bad = reason.is_not_null()
        return value.alias(field.name), pl.DataFrame({
            "row": frame[ROW].filter(bad), "column": field.name,
            "value": cell.filter(bad), "reason": reason.filter(bad),
        }, schema=PROBLEM_SCHEMA)

    with ThreadPoolExecutor(max_workers=PARSE_THREADS) as pool:
        parsed = list(pool.map(parse, fields))
    columns = [frame[ROW], *[value for value, _ in parsed]]
    parts = [problem for _, problem in parsed if problem is not None]
    problems = pl.concat(parts) if parts else pl.DataFrame(schema=PROBLEM_SCHEMA)
    return pl.DataFrame(columns), problems


def _canonical(raw: RawTable, match: ColumnMatch) -> pl.DataFrame:
    return raw.frame.select(ROW, *[pl.col(column_name(pos)).alias(name)
                                   for name, pos in match.positions.items()])


def _pause_for_tests(progress: Progress) -> None:
    """A fixed point at which a test can SIGKILL a load that has written its rows but not yet
    committed. Honoured only under pytest (``PYTEST_VERSION`` is set in pytest's process and
    inherited by the processes a test starts), so no production load can be made to hang."""
    seconds = os.environ.get(TEST_PAUSE_ENV)
    if seconds and os.environ.get("PYTEST_VERSION"):
        progress("paused for test")
        time.sleep(float(seconds))


def ingest(kind: Kind, path: Path, options: Options | None = None, *, url: str | None = None,
           progress: Progress | None = None) -> IngestResult:
    """Load one file of ``kind``; returns what was done, or raises IngestError/IngestRejected."""
    options = options or Options()
    say = progress or (lambda _message: None)
    path = Path(path)
    started = audit.now()
    discard_stale_work_files(url)
    if kind.name == "boundaries":
        from data_access.ingest.boundaries import ingest_boundaries

        if not path.is_file():
            raise IngestError(f"{path}: no such file")
        return ingest_boundaries(path, options, audit.file_sha256(path), started, url, say)

    with ThreadPoolExecutor(max_workers=1) as pool:  # hashing overlaps the parse (no GIL held)
        digest = pool.submit(audit.file_sha256, path)
        raw = read_table(path, is_known(kind.fields), options.sheet)
        sha = digest.result()
    match = match_columns(path.name, raw.headers, kind.fields, tuple(kind.defaults(options)))
    frame = _canonical(raw, match)
    if frame.height == 0:
        raise IngestError(f"{path.name}: no data rows below the header")
    total_raw = None
    if kind.split_total is not None:
        frame, total_raw = kind.split_total(frame)
    say(f"read {frame.height:,} rows ({raw.source_format}"
        + (f", separator {raw.separator!r}" if raw.separator else "") + ")")
    defaults = kind.defaults(options)
    parsed, problems = parse_fields(frame, kind.fields, defaults)
    ctx = Context(path, options)
    if match.ignored:
        ctx.notes.append(f"ignored column(s): {', '.join(match.ignored)}")
    ctx.numeric_columns = {n for n, pos in match.positions.items() if pos in raw.numeric_columns}
    total_rows: set[int] = set()
    if total_raw is not None:
        # A total row is checked for its counts only: its code and stage cells are usually blank.
        ctx.total_row, total_problems = parse_fields(total_raw, kind.fields, defaults)
        counts = [f.name for f in kind.fields if isinstance(f.type, Integer)]
        problems = pl.concat([problems, total_problems.filter(pl.col("column").is_in(counts))])
        total_rows = set(total_raw[ROW].to_list())
    problems = pl.concat([raw.problems, problems])
    ctx.rejected_rows = set(problems["row"].drop_nulls().to_list())
    result = IngestResult(kind.name, path, sha, "rejected",
                          rows_read=frame.height + len(total_rows))
    del frame  # the raw text stays in ``raw`` until the failed rows are known (memory: 5M rows)
    try:
        with writing(url) as conn:
            ctx.conn = conn
            track_changes(conn)  # every kind writes through the store's helpers
            say("checking against the store")
            parsed, more = kind.check(ctx, parsed)
            problems = pl.concat([problems, more])
            bad_rows = set(problems["row"].drop_nulls().to_list())
            result.rows_rejected = len(bad_rows - total_rows)
            accepted = parsed.filter(~pl.col(ROW).is_in(list(bad_rows))) if bad_rows else parsed
            del parsed
            raw.frame = raw.frame.filter(pl.col(ROW).is_in(list(bad_rows)))  # for the quarantine
            fatal = problems["row"].null_count() > 0
            if fatal or (bad_rows and not options.allow_partial) or accepted.height == 0:
                raise _Abort
            say(f"writing {accepted.height:,} rows")
            written = kind.load(ctx, accepted)
            _pause_for_tests(say)
            result.status = "partial" if result.rows_rejected else "loaded"
            result.rows_accepted = written
            result.audit_id = audit.insert_audit(conn, kind.name, result, started, ctx.notes)
            record_dataset(conn, f"ingest:{kind.name}:{path.name}", kind.name, path.name,
                           synthetic=False, row_count=written,
                           note=f"sha256 {sha}; audit {result.audit_id}")
            say("committing (rollups, checkpoint, swap)")
    except _Abort:
        for cleanup in ctx.on_abort:
            cleanup()
        _finish(kind, path, raw, match, problems, result, ctx)
        raise IngestRejected(result) from None
    except BaseException:
        for cleanup in ctx.on_abort:
            cleanup()
        raise
    say("committed")
    for step in ctx.after_commit:
        step()
    _finish(kind, path, raw, match, problems, result, ctx)
    return result


def _finish(kind: Kind, path: Path, raw: RawTable, match: ColumnMatch, problems: pl.DataFrame,
            result: IngestResult, ctx: Context) -> None:
    """Messages, the quarantine file and the log line beside the input."""
    result.problems = problems
    result.messages = audit.messages(path.name, problems, kind.fields, match.headers)
    result.notes = ctx.notes
    result.quarantine = audit.write_quarantine(path, raw, problems)
    audit.append_log(path, result)


def finish_boundaries(path: Path, problems: pl.DataFrame, result: IngestResult, ctx: Context,
                      summaries: list[str]) -> None:
    """As :func:`_finish`, for a boundary file (features instead of rows, plus repair reports)."""
    result.problems = problems
    result.messages = audit.messages(path.name, problems, (), {})
    result.notes = ctx.notes + summaries
    result.quarantine = audit.write_problem_list(path, problems)
    audit.append_log(path, result)
