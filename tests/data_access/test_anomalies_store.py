"""The region-level detector's inputs read from the store, and the all-or-nothing replacement of
the flags. Expected values are summed by hand (plain Python) from tests/fixture_store.py."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
import sqlalchemy as sa

from data_access import anomalies, schema
from data_access.anomalies import AnomalyRun, replace_flags
from data_access.engine import make_engine
from data_access.store import bulk_insert, record_dataset, writing
from pantau.anomalies import FLAG_SCHEMA
from tests import fixture_store
from tests.data_access.test_anomalies_queries import hand_flags


def test_recap_is_summed_per_kecamatan(fixture_engine):
    expected: dict[tuple[str, str], int] = {}
    for village, stage, male, female in fixture_store.RECAP:
        key = (stage, village[:8])
        expected[key] = expected.get(key, 0) + male + female
    frame = anomalies.recap_for_detection(engine=fixture_engine)
    assert set(frame["election"]) == {"pemilu2024"}
    got = {(r["stage"], r["region_code"]): r["voters_total"] for r in frame.iter_rows(named=True)}
    assert got == expected
    assert got[("DPS", "91.01.02")] == 330 and got[("DPT", "91.01.01")] == 585


@pytest.fixture
def fresh_store(tmp_path) -> str:
    return fixture_store.build(tmp_path / "store.duckdb")


def _recap_row(election: str, stage: str, code: str, level: str, total: int) -> dict:
    parts = code.split(".")
    return {"election": election, "stage": stage, "region_code": code, "level": level,
            "voters_total": total,
            **{f"{lv}_code": ".".join(parts[: i + 1]) if len(parts) > i else None
               for i, lv in enumerate(("province", "regency", "district", "village"))}}


def test_finest_level_wins_and_coarse_rows_pass_through(fresh_store):
    extra = pl.DataFrame([
        _recap_row("pemilu2024", "DPT", "91.01.01", "district", 999),  # desa rows exist: ignored
        _recap_row("pemilu2019", "DPT", "91.02.01", "district", 140),  # the only 2019 row there
        _recap_row("pemilu2019", "DPT", "92.71", "regency", 480),  # a kab/kota recap
    ])
    with writing(fresh_store) as conn:
        bulk_insert(conn, schema.voter_list_recap, extra)
    engine = make_engine(fresh_store, read_only=True)
    try:
        frame = anomalies.recap_for_detection(engine=engine)
    finally:
        engine.dispose()
    got = {(r["election"], r["stage"], r["region_code"]): r["voters_total"]
           for r in frame.iter_rows(named=True)}
    assert got[("pemilu2024", "DPT", "91.01.01")] == 420 + 165
    assert got[("pemilu2019", "DPT", "91.02.01")] == 140
    assert got[("pemilu2019", "DPT", "92.71")] == 480
    assert frame.height == 16 + 2


def test_tps_over_a_limit_are_filtered_in_the_database(fixture_engine):
    over_250 = sorted(code for code, m, f in fixture_store.POLLING_STATIONS if m + f > 250)
    frame = anomalies.polling_stations_over(250, engine=fixture_engine)
    assert frame["code"].to_list() == over_250 == ["91.01.02.2001.001", "92.71.01.1001.002"]
    assert frame["number"].to_list() == [1, 2]
    assert anomalies.polling_stations_over(engine=fixture_engine).height == 0  # none above 300


def test_population_and_synthetic_input(fresh_store):
    engine = make_engine(fresh_store, read_only=True)
    try:
        assert anomalies.population_for_detection(engine=engine).height == 0
        assert anomalies.input_is_synthetic(engine=engine) is False
    finally:
        engine.dispose()
    with writing(fresh_store) as conn:
        bulk_insert(conn, schema.region_population, pl.DataFrame(
            {"region_code": ["91.01"], "year": [2023], "adults": [800], "source": ["test"]}))
        record_dataset(conn, "demo:voter-recap", "voter-recap", "demo", synthetic=True,
                       row_count=20)
    engine = make_engine(fresh_store, read_only=True)
    try:
        pop = anomalies.population_for_detection(engine=engine)
        assert pop.rows() == [("91.01", 2023, 800)]
        assert anomalies.input_is_synthetic(engine=engine) is True
    finally:
        engine.dispose()


def _store_flags(url: str) -> list[tuple]:
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(sa.select(schema.anomaly_flag.c.flag_id,
                                                 schema.anomaly_flag.c.run_id)).all())
    finally:
        engine.dispose()


def test_replace_flags_replaces_all_and_logs_the_run(fresh_store):
    before = [(fid, "t") for fid, *_ in fixture_store.FLAGS]
    assert _store_flags(fresh_store) == before
    when = datetime(2024, 3, 1, 9, 30)
    run = AnomalyRun("hand-run", when, when, 42, "hand-made source", True)
    assert replace_flags(hand_flags(), run, fresh_store) == 9
    assert _store_flags(fresh_store) == [(i, "hand-run") for i in range(1, 10)]
    engine = make_engine(fresh_store, read_only=True)
    try:
        assert anomalies.latest_run(engine=engine)["records_scanned"] == 42
        with engine.connect() as conn:
            ds = conn.execute(sa.select(schema.dataset).where(
                schema.dataset.c.kind == "anomalies")).mappings().all()
    finally:
        engine.dispose()
    assert [(d["dataset_id"], d["row_count"], d["synthetic"]) for d in ds] == [
        ("anomalies", 9, True)]


def test_a_failed_replacement_leaves_the_old_flags(fresh_store, monkeypatch):
    before = _store_flags(fresh_store)

    def broken_insert(conn, table, frame):
        raise RuntimeError("disk full")

    monkeypatch.setattr(anomalies, "bulk_insert", broken_insert)
    when = datetime(2024, 3, 1)
    with pytest.raises(RuntimeError, match="disk full"):
        replace_flags(hand_flags(), AnomalyRun("hand-run", when, when, 1, "x", False), fresh_store)
    assert _store_flags(fresh_store) == before


def test_flags_of_another_run_or_with_clashing_ids_are_refused(fresh_store):
    when = datetime(2024, 3, 1)
    with pytest.raises(ValueError, match="belong to run"):
        replace_flags(hand_flags(), AnomalyRun("other", when, when, 1, "x", False), fresh_store)
    clash = hand_flags().with_columns(flag_id=pl.lit(7, pl.Int64))
    with pytest.raises(ValueError, match="not unique"):
        replace_flags(clash, AnomalyRun("hand-run", when, when, 1, "x", False), fresh_store)
    empty = pl.DataFrame(schema=FLAG_SCHEMA)
    assert replace_flags(empty, AnomalyRun("empty", when, when, 0, "x", False), fresh_store) == 0
    assert _store_flags(fresh_store) == []
