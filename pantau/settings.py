"""Every setting Pantau reads, in one place.

Settings come from environment variables (``PANTAU_*``) so the dashboard, the command line, the
benchmarks and CI all see the same configuration without a config file to keep in sync. Paths
default to the ``shared/`` folder beside the checkout, which holds the real 2024 reference figures
and boundary polygons; an operator points them at official files instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"

def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default

def _writer_url(reader: str) -> str:
    """``PANTAU_WRITER_DATABASE_URL`` when it names the reader's own server database, else the
    reader URL: a writer setting left over for another store must never receive a load meant for
    this one (a test pointing ``PANTAU_DATABASE_URL`` at a scratch file writes to that file)."""
    writer = os.environ.get("PANTAU_WRITER_DATABASE_URL")
    if not writer or reader.startswith("duckdb:"):
        return reader
    where = lambda url: urlsplit(url)._replace(netloc=urlsplit(url).netloc.rsplit("@", 1)[-1],  # noqa: E731
                                               query="", fragment="")
    return writer if where(writer) == where(reader) else reader


@dataclass(frozen=True)
class Settings:
    """A snapshot of the environment; read again with :func:`get_settings` after changing it."""

    database_url: str
    data_dir: Path
    reference_dir: Path
    geo_dir: Path
    geo_cache_dir: Path
    mode: str
    suppression_k: int
    anomaly_hmac_key: str
    pool_size: int
    pool_max_overflow: int
    # Maps work offline by default: no tile server, Leaflet served from the app's own static files.
    map_tiles: str | None = None
    map_tiles_attribution: str | None = None
    map_assets_url: str = "/app/static/leaflet"
    geo_code_column: str = "code"
    geo_name_column: str = "name"
    # Loads connect as a separate writer role on a server store (the dashboard's role is
    # read-only); on the embedded store both are the same file and the atomic swap protects readers.
    writer_database_url: str = ""
    pool_timeout: float = 10.0
    # Accounts and the access log (data_access.security): writable by the dashboard, unlike the
    # data store. Default: a SQLite file beside the embedded store.
    security_database_url: str = ""

def get_settings() -> Settings:
    data_dir = _path("PANTAU_DATA_DIR", REPO_ROOT / "data")
    default_url = f"duckdb:///{data_dir / 'pantau.duckdb'}"
    return Settings(
        database_url=os.environ.get("PANTAU_DATABASE_URL", default_url),
        data_dir=data_dir,
        reference_dir=_path("PANTAU_REFERENCE_DIR", SHARED_DIR / "reference"),
        geo_dir=_path("PANTAU_GEO_DIR", SHARED_DIR / "geo"),
        geo_cache_dir=_path("PANTAU_GEO_CACHE_DIR", data_dir / "geo_cache"),
        mode=os.environ.get("PANTAU_MODE", "public"),
        suppression_k=int(os.environ.get("PANTAU_SUPPRESSION_K", "5")),
        anomaly_hmac_key=os.environ.get("PANTAU_ANOMALY_HMAC_KEY", "pantau-demo-key-change-me"),
        pool_size=int(os.environ.get("PANTAU_POOL_SIZE", "5")),
        pool_max_overflow=int(os.environ.get("PANTAU_POOL_MAX_OVERFLOW", "10")),
        map_tiles=os.environ.get("PANTAU_MAP_TILES") or None,
        map_tiles_attribution=os.environ.get("PANTAU_MAP_TILES_ATTRIBUTION") or None,
        map_assets_url=os.environ.get("PANTAU_MAP_ASSETS_URL", "/app/static/leaflet").rstrip("/"),
        geo_code_column=os.environ.get("PANTAU_GEO_CODE_COLUMN", "code"),
        geo_name_column=os.environ.get("PANTAU_GEO_NAME_COLUMN", "name"),
        writer_database_url=_writer_url(os.environ.get("PANTAU_DATABASE_URL", default_url)),
        pool_timeout=float(os.environ.get("PANTAU_POOL_TIMEOUT", "10")),
        security_database_url=os.environ.get(
            "PANTAU_SECURITY_DATABASE_URL", f"sqlite:///{data_dir / 'security.sqlite'}"),
    )
