"""`pantau export anomalies --level record`: internal use only, and never personal data."""

from __future__ import annotations

import polars as pl

from pantau.cli import main


def test_record_level_export_is_refused_in_public_mode(monkeypatch, capsys, fixture_url):
    monkeypatch.setenv("PANTAU_DATABASE_URL", fixture_url)
    monkeypatch.setenv("PANTAU_MODE", "public")
    assert main(["export", "anomalies", "--level", "record"]) == 2
    assert "internal mode" in capsys.readouterr().err


def test_record_level_export_in_internal_mode(monkeypatch, tmp_path, fixture_url):
    monkeypatch.setenv("PANTAU_DATABASE_URL", fixture_url)
    monkeypatch.setenv("PANTAU_MODE", "internal")
    out = tmp_path / "records.csv"
    assert main(["export", "anomalies", "--level", "record", "--output", str(out)]) == 0
    frame = pl.read_csv(out)
    # The fixture's record-level flags (r1, r2, r3, r9); the district-level flag is not a record.
    assert sorted(frame["record_id"].to_list()) == ["r1", "r2", "r3", "r9"]
    assert {"record_id", "rule_id", "severity", "explanation_id"} <= set(frame.columns)
    assert not {"nik", "name", "record_key"} & set(frame.columns)
