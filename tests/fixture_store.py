"""A small hand-made store: few enough rows that every expected answer can be worked out by
hand, or by plain Python over these lists, independently of the SQL under test."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from data_access import schema
from data_access.store import bulk_insert, writing
from pantau.reference import with_ancestry

REGIONS = [
    ("91", "province", None, "PROVINSI ALFA"),
    ("91.01", "regency", "91", "KAB. SATU"),
    ("91.02", "regency", "91", "KAB. DUA"),
    ("91.01.01", "district", "91.01", "KEC. SATU A"),
    ("91.01.02", "district", "91.01", "KEC. SATU B"),
    ("91.02.01", "district", "91.02", "KEC. DUA A"),
    ("91.01.01.2001", "village", "91.01.01", "DESA SATU A1"),
    ("91.01.01.2002", "village", "91.01.01", "DESA SATU A2"),
    ("91.01.02.2001", "village", "91.01.02", "DESA SATU B1"),
    ("91.02.01.2001", "village", "91.02.01", "DESA DUA A1"),
    ("92", "province", None, "PROVINSI BETA"),
    ("92.71", "regency", "92", "KOTA TUJUH"),
    ("92.71.01", "district", "92.71", "KEC. TUJUH A"),
    ("92.71.01.1001", "village", "92.71.01", "KEL. TUJUH A1"),
]

# (TPS code, male, female)
POLLING_STATIONS = [
    ("91.01.01.2001.001", 100, 110),
    ("91.01.01.2001.002", 120, 90),
    ("91.01.01.2002.001", 80, 85),
    ("91.01.02.2001.001", 140, 150),
    ("91.02.01.2001.001", 60, 70),
    ("91.02.01.2001.901", 20, 5),
    ("92.71.01.1001.001", 130, 120),
    ("92.71.01.1001.002", 125, 140),
]

# (village, stage, male, female) for pemilu2024; DPT equals the TPS sums above.
RECAP = [
    ("91.01.01.2001", "DP4", 215, 195), ("91.01.01.2001", "DPS", 222, 203),
    ("91.01.01.2001", "DPSHP", 221, 201), ("91.01.01.2001", "DPT", 220, 200),
    ("91.01.01.2002", "DP4", 79, 84), ("91.01.01.2002", "DPS", 81, 86),
    ("91.01.01.2002", "DPSHP", 80, 85), ("91.01.01.2002", "DPT", 80, 85),
    ("91.01.02.2001", "DP4", 138, 149), ("91.01.02.2001", "DPS", 160, 170),
    ("91.01.02.2001", "DPSHP", 141, 151), ("91.01.02.2001", "DPT", 140, 150),
    ("91.02.01.2001", "DP4", 82, 75), ("91.02.01.2001", "DPS", 81, 76),
    ("91.02.01.2001", "DPSHP", 80, 75), ("91.02.01.2001", "DPT", 80, 75),
    ("92.71.01.1001", "DP4", 250, 259), ("92.71.01.1001", "DPS", 256, 262),
    ("92.71.01.1001", "DPSHP", 255, 260), ("92.71.01.1001", "DPT", 255, 260),
]

# (supervisor id, body, region or TPS code)
SUPERVISORS = [
    (1, "bawaslu_province", "91"), (2, "bawaslu_regency", "91.01"),
    (3, "pkd", "91.01.01.2001"), (4, "pkd", "91.01.02.2001"),
    (5, "ptps", "91.01.01.2001.001"), (6, "ptps", "91.01.01.2001.002"),
    (7, "ptps", "91.01.02.2001.001"), (8, "ptps", "92.71.01.1001.001"),
    (9, "pkd", "92.71.01.1001"),
]

# (obligation id, supervisor id, election, stage, due date, submitted on or None)
OBLIGATIONS = [
    (1, 1, "pemilu2024", "campaign", date(2024, 2, 17), date(2024, 2, 16)),
    (2, 2, "pemilu2024", "campaign", date(2024, 2, 17), date(2024, 2, 20)),
    (3, 3, "pemilu2024", "campaign", date(2024, 2, 17), None),
    (4, 4, "pemilu2024", "campaign", date(2024, 2, 17), date(2024, 2, 17)),
    (5, 5, "pemilu2024", "voting", date(2024, 2, 15), date(2024, 2, 15)),
    (6, 6, "pemilu2024", "voting", date(2024, 2, 15), None),
    (7, 7, "pemilu2024", "voting", date(2024, 2, 15), date(2024, 2, 18)),
    (8, 8, "pemilu2024", "voting", date(2024, 2, 15), date(2024, 2, 14)),
    (9, 9, "pemilu2024", "campaign", date(2024, 2, 17), None),
    (10, 5, "pilkada2024", "voting", date(2024, 11, 28), date(2024, 11, 28)),
]

# (case id, election, source, region code, registration, finding, category, forwarded_to,
#  received, registered, decided)
CASES = [
    ("C1", "pemilu2024", "laporan", "91.01", "registered", "violation", "ethics", "DKPP",
     date(2024, 1, 8), date(2024, 1, 10), date(2024, 1, 15)),
    ("C2", "pemilu2024", "laporan", "91.01.01", "registered", "not_violation", None, None,
     date(2024, 1, 9), date(2024, 1, 11), date(2024, 1, 22)),
    ("C3", "pemilu2024", "temuan", "91.01.02.2001", "registered", "violation", "administrative",
     "KPU", date(2024, 2, 14), date(2024, 2, 15), date(2024, 3, 5)),
    ("C4", "pemilu2024", "laporan", "91.02", "not_registered", None, None, None,
     date(2024, 2, 20), None, None),
    ("C5", "pemilu2024", "temuan", "92.71", "registered", "in_process", None, None,
     date(2024, 2, 1), date(2024, 2, 2), None),
    ("C6", "pemilu2024", "laporan", "92.71.01", "registered", "violation", "criminal",
     "Sentra Gakkumdu", date(2024, 2, 26), date(2024, 2, 27), date(2024, 3, 1)),
    ("C7", "pilkada2024", "laporan", "91.01", "registered", "violation", "other_law", "KASN/BKN",
     date(2024, 10, 1), date(2024, 10, 2), date(2024, 10, 8)),
]
CUTOFF = date(2024, 3, 6)

# (flag id, rule, level, region code, record id)
FLAGS = [
    (1, "duplicate_nik", "record", "91.01.01.2001", "r1"),
    (2, "underage", "record", "91.01.01.2001", "r2"),
    (3, "underage", "record", "91.01.02.2001", "r3"),
    (4, "stage_growth", "district", "91.01.02", None),
    (5, "tps_overfull", "record", "92.71.01.1001", "r9"),
]


def _ancestry(code: str) -> dict[str, str | None]:
    parts = code.split(".")
    return {f"{lv}_code": ".".join(parts[: i + 1]) if len(parts) > i else None
            for i, lv in enumerate(("province", "regency", "district", "village"))}


def frames() -> dict[str, pl.DataFrame]:
    regions = with_ancestry(pl.DataFrame(
        REGIONS, schema=["code", "level", "parent_code", "name"], orient="row",
    ).with_columns(vintage=pl.lit("2024")))
    stations = pl.DataFrame([
        {"code": c, "number": int(c[-3:]), "special": c.endswith("901"), "voters_male": m,
         "voters_female": f, "voters_total": m + f, **_ancestry(c[:13])}
        for c, m, f in POLLING_STATIONS
    ])
    recap = pl.DataFrame([
        {"election": "pemilu2024", "stage": s, "region_code": v, "level": "village",
         "voters_male": m, "voters_female": f, "voters_total": m + f,
         "polling_stations": sum(1 for c, *_ in POLLING_STATIONS if c.startswith(v)),
         **_ancestry(v)}
        for v, s, m, f in RECAP
    ])
    body_of = {sid: (body, code) for sid, body, code in SUPERVISORS}
    supervisors = pl.DataFrame([
        {"supervisor_id": sid, "body": body, "seat": 1, "region_code": code,
         "polling_station_code": code if body == "ptps" else None, **_ancestry(code[:13])}
        for sid, body, code in SUPERVISORS
    ])
    obligations = pl.DataFrame([
        {"obligation_id": oid, "supervisor_id": sid, "body": body_of[sid][0], "election": el,
         "stage": st, "due_date": due, **_ancestry(body_of[sid][1][:13])}
        for oid, sid, el, st, due, _ in OBLIGATIONS
    ])
    reports = pl.DataFrame([
        {"report_id": 100 + oid, "obligation_id": oid, "report_number": f"{oid}/LHP",
         "submitted_on": sub, "has_findings": False}
        for oid, _, _, _, _, sub in OBLIGATIONS if sub is not None
    ])
    cases = pl.DataFrame([
        {"case_id": cid, "election": el, "source": src, "region_code": code,
         "registration": reg, "finding": fin, "category": cat, "forwarded_to": fwd,
         "received_on": rec, "registered_on": regd, "decided_on": dec, **_ancestry(code)}
        for cid, el, src, code, reg, fin, cat, fwd, rec, regd, dec in CASES
    ])
    flags = pl.DataFrame([
        {"flag_id": fid, "run_id": "t", "rule_id": rule, "severity": "high",
         "subject_level": lvl, "region_code": code, "record_id": rid, "evidence": "{}",
         "explanation_id": "-", "explanation_en": "-", **_ancestry(code)}
        for fid, rule, lvl, code, rid in FLAGS
    ])
    return {"region": regions, "polling_station": stations, "voter_list_recap": recap,
            "supervisor": supervisors, "report_obligation": obligations,
            "supervision_report": reports, "violation_case": cases, "anomaly_flag": flags}


def build(path: Path) -> str:
    url = f"duckdb:///{path}"
    with writing(url, fresh=True) as conn:
        for name, frame in frames().items():
            bulk_insert(conn, schema.metadata.tables[name], frame)
    return url
