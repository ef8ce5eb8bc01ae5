"""Where the numbers come from: datasets, their load times, and whether they are synthetic."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import schema
from data_access.query import fetch


def datasets(*, engine: Engine | None = None) -> pl.DataFrame:
    """Every dataset in the store: id, kind, source, synthetic, loaded_at, row_count, note."""
    ds = schema.dataset
    stmt = sa.select(ds.c.dataset_id, ds.c.kind, ds.c.source, ds.c.synthetic, ds.c.loaded_at,
                     ds.c.row_count, ds.c.note).order_by(ds.c.kind)
    return fetch(stmt, engine, {"synthetic": pl.Boolean, "loaded_at": pl.Datetime,
                                "row_count": pl.Int64})


def has_synthetic(*, engine: Engine | None = None) -> bool:
    """True when any dataset in the store is synthetic: every screen then says so."""
    return bool(datasets(engine=engine)["synthetic"].any())


_AUDIT_DTYPES = {"started_at": pl.Datetime, "finished_at": pl.Datetime, "rows_read": pl.Int64,
                 "rows_accepted": pl.Int64, "rows_rejected": pl.Int64, "audit_id": pl.Int64,
                 "loads": pl.Int64}


def ingest_log(limit: int = 50, *, engine: Engine | None = None) -> pl.DataFrame:
    """The latest loads from the audit log, newest first: audit_id, started_at, finished_at,
    kind, file_name, file_sha256, rows_read, rows_accepted, rows_rejected, status, message.
    Only accepted loads are here: a rejected load leaves the store untouched and is recorded
    beside its file (see data_access.ingest.audit)."""
    audit = schema.ingest_audit
    stmt = sa.select(audit.c.audit_id, audit.c.started_at, audit.c.finished_at, audit.c.kind,
                     audit.c.file_name, audit.c.file_sha256, audit.c.rows_read,
                     audit.c.rows_accepted, audit.c.rows_rejected, audit.c.status,
                     audit.c.message).order_by(audit.c.audit_id.desc()).limit(min(limit, 500))
    return fetch(stmt, engine, _AUDIT_DTYPES)


def ingest_sources(*, engine: Engine | None = None) -> pl.DataFrame:
    """Each dataset's sources from the audit log: one row per kind and file with its latest
    load — kind, file_name, file_sha256, loaded_at (when that load committed), rows_read,
    rows_accepted, rows_rejected, status — and ``loads``, how often the file was loaded."""
    audit = schema.ingest_audit
    partition = (audit.c.kind, audit.c.file_name)
    ranked = sa.select(
        audit.c.kind, audit.c.file_name, audit.c.file_sha256,
        audit.c.finished_at.label("loaded_at"), audit.c.rows_read, audit.c.rows_accepted,
        audit.c.rows_rejected, audit.c.status,
        sa.func.count().over(partition_by=partition).label("loads"),
        sa.func.row_number().over(partition_by=partition, order_by=audit.c.audit_id.desc())
        .label("latest"),
    ).subquery()
    stmt = (sa.select(*[c for c in ranked.c if c.name != "latest"])
            .where(ranked.c.latest == 1).order_by(ranked.c.kind, ranked.c.file_name))
    return fetch(stmt, engine, {**_AUDIT_DTYPES, "loaded_at": pl.Datetime})
