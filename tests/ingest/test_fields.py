"""Cell parsers: Indonesian numbers, dates, region codes and vocabularies. Expected values are
written by hand, or (properties) come from an independent formatter or from the scalar
``data_access.codes.normalize`` the rest of the code base uses."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from data_access.codes import InvalidRegionCode, normalize
from data_access.ingest.fields import Boolean, Date, Integer, RegionCode, Text
from data_access.ingest.vocabulary import BODY, CATEGORY, STAGE, VOTER_STAGE


def parse(field_type, values):
    value, reason = field_type.parse(pl.Series("c", values, dtype=pl.Utf8))
    return list(zip(value.to_list(), reason.to_list(), strict=True))


@pytest.mark.parametrize("text,expected", [
    ("1.234.567", 1234567), ("1234567", 1234567), ("12", 12), ("0", 0), (" 1.234 ", 1234),
    ("1.234.567,00", 1234567), ("1 234", 1234), ("1\u00a0234", 1234), ("007", 7),
])
def test_indonesian_whole_numbers(text, expected):
    assert parse(Integer(), [text]) == [(expected, None)]


@pytest.mark.parametrize("text,reason", [
    ("12,5", "not a whole number (it has a decimal part)"),
    ("1.234,5", "not a whole number (it has a decimal part)"),
    ("1,234,567", "commas do not group thousands in Indonesian: write 1.234.567 or 1234567"),
    ("1.23", "not a whole number (write 1.234.567 or 1234567)"),
    ("12a", "not a whole number (write 1.234.567 or 1234567)"),
    ("=1+1", "not a whole number (write 1.234.567 or 1234567)"),
    ("-5", "must be 0 or more"),
    ("99999999999999999999", "too large a number"),
])
def test_numbers_that_are_not_counts(text, reason):
    assert parse(Integer(), [text]) == [(None, reason)]


def test_a_number_within_a_range():
    """A TPS number has three digits: the plain and the slow (grouped) paths both check it."""
    tps = Integer(minimum=1, maximum=999)
    assert parse(tps, ["1", "999", "1000", "1.000", "0", "9101014508900001", "007"]) == [
        (1, None), (999, None), (None, "must be 999 or less"), (None, "must be 999 or less"),
        (None, "must be 1 or more"), (None, "must be 999 or less"), (7, None)]
    assert tps.label == "a whole number from 1 to 999"


def test_blank_numbers_are_null_without_a_reason():
    assert parse(Integer(), [None, "   "]) == [(None, None), (None, None)]


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_any_count_written_the_indonesian_way_parses_back(n):
    grouped = f"{n:,}".replace(",", ".")  # Python's own grouping, then Indonesian dots
    assert parse(Integer(), [grouped, str(n), grouped + ",00"]) == [(n, None)] * 3


@pytest.mark.parametrize("text,expected", [
    ("2024-02-14", dt.date(2024, 2, 14)), ("14-02-2024", dt.date(2024, 2, 14)),
    ("14/02/2024", dt.date(2024, 2, 14)), ("4/2/2024", dt.date(2024, 2, 4)),
    ("2024-02-29", dt.date(2024, 2, 29)), ("2024-02-14 00:00:00", dt.date(2024, 2, 14)),
])
def test_dates_in_the_three_formats(text, expected):
    assert parse(Date(), [text]) == [(expected, None)]


@pytest.mark.parametrize("text,reason", [
    ("2023-02-29", "impossible date: that month has no such day"),
    ("31/04/2024", "impossible date: that month has no such day"),
    ("2024-13-01", "impossible date: there is no month 13"),
    ("14.02.2024", "not a date (YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY)"),
    ("2024/02/14", "not a date (YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY)"),
    ("14 Februari 2024", "not a date (YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY)"),
    ("0001-01-01", "implausible year 1"),
])
def test_impossible_and_unreadable_dates(text, reason):
    assert parse(Date(), [text]) == [(None, reason)]


@settings(max_examples=80, deadline=None)
@given(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_real_date_parses_in_every_format(day):
    texts = [day.isoformat(), day.strftime("%d-%m-%Y"), day.strftime("%d/%m/%Y")]
    assert parse(Date(), texts) == [(day, None)] * 3


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    st.text(alphabet="0123456789", min_size=1, max_size=14),
    st.lists(st.text(alphabet="0123456789", min_size=1, max_size=5), min_size=1, max_size=6)
    .map(".".join),
))
def test_region_codes_agree_with_the_scalar_normaliser(text):
    try:
        expected = normalize(text)
    except InvalidRegionCode:
        expected = None
    got = parse(RegionCode(("province", "regency", "district", "village", "polling_station")),
                [text])[0]
    assert got[0] == expected
    assert (got[1] is None) == (expected is not None)


def test_region_code_levels_and_spreadsheet_apostrophe():
    villages = RegionCode(("village",))
    assert parse(villages, ["6409032001", "'6409032001", "64.09.03.2001"]) == [
        ("64.09.03.2001", None)] * 3
    assert parse(villages, ["6409"]) == [(None, "a regency code where a village code is expected")]


def test_vocabularies_accept_keys_and_indonesian_terms_in_any_case():
    assert [v for v, _ in parse(VOTER_STAGE, ["dpt", "DPSHP", "Dp4"])] == ["DPT", "DPSHP", "DP4"]
    assert [v for v, _ in parse(STAGE, ["Masa Tenang", "kampanye", "quiet_period"])] == [
        "quiet_period", "campaign", "quiet_period"]
    assert [v for v, _ in parse(BODY, ["Pengawas TPS", "panwaslu  kecamatan", "pkd"])] == [
        "ptps", "panwascam", "pkd"]
    assert [v for v, _ in parse(CATEGORY, ["Tindak Pidana Pemilu", "kode etik"])] == [
        "criminal", "ethics"]
    assert parse(VOTER_STAGE, ["DPTb"]) == [
        (None, "not a known voter-list stage: expected one of DP4, DPS, DPSHP, DPT")]


def test_yes_no_and_text_length():
    assert [v for v, _ in parse(Boolean(), ["Ya", "tidak", "1", "0", "ada"])] == [
        True, False, True, False, True]
    assert parse(Boolean(), ["mungkin"]) == [(None, "not yes or no (ya/tidak)")]
    assert parse(Text(5), ["  abc ", "abcdef"]) == [("abc", None),
                                                     (None, "longer than 5 characters")]


def test_text_with_a_nul_character_is_refused():
    """No store's text holds U+0000 (PostgreSQL refuses it; found by loading a file with a NUL
    byte past the reader's first 64 KiB into PostgreSQL)."""
    assert parse(Text(20), ["KAB.\x00DUA", "KAB. DUA"]) == [
        (None, "contains a NUL character (byte 0), which text cannot hold"), ("KAB. DUA", None)]


def test_every_whole_number_stored_in_a_32_bit_column_has_a_maximum_that_fits():
    """A bigger number must be the cell's problem: the store refused it with a conversion error
    that failed the whole load with a traceback (DuckDB and PostgreSQL alike)."""
    from data_access.ingest import KINDS

    unbounded = [(kind.name, field.name) for kind in KINDS.values() if kind.table is not None
                 for field in kind.fields if isinstance(field.type, Integer)
                 and field.name in kind.table.c
                 and type(kind.table.c[field.name].type) is sa.Integer
                 and (field.type.maximum is None or field.type.maximum > 2**31 - 1)]
    assert unbounded == []
