"""Malformed files, generated with hypothesis: random bytes, truncated files, wrong encodings,
swapped columns and injected formula strings. Whatever the file, ``pantau ingest`` ends in a clean
import (exit 0), a clean rejection (1) or a clean error (2) — run in-process, so any other
exception fails the test — and after anything but an import the store is as it was: the file
byte for byte and every table's rows (on a server, every table's rows). Formula text that does get
in never leaves through an export as a formula."""

from __future__ import annotations

import csv
import io

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.export import DATASETS, export_dataset
from tests.ingest.helpers import run_cli

FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

BASES = {
    "voter-recap": ("Kode Wilayah;Nama Wilayah;Tahapan;L;P;Jumlah Pemilih\n"
                    "9101;KAB. SATU;DPT;1.000;1.100;2.100\n91.02;KAB. DUÁ;dpt;50;;60\n"
                    "TOTAL;;;;;2.160\n"),
    "violations": ("nomor register,sumber,status registrasi,tanggal diterima,kode wilayah,"
                   "hasil kajian,jenis pelanggaran\n"
                   "K1,laporan,diregistrasi,2024-02-12,91.01,pelanggaran,kode etik\n"
                   "K2,temuan,belum diregistrasi,13/02/2024,9102,,\n"),
    "voter-records": ("id,nik,nama,tgl lahir,jenis kelamin,kawin,alamat,no kk,kode desa,no tps\n"
                      "R1,9101014508900001,Siti Ñ,05-08-1990,P,S,Jl. X,9101010101200009,"
                      "9101012001,1\nR2,9101011203080002,Budi,12/03/2008,L,S,,,91.01.01.2001,1\n"),
}
FORMULAS = ("=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x.invalid\",\"klik\")", "+1+1", "-2+3",
            "@SUM(A1:A9)", "=1+1")


def attempt(store, tmp_path, kind: str, data: bytes, name: str = "input.csv") -> int:
    """Run one ingest; assert it ended cleanly and a non-import left the store as it was."""
    path = tmp_path / name
    path.write_bytes(data)
    before = store.fingerprint()
    status = run_cli("ingest", kind, str(path), "--quiet")
    assert status in (0, 1, 2)
    if status != 0:
        assert store.fingerprint() == before
    return status


@FUZZ
@given(data=st.binary(max_size=3000), zipped=st.booleans(), kind=st.sampled_from(sorted(BASES)))
def test_random_bytes(store, tmp_path, data, zipped, kind):
    attempt(store, tmp_path, kind, (b"PK\x03\x04" if zipped else b"") + data,
            "input.xlsx" if zipped else "input.csv")


@FUZZ
@given(kind=st.sampled_from(sorted(BASES)), cut=st.floats(0, 1), crlf=st.booleans())
def test_truncated_files(store, tmp_path, kind, cut, crlf):
    data = BASES[kind].replace("\n", "\r\n" if crlf else "\n").encode()
    attempt(store, tmp_path, kind, data[: int(len(data) * cut)])


@FUZZ
@given(kind=st.sampled_from(sorted(BASES)),
       encoding=st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-32",
                                 "utf-8-sig", "shift_jis", "cp437"]))
def test_wrong_encodings(store, tmp_path, kind, encoding):
    data = BASES[kind].encode(encoding, errors="replace")
    status = attempt(store, tmp_path, kind, data)
    if encoding in ("utf-16", "utf-8-sig"):  # with a byte-order mark: readable, and valid
        assert status == 0


def _table(kind: str) -> list[list[str]]:
    text = BASES[kind]
    return list(csv.reader(io.StringIO(text), delimiter=";" if kind == "voter-recap" else ","))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


@FUZZ
@given(kind=st.sampled_from(sorted(BASES)), order=st.randoms(use_true_random=False))
def test_columns_in_any_order_load_the_same(store, tmp_path, kind, order):
    rows = _table(kind)
    positions = list(range(len(rows[0])))
    order.shuffle(positions)
    assert attempt(store, tmp_path, kind, _csv([[row[i] for i in positions]
                                                for row in rows])) == 0


@FUZZ
@given(kind=st.sampled_from(sorted(BASES)), pair=st.randoms(use_true_random=False))
def test_values_swapped_between_columns(store, tmp_path, kind, pair):
    rows = _table(kind)
    first, second = pair.sample(range(len(rows[0])), 2)
    for row in rows[1:]:
        if len(row) == len(rows[0]):
            row[first], row[second] = row[second], row[first]
    attempt(store, tmp_path, kind, _csv(rows))


@FUZZ
@given(kind=st.sampled_from(sorted(BASES)), where=st.randoms(use_true_random=False),
       formula=st.sampled_from(FORMULAS), xlsx=st.booleans())
def test_injected_formulas_never_leave_as_formulas(store, tmp_path, kind, where, formula, xlsx):
    rows = _table(kind)
    row = where.randrange(1, len(rows))
    rows[row][where.randrange(len(rows[row]))] = formula
    rows[0][where.randrange(len(rows[0]))] = formula if where.random() < 0.2 else rows[0][0]
    if xlsx:
        path = tmp_path / "input.xlsx"
        pl.DataFrame(rows[1:], schema=[f"{h}_{i}" if rows[0].count(h) > 1 else h
                                       for i, h in enumerate(rows[0])],
                     orient="row").write_excel(path)
        attempt(store, tmp_path, kind, path.read_bytes(), "input.xlsx")
    else:
        attempt(store, tmp_path, kind, _csv(rows))
    for dataset in DATASETS:
        exported = export_dataset(dataset, level="regency", scope="91").decode()
        for record in csv.reader(io.StringIO(exported)):
            assert not any(cell[:1] in ("=", "+", "@") or cell.startswith("-") and
                           not cell[1:].replace(".", "", 1).isdigit() for cell in record)
