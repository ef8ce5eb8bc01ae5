"""Each table-backed kind against the fixture store (tests/fixture_store.py): what loads, what is
derived from the store, and the precise reasons for what does not. Expected rows by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from data_access import compliance, schema
from data_access.engine import make_engine
from data_access.ingest import IngestRejected, Options, ingest
from tests.ingest.helpers import write


def reasons(rejected: pytest.ExceptionInfo[IngestRejected]) -> set[tuple]:
    return {(p["row"], p["column"], p["reason"]) for p in rejected.value.result.problems.to_dicts()}


# ------------------------------------------------------------------------------------- regions


def test_regions_with_parents_in_the_file_and_names_updated(store, tmp_path):
    path = write(tmp_path, "wilayah.csv", "kode,nama,tingkat\n9272,KOTA DUA,kabupaten/kota\n"
                                          "927201,KEC. DUA A,kecamatan\n91.01,KAB. SATU BARU,\n")
    assert ingest("regions", path).rows_accepted == 3
    region = schema.region
    rows = store.rows(sa.select(region.c.code, region.c.level, region.c.parent_code,
                                region.c.name, region.c.district_code, region.c.vintage)
                      .where(region.c.code.in_(["92.72", "92.72.01", "91.01"]))
                      .order_by(region.c.code))
    assert rows == [("91.01", "regency", "91", "KAB. SATU BARU", None, "2024"),
                    ("92.72", "regency", "92", "KOTA DUA", None, "2024"),
                    ("92.72.01", "district", "92.72", "KEC. DUA A", "92.72.01", "2024")]


def test_regions_without_a_parent_and_with_a_wrong_level(store, tmp_path):
    path = write(tmp_path, "wilayah.csv", "kode,nama,tingkat\n93.01,KAB. X,kabupaten\n"
                                          "93.01.01,KEC. X,kecamatan\n91.03,KAB. Y,desa\n")
    with pytest.raises(IngestRejected) as rejected:
        ingest("regions", path)
    assert reasons(rejected) == {
        (2, "code", "its parent 93 is neither in the store nor in this file"),
        (3, "code", "its parent 93.01 is neither in the store nor in this file"),
        (4, "level", "the code is a regency code"),
    }


# ------------------------------------------------------------------------------ polling stations


def test_polling_stations_by_code_or_by_desa_and_number(store, tmp_path):
    path = write(tmp_path, "tps.csv", "kode tps;kode desa;no tps;l;p;jumlah pemilih\n"
                                      "91.01.01.2001.001;;;101;110;211\n"
                                      ";9101012002;2;10;;30\n"
                                      ";91.01.01.2002;901;;;1.012\n")
    assert ingest("polling-stations", path).rows_accepted == 3
    ps = schema.polling_station
    rows = store.rows(sa.select(ps.c.code, ps.c.number, ps.c.special, ps.c.voters_male,
                                ps.c.voters_female, ps.c.voters_total, ps.c.village_code)
                      .where(ps.c.code.in_(["91.01.01.2001.001", "91.01.01.2002.002",
                                            "91.01.01.2002.901"])).order_by(ps.c.code))
    assert rows == [
        ("91.01.01.2001.001", 1, False, 101, 110, 211, "91.01.01.2001"),
        ("91.01.01.2002.002", 2, False, 10, None, 30, "91.01.01.2002"),
        ("91.01.01.2002.901", 901, True, None, None, 1012, "91.01.01.2002"),
    ]


def test_polling_station_problems(store, tmp_path):
    path = write(tmp_path, "tps.csv", "kode tps,kode desa,no tps,l,p,jumlah pemilih\n"
                                      "91.01.01.2001.001,91.01.01.2002,1,,,\n"
                                      ",91.01.01.2009,1,,,\n"
                                      ",91.01.01.2001,1000,,,\n"
                                      "91.01.01.2001.002,,,10,10,21\n")
    with pytest.raises(IngestRejected) as rejected:
        ingest("polling-stations", path)
    assert reasons(rejected) == {
        (2, "code", "does not match village_code and number (91.01.01.2002.001)"),
        (3, "code", "unknown desa 91.01.01.2009: not in the store's region list"),
        (4, "number", "a TPS number has at most three digits (1–999)"),
        (5, "voters_total", "men + women = 20, not the total"),
    }


# ----------------------------------------------------------------------------------- supervisors


def test_supervisors_take_their_level_from_the_body(store, tmp_path):
    path = write(tmp_path, "pengawas.csv",
                 "id pengawas\tlembaga\tkursi\tkode wilayah\n"
                 "20\tPengawas TPS\t\t9101012002001\n"
                 "21\tPanwaslu Kecamatan\t3\t91.01.02\n"
                 "22\tPTPS\t\t91.01.01.2002\n"        # a PTPS supervises a TPS, not a desa
                 "23\tPanwascam\t4\t91.01.02\n"       # three seats only
                 "24\tPKD\t\t91.01.01.2009\n")        # no such desa
    with pytest.raises(IngestRejected) as rejected:
        ingest("supervisors", path)
    assert reasons(rejected) == {
        (4, "region_code", "a ptps supervises a polling_station, but this is a village code"),
        (5, "seat", "a panwascam has 3 seat(s)"),
        (6, "region_code", "unknown region or TPS code: not in the store"),
    }
    result = ingest("supervisors", path, Options(allow_partial=True))
    assert (result.rows_accepted, result.rows_rejected) == (2, 3)
    sup = schema.supervisor
    assert store.rows(sa.select(sup.c.supervisor_id, sup.c.body, sup.c.seat,
                                sup.c.polling_station_code, sup.c.village_code,
                                sup.c.district_code).where(sup.c.supervisor_id >= 20)
                      .order_by(sup.c.supervisor_id)) == [
        (20, "ptps", 1, "91.01.01.2002.001", "91.01.01.2002", "91.01.01"),
        (21, "panwascam", 3, None, None, "91.01.02"),
    ]


# ---------------------------------------------------------------------- obligations and reports


def test_obligations_take_body_and_region_from_their_supervisor(store, tmp_path):
    path = write(tmp_path, "kewajiban.csv", "id kewajiban,id pengawas,tahapan,batas waktu\n"
                                            "50,5,Masa Tenang,12/02/2024\n"
                                            "51,99,Kampanye,2024-02-17\n")
    with pytest.raises(IngestRejected) as rejected:
        ingest("report-obligations", path, Options(election="pilkada2024"))
    assert reasons(rejected) == {
        (3, "supervisor_id", "unknown supervisor: not in the store (load supervisors first)")}
    ingest("report-obligations", path, Options(election="pilkada2024", allow_partial=True))
    ob = schema.report_obligation
    assert store.rows(sa.select(ob.c.obligation_id, ob.c.body, ob.c.election, ob.c.stage,
                                ob.c.due_date, ob.c.village_code)
                      .where(ob.c.obligation_id == 50)) == [
        (50, "ptps", "pilkada2024", "quiet_period", dt.date(2024, 2, 12), "91.01.01.2001")]


def test_reports_replace_by_id_or_obligation_and_refresh_compliance(store, tmp_path):
    engine = make_engine(store.url, read_only=True)
    before = compliance.compliance_summary(engine=engine)
    engine.dispose()
    # Fixture: obligation 3 (a PKD, due 17 Feb) was never reported; obligation 1 has report 101.
    path = write(tmp_path, "lhp.csv", "id laporan,id kewajiban,nomor lhp,tanggal laporan,ada temuan\n"
                                      "300,3,003/LHP,2024-02-16,ya\n"
                                      "555,1,001/LHP-REV,2024-02-15,tidak\n")
    assert ingest("supervision-reports", path).rows_accepted == 2
    rep = schema.supervision_report
    rows = store.rows(sa.select(rep.c.report_id, rep.c.obligation_id, rep.c.has_findings)
                      .where(rep.c.obligation_id.in_([1, 3])).order_by(rep.c.obligation_id))
    assert rows == [(555, 1, False), (300, 3, True)]
    engine = make_engine(store.url, read_only=True)
    after = compliance.compliance_summary(engine=engine)
    engine.dispose()
    # One more report filed, on time; obligation 1 was on time before and still is.
    assert (after["filed"], after["on_time"]) == (before["filed"] + 1, before["on_time"] + 1)


def test_report_problems(store, tmp_path):
    path = write(tmp_path, "lhp.csv", "id laporan,id kewajiban,tanggal laporan\n"
                                      "300,3,2024-02-30\n301,3,2024-02-16\n302,77,2024-02-16\n"
                                      "0,4,2024-02-16\n")
    with pytest.raises(IngestRejected) as rejected:
        ingest("supervision-reports", path)
    assert reasons(rejected) == {
        (2, "submitted_on", "impossible date: that month has no such day"),
        (2, "obligation_id", "duplicate obligation_id (one report per obligation): also in row 3"),
        (3, "obligation_id", "duplicate obligation_id (one report per obligation): also in row 2"),
        (4, "obligation_id", "unknown obligation: not in the store's report schedule (load "
                             "report-obligations first)"),
        (5, "report_id", "must be 1 or more"),
    }


# ------------------------------------------------------------------------------------ violations


VIOLATIONS = ("nomor register;sumber;tahapan;terlapor;status registrasi;hasil kajian;"
              "jenis pelanggaran;diteruskan ke;tanggal kejadian;tanggal diterima;"
              "tanggal registrasi;tanggal putusan;tanggal diteruskan;kode wilayah\n")


def test_violations_in_bawaslu_vocabulary(store, tmp_path):
    path = write(tmp_path, "kasus.csv", VIOLATIONS
                 + "C9;Temuan;Masa Tenang;ASN;Diregistrasi;Pelanggaran;Hukum Lainnya;KASN;"
                   "11/02/2024;12/02/2024;13/02/2024;20/02/2024;21/02/2024;910102\n")
    ingest("violations", path)
    case = schema.violation_case
    assert store.rows(sa.select(case.c.case_id, case.c.election, case.c.source, case.c.stage,
                                case.c.reported_party, case.c.registration, case.c.finding,
                                case.c.category, case.c.forwarded_to, case.c.regency_code,
                                case.c.district_code).where(case.c.case_id == "C9")) == [
        ("C9", "pemilu2024", "temuan", "quiet_period", "civil_servant", "registered",
         "violation", "other_law", "KASN/BKN", "91.01", "91.01.02")]


def test_violation_workflow_must_hold_together(store, tmp_path):
    path = write(tmp_path, "kasus.csv", VIOLATIONS
                 + "X1;laporan;;;belum diregistrasi;pelanggaran;;;;2024-02-12;;;;91\n"
                 + "X2;laporan;;;diregistrasi;bukan pelanggaran;pidana;;;2024-02-12;;;;91\n"
                 + "X3;laporan;;;diregistrasi;;;;2024-02-13;2024-02-12;2024-02-11;;;91\n"
                 + "X4;aduan;;;diregistrasi;;;;;2024-02-12;;;;99\n")
    with pytest.raises(IngestRejected) as rejected:
        ingest("violations", path)
    assert reasons(rejected) == {
        (2, "finding", "a finding needs a registered case"),
        (3, "category", "a category needs the finding 'violation'"),
        (4, "received_on", "received_on is before occurred_on (2024-02-13)"),
        (4, "registered_on", "registered_on is before received_on (2024-02-12)"),
        (5, "source", "not a known source: expected one of laporan, temuan"),
        (5, "region_code", "unknown region code: not in the store's region list"),
    }


def test_a_number_too_large_for_the_store_is_a_rejected_cell(store, tmp_path):
    """3.000.000.000 voters at one TPS, or as many TPS in a recap (a NIK pasted into a count,
    say): the store's 32-bit column cannot hold it, so it is the cell's problem — it was a
    conversion error from the store that failed the load with a traceback, on both engines."""
    before = store.fingerprint()
    with pytest.raises(IngestRejected) as rejected:
        ingest("polling-stations", write(tmp_path, "tps.csv", "kode tps,jumlah pemilih\n"
                                                              "91.01.01.2001.001,3.000.000.000\n"))
    assert reasons(rejected) == {(2, "voters_total", "must be 2147483647 or less")}
    with pytest.raises(IngestRejected) as rejected:
        ingest("voter-recap", write(tmp_path, "rekap.csv", "kode,tahapan,total,jumlah tps\n"
                                                           "91.01,DPT,5,3000000000\n"))
    assert reasons(rejected) == {(2, "polling_stations", "must be 2147483647 or less")}
    assert store.fingerprint() == before
    assert store.left_behind() == []
