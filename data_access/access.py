"""Who may read case- and record-level rows, enforced where the data is read (UU 27/2022).

Two gates, both here and not in the pages, so hiding a widget is never what protects the data:

* the mode — ``PANTAU_MODE`` is ``public`` unless set to ``internal``; in public mode every
  case- and record-level function refuses, whoever asks and whatever a page passes;
* the role — in internal mode the caller must name a signed-in :class:`Actor` whose role is at
  least *analyst* (``viewer`` sees the aggregates every page shows, ``admin`` also manages
  accounts and loads).

Every granted read or export is written to the access log (who, when, what, scope) before the
rows are returned: if the log cannot be written, the rows are not shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from typing import TypeVar

from pantau.settings import get_settings

INTERNAL = "internal"
ROLES = ("viewer", "analyst", "admin")
DETAIL_ROLE = "analyst"

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """A signed-in person (or the operator at the command line) and their role."""

    username: str
    role: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; roles are {', '.join(ROLES)}")

    def can(self, role: str) -> bool:
        """True when this actor's role is ``role`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)


class AccessRefused(PermissionError):
    """A read that the mode or the caller's role does not allow."""


class PublicModeRefused(AccessRefused):
    """A case- or record-level query was asked for outside the internal mode."""


class RoleRefused(AccessRefused):
    """The caller is not signed in, or their role is below the one the data needs."""


def operator() -> Actor:
    """The person at the command line. Whoever holds the store's credentials administers it; the
    access log still names them (``cli:<login>``)."""
    import getpass

    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "unknown"
    return Actor(f"cli:{login}", "admin")


def is_internal() -> bool:
    return get_settings().mode == INTERNAL


def require_role(actor: Actor | None, role: str, what: str, *, data: bool = True) -> Actor:
    """Refuse unless ``actor`` holds ``role`` or above and, for ``data`` (case- or record-level
    rows), the mode is internal. Account management is not data: an operator prepares accounts
    before the internal dashboard starts."""
    mode = get_settings().mode
    if data and mode != INTERNAL:
        raise PublicModeRefused(
            f"{what} need the internal mode (mode is {mode!r}); the public mode shows aggregates "
            "only")
    if actor is None:
        raise RoleRefused(f"{what} need a signed-in user")
    if not actor.can(role):
        raise RoleRefused(f"{what} need the {role} role; {actor.username} is a {actor.role}")
    return actor


def audited_read(actor: Actor | None, what: str, scope: str | None, read: Callable[[], T],
                 rows: Callable[[T], int], *, detail: str = "", action: str = "view") -> T:
    """Run ``read`` for ``actor`` if allowed, log it (``action`` view, or export when the rows
    leave as a file), and only then hand the result back."""
    from data_access.security import access_log

    require_role(actor, DETAIL_ROLE, what)
    result = read()
    access_log.record(actor, action, what, scope, rows=rows(result), detail=detail)
    return result


def audited_export(actor: Actor | None, what: str, scope: str | None, rows: int, *,
                   detail: str = "") -> None:
    """Log that ``actor`` took ``rows`` case- or record-level rows out of the dashboard or CLI."""
    from data_access.security import access_log

    require_role(actor, DETAIL_ROLE, what)
    access_log.record(actor, "export", what, scope, rows=rows, detail=detail)


def describe(filters: object) -> str:
    """The filters of a detail read as ``name=value`` pairs for the log's ``detail`` column; only
    allow-listed filter values, never a value from the rows read."""
    if not is_dataclass(filters):
        return ""
    pairs = ((f.name, getattr(filters, f.name)) for f in fields(filters))
    return " ".join(f"{name}={value}" for name, value in pairs if value is not None)
