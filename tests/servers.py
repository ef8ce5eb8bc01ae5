"""The dashboard as a real server for tests: ``streamlit run dashboard/app.py`` on a free local
port, its log in ``artifacts/`` (one file per test process, so parallel runs do not mix)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def dashboard_server(log_name: str, **env: str) -> Iterator[str]:
    """A Streamlit server of the dashboard on a free local port, with ``env`` on top of this
    process's environment; yields its URL and stops it afterwards."""
    port = _free_port()
    (REPO / "artifacts").mkdir(exist_ok=True)
    log = open(REPO / "artifacts" / f"{log_name}-{os.getpid()}.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=dict(os.environ, PYTHONUNBUFFERED="1", **env), stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("Streamlit did not become healthy within 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
