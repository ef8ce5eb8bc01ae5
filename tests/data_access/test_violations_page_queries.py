"""The Pelanggaran page's queries against the hand-made fixture, extended with the cases the page
needs and the shared fixture lacks: one handled by Bawaslu Provinsi (no kab/kota), one civil-
servant (ASN) neutrality violation, one not yet registered, one uncategorised violation that was
not forwarded, and a reported party on every case. Expected values are worked out by hand
(comments) or by plain Python over the rows below, never from the SQL under test."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from data_access import schema, violations
from data_access.engine import make_engine
from data_access.query import InvalidQuery
from data_access.store import bulk_insert, writing
from data_access.violations import CaseFilter
from tests import fixture_store
from tests.fixture_store import CUTOFF

# Same shape as fixture_store.CASES.
EXTRA_CASES = [
    ("C8", "pemilu2024", "laporan", "91", "registered", "in_process", None, None,
     date(2024, 2, 5), date(2024, 2, 6), None),
    ("C9", "pemilu2024", "temuan", "92.71.01.1001", "registered", "violation", "other_law",
     "KASN/BKN", date(2024, 2, 12), date(2024, 2, 12), date(2024, 2, 19)),
    ("C10", "pemilu2024", "laporan", "91.01", "pending", None, None, None,
     date(2024, 3, 4), None, None),
    ("C11", "pemilu2024", "laporan", "91.01.01.2002", "registered", "violation", None, None,
     date(2024, 1, 15), date(2024, 1, 16), date(2024, 1, 30)),
]
PARTY = {"C1": "election_official", "C2": "candidate", "C3": "election_official", "C4": None,
         "C5": "political_party", "C6": "candidate", "C7": "civil_servant", "C8": "candidate",
         "C9": "civil_servant", "C10": "other", "C11": "political_party"}
SUBCATEGORY = {"C7": "asn_neutrality", "C9": "asn_neutrality"}
FIELDS = ("case_id", "election", "source", "region_code", "registration", "finding", "category",
          "forwarded_to", "received_on", "registered_on", "decided_on")
DEPTH = {"province": 1, "regency": 2, "district": 3, "village": 4}


def rows(election: str = "pemilu2024") -> list[dict]:
    every = [dict(zip(FIELDS, c, strict=True)) for c in [*fixture_store.CASES, *EXTRA_CASES]]
    return [{**r, "reported_party": PARTY[r["case_id"]],
             "subcategory": SUBCATEGORY.get(r["case_id"])}
            for r in every if r["election"] == election]


def status(r: dict) -> str:
    return r["registration"] if r["registration"] != "registered" else r["finding"] or "in_process"


def in_scope(r: dict, scope: str | None) -> bool:
    return scope is None or r["region_code"] == scope or r["region_code"].startswith(scope + ".")


def overdue(r: dict, as_of: date = CUTOFF) -> bool:
    if r["registration"] != "registered":
        return False
    if r["decided_on"] is not None:
        return (r["decided_on"] - r["registered_on"]).days > 14
    return (as_of - r["registered_on"]).days > 14


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    frames = fixture_store.frames()
    extra = pl.DataFrame([
        {**dict(zip(FIELDS, c, strict=True)), **fixture_store._ancestry(c[3])}
        for c in EXTRA_CASES])
    cases = pl.concat([frames["violation_case"], extra], how="diagonal_relaxed")
    frames["violation_case"] = cases.with_columns(
        reported_party=pl.col("case_id").replace_strict(PARTY, return_dtype=pl.Utf8),
        subcategory=pl.col("case_id").replace_strict(SUBCATEGORY, default=None,
                                                     return_dtype=pl.Utf8))
    url = f"duckdb:///{tmp_path_factory.mktemp('violations') / 'extended.duckdb'}"
    with writing(url, fresh=True) as conn:
        for name, frame in frames.items():
            bulk_insert(conn, schema.metadata.tables[name], frame)
    eng = make_engine(url, read_only=True)
    yield eng
    eng.dispose()


@pytest.mark.parametrize("value", violations.CASE_STATUSES)
def test_status_filter_and_breakdown(engine, value):
    expected = sum(status(r) == value for r in rows())
    got = violations.violations_summary(filters=CaseFilter(status=value), engine=engine)
    assert got["cases"] == expected
    frame = violations.violations_breakdown("status", engine=engine)
    assert dict(frame.iter_rows()).get(value, 0) == expected


def test_status_counts_by_hand(engine):
    frame = violations.violations_breakdown("status", engine=engine)
    # pending C10; not registered C4; in process C5, C8; not a violation C2;
    # violation C1, C3, C6, C9, C11.
    assert dict(frame.iter_rows()) == {"pending": 1, "not_registered": 1, "in_process": 2,
                                       "not_violation": 1, "violation": 5}


def test_registration_and_reported_party_filters(engine):
    registered = CaseFilter(registration="registered")
    assert violations.violations_summary(filters=registered, engine=engine)["cases"] == sum(
        r["registration"] == "registered" for r in rows())
    candidate = CaseFilter(reported_party="candidate", source="laporan")
    assert violations.violations_summary(filters=candidate, engine=engine)["cases"] == 3  # C2 C6 C8
    parties = violations.violations_breakdown("reported_party", engine=engine)
    expected: dict[str | None, int] = {}
    for r in rows():
        expected[r["reported_party"]] = expected.get(r["reported_party"], 0) + 1
    assert dict(parties.iter_rows()) == expected


@pytest.mark.parametrize("bad", [CaseFilter(status="closed"), CaseFilter(registration="yes"),
                                 CaseFilter(reported_party="'; DROP TABLE violation_case; --")])
def test_unknown_filter_values_are_refused(engine, bad):
    with pytest.raises(InvalidQuery):
        violations.violations_summary(filters=bad, engine=engine)


def test_category_by_subcategory_shows_asn_neutrality(engine):
    frame = violations.violations_crosstab("category", "subcategory", engine=engine,
                                           filters=CaseFilter(finding="violation"))
    got = {(c, s): n for c, s, n in frame.iter_rows()}
    # C1 ethics, C3 administrative, C6 criminal, C9 other law (ASN), C11 not categorised.
    assert got == {("ethics", None): 1, ("administrative", None): 1, ("criminal", None): 1,
                   ("other_law", "asn_neutrality"): 1, (None, None): 1}
    with pytest.raises(InvalidQuery):
        violations.violations_crosstab("category", "category", engine=engine)


LEVEL_SCOPES = [("province", None), ("regency", None), ("regency", "91"), ("district", "91"),
                ("district", "91.01"), ("village", "91.01.01"), ("village", "92.71.01")]


@pytest.mark.parametrize("level,scope", LEVEL_SCOPES)
def test_table_rows_add_up_to_the_headline(engine, level, scope, monkeypatch):
    """Every case in the scope is in exactly one row: its region at ``level`` or, when a body
    above that level handles it, the row of that body's level. (Internal mode: publicly the
    kecamatan and desa rows this small are suppressed; tests/data_access/test_privacy.py.)"""
    monkeypatch.setenv("PANTAU_MODE", "internal")
    table = violations.violations_table(level, scope, as_of=CUTOFF, engine=engine)
    summary = violations.violations_summary(scope, engine=engine)
    mine = [r for r in rows() if in_scope(r, scope)]
    assert table["cases"].sum() == summary["cases"] == len(mine)
    for column in ("registered", "violations", "forwarded"):
        assert table[column].sum() == summary[column]
    assert table["overdue"].sum() == sum(overdue(r) for r in mine)
    depth = DEPTH[level]
    for row in table.iter_rows(named=True):
        if row["handled_at"] is None:
            here = [r for r in mine if in_scope(r, row["region_code"])
                    and r["region_code"].count(".") + 1 >= depth]
        else:
            assert row["region_code"] == scope and row["region_name"] is None
            assert row["voters"] is None and row["rate_per_100k"] is None
            here = [r for r in mine if r["region_code"].count(".") + 1 == DEPTH[row["handled_at"]]]
            assert DEPTH[row["handled_at"]] < depth
        assert row["cases"] == len(here), row
        assert row["overdue"] == sum(overdue(r) for r in here), row


def test_province_case_has_its_own_row_by_hand(engine):
    table = violations.violations_table("regency", "91", as_of=CUTOFF, engine=engine)
    got = {(r["region_code"], r["handled_at"]): r["cases"] for r in table.iter_rows(named=True)}
    # 91.01: C1 C2 C3 C10 C11; 91.02: C4; Bawaslu Provinsi 91: C8 (open since 6 Feb: overdue).
    assert got == {("91.01", None): 5, ("91.02", None): 1, ("91", "province"): 1}
    above = table.filter(pl.col("handled_at") == "province").row(0, named=True)
    assert above["overdue"] == 1 and above["registered"] == 1


def test_table_with_filters_and_rates(engine):
    laporan = CaseFilter(source="laporan")
    table = violations.violations_table("province", None, laporan, as_of=CUTOFF, engine=engine)
    got = dict(zip(table["region_code"], table["cases"], strict=True))
    assert got == {"91": 6, "92": 1}  # 91: C1 C2 C4 C8 C10 C11; 92: C6
    beta = table.filter(pl.col("region_code") == "92").row(0, named=True)
    assert beta["voters"] == 250 + 265
    assert beta["rate_per_100k"] == pytest.approx(100_000 / 515)


def test_handling_funnel_and_flows(engine):
    flows = violations.handling_flows(engine=engine)
    steps = violations.funnel_steps(flows)
    # 10 Pemilu cases; registered all but C4 and C10; violations C1 C3 C6 C9 C11; C11 not forwarded.
    assert steps == {"received": 10, "registered": 8, "violations": 5, "forwarded": 4}
    links = {(s, t): n for s, t, n in violations.flow_links(flows).iter_rows()}
    assert links == {
        ("received", "registered"): 8, ("received", "not_registered"): 1,
        ("received", "pending"): 1,
        ("registered", "violation"): 5, ("registered", "not_violation"): 1,
        ("registered", "in_process"): 2,
        ("violation", "DKPP"): 1, ("violation", "KPU"): 1, ("violation", "Sentra Gakkumdu"): 1,
        ("violation", "KASN/BKN"): 1, ("violation", "not_forwarded"): 1,
    }


def test_funnel_follows_the_filters(engine):
    flows = violations.handling_flows("91", CaseFilter(source="temuan"), engine=engine)
    assert violations.funnel_steps(flows) == {"received": 1, "registered": 1, "violations": 1,
                                              "forwarded": 1}  # C3 only


def test_decision_lead_times_by_hand(engine):
    by_registration = violations.decision_lead_times(engine=engine)
    # C6 3, C1 5, C9 7, C2 11, C11 14, C3 19 days after registration.
    assert dict(by_registration.iter_rows()) == {3: 1, 5: 1, 7: 1, 11: 1, 14: 1, 19: 1}
    by_receipt = violations.decision_lead_times(basis="receipt", engine=engine)
    # C6 4, C1 7, C9 7, C2 13, C11 15, C3 20 days after receipt.
    assert dict(by_receipt.iter_rows()) == {4: 1, 7: 2, 13: 1, 15: 1, 20: 1}
    with pytest.raises(InvalidQuery):
        violations.decision_lead_times(basis="occurrence", engine=engine)


def test_overdue_total_matches_the_lead_time_buckets(engine):
    buckets = dict(violations.lead_time_buckets(as_of=CUTOFF, engine=engine).iter_rows())
    # within 7: C1 C6 C9; extension: C2 C11; late: C3; open past the deadline: C5 C8.
    assert buckets == {"within_7": 3, "within_14": 2, "late": 1, "overdue_open": 2}
    table = violations.violations_table("province", as_of=CUTOFF, engine=engine)
    assert table["overdue"].sum() == buckets["late"] + buckets["overdue_open"]


def test_weekly_cases_follow_the_status_filter(engine):
    frame = violations.weekly_cases(filters=CaseFilter(status="violation"), engine=engine)
    assert frame["cases"].sum() == 5
    # C11 received Mon 15 Jan 2024 is the only violation in that week.
    assert frame.filter(pl.col("week") == date(2024, 1, 15))["cases"].to_list() == [1]
