"""What the demo generator planted (``demo_ground_truth``), read back for scoring.

Dashboards and detectors are judged against what was planted, not against their own output: a
test asks, for example, for the regencies the generator made systematically poor at reporting
and checks that the compliance page ranks them first. A real (non-demo) store has no rows here.
Planted voter records and overdue cases name single records and cases, so they are read like any
record-level data: internal mode, analyst role, logged.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import schema
from data_access.access import Actor, audited_read
from data_access.query import fetch

MAX_NAME_LENGTH = 40  # the widths of ``demo_ground_truth.domain`` / ``kind``


def is_record_level(domain: str, kind: str) -> bool:
    """True when the subjects are records or cases rather than regions or bodies."""
    return domain == "voter_record" or (domain, kind) == ("violations", "overdue")


def ground_truth(domain: str, kind: str, *, actor: Actor | None = None,
                 engine: Engine | None = None) -> pl.DataFrame:
    """The planted subjects of one ``domain`` and ``kind`` (subject, detail), by subject."""
    if not domain or not kind or len(domain) > MAX_NAME_LENGTH or len(kind) > MAX_NAME_LENGTH:
        raise ValueError("domain and kind are short non-empty names")
    truth = schema.demo_ground_truth
    stmt = (sa.select(truth.c.subject, truth.c.detail)
            .where(truth.c.domain == domain, truth.c.kind == kind)
            .order_by(truth.c.subject))
    if is_record_level(domain, kind):
        return audited_read(actor, "planted records", None, lambda: fetch(stmt, engine, {}), len,
                            detail=f"{domain}/{kind}")
    return fetch(stmt, engine, {})
