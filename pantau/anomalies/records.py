"""Record-level checks of a voter-list extract (DPS/DPT rows), per PKPU 7/2022 and UU 7/2017.

Design, each for a reason:

* Two passes over the extract. Pass 1 (streaming) turns every row into a few compact numbers:
  the NIK as an integer, its decoded parts, the age, and 64-bit hashes of the normalised name,
  address and family card. Names, addresses and NIK strings are never held for the whole list,
  which keeps 20 million rows within a few GB. Pass 2 fetches ``record_id``, ``nik`` and
  ``village_code`` only for the flagged rows.
* Personal data (UU 27/2022): no output column carries a NIK, a name, a family-card number or an
  address. A record flag carries the source's own row id and ``record_key`` =
  HMAC-SHA256(key, NIK), so an authorised user can match it against the source but a reader of
  the store cannot recover the NIK. Evidence is a JSON object of numbers only.
* One small function per rule (``rule_*``); each returns "hits" with the rule's evidence numbers,
  and :mod:`pantau.anomalies.explain` turns those numbers into the sentences.

Grain of the flags (``subject_level``): most rules flag one record (``record``). Three rules are
about a group, and flag the group once so a supervisor sees one case, not 300:

* ``tps_overfull``: ``polling_station``; ``record_id`` is null, evidence holds the TPS number;
* ``crowded_family_card``: ``family_card``; ``record_id`` is the group's first row;
* ``crowded_address``: ``address``; ``record_id`` is the group's first row.

For all of them ``region_code`` is the village (desa/kelurahan) of the record or group.
The first occurrence of a duplicate (by row order) is kept; later copies are flagged and name the
first one's ``record_id`` in the explanation; all copies share one ``record_key``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import date

import numpy as np
import polars as pl

from data_access.domain import MAX_VOTERS_PER_TPS
from pantau.anomalies.common import dotted, empty_flags, evidence_json, finish, render_explanations
from pantau.formatting import format_date

MIN_VOTER_AGE = 17  # UU 7/2017 Pasal 198 ayat (1): 17 on voting day, or married / once married
MAX_PLAUSIBLE_AGE = 110  # older than this: very likely deceased but still listed (TMS meninggal)
FAMILY_CARD_LIMIT = 15  # voters on one KK above this are implausible for one household
ADDRESS_LIMIT = 30  # above this an address is a dormitory or an error; either way worth a look

# NIK date-part check result codes (stored as UInt8 in the features).
DATE_OK, DATE_MONTH, DATE_DAY_RANGE, DATE_FEB29, DATE_DAY_IN_MONTH = 0, 1, 2, 3, 4
_DATE_VARIANT = {DATE_MONTH: "month", DATE_DAY_RANGE: "day_range", DATE_FEB29: "feb29",
                 DATE_DAY_IN_MONTH: "day_in_month"}

RULE_IDS = (
    "duplicate_nik", "likely_duplicate", "nik_malformed", "nik_unknown_district",
    "nik_invalid_date", "birth_date_mismatch", "nik_sex_mismatch", "underage", "implausibly_old",
    "tps_overfull", "crowded_family_card", "crowded_address",
)

# --------------------------------------------------------------------------------------------
# NIK decoding: 6-digit kecamatan + DDMMYY (women: DD + 40) + 4-digit serial (Dukcapil structure).
# The helpers take expressions, so the streaming pass can feed them staged columns and the rules
# whole expressions: one definition of a valid NIK date.
# --------------------------------------------------------------------------------------------

def _nik_day(dd: pl.Expr) -> pl.Expr:
    """Day of month from the NIK's DD: women's is stored plus 40."""
    return pl.when(dd > 40).then(dd - 40).otherwise(dd)


def _nik_year(yy: pl.Expr, birth_year: pl.Expr, election_day: date) -> pl.Expr:
    """Full year of the NIK's YY.

    The NIK stores only two digits. The century is the recorded birth date's when its last two
    digits agree, else 20YY up to the election year and 19YY after it. It only matters for
    29 February of year 00: 2000 was a leap year, 1900 was not.
    """
    return (
        pl.when(birth_year % 100 == yy).then(birth_year.cast(pl.Int32))
        .otherwise(pl.when(yy <= election_day.year % 100).then(2000).otherwise(1900)
                   + yy.cast(pl.Int32))
    )


def _is_leap(year: pl.Expr) -> pl.Expr:
    return ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)


def _days_in_month(mm: pl.Expr, year: pl.Expr) -> pl.Expr:
    return (
        pl.when(mm == 2).then(28 + _is_leap(year).cast(pl.Int16))
        .when(mm.is_in([4, 6, 9, 11])).then(30)
        .otherwise(31)
        .cast(pl.Int16)
    )


def _date_reason(present: pl.Expr, dd: pl.Expr, mm: pl.Expr, day: pl.Expr,
                 year: pl.Expr) -> pl.Expr:
    """DATE_OK, or why the NIK's DDMMYY is no date: month outside 1-12, DD outside 1-31 (men)
    and 41-71 (women), 29 February outside a leap year, a day beyond the month's length."""
    return (
        pl.when(~present).then(None)
        .when((mm < 1) | (mm > 12)).then(DATE_MONTH)
        .when((dd < 1) | ((dd > 31) & (dd < 41)) | (dd > 71)).then(DATE_DAY_RANGE)
        .when((mm == 2) & (day == 29) & ~_is_leap(year)).then(DATE_FEB29)
        .when(day > _days_in_month(mm, year)).then(DATE_DAY_IN_MONTH)
        .otherwise(DATE_OK)
        .cast(pl.UInt8)
    )


