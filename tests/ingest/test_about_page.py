"""Tentang Data shows each dataset's source, load time and row counts from the audit log."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_access.ingest import Options, ingest
from tests.ingest.helpers import write

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def about_page(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("../pages/about.py")
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def test_loaded_files_from_the_audit_log(store, tmp_path):
    ingest("voter-recap", write(tmp_path, "rekap-dpt.csv",
                                "kode,tahapan,total\n91.01,DPT,1.500\n91.02,DPT,x\n"),
           Options(allow_partial=True))
    at = about_page("en")
    assert "Loaded files" in [s.value for s in at.subheader]
    table = at.dataframe[1].value  # datasets first, then the loaded files
    row = table.iloc[0].to_dict()
    assert {k: row[k] for k in ("Dataset", "Source", "Rows read", "Accepted", "Rejected",
                                "Status", "Loads")} == {
        "Dataset": "voter-recap", "Source": "rekap-dpt.csv", "Rows read": "2", "Accepted": "1",
        "Rejected": "1", "Status": "Partly loaded", "Loads": "1"}
    assert row["Loaded at"].endswith(" UTC")


def test_a_store_without_loads_says_so(store):
    at = about_page("en")
    assert "No file has been ingested into this store yet." in [c.value for c in at.caption]
