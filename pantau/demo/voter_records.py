"""Synthetic voter-list extract (one row per voter) with planted, recorded anomalies.

Why synthetic: a real DPT extract is personal data (UU 27/2022) and cannot ship with an open
project, yet the record-level checks need millions of rows to be tested and benchmarked. Every
name, NIK, family card and address here is made up from word and syllable lists; none belongs to
a real person. Regions and TPS are the real 2024 ones, so the extract lines up with the store.

Shape: one record per voter of every TPS of the province (``voters_total`` each), in the
voter-records ingest format. The NIK follows the Adminduk structure (6-digit kecamatan code,
DDMMYY birth date with women's day + 40, 4-digit serial); about 15% of voters carry a NIK from
another kecamatan in the region list, as people who moved do.

Planted anomalies (rates per record, see :data:`PLANT_RATES`) are recorded in ``ground_truth``
(domain ``voter_record``, kind = the detecting rule id, subject = ``record_id``; for
``tps_overfull`` the TPS code; for ``crowded_*`` the group's first ``record_id``). Plants never
overlap, so each should trip exactly its own rule. ``control_married_minor`` rows are married
16-year-olds, eligible under UU 7/2017 Pasal 198: a correct detector leaves them alone.

Everything is vectorised numpy/polars; loops run over plant groups (a few hundred), never over
records. 2.8 million records take well under a minute and under 2 GB.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from data_access.domain import MAX_VOTERS_PER_TPS, VOTING_DAY

ELECTION_DAY = VOTING_DAY["pemilu2024"]

RECORD_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.Utf8, "nik": pl.Utf8, "name": pl.Utf8, "birth_date": pl.Date,
    "sex": pl.Utf8, "marital_status": pl.Utf8, "address": pl.Utf8, "family_card": pl.Utf8,
    "village_code": pl.Utf8, "tps": pl.Int32,
}
GROUND_TRUTH_SCHEMA: dict[str, pl.DataType] = {
    "domain": pl.Utf8, "kind": pl.Utf8, "subject": pl.Utf8, "detail": pl.Utf8}

# Planted share of records per kind. Published magnitudes: 2018 found 131,363 duplicate NIKs in
# ~187M (0.07%); KPU removed 15,258 underage and 390,070 duplicates between DPS and DPT 2023.
PLANT_RATES: dict[str, float] = {
    "duplicate_nik": 8e-4,
    "likely_duplicate": 5e-4,
    "nik_malformed": 5e-5,
    "nik_unknown_district": 2e-4,
    "nik_invalid_date": 2e-4,
    "birth_date_mismatch": 3e-4,
    "nik_sex_mismatch": 1e-4,
    "underage": 1e-4,
    "implausibly_old": 1e-4,
    "control_married_minor": 5e-5,
}
MIN_PLANTS = 20  # per record kind, so a small slice still measures recall meaningfully
GROUP_PLANTS = {"tps_overfull": 1 / 1000, "crowded_family_card": 1 / 20_000,
                "crowded_address": 1 / 40_000}  # per TPS, per record, per record
MIN_GROUP_PLANTS = 3
CONTROL_KINDS = ("control_married_minor",)
_RESERVED_SERIAL = 5000  # clean NIK serials stay far below; planted NIKs use 5000-9999

# Age bands of the voter population (completed years on voting day) and their shares.
_AGE_BANDS = ((17, 24, 0.15), (25, 34, 0.21), (35, 44, 0.21), (45, 54, 0.18), (55, 64, 0.14),
              (65, 74, 0.08), (75, 84, 0.025), (85, 97, 0.005))
_HOUSEHOLD_SIZES = (np.arange(1, 8), np.array([.16, .34, .25, .14, .07, .03, .01]))
_MARITAL = np.array(["B", "S", "P"])  # belum kawin / sudah kawin / pernah kawin (cerai)

# Word lists for synthetic names: common given names and syllables, combined at random.
_MALE_GIVEN = (
    "Ahmad Muhammad Abdul Agus Andi Arif Bambang Bayu Budi Dedi Dimas Eko Fajar Faisal Hendra "
    "Heru Ilham Imam Irfan Joko Lukman Rahmat Rizki Rudi Syamsul Taufik Wahyu Yusuf Zainal Hasan "
    "Gilang Rendi Aldi Fikri Galih Hafiz Iqbal Reza Yoga Jumadi Mahmud Nanang Ramli Saiful Udin "
    "Amir Asep Baso Dodi Erwin Firman Hamdan Jamal Kadir Lutfi Mansur Nasir Rusdi Sahrul Yanto"
).split()
_FEMALE_GIVEN = (
    "Siti Sri Dewi Ayu Fitri Indah Lestari Nur Putri Rina Sari Wulan Yuni Ani Dian Eka Fatimah "
    "Hartini Kartika Lina Maya Nia Ratna Tuti Wati Yanti Aisyah Nabila Aulia Citra Dina Evi "
    "Intan Mega Novi Rahma Rosita Salsabila Tari Vina Zahra Halimah Masitah Nurul Suriani "
    "Juliana Hasnah Bunga Erna Hajrah Irma Jamilah Mardiana Nining Rosmini Sumarni Wahida"
).split()
_SYLLABLE_PRE = "Su Har Wi Pur Jum Ka Mar Sar Tri Mul Rus Pra Sa Ru Sis Dar Gun Wal Ter Sup".split()
_MALE_SUFFIX = "yanto yono mono diman wanto tono min jo nadi man yadi ianto".split()
_FEMALE_SUFFIX = "yati yani tini nah sih mini wati yem rni lastri ningsih yanti".split()
_MALE_MIDDLE = (
    "Nur Adi Eka Dwi Tri Putra Rahman Hidayat Surya Arya Bagus Cahya Fadil Hakim Iman Jaya "
    "Kurnia Maulana Prasetyo Rizal Satria Teguh Wira Yudha Akbar"
).split()
_FEMALE_MIDDLE = (
    "Nur Dwi Tri Ayu Indah Kartika Mulia Novita Permata Puspita Ratna Sekar Tirta Wahyuni "
    "Yulia Kusuma Amalia Rahayu Safitri Utami Anggun"
).split()
_MALE_LAST = (
    "Pratama Saputra Wijaya Hidayat Kurniawan Setiawan Nugroho Santoso Syahputra Ramadhan "
    "Firmansyah Gunawan Hermawan Irawan Kusnadi Lubis Siregar Nasution Harahap Sinaga Pasaribu "
    "Rangkuti Tambunan Manurung Sembiring Ginting Tarigan Purba Mappangara Daeng"
).split()
_FEMALE_LAST = (
    "Lestari Rahayu Anggraini Wulandari Permatasari Safitri Handayani Maharani Puspitasari "
    "Kusumawati Oktaviani Rahmawati Susanti Yuliani Fitriani Lubis Siregar Nasution Harahap "
    "Sinaga Ginting Tarigan Purba"
).split()
_STREETS = (
    "Melati Mawar Kenanga Cempaka Anggrek Flamboyan Nusantara Merdeka Pelita Harapan Damai "
    "Sejahtera Bhakti Pramuka Cendana Beringin Rambutan Durian Kelapa Pinang Mahakam Pesut "
    "Enggang Meranti Ulin Bengkirai Kemuning Teratai Dahlia Seroja Sakura Mangga Nangka Jambu "
    "Belimbing Cemara Pinus Rajawali Merpati Kutilang Cendrawasih Garuda Pantai Bukit Lembah "
    "Sungai Danau Karya Usaha Mandiri Sentosa Makmur Bahagia Persatuan Kemakmuran Swadaya"
).split()


def _first_names(suffixes: list[str], given: list[str]) -> list[str]:
    return given + [p + s for p in _SYLLABLE_PRE for s in suffixes]


_FIRST = (_first_names(_MALE_SUFFIX, _MALE_GIVEN), _first_names(_FEMALE_SUFFIX, _FEMALE_GIVEN))
_MIDDLE = (_MALE_MIDDLE, _FEMALE_MIDDLE)
_LAST = (_MALE_LAST, _FEMALE_LAST)
_NAME_VARIANTS = ("upper", "lower", "double_space", "joined", "hyphen", "comma", "padded")


@dataclass(frozen=True)
class VoterExtract:
    """A synthetic extract and what was planted in it."""

    records: pl.DataFrame
    ground_truth: pl.DataFrame


def _days(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _birth_range(min_age: int, max_age: int) -> tuple[int, int]:
    """Inclusive day range of birth dates giving a completed age in [min_age, max_age]."""
    youngest = _years_before(ELECTION_DAY, min_age)
    oldest = _years_before(ELECTION_DAY, max_age + 1)
    return _days(oldest) + 1, _days(youngest)


def _date_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of day numbers since 1970 (numpy's proleptic Gregorian calendar)."""
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    year = y.astype(np.int64) + 1970
    month = (m - y.astype("datetime64[M]")).astype(np.int64) + 1
    day = (d - m.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _group_rank(key: np.ndarray) -> np.ndarray:
    """0-based rank of each element among equal keys, in index order."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    idx = np.arange(key.size)
    first = np.maximum.accumulate(np.where(starts, idx, 0))
    rank = np.empty(key.size, dtype=np.int64)
    rank[order] = idx - first
    return rank


def _code_int(codes: pl.Series) -> np.ndarray:
    return codes.str.replace_all(".", "", literal=True).cast(pl.Int64).to_numpy()


@dataclass
class _State:
    """Per-record arrays the planting steps edit in place before strings are built."""

    rng: np.random.Generator
    tps_of: np.ndarray
    pos_in_tps: np.ndarray
    tps_start: np.ndarray
    village_of_tps: np.ndarray
    village_start: np.ndarray  # first record of each village (records are village-ordered)
    hh: np.ndarray
    hh_first: np.ndarray
    female: np.ndarray
    birth: np.ndarray
    marital: np.ndarray
    kec: np.ndarray
    dd: np.ndarray
    mm: np.ndarray
    yy: np.ndarray
    serial: np.ndarray
    first: np.ndarray
    middle: np.ndarray
    last: np.ndarray
    addr_hh: np.ndarray
    kk_hh: np.ndarray
    name_variant: np.ndarray
    malformed: np.ndarray
    used: np.ndarray
    truth: list[tuple[str, np.ndarray | list[str], list[str]]] = field(default_factory=list)
    next_serial: int = 0

    @property
    def n(self) -> int:
        return self.tps_of.size

    def take(self, k: int, eligible: np.ndarray | None = None) -> np.ndarray:
        """``k`` random unused records (fewer if not enough), now marked used."""
        mask = ~self.used if eligible is None else (~self.used & eligible)
        pool = np.flatnonzero(mask)
        pick = self.rng.choice(pool, size=min(k, pool.size), replace=False)
        self.used[pick] = True
        return np.sort(pick)

    def reserve_serials(self, idx: np.ndarray) -> None:
        """Planted NIKs get serials no clean record has, so plants never collide by accident."""
        count = idx.size
        self.serial[idx] = _RESERVED_SERIAL + (self.next_serial + np.arange(count)) % 5000
        self.next_serial += count

    def encode_birth(self, idx: np.ndarray) -> None:
        """NIK date digits from the recorded birth date and sex."""
        year, month, day = _date_parts(self.birth[idx])
        self.dd[idx] = day + 40 * self.female[idx]
        self.mm[idx] = month
        self.yy[idx] = year % 100

    def record(self, kind: str, idx: np.ndarray, details: list[str] | None = None) -> None:
        self.truth.append((kind, idx, details or [""] * len(idx)))


def _layout(stations: pl.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Records in TPS order, sexes shuffled within each TPS, households that never cross a TPS."""
    counts = stations["voters_total"].fill_null(0).clip(0).to_numpy().astype(np.int64)
    males = np.minimum(stations["voters_male"].fill_null(0).to_numpy().astype(np.int64), counts)
    n = int(counts.sum())
    tps_of = np.repeat(np.arange(counts.size, dtype=np.int32), counts)
    tps_start = np.cumsum(counts) - counts
    pos = np.arange(n, dtype=np.int64) - tps_start[tps_of]
    order = np.argsort(tps_of + rng.random(n), kind="stable")
    female = np.empty(n, dtype=bool)
    female[order] = pos >= males[tps_of]

    sizes, weights = _HOUSEHOLD_SIZES
    draws = rng.choice(sizes, size=int(n / 2.5) + 10, p=weights)
    starts = np.zeros(n, dtype=bool)
    ends = np.cumsum(draws)
    starts[np.r_[0, ends[ends < n]]] = True
    starts[tps_start[counts > 0]] = True
    hh = np.cumsum(starts) - 1
    return {"tps_of": tps_of, "tps_start": tps_start, "pos": pos, "female": female,
            "hh": hh, "hh_first": np.flatnonzero(starts)}


def _names(rng: np.random.Generator, female: np.ndarray) -> tuple[np.ndarray, ...]:
    """Indices into the sex's given / middle / last lists; -1 for an absent part."""
    n = female.size
    first = np.where(female, rng.integers(0, len(_FIRST[1]), n), rng.integers(0, len(_FIRST[0]), n))
    middle = np.where(female, rng.integers(0, len(_MIDDLE[1]), n),
                      rng.integers(0, len(_MIDDLE[0]), n))
    last = np.where(female, rng.integers(0, len(_LAST[1]), n), rng.integers(0, len(_LAST[0]), n))
    middle[rng.random(n) < 0.45] = -1
    last[rng.random(n) < 0.5] = -1
    return first, middle, last


def _name_strings(female: np.ndarray, first: np.ndarray, middle: np.ndarray,
                  last: np.ndarray) -> pl.Series:
    parts = []
    for lists, idx in ((_FIRST, first), (_MIDDLE, middle), (_LAST, last)):
        male_s = pl.Series(lists[0])
        female_s = pl.Series(lists[1])
        safe_m = np.where(female | (idx < 0), 0, idx)
        safe_f = np.where(~female | (idx < 0), 0, idx)
        frame = pl.DataFrame({"m": male_s.gather(safe_m), "f": female_s.gather(safe_f),
                              "female": female, "absent": idx < 0})
        parts.append(frame.select(
            pl.when(pl.col("absent")).then(None)
            .when(pl.col("female")).then(pl.col("f")).otherwise(pl.col("m"))
        ).to_series())
    return pl.DataFrame({"a": parts[0], "b": parts[1], "c": parts[2]}).select(
        pl.concat_str(["a", "b", "c"], separator=" ", ignore_nulls=True)).to_series()


def _count(kind: str, n: int) -> int:
    return max(MIN_PLANTS, round(PLANT_RATES[kind] * n))


# ---------------------------------------------------------------------------------------------
# Planting. Group plants go first (they need intact villages), then pairs, then single records.
# ---------------------------------------------------------------------------------------------

def _plant_tps_overfull(st: _State, tps_codes: list[str], n_tps: int) -> None:
    """Move voters from sibling TPS of the same desa until one TPS holds 301-340."""
    counts = np.bincount(st.tps_of, minlength=n_tps)
    villages = st.village_of_tps
    tps_per_village = np.bincount(villages)
    wanted = max(MIN_GROUP_PLANTS, round(n_tps * GROUP_PLANTS["tps_overfull"]))
    candidates = np.flatnonzero(tps_per_village[villages] >= 3)
    planted: list[str] = []
    details: list[str] = []
    for v in st.rng.permutation(np.unique(villages[candidates])):
        if len(planted) >= wanted:
            break
        tps = np.flatnonzero(villages == v)
        target = tps[np.argmax(counts[tps])]
        goal = int(st.rng.integers(MAX_VOTERS_PER_TPS + 1, MAX_VOTERS_PER_TPS + 41))
        need = goal - counts[target]
        donors = _village_records(st, v)
        donors = donors[(st.tps_of[donors] != target) & ~st.used[donors]]
        if need <= 0 or donors.size < need * 2:
            continue
        moved = st.rng.choice(donors, size=need, replace=False)
        st.tps_of[moved] = target
        st.used[moved] = True
        planted.append(tps_codes[target])
        details.append(f"records={goal}")
    st.truth.append(("tps_overfull", planted, details))


def _village_records(st: _State, v: int) -> np.ndarray:
    return np.arange(st.village_start[v], st.village_start[v + 1])


def _plant_crowded(st: _State, kind: str, size_range: tuple[int, int], share_card: bool) -> None:
    """Pile voters from other households of the desa onto one household's KK and/or address."""
    wanted = max(MIN_GROUP_PLANTS, round(st.n * GROUP_PLANTS[kind]))
    village_sizes = np.diff(st.village_start)
    big = np.flatnonzero(village_sizes >= 4 * size_range[1])
    anchors, details = [], []
    for v in st.rng.choice(big, size=min(wanted * 3, big.size), replace=False):
        if len(anchors) >= wanted:
            break
        rows = _village_records(st, v)
        free = rows[~st.used[rows]]
        if free.size < 2 * size_range[1]:
            continue
        host = int(st.rng.choice(free))
        h = st.hh[host]
        end = st.hh_first[h + 1] if h + 1 < st.hh_first.size else st.n
        members = np.arange(st.hh_first[h], end)
        if st.used[members].any():
            continue
        size = int(st.rng.integers(size_range[0], size_range[1] + 1))
        others = free[(st.hh[free] != h)]
        extra = st.rng.choice(others, size=size - members.size, replace=False)
        st.addr_hh[extra] = h
        if share_card:
            st.kk_hh[extra] = h
        group = np.concatenate([members, extra])
        st.used[group] = True
        anchors.append(group.min())
        details.append(f"records={size}")
    st.record(kind, np.array(anchors, dtype=np.int64), details)


def _plant_duplicate_nik(st: _State, record_ids: pl.Series) -> None:
    """A voter listed twice under one NIK (e.g. registered again after moving)."""
    k = _count("duplicate_nik", st.n)
    a, b = st.take(k), st.take(k)
    k = min(a.size, b.size)
    src, dst = np.minimum(a[:k], b[:k]), np.maximum(a[:k], b[:k])
    for arr in (st.kec, st.dd, st.mm, st.yy, st.serial, st.first, st.middle, st.last,
                st.birth, st.female, st.marital):
        arr[dst] = arr[src]
    st.record("duplicate_nik", dst, [f"copy of {r}" for r in record_ids.gather(src).to_list()])


def _plant_likely_duplicate(st: _State, record_ids: pl.Series) -> None:
    """The same person twice in one TPS under a different NIK, name retyped (case, spacing,
    punctuation); half of them also at the same address and KK."""
    k = _count("likely_duplicate", st.n)
    cand = st.rng.choice(np.flatnonzero(~st.used & (st.pos_in_tps >= 1)), size=3 * k,
                         replace=False)
    src = st.tps_start[st.tps_of[cand]] + (st.rng.random(cand.size) * st.pos_in_tps[cand]
                                           ).astype(np.int64)
    ok = ~st.used[src] & ~np.isin(src, cand)
    cand, src = cand[ok], src[ok]
    _, first = np.unique(src, return_index=True)
    keep = np.sort(first)[:k]
    dst, src = cand[keep], src[keep]
    st.used[dst] = True
    st.used[src] = True
    for arr in (st.kec, st.dd, st.mm, st.yy, st.first, st.middle, st.last, st.birth, st.female,
                st.marital):
        arr[dst] = arr[src]
    st.reserve_serials(dst)
    variant = st.rng.integers(0, len(_NAME_VARIANTS), dst.size)
    st.name_variant[dst] = variant
    same_address = st.rng.random(dst.size) < 0.5
    st.addr_hh[dst[same_address]] = st.addr_hh[src[same_address]]
    st.kk_hh[dst[same_address]] = st.kk_hh[src[same_address]]
    src_ids = record_ids.gather(src).to_list()
    st.record("likely_duplicate", dst, [
        f"of {r}; name {_NAME_VARIANTS[v]}; same address {int(s)}"
        for r, v, s in zip(src_ids, variant, st.addr_hh[dst] == st.addr_hh[src], strict=True)])


def _plant_nik_structure(st: _State, invalid_kec: np.ndarray) -> None:
    """NIKs that fail structure checks: malformed, unknown kecamatan, impossible date."""
    idx = st.take(_count("nik_malformed", st.n))
    st.malformed[idx] = st.rng.integers(0, 4, idx.size)
    st.record("nik_malformed", idx, [f"variant {v}" for v in st.malformed[idx]])

    idx = st.take(_count("nik_unknown_district", st.n))
    st.kec[idx] = st.rng.choice(invalid_kec, idx.size)
    st.reserve_serials(idx)
    st.record("nik_unknown_district", idx)

    idx = st.take(_count("nik_invalid_date", st.n))
    variant = st.rng.integers(0, 6, idx.size)
    plus = 40 * st.female[idx]
    year, _, _ = _date_parts(st.birth[idx])
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    dd, mm, yy = st.dd[idx].copy(), st.mm[idx].copy(), st.yy[idx].copy()
    v = variant
    mm = np.where(v == 0, 13, np.where(v == 1, 0, mm))  # month 13 / month 00
    dd = np.where(v == 2, 32 + st.rng.integers(0, 9, idx.size) * (plus == 0) + plus, dd)  # day 32+
    dd = np.where(v == 3, plus, dd)  # day 00 (women: 40)
    # 29 February in a non-leap year (a leap year's successor is never a leap year, nor year 00)
    mm = np.where(v == 4, 2, mm)
    dd = np.where(v == 4, 29 + plus, dd)
    yy = np.where((v == 4) & leap, (year + 1) % 100, yy)
    # 31st of a 30-day month, or 30 February
    short = st.rng.choice(np.array([2, 4, 6, 9, 11]), idx.size)
    mm = np.where(v == 5, short, mm)
    dd = np.where(v == 5, np.where(short == 2, 30, 31) + plus, dd)
    st.dd[idx], st.mm[idx], st.yy[idx] = dd, mm, yy
    st.reserve_serials(idx)
    names = ("month 13", "month 00", "day 32+", "day 00", "29 Feb non-leap", "day > month")
    st.record("nik_invalid_date", idx, [names[x] for x in variant])


def _plant_dates(st: _State) -> None:
    """Birth date ≠ NIK date, women's +40 missing/added, underage, too old, married minors."""
    lo, hi = _birth_range(17, 99)
    idx = st.take(_count("birth_date_mismatch", st.n))
    shift = st.rng.integers(1, 3651, idx.size)
    moved = st.birth[idx] - shift
    moved = np.where(moved < lo, st.birth[idx] + shift, moved)
    st.birth[idx] = np.clip(moved, lo, hi)  # ±1..3650 days, still an adult under 100
    st.record("birth_date_mismatch", idx, [f"shift {s} days" for s in shift])

    idx = st.take(_count("nik_sex_mismatch", st.n))
    st.dd[idx] = np.where(st.female[idx], st.dd[idx] - 40, st.dd[idx] + 40)
    st.reserve_serials(idx)
    st.record("nik_sex_mismatch", idx)

    def rebirth(kind: str, min_age: int, max_age: int, married: bool) -> None:
        idx = st.take(_count(kind, st.n))
        lo, hi = _birth_range(min_age, max_age)
        st.birth[idx] = st.rng.integers(lo, hi + 1, idx.size)
        st.marital[idx] = st.rng.choice([1, 1, 1, 2], idx.size) if married else 0
        st.encode_birth(idx)
        st.reserve_serials(idx)
        st.record(kind, idx, [f"age {min_age}-{max_age}"] * idx.size)

    rebirth("underage", 13, 16, married=False)
    rebirth("implausibly_old", 111, 135, married=True)
    rebirth("control_married_minor", 16, 16, married=True)


# ---------------------------------------------------------------------------------------------

def generate_voter_records(regions: pl.DataFrame, polling_stations: pl.DataFrame,
                           province_code: str, seed: int) -> VoterExtract:
    """One synthetic record per voter of the province's TPS, with recorded planted anomalies.

    ``polling_stations`` needs the TPS columns of ``load_polling_stations`` plus voters_male,
    voters_female and voters_total; ``regions`` supplies the kecamatan codes NIKs may carry.
    Deterministic for a given seed.
    """
    rng = np.random.default_rng([seed, 0x5EED, int(province_code) if province_code.isdigit()
                                 else sum(province_code.encode())])
    stations = (polling_stations.filter(pl.col("province_code") == province_code)
                .filter(pl.col("voters_total").fill_null(0) > 0).sort("code"))
    if stations.height == 0:
        return VoterExtract(pl.DataFrame(schema=RECORD_SCHEMA),
                            pl.DataFrame(schema=GROUND_TRUTH_SCHEMA))
    lay = _layout(stations, rng)
    n = lay["tps_of"].size
    village_codes, village_of_tps = np.unique(stations["village_code"].to_numpy(),
                                              return_inverse=True)
    village_of_rec = village_of_tps[lay["tps_of"]]
    village_start = np.searchsorted(village_of_rec, np.arange(village_codes.size + 1))
    village_kec = _code_int(pl.Series(village_codes)) // 10_000

    # Birth dates by age band; marital status by age.
    band = rng.choice(len(_AGE_BANDS), size=n, p=[b[2] for b in _AGE_BANDS])
    ranges = np.array([_birth_range(lo, hi) for lo, hi, _ in _AGE_BANDS])
    birth = rng.integers(ranges[band, 0], ranges[band, 1] + 1)
    age_years = (_days(ELECTION_DAY) - birth) / 365.25
    u = rng.random(n)
    p_single = np.interp(age_years, [17, 22, 27, 35, 60], [0.95, 0.65, 0.3, 0.1, 0.04])
    p_once = np.interp(age_years, [17, 40, 60, 80], [0.0, 0.04, 0.12, 0.35])
    marital = np.where(u < p_single, 0, np.where(u < p_single + p_once, 2, 1)).astype(np.int8)

    # NIK: own kecamatan, or (15%) any kecamatan of the region list for voters who moved.
    districts = regions.filter(pl.col("level") == "district")["code"]
    district_pool = _code_int(districts) if districts.len() else np.unique(village_kec)
    kec = village_kec[village_of_rec].copy()
    movers = rng.random(n) < 0.15
    kec[movers] = rng.choice(district_pool, int(movers.sum()))
    female = lay["female"]
    year, month, day = _date_parts(birth)
    dd, mm, yy = day + 40 * female, month, year % 100
    prefix = kec * 1_000_000 + dd * 10_000 + mm * 100 + yy
    serial = _group_rank(prefix) + 1

    # Households: one address and one KK each; addresses unique within the desa by construction.
    hh_first = lay["hh_first"]
    n_hh = hh_first.size
    hh_village = village_of_rec[hh_first]
    hh_ordinal = np.arange(n_hh) - np.searchsorted(hh_village, hh_village)
    kk_issue = rng.integers(_days(date(2005, 1, 1)), _days(date(2023, 12, 31)) + 1, n_hh)
    ky, km, kd = _date_parts(kk_issue)
    kk_prefix = village_kec[hh_village] * 1_000_000 + kd * 10_000 + km * 100 + ky % 100
    kk_number = kk_prefix * 10_000 + _group_rank(kk_prefix) + 1

    first, middle, last = _names(rng, female)
    tps_codes = stations["code"].to_list()
    st = _State(
        rng=rng, tps_of=lay["tps_of"].copy(), pos_in_tps=lay["pos"], tps_start=lay["tps_start"],
        village_of_tps=village_of_tps, village_start=village_start, hh=lay["hh"],
        hh_first=hh_first, female=female, birth=birth, marital=marital, kec=kec, dd=dd, mm=mm,
        yy=yy, serial=serial, first=first, middle=middle, last=last, addr_hh=lay["hh"].copy(),
        kk_hh=lay["hh"].copy(), name_variant=np.full(n, -1, dtype=np.int8),
        malformed=np.full(n, -1, dtype=np.int8), used=np.zeros(n, dtype=bool),
    )
    width = max(7, len(str(n)))
    record_ids = pl.select(record_id=pl.lit(f"{province_code}-")
                           + pl.int_range(1, n + 1).cast(pl.Utf8).str.zfill(width)).to_series()

    # Kecamatan codes that do not exist: unused numbers inside the province's kab/kota.
    valid = set(district_pool.tolist())
    regencies = np.unique(village_kec // 100)
    invalid_kec = np.array([r * 100 + d for r in regencies for d in range(60, 100)
                            if r * 100 + d not in valid])

    _plant_tps_overfull(st, tps_codes, len(tps_codes))
    _plant_crowded(st, "crowded_family_card", (16, 27), share_card=True)
    _plant_crowded(st, "crowded_address", (31, 70), share_card=False)
    _plant_duplicate_nik(st, record_ids)
    _plant_likely_duplicate(st, record_ids)
    _plant_nik_structure(st, invalid_kec)
    _plant_dates(st)

    records = _build_records(st, record_ids, village_codes, stations, hh_village, hh_ordinal,
                             kk_number)
    return VoterExtract(records, _ground_truth(st, record_ids))


def _addresses(hh_village: np.ndarray, hh_ordinal: np.ndarray) -> pl.Series:
    """"Jl. Melati No. 12 RT 003 RW 002": (RW, RT, number) is unique per household in a desa."""
    rw = hh_ordinal // 600 + 1
    rt = (hh_ordinal // 60) % 10 + 1
    number = hh_ordinal % 60 + 1
    street = (hh_village * 31 + rw * 7 + rt * 3) % len(_STREETS)
    kind = np.where((street + rt) % 5 == 0, "Gg.", "Jl.")
    frame = pl.DataFrame({"kind": kind, "street": pl.Series(_STREETS).gather(street),
                          "number": number, "rt": rt, "rw": rw})
    return frame.select(pl.concat_str([
        "kind", pl.lit(" "), "street", pl.lit(" No. "), pl.col("number").cast(pl.Utf8),
        pl.lit(" RT "), pl.col("rt").cast(pl.Utf8).str.zfill(3),
        pl.lit(" RW "), pl.col("rw").cast(pl.Utf8).str.zfill(3)])).to_series()


def _name_variant(name: pl.Expr, v: pl.Expr) -> pl.Expr:
    """The same name retyped: case, spacing or punctuation changed (see _NAME_VARIANTS)."""
    return (
        pl.when(v == 0).then(name.str.to_uppercase())
        .when(v == 1).then(name.str.to_lowercase())
        .when(v == 2).then(name.str.replace_all(" ", "  ", literal=True))
        .when(v == 3).then(name.str.replace(" ", "", literal=True))
        .when(v == 4).then(name.str.replace(" ", "-", literal=True))
        .when(v == 5).then(name + pl.lit(","))
        .otherwise(pl.lit(" ") + name + pl.lit("  "))
    )


def _malformed_nik(nik: pl.Expr, m: pl.Expr) -> pl.Expr:
    """A NIK typed wrong: a digit lost, a letter O for a zero, a digit too many, a space."""
    return (
        pl.when(m == 0).then(nik.str.slice(0, 15))
        .when(m == 1).then(nik.str.slice(0, 7) + pl.lit("O") + nik.str.slice(8))
        .when(m == 2).then(nik + pl.lit("7"))
        .otherwise(nik.str.slice(0, 6) + pl.lit(" ") + nik.str.slice(6))
    )


def _patched(series: pl.Series, codes: np.ndarray,
             change: Callable[[pl.Expr, pl.Expr], pl.Expr]) -> pl.Series:
    """``series`` with ``change(value, code)`` applied only where ``codes >= 0`` (few rows)."""
    idx = np.flatnonzero(codes >= 0)
    if idx.size == 0:
        return series
    small = pl.DataFrame({"x": series.gather(idx), "c": codes[idx]})
    new = small.select(change(pl.col("x"), pl.col("c"))).to_series()
    return series.scatter(idx, new)


def _build_records(st: _State, record_ids: pl.Series, village_codes: np.ndarray,
                   stations: pl.DataFrame, hh_village: np.ndarray, hh_ordinal: np.ndarray,
                   kk_number: np.ndarray) -> pl.DataFrame:
    nik_int = (st.kec.astype(np.int64) * 10**10 + st.dd.astype(np.int64) * 10**8
               + st.mm.astype(np.int64) * 10**6 + st.yy.astype(np.int64) * 10**4 + st.serial)
    nik = _patched(pl.Series("nik", nik_int).cast(pl.Utf8).str.zfill(16), st.malformed,
                   _malformed_nik)
    del nik_int
    name = _patched(_name_strings(st.female, st.first, st.middle, st.last).alias("name"),
                    st.name_variant, _name_variant)
    kk = pl.Series(kk_number).cast(pl.Utf8).str.zfill(16)
    frame = pl.DataFrame({
        "record_id": record_ids,
        "nik": nik,
        "name": name,
        "birth_date": pl.Series(st.birth.astype(np.int32)).cast(pl.Date),
        "sex": pl.Series(np.where(st.female, "P", "L")),
        "marital_status": pl.Series(_MARITAL[st.marital]),
        "address": _addresses(hh_village, hh_ordinal).gather(st.addr_hh),
        "family_card": kk.gather(st.kk_hh),
        "village_code": pl.Series(village_codes).gather(st.village_of_tps[st.tps_of]),
        "tps": stations["number"].gather(st.tps_of).cast(pl.Int32),
    })
    return frame.select([pl.col(c).cast(t) for c, t in RECORD_SCHEMA.items()])


def _ground_truth(st: _State, record_ids: pl.Series) -> pl.DataFrame:
    frames = []
    for kind, subjects, details in st.truth:
        if isinstance(subjects, np.ndarray):
            subjects = record_ids.gather(subjects).to_list() if subjects.size else []
        frames.append(pl.DataFrame({"kind": [kind] * len(subjects),
                                    "subject": subjects, "detail": details},
                                   schema={"kind": pl.Utf8, "subject": pl.Utf8,
                                           "detail": pl.Utf8}))
    truth = pl.concat(frames).with_columns(domain=pl.lit("voter_record"))
    return truth.select([pl.col(c).cast(t) for c, t in GROUND_TRUTH_SCHEMA.items()])


def write_extract(records: pl.DataFrame, path: Path | str) -> Path:
    """Write the extract as Parquet, or as the CSV ingest format when the path ends in .csv."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        records.write_csv(path)
    else:
        records.write_parquet(path, compression="zstd", row_group_size=256_000)
    return path
