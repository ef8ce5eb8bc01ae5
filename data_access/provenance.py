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


def ingest_log(limit: int = 50, *, engine: Engine | None = None) -> pl.DataFrame:
    """The latest loads from the audit log."""
    audit = schema.ingest_audit
    stmt = sa.select(audit.c.started_at, audit.c.kind, audit.c.file_name, audit.c.file_sha256,
                     audit.c.rows_read, audit.c.rows_accepted, audit.c.rows_rejected,
                     audit.c.status).order_by(audit.c.started_at.desc()).limit(min(limit, 500))
    return fetch(stmt, engine, {"started_at": pl.Datetime, "rows_read": pl.Int64,
                                "rows_accepted": pl.Int64, "rows_rejected": pl.Int64})
