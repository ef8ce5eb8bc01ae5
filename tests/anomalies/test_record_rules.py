"""Record-level rules, one small hand-built extract per edge case; expected values by hand."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date

import polars as pl
import pytest

from pantau.anomalies.common import FLAG_SCHEMA
from pantau.anomalies.records import detect_record_anomalies
from pantau.demo.voter_records import RECORD_SCHEMA

ELECTION_DAY = date(2024, 2, 14)
KEY = "test-key"
VALID = {"64.09.04", "64.09.01", "640902"}  # dotted and undotted are both accepted
VILLAGE = "64.09.04.2001"


def record(i: int, nik: str, birth: date | str, sex: str = "L", marital: str = "S",
           name: str | None = None, address: str | None = None, kk: str | None = None,
           tps: int = 1, village: str = VILLAGE) -> dict:
    """A clean record unless the arguments make it otherwise; unique name/address/KK per i."""
    return {
        "record_id": f"T-{i:05d}", "nik": nik,
        "name": name or f"Warga Uji Nomor{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}",
        "birth_date": birth if isinstance(birth, date) else date.fromisoformat(birth),
        "sex": sex, "marital_status": marital,
        "address": address or f"Jl. Uji No. {i} RT 001 RW 001",
        "family_card": kk or f"6409041201{i:06d}", "village_code": village, "tps": tps,
    }


def detect(rows: list[dict]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema_overrides={"tps": pl.Int32})
    return detect_record_anomalies(frame.lazy(), VALID, ELECTION_DAY, KEY, "test-run")


def rules_of(flags: pl.DataFrame, record_id: str) -> set[str]:
    return set(flags.filter(pl.col("record_id") == record_id)["rule_id"])


def evidence(flags: pl.DataFrame, rule: str, record_id: str | None = None) -> dict:
    rows = flags.filter(pl.col("rule_id") == rule)
    if record_id is not None:
        rows = rows.filter(pl.col("record_id") == record_id)
    assert rows.height == 1, rows
    return json.loads(rows["evidence"][0])


# --- NIK date structure -------------------------------------------------------------------------

@pytest.mark.parametrize(("nik", "birth", "sex", "expected"), [
    ("6409041503850001", "1985-03-15", "L", set()),  # clean man
    ("6409045503850001", "1985-03-15", "P", set()),  # woman: day 15 + 40 = 55
    ("6409041503850002", "1985-03-15", "P", {"nik_sex_mismatch"}),  # woman without + 40
    ("6409045503850003", "1985-03-15", "L", {"nik_sex_mismatch"}),  # man with + 40
    ("6409042902880001", "1988-02-29", "L", set()),  # 29 Feb in a leap year
    ("6409046902880001", "1988-02-29", "P", set()),  # same for a woman (29 + 40)
    ("6409042902000001", "2000-02-29", "L", set()),  # 2000 is a leap year (divisible by 400)
    ("6409042902830001", "1983-03-01", "L", {"nik_invalid_date"}),  # 1983 is not leap
    ("6409046902830001", "1983-03-01", "P", {"nik_invalid_date"}),  # nor for women
    ("6409041513850001", "1985-03-15", "L", {"nik_invalid_date"}),  # month 13
    ("6409041500850001", "1985-03-15", "L", {"nik_invalid_date"}),  # month 00
    ("6409040003850001", "1985-03-15", "L", {"nik_invalid_date"}),  # day 00
    ("6409043203850001", "1985-03-15", "L", {"nik_invalid_date"}),  # day 32
    ("6409044003850001", "1985-03-15", "P", {"nik_invalid_date"}),  # woman's day 0 + 40
    ("6409047203850001", "1985-03-15", "P", {"nik_invalid_date"}),  # woman's day 32 + 40
    ("6409043104850001", "1985-04-30", "L", {"nik_invalid_date"}),  # 31 April
    ("6409043002850001", "1985-02-28", "L", {"nik_invalid_date"}),  # 30 February
    ("6409041603850001", "1985-03-15", "L", {"birth_date_mismatch"}),  # one day apart
    ("6499991503850001", "1985-03-15", "L", {"nik_unknown_district"}),  # no kecamatan 64.99.99
    ("6409021503850001", "1985-03-15", "L", set()),  # undotted code in the valid set works
    ("640904150385001", "1985-03-15", "L", {"nik_malformed"}),  # 15 digits
    ("64090415O3850001", "1985-03-15", "L", {"nik_malformed"}),  # letter O for zero
])
def test_nik_structure(nik: str, birth: str, sex: str, expected: set[str]) -> None:
    flags = detect([record(1, nik, birth, sex)])
    assert rules_of(flags, "T-00001") == expected


def test_century_of_year_00_follows_the_recorded_birth_date() -> None:
    # 29-02-00: valid for 2000, invalid for 1900 (not a leap year); 1900 is also > 110 years old.
    flags = detect([record(1, "6409042902000001", "1900-03-01", marital="P")])
    assert rules_of(flags, "T-00001") == {"nik_invalid_date", "implausibly_old"}
    assert evidence(flags, "nik_invalid_date") == {
        "nik_day": 29, "nik_month": 2, "days_in_month": 28, "leap_year": 0}


def test_invalid_date_explanations_name_the_reason() -> None:
    flags = detect([record(1, "6409041513850001", "1985-03-15"),
                    record(2, "6409043104850002", "1985-04-30"),
                    record(3, "6409042902830003", "1983-03-01")])
    text = dict(zip(flags["record_id"], flags["explanation_id"], strict=True))
    assert "bulan hanya 1 sampai 12" in text["T-00001"] and "13" in text["T-00001"]
    assert "tanggal 31 pada bulan 4" in text["T-00002"] and "30 hari" in text["T-00002"]
    assert "bukan tahun kabisat" in text["T-00003"]
    assert evidence(flags, "nik_invalid_date", "T-00002")["days_in_month"] == 30


def test_birth_date_mismatch_evidence_is_gap_and_ages_not_dates() -> None:
    # NIK says 15-03-1985, the record 16-03-1987: 365 + 365 days to 15-03-1987, plus one = 731.
    flags = detect([record(1, "6409041503850001", "1987-03-16")])
    ev = evidence(flags, "birth_date_mismatch")
    assert ev == {"days_apart": 731, "age_recorded": 36, "age_nik": 38}
    assert "731 hari" in flags["explanation_id"][0]
    assert "1985" not in flags["explanation_id"][0] and "1987" not in flags["explanation_en"][0]


# --- Age ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("birth", "marital", "flagged", "age"), [
    ("2007-02-14", "B", False, 17),  # exactly 17 on voting day: eligible
    ("2007-02-15", "B", True, 16),  # turns 17 the day after voting
    ("2010-06-01", "B", True, 13),
    ("2007-06-01", "S", False, 16),  # married 16-year-old: eligible (UU 7/2017 Pasal 198)
    ("2007-06-01", "P", False, 16),  # divorced / widowed 16-year-old: eligible
])
def test_underage(birth: str, marital: str, flagged: bool, age: int) -> None:
    b = date.fromisoformat(birth)
    nik = f"640904{b.day:02d}{b.month:02d}{b.year % 100:02d}0001"
    flags = detect([record(1, nik, birth, marital=marital)])
    assert ("underage" in rules_of(flags, "T-00001")) is flagged
    if flagged:
        assert evidence(flags, "underage") == {"age": age, "min_age": 17, "married": 0}
        assert f"baru {age} tahun" in flags["explanation_id"][0]
        assert "14 Februari 2024" in flags["explanation_id"][0]
    else:
        assert flags.height == 0


@pytest.mark.parametrize(("birth", "flagged", "age"), [
    ("1913-02-15", False, 110), ("1913-02-14", True, 111), ("1890-01-01", True, 134)])
def test_implausibly_old(birth: str, flagged: bool, age: int) -> None:
    b = date.fromisoformat(birth)
    nik = f"640904{b.day:02d}{b.month:02d}{b.year % 100:02d}0001"
    flags = detect([record(1, nik, birth, marital="P")])
    assert (flags.height == 1) is flagged
    if flagged:
        assert evidence(flags, "implausibly_old") == {"age": age, "max_age": 110}


# --- Duplicates -----------------------------------------------------------------------------------

def test_duplicate_nik_flags_every_copy_after_the_first() -> None:
    nik = "6409041503850001"
    rows = [record(1, nik, "1985-03-15"), record(2, "6409041503850002", "1985-03-15"),
            record(3, nik, "1985-03-15"), record(4, nik, "1985-03-15")]
    flags = detect(rows).filter(pl.col("rule_id") == "duplicate_nik").sort("record_id")
    assert flags["record_id"].to_list() == ["T-00003", "T-00004"]
    assert [json.loads(e) for e in flags["evidence"]] == [
        {"count": 3, "occurrence": 2}, {"count": 3, "occurrence": 3}]
    assert flags["explanation_id"][0].startswith("NIK ini muncul 3 kali dalam daftar pemilih")
    assert "baris T-00001" in flags["explanation_id"][0]
    assert flags["record_key"].n_unique() == 1  # all copies share one key


def test_likely_duplicate_ignores_case_spacing_punctuation() -> None:
    home = "Jl. Melati No. 12 RT 003 RW 002"
    rows = [
        record(1, "6409041503850001", "1985-03-15", name="Siti Nur Aini", address=home, tps=1),
        record(2, "6409041503859001", "1985-03-15", name="SITI  NUR-AINI,", address=home, tps=1),
        record(3, "6409041503859002", "1985-03-15", name=" siti nuraini ", tps=1),  # TPS only
        record(4, "6409041503859003", "1985-03-15", name="Siti Nur Aini", tps=2),  # neither
        record(5, "6409041603850001", "1985-03-16", name="Siti Nur Aini", address=home),  # DOB
        record(6, "6409041503850001", "1985-03-15", name="Siti Nur Aini", address=home),  # = NIK
    ]
    flags = detect(rows).filter(pl.col("rule_id") == "likely_duplicate")
    got = {r["record_id"]: json.loads(r["evidence"]) for r in flags.iter_rows(named=True)}
    assert set(got) == {"T-00002", "T-00003"}
    assert got["T-00002"] == {"records": 3, "distinct_nik": 2, "same_address": 1, "same_tps": 1}
    assert got["T-00003"] == {"records": 4, "distinct_nik": 3, "same_address": 0, "same_tps": 1}
    text = flags.filter(pl.col("record_id") == "T-00003")["explanation_en"][0]
    assert "polling station (TPS) match the voter in row T-00001" in text


# --- Groups ---------------------------------------------------------------------------------------

def _crowd(n: int, **fixed: object) -> list[dict]:
    rows = []
    for i in range(n):
        b = date(1960, 1, 1).replace(year=1960 + i % 40, day=1 + i % 28)
        nik = f"640904{b.day:02d}{b.month:02d}{b.year % 100:02d}{i:04d}"
        rows.append(record(i, nik, b, **fixed))  # type: ignore[arg-type]
    return rows


@pytest.mark.parametrize(("n", "flagged"), [(300, False), (301, True)])
def test_tps_overfull(n: int, flagged: bool) -> None:
    flags = detect(_crowd(n, tps=7))
    over = flags.filter(pl.col("rule_id") == "tps_overfull")
    assert over.height == int(flagged)
    if flagged:
        assert json.loads(over["evidence"][0]) == {"tps_number": 7, "records": 301, "limit": 300}
        assert over["subject_level"][0] == "polling_station"
        assert over["region_code"][0] == VILLAGE and over["record_id"][0] is None
        assert over["explanation_id"][0].startswith("TPS 007 di desa/kelurahan ini memuat 301")


@pytest.mark.parametrize(("n", "flagged"), [(15, False), (16, True)])
def test_crowded_family_card(n: int, flagged: bool) -> None:
    flags = detect(_crowd(n, kk="6409040101100001"))
    kk = flags.filter(pl.col("rule_id") == "crowded_family_card")
    assert kk.height == int(flagged)
    if flagged:
        assert json.loads(kk["evidence"][0]) == {"records": 16, "limit": 15, "villages": 1}
        assert kk["record_id"][0] == "T-00000"  # the group's first row
        texts = kk.select(pl.col(pl.Utf8).fill_null("")).rows()[0]
        assert not any("6409040101100001" in t for t in texts)


@pytest.mark.parametrize(("n", "severity"), [(30, None), (31, "low"), (61, "medium")])
def test_crowded_address(n: int, severity: str | None) -> None:
    flags = detect(_crowd(n, address="Asrama Putra Jl. Pesut No. 1"))
    crowd = flags.filter(pl.col("rule_id") == "crowded_address")
    assert crowd.height == (0 if severity is None else 1)
    if severity:
        assert crowd["severity"][0] == severity
        assert json.loads(crowd["evidence"][0]) == {"records": n, "family_cards": n, "limit": 30}


# --- Output contract ------------------------------------------------------------------------------

def test_output_schema_keys_and_ancestry() -> None:
    nik = "6409041503850001"
    flags = detect([record(1, nik, "1985-03-15"), record(2, nik, "1985-03-15")])
    assert dict(flags.schema) == FLAG_SCHEMA
    row = flags.row(0, named=True)
    assert row["record_key"] == hmac.new(KEY.encode(), nik.encode(), hashlib.sha256).hexdigest()
    assert (row["province_code"], row["regency_code"], row["district_code"],
            row["village_code"], row["region_code"]) == ("64", "64.09", "64.09.04", VILLAGE,
                                                         VILLAGE)
    assert row["subject_level"] == "record" and row["run_id"] == "test-run"


def test_undotted_village_codes_and_string_dates_are_accepted() -> None:
    row = record(1, "6409041503850001", "1985-03-15", village="6409042001")
    row["birth_date"] = "1987-03-16"
    flags = detect([row])
    assert flags["region_code"].to_list() == [VILLAGE]
    assert flags["rule_id"].to_list() == ["birth_date_mismatch"]


def test_clean_extract_gives_no_flags() -> None:
    assert detect(_crowd(50)).height == 0


def test_empty_extract() -> None:
    flags = detect_record_anomalies(pl.LazyFrame(schema=RECORD_SCHEMA), VALID, ELECTION_DAY, KEY,
                                    "r")
    assert flags.height == 0 and dict(flags.schema) == FLAG_SCHEMA
