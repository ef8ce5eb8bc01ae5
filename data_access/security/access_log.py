"""The access log: one row per view or export of case- or record-level data, per sign-in and
per refusal. Rows say who, when, what and which region — never a value from the data itself."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.access import Actor, require_role
from data_access.security.store import security_engine
from data_access.security.tables import access_event

EVENT_DTYPES = {"event_id": pl.Int64, "at": pl.Datetime("us", "UTC"), "rows": pl.Int64}
ACTIONS = ("view", "export", "sign_in", "sign_in_failed", "sign_out", "refused", "account")


def _bounded(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def record(actor: Actor | str, action: str, what: str, scope: str | None, *,
           rows: int | None = None, detail: str = "", role: str | None = None,
           engine: Engine | None = None) -> None:
    """Append one event; ``actor`` may be a bare name for events before anyone is signed in."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    username = actor.username if isinstance(actor, Actor) else actor
    role = actor.role if isinstance(actor, Actor) else (role or "-")
    with (engine or security_engine()).begin() as conn:
        conn.execute(access_event.insert().values(
            at=datetime.now(UTC), username=_bounded(username, 64), role=role, action=action,
            what=_bounded(what, 80), scope=_bounded(scope or "national", 40),
            detail=_bounded(detail, 400) or None, rows=rows))


def recent(limit: int = 500, *, by: Actor, username: str | None = None,
           action: str | None = None, engine: Engine | None = None) -> pl.DataFrame:
    """The newest events first — for admins only: the log says who looked at what."""
    require_role(by, "admin", "the access log", data=False)
    stmt = sa.select(access_event).order_by(access_event.c.event_id.desc())
    if username:
        stmt = stmt.where(access_event.c.username == username)
    if action:
        stmt = stmt.where(access_event.c.action == action)
    stmt = stmt.limit(max(1, min(int(limit), 10_000)))
    with (engine or security_engine()).connect() as conn:
        result = conn.execute(stmt)
        columns = list(result.keys())
        data = [tuple(row) for row in result]
    return pl.DataFrame(data, schema={c: EVENT_DTYPES.get(c, pl.Utf8) for c in columns},
                        orient="row")
