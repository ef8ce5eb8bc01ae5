"""geo is a library for the dashboard: no Streamlit, no database."""

from __future__ import annotations

import subprocess
import sys

from pantau.settings import REPO_ROOT


def test_geo_imports_neither_streamlit_nor_a_database_driver() -> None:
    probe = ("import sys, geo; "
             "print(sorted(m for m in ('streamlit', 'duckdb', 'sqlalchemy', 'psycopg') "
             "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
