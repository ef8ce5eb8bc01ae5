"""Every explanation text of an anomaly flag, in Indonesian and English, in one place.

Supervisors act on a flag only if they understand it without reading code, so every flag carries
a plain-language sentence with its evidence numbers filled in ("NIK ini muncul 2 kali …"). The
texts are templates rendered as polars expressions, so a million flags cost no Python loop.

Template placeholders are ``{name}`` (the column as text), ``{name:int}`` (an integer with the
language's grouping mark: ``1.234`` / ``1,234``), ``{name:pct}`` (a share as a percentage with
one decimal: ``7,9%`` / ``7.9%``) and ``{name:word}`` (a code looked up in :data:`WORDS`, e.g.
``up`` → ``naik`` / ``rose``). Numbers follow DOMAIN.md's conventions (as pantau.formatting).

No template names a NIK, a name, a family-card number or an address (UU 27/2022); the only
identifier a text may carry is the source's own non-personal row id (``record_id``).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

LANGUAGES = ("id", "en")
_GROUPING = {"id": ".", "en": ","}
_DECIMAL = {"id": ",", "en": "."}


@dataclass(frozen=True)
class Template:
    """One explanation in both languages."""

    id: str
    en: str

    def text(self, lang: str) -> str:
        return self.id if lang == "id" else self.en


# Code words used by ``{…:word}`` placeholders.
WORDS: dict[str, dict[str, str]] = {
    "id": {
        "up": "naik", "down": "turun", "above": "di atas", "below": "di bawah",
        "L": "laki-laki", "P": "perempuan",
        "address": "alamat", "tps": "TPS", "address_tps": "alamat serta TPS",
        "district_parent": "kecamatan di kabupaten/kota yang sama",
        "district_grandparent": "kecamatan di provinsi yang sama",
        "regency_parent": "kabupaten/kota di provinsi yang sama",
        "regency_grandparent": "kabupaten/kota di seluruh Indonesia",
    },
    "en": {
        "up": "rose", "down": "fell", "above": "above", "below": "below",
        "L": "male", "P": "female",
        "address": "address", "tps": "polling station (TPS)",
        "address_tps": "address and polling station (TPS)",
        "district_parent": "kecamatan in the same kabupaten/kota",
        "district_grandparent": "kecamatan in the same province",
        "regency_parent": "kabupaten/kota in the same province",
        "regency_grandparent": "kabupaten/kota nationwide",
    },
}

# Keys are rule ids, or ``rule_id.variant`` where one rule has several reasons.
TEMPLATES: dict[str, Template] = {
    # --- record level (pantau.anomalies.records) ---
    "duplicate_nik": Template(
        id="NIK ini muncul {count:int} kali dalam daftar pemilih; kemunculan pertama ada pada "
           "baris {ref_record_id}. Ini salinan ke-{occurrence:int}: pemilih ganda harus dicoret "
           "(TMS ganda).",
        en="This NIK appears {count:int} times in the voter list; its first occurrence is row "
           "{ref_record_id}. This is copy number {occurrence:int}: a duplicate voter must be "
           "removed (ineligible: duplicate).",
    ),
    "likely_duplicate": Template(
        id="Nama (tanpa membedakan huruf besar/kecil, spasi dan tanda baca), tanggal lahir dan "
           "{match:word} sama dengan pemilih pada baris {ref_record_id}, tetapi NIK-nya berbeda "
           "({distinct_nik:int} NIK untuk {records:int} data): kemungkinan pemilih ganda.",
        en="Name (ignoring case, spacing and punctuation), birth date and {match:word} match the "
           "voter in row {ref_record_id}, but the NIK differs ({distinct_nik:int} NIKs for "
           "{records:int} records): a likely duplicate voter.",
    ),
    "nik_malformed": Template(
        id="NIK tidak terdiri dari tepat 16 angka: panjangnya {length:int} karakter, "
           "{non_digits:int} di antaranya bukan angka.",
        en="The NIK is not exactly 16 digits: it is {length:int} characters long, "
           "{non_digits:int} of them not digits.",
    ),
    "nik_unknown_district": Template(
        id="Enam angka pertama NIK tidak cocok dengan satu pun dari {known_districts:int} kode "
           "kecamatan dalam daftar wilayah. Bisa jadi salah ketik, atau kode lama sebelum "
           "pemekaran wilayah.",
        en="The first six digits of the NIK match none of the {known_districts:int} kecamatan "
           "codes in the region list. It may be a typo, or an old code from before a boundary "
           "change.",
    ),
    "nik_invalid_date.month": Template(
        id="Bulan lahir yang terkandung dalam NIK adalah {nik_month:int}, padahal bulan hanya "
           "1 sampai 12.",
        en="The birth month encoded in the NIK is {nik_month:int}, but months run from 1 to 12.",
    ),
    "nik_invalid_date.day_range": Template(
        id="Tanggal lahir yang terkandung dalam NIK tertulis {nik_day:int}; yang sah adalah 1–31 "
           "untuk laki-laki atau 41–71 untuk perempuan (tanggal + 40).",
        en="The birth day encoded in the NIK reads {nik_day:int}; valid values are 1–31 for men "
           "or 41–71 for women (day + 40).",
    ),
    "nik_invalid_date.feb29": Template(
        id="NIK mencantumkan tanggal lahir 29 Februari pada tahun yang bukan tahun kabisat.",
        en="The NIK encodes a birth date of 29 February in a year that is not a leap year.",
    ),
    "nik_invalid_date.day_in_month": Template(
        id="NIK mencantumkan tanggal {day:int} pada bulan {nik_month:int}, padahal bulan itu "
           "hanya punya {days_in_month:int} hari.",
        en="The NIK encodes day {day:int} of month {nik_month:int}, which has only "
           "{days_in_month:int} days.",
    ),
    "birth_date_mismatch": Template(
        id="Tanggal lahir yang tercatat berbeda {days_apart:int} hari dari tanggal lahir dalam "
           "NIK (umur {age_recorded:int} menurut data, {age_nik:int} menurut NIK).",
        en="The recorded birth date is {days_apart:int} days away from the birth date in the NIK "
           "(age {age_recorded:int} by the record, {age_nik:int} by the NIK).",
    ),
    "nik_sex_mismatch": Template(
        id="Jenis kelamin tercatat {sex:word}, tetapi kode tanggal pada NIK menunjukkan "
           "{nik_sex:word} (untuk perempuan tanggal lahir ditambah 40).",
        en="The recorded sex is {sex:word}, but the day code in the NIK indicates {nik_sex:word} "
           "(women's birth day is stored plus 40).",
    ),
    "underage": Template(
        id="Pada hari pemungutan suara ({election_day}) umurnya baru {age:int} tahun dan "
           "statusnya belum kawin; pemilih harus sudah berumur {min_age:int} tahun atau sudah/"
           "pernah kawin (UU 7/2017 Pasal 198).",
        en="On voting day ({election_day}) this voter is only {age:int} and never married; a "
           "voter must be {min_age:int} or older, or married or previously married (Law 7/2017 "
           "Art. 198).",
    ),
    "implausibly_old": Template(
        id="Pada hari pemungutan suara ({election_day}) umurnya {age:int} tahun, di atas batas "
           "wajar {max_age:int} tahun: periksa apakah pemilih sudah meninggal (TMS meninggal).",
        en="On voting day ({election_day}) this voter would be {age:int}, above the plausible "
           "limit of {max_age:int}: check whether the voter has died (ineligible: deceased).",
    ),
    "tps_overfull": Template(
        id="TPS {tps} di desa/kelurahan ini memuat {records:int} pemilih dalam data, melebihi "
           "batas {limit:int} pemilih per TPS.",
        en="TPS {tps} in this village holds {records:int} voters in the data, above the limit of "
           "{limit:int} voters per polling station.",
    ),
    "crowded_family_card": Template(
        id="Satu Kartu Keluarga memuat {records:int} pemilih (batas wajar {limit:int}); baris "
           "pertama {ref_record_id}. Periksa apakah pemilih didaftarkan pada KK yang salah.",
        en="One family card holds {records:int} voters (plausible limit {limit:int}); first row "
           "{ref_record_id}. Check whether voters were registered on the wrong family card.",
    ),
    "crowded_address": Template(
        id="Satu alamat memuat {records:int} pemilih dari {family_cards:int} KK (batas wajar "
           "{limit:int}); baris pertama {ref_record_id}. Wajar untuk asrama atau pondok "
           "pesantren, selain itu perlu dicek.",
        en="One address holds {records:int} voters from {family_cards:int} family cards "
           "(plausible limit {limit:int}); first row {ref_record_id}. Plausible for a dormitory "
           "or boarding school, otherwise worth checking.",
    ),
    # --- region level (pantau.anomalies.regions) ---
    "stage_growth": Template(
        id="{stage} {direction:word} {growth_abs:pct} dari {previous_stage} ({previous:int} → "
           "{current:int} pemilih), jauh {side:word} wilayah sekitarnya (median {peer_median:pct} "
           "di {peers:int} {peer_scope:word}).",
        en="{stage} {direction:word} {growth_abs:pct} from {previous_stage} ({previous:int} → "
           "{current:int} voters), far {side:word} neighbouring regions (median "
           "{peer_median:pct} across {peers:int} {peer_scope:word}).",
    ),
    "election_growth": Template(
        id="{stage} {direction:word} {growth_abs:pct} dibanding {stage} {previous_label} "
           "({previous:int} → {current:int} pemilih), jauh {side:word} wilayah sekitarnya "
           "(median {peer_median:pct} di {peers:int} {peer_scope:word}).",
        en="{stage} {direction:word} {growth_abs:pct} compared with the {stage} of "
           "{previous_label} ({previous:int} → {current:int} voters), far {side:word} "
           "neighbouring regions (median {peer_median:pct} across {peers:int} {peer_scope:word}).",
    ),
    "voters_above_adults": Template(
        id="Jumlah pemilih {stage} ({voters:int}) melebihi jumlah penduduk dewasa ({adults:int}, "
           "data tahun {year}): {ratio:pct} dari penduduk dewasa.",
        en="The {stage} count ({voters:int} voters) exceeds the adult population ({adults:int}, "
           "{year} figure): {ratio:pct} of adults.",
    ),
    "tps_over_limit": Template(
        id="TPS {tps} memuat {voters:int} pemilih {stage}, melebihi batas {limit:int} pemilih per "
           "TPS.",
        en="TPS {tps} has {voters:int} voters on the {stage}, above the limit of {limit:int} "
           "voters per polling station.",
    ),
}


def format_int(expr: pl.Expr, lang: str) -> pl.Expr:
    """Integer with grouping marks (``1.234.567`` / ``1,234,567``), vectorised."""
    sep = _GROUPING[lang]
    value = expr.cast(pl.Int64)
    digits = (
        value.abs().cast(pl.Utf8).str.reverse()
        .str.replace_all(r"(\d{3})", "${1}" + sep, literal=False)
        .str.strip_chars_end(sep).str.reverse()
    )
    return pl.when(value < 0).then(pl.lit("-") + digits).otherwise(digits)


def format_pct(expr: pl.Expr, lang: str, decimals: int = 1) -> pl.Expr:
    """A share (0.079) as a percentage with one decimal (``7,9%`` / ``7.9%``), vectorised."""
    scale = 10**decimals
    tenths = (expr.cast(pl.Float64) * 100 * scale).round(0).cast(pl.Int64)
    whole = format_int(tenths.abs() // scale, lang)
    frac = (tenths.abs() % scale).cast(pl.Utf8).str.zfill(decimals)
    text = whole + pl.lit(_DECIMAL[lang]) + frac + pl.lit("%")
    return pl.when(tenths < 0).then(pl.lit("-") + text).otherwise(text)


def _word(expr: pl.Expr, lang: str) -> pl.Expr:
    return expr.cast(pl.Utf8).replace(WORDS[lang])


def render(key: str, lang: str, values: Mapping[str, pl.Expr] | None = None) -> pl.Expr:
    """The explanation of ``key`` in ``lang`` as a string expression.

    A placeholder reads ``values[name]`` when given (e.g. a literal such as the election day),
    otherwise the column of the same name.
    """
    values = values or {}
    pieces: list[pl.Expr] = []
    for literal, name, spec, _ in string.Formatter().parse(TEMPLATES[key].text(lang)):
        if literal:
            pieces.append(pl.lit(literal))
        if name is None:
            continue
        expr = values.get(name, pl.col(name))
        if spec == "int":
            pieces.append(format_int(expr, lang))
        elif spec == "pct":
            pieces.append(format_pct(expr, lang))
        elif spec == "word":
            pieces.append(_word(expr, lang))
        elif spec:
            raise ValueError(f"unknown placeholder format {spec!r} in template {key!r}")
        else:
            pieces.append(expr.cast(pl.Utf8))
    return pl.concat_str(pieces)


def placeholders(key: str) -> set[str]:
    """Names a template needs, for checks that every flag can be explained."""
    names: set[str] = set()
    for lang in LANGUAGES:
        names |= {n for _, n, _, _ in string.Formatter().parse(TEMPLATES[key].text(lang)) if n}
    return names
