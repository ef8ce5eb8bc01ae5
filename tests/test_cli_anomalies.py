"""``pantau anomalies run`` and ``pantau anomalies export`` on a scratch copy of the hand-made
fixture store with a six-voter extract whose anomalies are planted by hand:

* r3 repeats r1's NIK (same person, same row data): a duplicate NIK, r3 being the second copy;
* r4 was born on 1 June 2008 and never married: 15 on voting day (14 February 2024), underage.

Every NIK below is well formed (kecamatan of the fixture + DDMMYY, women +40 + serial) and agrees
with the recorded birth date and sex, so no other record rule can fire.

Region level, worked out by hand from the fixture recaps (see tests/fixture_store.py): summed per
kecamatan, DPS → DPSHP is 592 → 587 (-0.84%) in 91.01.01, 330 → 292 (-11.52%) in 91.01.02 and
157 → 155 (-1.27%) in 91.02.01. Kab. Satu has two kecamatan, fewer than three peers, so they are
compared with all three kecamatan of the province: median -1.27%, MAD = min(0.43, 10.24) = 0.43
points, so 91.01.02 scores 0.6745 × -10.24 / 0.43 ≈ -16 (high: beyond ±7), and it is the only
flag: DP4 → DPS gives at most |z| ≈ 2.4, DPSHP → DPT |z| ≈ 0.7, and every kab/kota change stays
within |z| ≈ 3.3 of its peers (the threshold is 3.5). Kota Tujuh's lone kecamatan has no peers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from data_access import schema
from data_access.engine import make_engine
from pantau.cli import main
from pantau.demo.voter_records import RECORD_SCHEMA
from tests import fixture_store

VOTERS = [
    ("r1", "9101011205800001", "Budi Santoso", date(1980, 5, 12), "L", "S", "Jl. Melati 1", "KK1",
     "91.01.01.2001", 1),
    ("r2", "9101014307900002", "Siti Aminah", date(1990, 7, 3), "P", "S", "Jl. Melati 1", "KK1",
     "91.01.01.2001", 1),
    ("r3", "9101011205800001", "Budi Santoso", date(1980, 5, 12), "L", "S", "Jl. Melati 1",
     "KK1", "91.01.01.2001", 1),
    ("r4", "9101020106080003", "Andi Pratama", date(2008, 6, 1), "L", "B", "Jl. Mawar 2", "KK2",
     "91.01.02.2001", 1),
    ("r5", "9271016512750004", "Dewi Lestari", date(1975, 12, 25), "P", "S", "Jl. Kenanga 3",
     "KK3", "92.71.01.1001", 2),
    ("r6", "9102013101600005", "Joko Susilo", date(1960, 1, 31), "L", "P", "Jl. Cempaka 4", "KK4",
     "91.02.01.2001", 1),
]
EXPECTED = {("duplicate_nik", "91.01.01.2001", "r3", None),
            ("underage", "91.01.02.2001", "r4", None),
            ("stage_growth", "91.01.02", None, "DPSHP")}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    url = fixture_store.build(tmp_path / "store.duckdb")
    monkeypatch.setenv("PANTAU_DATABASE_URL", url)
    monkeypatch.setenv("PANTAU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PANTAU_MODE", "public")
    return tmp_path


def write_extract(path: Path, rows=VOTERS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pl.DataFrame(rows, schema=RECORD_SCHEMA, orient="row")
    if path.suffix == ".csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return path


def stored(tmp: Path) -> tuple[set[tuple], list[dict]]:
    engine = make_engine(f"duckdb:///{tmp / 'store.duckdb'}", read_only=True)
    flag, run = schema.anomaly_flag, schema.anomaly_run
    try:
        with engine.connect() as conn:
            flags = {tuple(r) for r in conn.execute(sa.select(
                flag.c.rule_id, flag.c.region_code, flag.c.record_id, flag.c.stage))}
            runs = [dict(r) for r in conn.execute(sa.select(run)).mappings()]
    finally:
        engine.dispose()
    return flags, runs


def fixture_flags() -> set[tuple]:
    return {(rule, code, record, None) for _, rule, _, code, record in fixture_store.FLAGS}


def test_run_reads_the_extracts_folder_and_replaces_the_flags(env, capsys):
    write_extract(env / "extracts" / "voter_records_91.parquet")
    assert stored(env)[0] == fixture_flags()
    assert main(["anomalies", "run"]) == 0
    flags, runs = stored(env)
    assert flags == EXPECTED
    assert len(runs) == 1 and runs[0]["records_scanned"] == len(VOTERS)
    assert "voter_records_91.parquet" in runs[0]["source"]
    assert "6 records scanned" in capsys.readouterr().out


def test_explicit_csv_extract_gives_the_same_flags(env):
    path = write_extract(env / "elsewhere" / "kpu_extract.csv")
    assert main(["anomalies", "run", "--extract", str(path)]) == 0
    assert stored(env)[0] == EXPECTED


def test_flags_keep_no_nik_or_name(env):
    write_extract(env / "extracts" / "voter_records_91.parquet")
    assert main(["anomalies", "run"]) == 0
    engine = make_engine(f"duckdb:///{env / 'store.duckdb'}", read_only=True)
    try:
        with engine.connect() as conn:
            text = " ".join(str(v) for row in conn.execute(sa.select(schema.anomaly_flag))
                            for v in row)
    finally:
        engine.dispose()
    for _, nik, name, *_ in VOTERS:
        assert nik not in text and name not in text


def test_without_extracts_the_store_is_left_alone(env, capsys):
    assert main(["anomalies", "run"]) == 2
    assert "no voter extracts" in capsys.readouterr().err
    assert stored(env) == (fixture_flags(), [])


def test_regions_only_drops_record_flags(env):
    assert main(["anomalies", "run", "--regions-only"]) == 0
    flags, runs = stored(env)
    assert flags == {("stage_growth", "91.01.02", None, "DPSHP")}
    assert runs[0]["records_scanned"] == 0


@pytest.mark.parametrize("problem", ["missing", "columns", "suffix"])
def test_a_bad_extract_fails_cleanly_before_any_write(env, capsys, problem):
    if problem == "missing":
        path = env / "nowhere.parquet"
    elif problem == "columns":
        path = env / "partial.parquet"
        pl.DataFrame({"record_id": ["a"], "nik": ["1"]}).write_parquet(path)
    else:
        path = env / "extract.xlsx"
        path.write_bytes(b"not a table")
    assert main(["anomalies", "run", "--extract", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pantau: error:") and "Traceback" not in err
    if problem == "columns":
        assert "name, birth_date" in err
    assert stored(env) == (fixture_flags(), [])


def test_record_export_is_refused_in_public_mode(env, capsys):
    write_extract(env / "extracts" / "voter_records_91.parquet")
    assert main(["anomalies", "run"]) == 0
    capsys.readouterr()
    assert main(["anomalies", "export", "--level", "record"]) == 2
    captured = capsys.readouterr()
    assert "internal mode" in captured.err and captured.out == ""


def test_record_export_in_internal_mode(env, capsys, monkeypatch):
    write_extract(env / "extracts" / "voter_records_91.parquet")
    assert main(["anomalies", "run"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("PANTAU_MODE", "internal")
    assert main(["anomalies", "export", "--level", "record"]) == 0
    out = capsys.readouterr().out
    frame = pl.read_csv(out.encode())
    assert frame.columns == ["region_code", "record_id", "rule_id", "severity", "subject_level",
                             "explanation_id", "explanation_en"]
    assert frame.select("record_id", "rule_id").rows() == [("r3", "duplicate_nik"),
                                                           ("r4", "underage")]
    assert frame["explanation_en"][1].startswith("On voting day (14 February 2024) this voter "
                                                 "is only 15")
    for _, nik, name, *_ in VOTERS:
        assert nik not in out and name not in out


def test_region_level_export_counts_per_region_and_rule(env, capsys, tmp_path):
    write_extract(env / "extracts" / "voter_records_91.parquet")
    assert main(["anomalies", "run"]) == 0
    output = tmp_path / "counts.json"
    assert main(["anomalies", "export", "--level", "regency", "--format", "json",
                 "-o", str(output)]) == 0
    rows = pl.read_json(output).rows()
    assert rows == [("91.01", "KAB. SATU", "duplicate_nik", 1, False),
                    ("91.01", "KAB. SATU", "stage_growth", 1, False),
                    ("91.01", "KAB. SATU", "underage", 1, False)]
    assert main(["anomalies", "export", "--level", "village", "--format", "xlsx"]) == 2


def test_public_village_export_hides_single_flagged_voters(env, capsys):
    """Desa 91.01.01.2001 has one duplicate (r3), desa 91.01.01.2002 none: in public mode both
    cells are hidden (the second as the first's complement); underage r4 is alone under its
    kecamatan (91.01.02 has one desa), so it is hidden with no sibling to pair with."""
    write_extract(env / "extracts" / "voter_records_91.parquet")
    assert main(["anomalies", "run"]) == 0
    capsys.readouterr()
    assert main(["anomalies", "export", "--level", "village", "--scope", "91"]) == 0
    frame = pl.read_csv(capsys.readouterr().out.encode())
    # A hidden desa lists every record-level rule of its kab/kota, and the cell says so.
    assert frame.select("region_code", "rule_id", "flags", "suppressed").rows() == [
        ("91.01.01.2001", "duplicate_nik", "suppressed", True),
        ("91.01.01.2001", "underage", "suppressed", True),
        ("91.01.01.2002", "duplicate_nik", "suppressed", True),
        ("91.01.01.2002", "underage", "suppressed", True),
        ("91.01.02.2001", "duplicate_nik", "suppressed", True),
        ("91.01.02.2001", "underage", "suppressed", True),
    ]
