"""Voter-list recaps stored at different levels in different places (issue #7 follow-up).

A scratch store where province A (81) has desa rows, one of its kab/kota (81.01) also keeps an
older kab/kota row beside its desa rows, another (81.71) has only its kab/kota row, province B
(82) has only kab/kota rows and province C (83) nothing. Each expected figure is added up by hand
from the rows below; the comment by each says which rows count.

Built on whichever engine ``PANTAU_DATABASE_URL`` names, as the shared fixture store is
(tests/conftest.py): a DuckDB file, or a private schema on the PostgreSQL server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy.engine import Engine

from data_access import voter_list
from data_access.engine import make_engine
from pantau.reference import with_ancestry
from tests.conftest import on_server
from tests.scratch import load_frames, private_schema

REGIONS = [
    ("81", "province", None, "PROVINSI A"),
    ("81.01", "regency", "81", "KAB. A SATU"),
    ("81.02", "regency", "81", "KAB. A DUA"),
    ("81.71", "regency", "81", "KOTA A"),
    ("81.01.01", "district", "81.01", "KEC. A SATU 1"),
    ("81.01.02", "district", "81.01", "KEC. A SATU 2"),
    ("81.02.01", "district", "81.02", "KEC. A DUA 1"),
    ("81.71.01", "district", "81.71", "KEC. KOTA A 1"),
    ("81.01.01.2001", "village", "81.01.01", "DESA A1"),
    ("81.01.01.2002", "village", "81.01.01", "DESA A2"),
    ("81.01.02.2001", "village", "81.01.02", "DESA A3"),
    ("81.02.01.2001", "village", "81.02.01", "DESA A4"),
    ("81.71.01.1001", "village", "81.71.01", "KEL. A5"),
    ("82", "province", None, "PROVINSI B"),
    ("82.01", "regency", "82", "KAB. B SATU"),
    ("82.71", "regency", "82", "KOTA B"),
    ("82.01.01", "district", "82.01", "KEC. B SATU 1"),
    ("82.71.01", "district", "82.71", "KEC. KOTA B 1"),
    ("82.01.01.2001", "village", "82.01.01", "DESA B1"),
    ("82.71.01.1001", "village", "82.71.01", "KEL. B2"),
    ("83", "province", None, "PROVINSI C"),
    ("83.01", "regency", "83", "KAB. C SATU"),
    ("83.01.01", "district", "83.01", "KEC. C SATU 1"),
    ("83.01.01.2001", "village", "83.01.01", "DESA C1"),
]

# (election, stage, region, level, men, women, TPS)
RECAP = [
    # Province A: desa rows everywhere but KOTA A ...
    ("pemilu2024", "DPT", "81.01.01.2001", "village", 100, 110, 1),
    ("pemilu2024", "DPT", "81.01.01.2002", "village", 80, 85, 1),
    ("pemilu2024", "DPT", "81.01.02.2001", "village", 140, 150, 2),
    ("pemilu2024", "DPT", "81.02.01.2001", "village", 60, 70, 1),
    # ... an older kab/kota recap of KAB. A SATU, superseded by its desa rows above ...
    ("pemilu2024", "DPT", "81.01", "regency", 500, 480, 5),
    # ... and KOTA A recapped only per kab/kota.
    ("pemilu2024", "DPT", "81.71", "regency", 200, 210, 2),
    # Province B: kab/kota rows only.
    ("pemilu2024", "DPT", "82.01", "regency", 300, 310, 3),
    ("pemilu2024", "DPT", "82.71", "regency", 190, 210, 2),
    # Desa rows of another stage and of another election do not supersede B's DPT rows.
    ("pemilu2024", "DPS", "82.01.01.2001", "village", 280, 290, 3),
    ("pemilu2019", "DPT", "82.01.01.2001", "village", 150, 150, 3),
]


def _frames() -> dict[str, pl.DataFrame]:
    regions = with_ancestry(pl.DataFrame(
        REGIONS, schema=["code", "level", "parent_code", "name"], orient="row",
    ).with_columns(vintage=pl.lit("2024")))
    recap = with_ancestry(pl.DataFrame(
        [{"election": el, "stage": st, "region_code": code, "level": lv, "voters_male": m,
          "voters_female": f, "voters_total": m + f, "polling_stations": tps}
         for el, st, code, lv, m, f, tps in RECAP]), "region_code")
    return {"region": regions, "voter_list_recap": recap}


@pytest.fixture(scope="module")
def mixed_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The scratch store's reader URL, built as tests/conftest.py builds the fixture store."""
    if not on_server():
        url = f"duckdb:///{Path(tmp_path_factory.mktemp('mixed')) / 'mixed.duckdb'}"
        load_frames(url, _frames())
        yield url
        return
    with private_schema("voter_mixed") as (writer, reader):
        load_frames(writer, _frames())
        yield reader


