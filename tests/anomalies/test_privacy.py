"""No personal data in the flags (UU 27/2022): no NIK, name, family card or address anywhere."""

from __future__ import annotations

import hashlib
import hmac
import json

import polars as pl

from tests.anomalies.conftest import HMAC_KEY, Slice


def output_texts(flags: pl.DataFrame) -> pl.Series:
    """Every distinct string value of every output column."""
    cols = [c for c, t in flags.schema.items() if t == pl.Utf8]
    return pl.concat([flags[c].drop_nulls() for c in cols]).unique()


def test_no_personal_value_in_any_output_column(kaltim_slice: Slice) -> None:
    records, flags = kaltim_slice.extract.records, kaltim_slice.flags
    texts = output_texts(flags)
    assert texts.len() > 1000
    for column in ("nik", "name", "family_card", "address"):
        values = records[column].unique()
        patterns = values.filter(values.str.strip_chars().str.len_chars() >= 3).to_list()
        leaked = texts.filter(texts.str.contains_any(patterns))
        assert leaked.len() == 0, (column, leaked.head(3).to_list())
        # the check itself works: a value planted in a sentence is caught
        probe = pl.Series([f"contoh {patterns[0]} bocor"])
        assert probe.str.contains_any(patterns).all()


def test_no_sixteen_digit_number_outside_the_keyed_hash(kaltim_slice: Slice) -> None:
    flags = kaltim_slice.flags.drop("record_key")
    assert not output_texts(flags).str.contains(r"\d{16}").any()


def test_record_key_is_a_keyed_hash(kaltim_slice: Slice) -> None:
    records, flags = kaltim_slice.extract.records, kaltim_slice.flags
    sample = flags.filter(pl.col("subject_level") == "record").head(200).join(
        records.select("record_id", "nik"), on="record_id")
    for nik, key in sample.select("nik", "record_key").iter_rows():
        assert key == hmac.new(HMAC_KEY.encode(), nik.strip().encode(), hashlib.sha256).hexdigest()
        assert key != hashlib.sha256(nik.encode()).hexdigest()


def test_evidence_holds_numbers_only(kaltim_slice: Slice) -> None:
    for text in kaltim_slice.flags["evidence"].unique():
        values = json.loads(text).values()
        assert all(v is None or isinstance(v, int | float) for v in values), text
