"""The server settings the load test's capacity depends on (issue 10, docs/scaling.md).

Streamlit forces a full garbage collection after every page run unless told not to. With
Pantau's libraries and caches loaded that walk costs ~0.2 CPU-seconds per run, measured with
py-spy under ``bench/load`` as ~40 % of the app's CPU; dropping the setting would bring that
back without any test of behaviour noticing, so it is pinned here.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit import config

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def test_no_forced_garbage_collection_after_each_run() -> None:
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert settings["runner"]["postScriptGC"] is False


def test_the_setting_is_one_streamlit_knows() -> None:
    """A misspelt option would be ignored by Streamlit and the collection would still run."""
    assert "runner.postScriptGC" in config._config_options_template