@pytest.fixture(scope="module")
def mixed(mixed_url: str) -> Iterator[Engine]:
    engine = make_engine(mixed_url, read_only=True)
    yield engine
    engine.dispose()


def _figures(frame: pl.DataFrame) -> dict[str, tuple[int | None, ...]]:
    return {r["region_code"]: (r["voters_male"], r["voters_female"], r["voters_total"],
                               r["polling_stations"])
            for r in frame.iter_rows(named=True)}


NOTHING = (None, None, None, None)


def test_each_province_reads_the_finest_rows_it_has(mixed):
    frame = voter_list.voters_by_region("province", engine=mixed)
    assert _figures(frame) == {
        # KAB. A SATU desa 100+80+140 / 110+85+150 / 4 TPS, KAB. A DUA desa 60/70/1,
        # KOTA A kab/kota row 200/210/2; the old KAB. A SATU row (500/480) is not added.
        "81": (320 + 60 + 200, 345 + 70 + 210, 665 + 130 + 410, 4 + 1 + 2),
        # Only kab/kota rows: 300+190 / 310+210 / 3+2 TPS (was blank when one level was chosen
        # for the whole country).
        "82": (490, 520, 1010, 5),
        "83": NOTHING,
    }
    assert set(frame["stage"]) == {"DPT"}


def test_desa_rows_win_over_their_kab_kota_row_without_doubling(mixed):
    frame = voter_list.voters_by_region("regency", engine=mixed)
    assert _figures(frame) == {
        "81.01": (320, 345, 665, 4),  # 210 + 165 + 290 from desa; neither 980 nor 1645
        "81.02": (60, 70, 130, 1),
        "81.71": (200, 210, 410, 2),
        "82.01": (300, 310, 610, 3),
        "82.71": (190, 210, 400, 2),
        "83.01": NOTHING,
    }


def test_a_province_scope_reads_the_same_rows(mixed):
    frame = voter_list.voters_by_region("regency", "81", engine=mixed)
    assert frame["region_code"].to_list() == ["81.01", "81.02", "81.71"]
    assert frame["voters_total"].to_list() == [665, 130, 410]
    assert voter_list.voters_by_region("regency", "82", engine=mixed)[
        "voters_total"].to_list() == [610, 400]


def test_kab_kota_rows_are_not_split_over_kecamatan(mixed):
    in_a = voter_list.voters_by_region("district", "81.01", engine=mixed)
    assert _figures(in_a) == {"81.01.01": (180, 195, 375, 2), "81.01.02": (140, 150, 290, 2)}
    # Province B has no kecamatan figures at all: blank, not a share of the kab/kota rows.
    in_b = voter_list.voters_by_region("district", "82", engine=mixed)
    assert _figures(in_b) == {"82.01.01": NOTHING, "82.71.01": NOTHING}
    desa = voter_list.voters_by_region("village", "81", engine=mixed)
    assert desa["voters_total"].to_list() == [210, 165, 290, 130, None]


def test_other_stages_and_elections_stay_apart(mixed):
    dps = voter_list.voters_by_region("province", stage="DPS", engine=mixed)
    assert dps["voters_total"].to_list() == [None, 570, None]  # B's one DPS desa row: 280+290
    previous = voter_list.voters_by_region("regency", "82", election="pemilu2019", engine=mixed)
    assert previous["voters_total"].to_list() == [300, None]  # 150 + 150


def test_stage_totals_add_the_same_rows(mixed):
    by_stage = {scope: voter_list.stage_totals(scope, engine=mixed)["voters_total"].to_list()
                for scope in (None, "81", "81.01", "82")}
    assert by_stage == {  # DP4, DPS, DPSHP, DPT
        None: [None, 570, None, 1205 + 1010],
        "81": [None, None, None, 1205],
        "81.01": [None, None, None, 665],
        "82": [None, 570, None, 1010],
    }
