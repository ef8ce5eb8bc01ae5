"""The public/internal split, enforced where the data is read (UU 27/2022).

``PANTAU_MODE`` is ``public`` by default. Case- and record-level functions call
:func:`require_internal` before any query, whatever page or parameter asked, so hiding a widget
is never what protects the data. Each such read is logged to the ``pantau.access`` logger.
"""

from __future__ import annotations

import logging

from pantau.settings import get_settings

INTERNAL = "internal"
access_log = logging.getLogger("pantau.access")


class PublicModeRefused(PermissionError):
    """A case- or record-level query was asked for outside the internal mode."""


def require_internal(mode: str | None = None, what: str = "case- and record-level rows") -> None:
    """Refuse unless the mode is internal. ``mode`` None reads ``PANTAU_MODE`` (default public),
    so a caller that states nothing gets the safe answer."""
    effective = get_settings().mode if mode is None else mode
    if effective != INTERNAL:
        raise PublicModeRefused(
            f"{what} need the internal mode (mode is {effective!r}); the public mode shows "
            "aggregates only")