def nik_parts(election_day: date) -> dict[str, pl.Expr]:
    """Expressions decoding ``nik_int`` (with the recorded ``birth_date``) into date parts."""
    nik = pl.col("nik_int")
    dd = ((nik // 10**8) % 100).cast(pl.Int16)
    mm = ((nik // 10**6) % 100).cast(pl.Int16)
    yy = ((nik // 10**4) % 100).cast(pl.Int16)
    day = _nik_day(dd)
    year = _nik_year(yy, pl.col("birth_date").dt.year(), election_day)
    reason = _date_reason(nik.is_not_null(), dd, mm, day, year)
    ok = reason == DATE_OK
    nik_date = pl.date(
        pl.when(ok).then(year).otherwise(2000),
        pl.when(ok).then(mm).otherwise(1),
        pl.when(ok).then(day).otherwise(1),
    )
    return {
        "kec": (nik // 10**10).cast(pl.Int32),
        "dd": dd, "mm": mm, "yy": yy, "day": day, "year": year, "leap": _is_leap(year),
        "days_in_month": _days_in_month(mm, year), "reason": reason,
        "nik_female": pl.when(nik.is_not_null()).then(dd > 40),
        "nik_date": pl.when(ok).then(nik_date),
        "age_nik": pl.when(ok).then(_age(year, mm, day, election_day)),
    }


def _age(year: pl.Expr, month: pl.Expr, day: pl.Expr, on: date) -> pl.Expr:
    """Completed years on ``on``: a birthday falling on the day itself counts (genap 17 tahun)."""
    before_birthday = (month > on.month) | ((month == on.month) & (day > on.day))
    return (on.year - year - before_birthday.cast(pl.Int32)).cast(pl.Int16)


# Characters ignored when comparing names and addresses: whitespace and punctuation.
SEPARATORS = (" ", "\t", ".", ",", "-", "'", "`", "\u2019", '"', "/", "\\", "(", ")", ":", ";", "_")


def _normalised(expr: pl.Expr) -> pl.Expr:
    """Lower case without whitespace and punctuation; empty becomes null.

    "Siti  NUR-Aini" and "siti nuraini" both become "sitinuraini". A fixed separator list (one
    Aho-Corasick pass) is markedly cheaper than a regex over tens of millions of rows.
    """
    text = expr.cast(pl.Utf8).str.to_lowercase().str.replace_many(
        list(SEPARATORS), [""] * len(SEPARATORS))
    return pl.when(text.str.len_bytes() > 0).then(text)


def _features(records: pl.LazyFrame, election_day: date) -> pl.LazyFrame:
    """Pass 1: one compact row of numbers per record; strings are hashed, never kept.

    Group keys are 64-bit hashes of the full grouping tuple, computed while streaming, so the
    rules find repeated keys by sorting plain integers. Date checks are staged (parts first,
    then tests) because the streaming engine does not share repeated sub-expressions.
    """
    schema = records.collect_schema()
    birth = pl.col("birth_date")
    if schema.get("birth_date") == pl.Utf8:
        birth = birth.str.strip_chars().str.to_date(strict=False)
    nik = pl.col("nik").cast(pl.Utf8).str.strip_chars()
    nik_int = nik.cast(pl.Int64, strict=False)
    sex = pl.col("sex").cast(pl.Utf8).str.to_uppercase()
    village = (pl.col("village_code").cast(pl.Utf8).str.replace_all(".", "", literal=True)
               .cast(pl.Int64, strict=False))
    tps = pl.col("tps").cast(pl.Int32, strict=False)
    name = _normalised(pl.col("name"))
    address = _normalised(pl.col("address"))
    family_card = pl.col("family_card").cast(pl.Utf8).str.strip_chars()
    e_year, e_month, e_day = election_day.year, election_day.month, election_day.day

    # Strings are normalised once into temporary columns, hashed, then dropped.
    stage0 = records.with_row_index("row_nr").select(
        "row_nr",
        nik_int=pl.when((nik.str.len_bytes() == 16) & (nik_int >= 10**15)).then(nik_int),
        birth_date=birth.cast(pl.Date),
        female=pl.when(sex == "P").then(True).when(sex == "L").then(False),
        never_married=pl.col("marital_status").cast(pl.Utf8).str.to_uppercase() == "B",
        village=village,
        _tps=tps,
        _name=name,
        _addr=address,
        kk_key=pl.when(family_card.str.len_bytes() > 0).then(family_card.hash()),
    )
    v, t, nm, ad, b = (pl.col(c) for c in ("village", "_tps", "_name", "_addr", "birth_date"))
    person = nm.is_not_null() & b.is_not_null() & v.is_not_null()
    stage1 = stage0.with_columns(
        tps_key=pl.when(v.is_not_null() & t.is_not_null()).then(v * 1000 + t),
        addr_key=pl.when(ad.is_not_null() & v.is_not_null()).then(pl.struct(v, ad).hash()),
        dup_addr_key=pl.when(person & ad.is_not_null()).then(pl.struct(nm, b, v, ad).hash()),
        dup_tps_key=pl.when(person & t.is_not_null()).then(pl.struct(nm, b, v, t).hash()),
    ).drop("_tps", "_name", "_addr")
    n = pl.col("nik_int")
    stage2 = stage1.with_columns(
        _dd=((n // 10**8) % 100).cast(pl.Int16),
        _mm=((n // 10**6) % 100).cast(pl.Int16),
        _yy=((n // 10**4) % 100).cast(pl.Int16),
        _by=pl.col("birth_date").dt.year().cast(pl.Int16),
        _bm=pl.col("birth_date").dt.month().cast(pl.Int16),
        _bd=pl.col("birth_date").dt.day().cast(pl.Int16),
        kec=(n // 10**10).cast(pl.Int32),
    )
    dd, mm, yy, by, bm, bd = (pl.col(c) for c in ("_dd", "_mm", "_yy", "_by", "_bm", "_bd"))
    stage3 = stage2.with_columns(_day=_nik_day(dd), _year=_nik_year(yy, by, election_day))
    day, year = pl.col("_day"), pl.col("_year")
    reason = _date_reason(n.is_not_null(), dd, mm, day, year)
    before_birthday = (bm > e_month) | ((bm == e_month) & (bd > e_day))
    return stage3.with_columns(
        date_reason=reason,
        date_match=pl.when(reason == DATE_OK)
        .then((day == bd) & (mm == bm) & (yy == by % 100)),
        nik_female=dd > 40,
        age=(e_year - by - before_birthday.cast(pl.Int16)).cast(pl.Int16),
    ).drop("_dd", "_mm", "_yy", "_by", "_bm", "_bd", "_day", "_year")


def _frequent(values: pl.Series, more_than: int = 1) -> pl.Series:
    """Values that occur more than ``more_than`` times (nulls ignored).

    Sorting plain integers and measuring runs is several times faster than a hash group-by on
    tens of millions of rows, and the result is small enough for a fast ``is_in``.
    """
    arr = values.drop_nulls().sort().to_numpy()
    if arr.size == 0:
        return values.clear()
    starts = np.r_[0, np.flatnonzero(arr[1:] != arr[:-1]) + 1]
    lengths = np.diff(np.r_[starts, arr.size])
    return pl.Series(values.name, arr[starts[lengths > more_than]], dtype=values.dtype)


def _rows_with_frequent(f: pl.DataFrame, key: str, more_than: int = 1) -> pl.DataFrame:
    return f.filter(pl.col(key).is_in(_frequent(f[key], more_than).implode()))


def _hits(frame: pl.DataFrame, rule_id: str, severity: pl.Expr | str, subject_level: str,
          evidence: dict[str, pl.Expr], params: dict[str, pl.Expr] | None = None,
          template: pl.Expr | str | None = None, ref_row: pl.Expr | None = None) -> pl.DataFrame:
    """Shape a rule's matches into hits: the common columns plus the template's numbers."""
    params = params or {}
    lit = lambda v: pl.lit(v) if isinstance(v, str) else v  # noqa: E731
    cols = [
        pl.col("row_nr"),
        (ref_row if ref_row is not None else pl.lit(None, pl.UInt32)).cast(pl.UInt32)
        .alias("ref_row"),
        pl.lit(rule_id).alias("rule_id"),
        lit(template if template is not None else rule_id).alias("template"),
        lit(severity).alias("severity"),
        pl.lit(subject_level).alias("subject_level"),
        evidence_json(evidence).alias("evidence"),
    ]
    cols += [expr.alias(name) for name, expr in {**evidence, **params}.items()]
    return frame.select(cols)


# --------------------------------------------------------------------------------------------
# Rules. Each takes the features frame and returns hits (an empty frame when nothing matches).
# --------------------------------------------------------------------------------------------

def rule_duplicate_nik(f: pl.DataFrame) -> pl.DataFrame:
    """The same NIK twice (TMS ganda, PKPU 7/2022): flag every copy after the first row."""
    dup = _rows_with_frequent(f.select("row_nr", "nik_int"), "nik_int").with_columns(
        count=pl.len().over("nik_int"),
        occurrence=pl.col("row_nr").rank("ordinal").over("nik_int"),
        ref_row=pl.col("row_nr").min().over("nik_int"),
    ).filter(pl.col("occurrence") > 1)
    return _hits(dup, "duplicate_nik", "high", "record",
                 {"count": pl.col("count"), "occurrence": pl.col("occurrence")},
                 ref_row=pl.col("ref_row"))


def _same_person(f: pl.DataFrame, key: str) -> pl.DataFrame:
    """Rows sharing ``key`` with an earlier row whose NIK differs."""
    cand = _rows_with_frequent(f.select("row_nr", "nik_int", key), key)
    return cand.with_columns(
        ref_row=pl.col("row_nr").min().over(key),
        first_nik=pl.col("nik_int").sort_by("row_nr").first().over(key),
        records=pl.len().over(key),
        distinct_nik=pl.col("nik_int").n_unique().over(key),
    ).filter(pl.col("nik_int").is_not_null() & pl.col("first_nik").is_not_null()
             & (pl.col("nik_int") != pl.col("first_nik"))).select(
        "row_nr", "ref_row", "records", "distinct_nik")


def rule_likely_duplicate(f: pl.DataFrame) -> pl.DataFrame:
    """Same normalised name and birth date at the same address or TPS under another NIK.

    Catches a voter entered twice with a retyped NIK, which an exact NIK check misses; names are
    compared ignoring case, spacing and punctuation. The key is (name, birth date, desa, address)
    or (name, birth date, desa, TPS).
    """
    by_address = _same_person(f, "dup_addr_key")
    by_tps = _same_person(f, "dup_tps_key")
    both = by_address.join(by_tps, on="row_nr", how="full", coalesce=True, suffix="_tps")
    both = both.with_columns(
        match=pl.when(pl.col("ref_row").is_not_null() & pl.col("ref_row_tps").is_not_null())
        .then(pl.lit("address_tps"))
        .when(pl.col("ref_row").is_not_null()).then(pl.lit("address"))
        .otherwise(pl.lit("tps")),
        same_address=pl.col("ref_row").is_not_null().cast(pl.Int8),
        same_tps=pl.col("ref_row_tps").is_not_null().cast(pl.Int8),
        ref_row=pl.coalesce("ref_row", "ref_row_tps"),
        records=pl.coalesce("records", "records_tps"),
        distinct_nik=pl.coalesce("distinct_nik", "distinct_nik_tps"),
    )
    return _hits(both, "likely_duplicate", "medium", "record",
                 {"records": pl.col("records"), "distinct_nik": pl.col("distinct_nik"),
                  "same_address": pl.col("same_address"), "same_tps": pl.col("same_tps")},
                 params={"match": pl.col("match")}, ref_row=pl.col("ref_row"))


def rule_nik_malformed(f: pl.DataFrame, records: pl.LazyFrame) -> pl.DataFrame:
    """A NIK that is not 16 digits cannot identify anyone (UU 24/2013 Adminduk).

    Rare, so the evidence (length, non-digit characters) is read back from the source for the
    flagged rows only.
    """
    bad = f.filter(pl.col("nik_int").is_null()).select("row_nr")
    if bad.height == 0:
        return bad
    nik = pl.col("nik").cast(pl.Utf8).fill_null("")
    bad = (records.with_row_index("row_nr").join(bad.lazy(), on="row_nr", how="semi")
           .select("row_nr", length=nik.str.len_chars(),
                   non_digits=nik.str.len_chars() - nik.str.count_matches("[0-9]"))
           .collect(engine="streaming"))
    return _hits(bad, "nik_malformed", "high", "record",
                 {"length": pl.col("length"), "non_digits": pl.col("non_digits")})


def rule_nik_unknown_district(f: pl.DataFrame, valid_districts: pl.Series) -> pl.DataFrame:
    """The NIK's first six digits must be a kecamatan code of the region list.

    Medium only: NIKs issued before a kecamatan split keep the old code, which can be legitimate.
    """
    known = valid_districts.len()
    bad = f.filter(pl.col("kec").is_not_null() & ~pl.col("kec").is_in(valid_districts.implode()))
    return _hits(bad, "nik_unknown_district", "medium", "record",
                 {"known_districts": pl.lit(known)})


def rule_nik_invalid_date(f: pl.DataFrame, election_day: date) -> pl.DataFrame:
    """The NIK's DDMMYY must be a real date: month 1–12, day 1–31 (women 41–71), 29 Feb only in
    leap years, no day beyond the month's length."""
    bad = f.filter(pl.col("date_reason").is_not_null() & (pl.col("date_reason") != DATE_OK))
    if bad.height == 0:
        return bad.select("row_nr")
    parts = nik_parts(election_day)
    bad = bad.with_columns(
        nik_day=parts["dd"], nik_month=parts["mm"], day=parts["day"],
        days_in_month=pl.when(parts["mm"].is_between(1, 12)).then(parts["days_in_month"]),
        leap_year=parts["leap"].cast(pl.Int8),
        template=pl.lit("nik_invalid_date.") + pl.col("date_reason").replace_strict(
            _DATE_VARIANT, return_dtype=pl.Utf8),
    )
    return _hits(bad, "nik_invalid_date", "high", "record",
                 {"nik_day": pl.col("nik_day"), "nik_month": pl.col("nik_month"),
                  "days_in_month": pl.col("days_in_month"), "leap_year": pl.col("leap_year")},
                 params={"day": pl.col("day")}, template=pl.col("template"))


def rule_birth_date_mismatch(f: pl.DataFrame, election_day: date) -> pl.DataFrame:
    """Recorded birth date ≠ the date in a valid NIK (women's day − 40). Dates are not shown:
    the evidence is the gap in days and the two ages."""
    bad = f.filter(pl.col("date_match").not_())
    if bad.height == 0:
        return bad.select("row_nr")
    parts = nik_parts(election_day)
    bad = bad.with_columns(
        days_apart=(pl.col("birth_date") - parts["nik_date"]).dt.total_days().abs(),
        age_nik=parts["age_nik"],
    )
    return _hits(bad, "birth_date_mismatch", "medium", "record",
                 {"days_apart": pl.col("days_apart"), "age_recorded": pl.col("age"),
                  "age_nik": pl.col("age_nik")})


def rule_nik_sex_mismatch(f: pl.DataFrame) -> pl.DataFrame:
    """Women's NIK day is stored plus 40; the code must agree with the recorded sex."""
    bad = f.filter((pl.col("date_reason") == DATE_OK) & pl.col("female").is_not_null()
                   & (pl.col("female") != pl.col("nik_female")))
    code = lambda c: pl.when(pl.col(c)).then(pl.lit("P")).otherwise(pl.lit("L"))  # noqa: E731
    return _hits(bad, "nik_sex_mismatch", "low", "record",
                 {"recorded_female": pl.col("female").cast(pl.Int8),
                  "nik_female": pl.col("nik_female").cast(pl.Int8)},
                 params={"sex": code("female"), "nik_sex": code("nik_female")})


def rule_underage(f: pl.DataFrame) -> pl.DataFrame:
    """Under 17 on voting day and never married (status B). A married or once-married voter under
    17 is eligible (UU 7/2017 Pasal 198 ayat 1) and is not flagged."""
    bad = f.filter((pl.col("age") < MIN_VOTER_AGE) & pl.col("never_married"))
    return _hits(bad, "underage", "high", "record",
                 {"age": pl.col("age"), "min_age": pl.lit(MIN_VOTER_AGE), "married": pl.lit(0)})


def rule_implausibly_old(f: pl.DataFrame) -> pl.DataFrame:
    """Older than 110 on voting day: almost surely a deceased voter still on the list."""
    bad = f.filter(pl.col("age") > MAX_PLAUSIBLE_AGE)
    return _hits(bad, "implausibly_old", "high", "record",
                 {"age": pl.col("age"), "max_age": pl.lit(MAX_PLAUSIBLE_AGE)})


def rule_tps_overfull(f: pl.DataFrame) -> pl.DataFrame:
    """More than 300 voters listed for one TPS, the 2024 maximum. One flag per TPS."""
    groups = (
        _rows_with_frequent(f.select("row_nr", "tps_key"), "tps_key", MAX_VOTERS_PER_TPS)
        .group_by("tps_key").agg(records=pl.len(), row_nr=pl.col("row_nr").min())
        .with_columns(tps=(pl.col("tps_key") % 1000).cast(pl.Int32))
    )
    return _hits(groups, "tps_overfull", "high", "polling_station",
                 {"tps_number": pl.col("tps"), "records": pl.col("records"),
                  "limit": pl.lit(MAX_VOTERS_PER_TPS)},
                 params={"tps": pl.col("tps").cast(pl.Utf8).str.zfill(3)})


def rule_crowded_family_card(f: pl.DataFrame) -> pl.DataFrame:
    """More than 15 voters on one family card (KK). One flag per KK; the KK number itself never
    leaves this function, only the count."""
    groups = (
        _rows_with_frequent(f.select("row_nr", "kk_key", "village"), "kk_key", FAMILY_CARD_LIMIT)
        .group_by("kk_key")
        .agg(records=pl.len(), row_nr=pl.col("row_nr").min(),
             villages=pl.col("village").n_unique())
    )
    return _hits(groups, "crowded_family_card", "medium", "family_card",
                 {"records": pl.col("records"), "limit": pl.lit(FAMILY_CARD_LIMIT),
                  "villages": pl.col("villages")},
                 ref_row=pl.col("row_nr"))


def rule_crowded_address(f: pl.DataFrame) -> pl.DataFrame:
    """More than 30 voters at one address of a desa. Low at first: dormitories and pesantren
    are legitimate; medium above twice the limit."""
    groups = (
        _rows_with_frequent(f.select("row_nr", "addr_key", "kk_key"), "addr_key", ADDRESS_LIMIT)
        .group_by("addr_key")
        .agg(records=pl.len(), row_nr=pl.col("row_nr").min(),
             family_cards=pl.col("kk_key").n_unique())
    )
    severity = pl.when(pl.col("records") > 2 * ADDRESS_LIMIT).then(pl.lit("medium")) \
        .otherwise(pl.lit("low"))
    return _hits(groups, "crowded_address", severity, "address",
                 {"records": pl.col("records"), "family_cards": pl.col("family_cards"),
                  "limit": pl.lit(ADDRESS_LIMIT)},
                 ref_row=pl.col("row_nr"))


# --------------------------------------------------------------------------------------------

def _district_ints(codes: set[str] | pl.Series) -> pl.Series:
    """Kecamatan codes (dotted or undotted) as the 6-digit integers a NIK starts with."""
    series = codes if isinstance(codes, pl.Series) else pl.Series(sorted(codes), dtype=pl.Utf8)
    digits = series.cast(pl.Utf8).str.replace_all(".", "", literal=True).str.strip_chars()
    return digits.filter(digits.str.len_chars() == 6).cast(pl.Int32).unique().sort()


def _record_key(key: bytes) -> Callable[[str | None], str | None]:
    def digest(nik: str | None) -> str | None:
        if nik is None:
            return None
        return hmac.new(key, nik.strip().encode(), hashlib.sha256).hexdigest()
    return digest


def detect_record_anomalies(
    records: pl.LazyFrame,
    valid_district_codes: set[str] | pl.Series,
    election_day: date,
    hmac_key: str,
    run_id: str,
) -> pl.DataFrame:
    """All record-level flags of a voter-list extract, in the ``anomaly_flag`` schema.

    ``records`` has the voter-records ingest columns (record_id, nik, name, birth_date, sex,
    marital_status, address, family_card, village_code, tps); a DataFrame is accepted too.
    ``valid_district_codes`` is the national kecamatan list (NIKs travel with people who move).
    """
    if isinstance(records, pl.DataFrame):
        records = records.lazy()
    valid = _district_ints(valid_district_codes)
    f = _features(records, election_day).collect(engine="streaming")

    parts = [
        rule_duplicate_nik(f),
        rule_likely_duplicate(f),
        rule_nik_malformed(f, records),
        rule_nik_unknown_district(f, valid),
        rule_nik_invalid_date(f, election_day),
        rule_birth_date_mismatch(f, election_day),
        rule_nik_sex_mismatch(f),
        rule_underage(f),
        rule_implausibly_old(f),
        rule_tps_overfull(f),
        rule_crowded_family_card(f),
        rule_crowded_address(f),
    ]
    del f
    parts = [p for p in parts if p.height]
    if not parts:
        return empty_flags()
    hits = pl.concat(parts, how="diagonal_relaxed")

    # Pass 2: identifiers of the flagged rows only (and of the rows they refer to).
    needed = pl.concat([hits["row_nr"], hits["ref_row"].drop_nulls()]).unique().to_frame("row_nr")
    lookup = (
        records.with_row_index("row_nr")
        .join(needed.lazy(), on="row_nr", how="semi")
        .select("row_nr", pl.col("record_id").cast(pl.Utf8), pl.col("nik").cast(pl.Utf8),
                village_code=dotted(pl.col("village_code")))
        .collect(engine="streaming")
    )
    hits = hits.join(lookup, on="row_nr", how="left").join(
        lookup.select(ref_row="row_nr", ref_record_id="record_id"), on="ref_row", how="left")

    is_record = pl.col("subject_level") == "record"
    niks = hits.select(pl.when(is_record).then(pl.col("nik"))).to_series().to_list()
    digest = _record_key(hmac_key.encode())
    hits = hits.drop("nik").with_columns(
        record_key=pl.Series([digest(n) for n in niks], dtype=pl.Utf8),
        record_id=pl.when(pl.col("subject_level") == "polling_station").then(None)
        .otherwise(pl.col("record_id")),
        region_code=pl.col("village_code"),
        ancestry_code=pl.col("village_code"),
        stage=pl.lit(None, pl.Utf8),
        id_extra=pl.col("tps").cast(pl.Utf8) if "tps" in hits.columns else pl.lit(None, pl.Utf8),
    )
    literals = {lang: {"election_day": pl.lit(format_date(election_day, lang))}
                for lang in ("id", "en")}
    hits = render_explanations(hits, literals)
    return finish(hits, run_id)
