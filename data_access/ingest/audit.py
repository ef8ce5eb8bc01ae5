"""The record of every load: the audit row in the store, and the files beside the input.

* An accepted load inserts one ``ingest_audit`` row (when, which file and its SHA-256, rows read /
  accepted / rejected, status) inside the same write as its rows, so the row exists exactly when
  the data does.
* A rejected load must leave the store byte-for-byte unchanged, so it cannot add a row there.
  It is recorded beside the input instead — where the person who ran it looks: the quarantine file
  ``<file>.quarantine.csv`` (the failed rows, their row numbers and reasons) and a line in
  ``<file>.ingest.log`` (one JSON object per attempt, accepted ones too). No value of a personal
  column reaches either log (they are masked); the quarantine file of a voter-records load holds
  the failed rows themselves and must be kept as carefully as the input.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access import schema
from data_access.ingest.errors import IngestResult, describe, mask, shown
from data_access.ingest.fields import Field
from data_access.ingest.readers import ROW, RawTable, column_name

MAX_MESSAGES = 1000  # problems rendered as text; the quarantine file holds them all
LOGGED_MESSAGES = 50


def now() -> datetime:
    """UTC without tzinfo, as every DateTime column of the store holds it."""
    return datetime.now(UTC).replace(tzinfo=None)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def quarantine_path(path: Path) -> Path:
    return path.with_name(path.name + ".quarantine.csv")


def log_path(path: Path) -> Path:
    return path.with_name(path.name + ".ingest.log")


def insert_audit(conn: Connection, kind: str, result: IngestResult, started: datetime,
                 notes: list[str]) -> int:
    """The audit row of an accepted load, inside its write; returns its id."""
    audit = schema.ingest_audit
    return conn.execute(sa.insert(audit).values(
        started_at=started, finished_at=now(), kind=kind, file_name=result.path.name,
        file_sha256=result.sha256, rows_read=result.rows_read, rows_accepted=result.rows_accepted,
        rows_rejected=result.rows_rejected, status=result.status,
        message="; ".join(notes) or None,
    ).returning(audit.c.audit_id)).scalar_one()


def messages(file_name: str, problems: pl.DataFrame, fields: tuple[Field, ...],
             headers: dict[str, str]) -> list[str]:
    """One line per problem (file, row, column, value, reason), personal values masked."""
    masks = {f.name: f.personal for f in fields if f.personal}
    lines = []
    ordered = problems.sort("row", nulls_last=False, maintain_order=True).head(MAX_MESSAGES)
    for problem in ordered.iter_rows(named=True):
        style = masks.get(problem["column"] or "")
        problem["value"] = mask(problem["value"], style) if style else shown(problem["value"])
        lines.append(describe(file_name, problem, headers))
    return lines


def _write_csv(target: Path, frame: pl.DataFrame) -> Path | None:
    """UTF-8 with a BOM (so Excel opens it right), formula-like text neutralised as in every
    export, written to a temp file and renamed. None when the folder is not writable: the
    problems are still printed."""
    from pantau.export import neutralise_formulas

    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with temp.open("wb") as handle:
            handle.write(b"\xef\xbb\xbf")
            neutralise_formulas(frame).write_csv(handle)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        print(f"pantau: warning: cannot write {target}: {exc}", file=sys.stderr)
        return None
    return target


def _reasons(problems: pl.DataFrame) -> pl.DataFrame:
    return (problems.filter(pl.col("row").is_not_null())
            .group_by("row", maintain_order=True)
            .agg(pl.format("{}: {}", pl.col("column").fill_null("row"), pl.col("reason"))
                 .str.join("; ").alias("_errors")))


def write_quarantine(path: Path, raw: RawTable, problems: pl.DataFrame) -> Path | None:
    """The failed rows as they were in the file (every column, original headers), with their row
    number (``_row``) and reasons (``_errors``). Fix them and load the quarantine file itself:
    the two extra columns are ignored."""
    reasons = _reasons(problems)
    if reasons.height == 0:
        return None
    headers = [h or f"column {i + 1}" for i, h in enumerate(raw.headers)]
    unique = [h if headers.count(h) == 1 else f"{h} ({i + 1})" for i, h in enumerate(headers)]
    rows = (raw.frame.join(reasons, left_on=ROW, right_on="row", how="inner")
            .select(pl.col(ROW).alias("_row"),
                    *[pl.col(column_name(i)).alias(unique[i]) for i in range(len(unique))
                      if column_name(i) in raw.frame.columns],
                    "_errors")
            .sort("_row"))
    return _write_csv(quarantine_path(path), rows)


def write_problem_list(path: Path, problems: pl.DataFrame) -> Path | None:
    """For files that are not tables (boundaries): the failed features' numbers and reasons."""
    reasons = _reasons(problems)
    if reasons.height == 0:
        return None
    return _write_csv(quarantine_path(path), reasons.rename({"row": "_feature"}))


def append_log(path: Path, result: IngestResult) -> None:
    """One JSON line per attempt in ``<file>.ingest.log``: the rejected loads' only record."""
    entry = {
        "at": now().isoformat(timespec="seconds") + "Z", "kind": result.kind,
        "file": path.name, "sha256": result.sha256, "status": result.status,
        "rows_read": result.rows_read, "rows_accepted": result.rows_accepted,
        "rows_rejected": result.rows_rejected, "audit_id": result.audit_id,
        "quarantine": result.quarantine.name if result.quarantine else None,
        "notes": result.notes, "problems": result.messages[:LOGGED_MESSAGES],
    }
    try:
        with log_path(path).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError as exc:
        print(f"pantau: warning: cannot write the log {log_path(path)}: {exc}", file=sys.stderr)
