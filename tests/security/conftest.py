"""Attacks on the public dashboard, on the national demo store (data/pantau.duckdb, opened
read-only): a privacy scan of everything it shows, serves and logs, and hostile URL parameters.

Both modules render pages in public mode (the default) with the briefing's charts drawn by plotly
in the page (``PANTAU_CHROMIUM`` points nowhere) rather than rendered to SVG by Chromium: the chart
is the same plotly figure either way and its whole specification is searched, at a tenth of the
time. Chromium is used where there is no other way to get the bytes: the PDF briefing pack."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from data_access import regions
from data_access.engine import duckdb_path
from pantau.settings import get_settings
from tests.security import scanner


@pytest.fixture(autouse=True)
def public_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Public mode, as deployed by default; charts drawn by plotly in the page."""
    monkeypatch.delenv("PANTAU_MODE", raising=False)
    monkeypatch.setenv("PANTAU_CHROMIUM", "/nonexistent/chromium")
    path = duckdb_path(get_settings().database_url)
    if path is not None and not path.exists():
        pytest.fail(f"no demo store at {path}: run 'make demo' (make test builds it)")


@pytest.fixture(scope="session")
def personal_data() -> scanner.PersonalData:
    """The voter extract's NIK, KK and names, loaded once per session (about 10 s)."""
    names: list[str] = []
    for level in ("province", "regency", "district", "village"):
        names += regions.regions(level, None)["region_name"].to_list()
    return scanner.load_personal_data(names, scanner.catalogue_words())


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG for every logger, Streamlit's included: Streamlit's loggers do not
    propagate to the root logger and carry their own level, so both are opened up here."""
    caplog.set_level(logging.DEBUG)
    changed: list[tuple[logging.Logger, int]] = []
    for logger in [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]:
        changed.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
        if not logger.propagate:
            logger.addHandler(caplog.handler)
    yield caplog
    for logger, level in changed:
        logger.setLevel(level)
        if caplog.handler in logger.handlers:
            logger.removeHandler(caplog.handler)
