"""The integrated store (*satu data*): one SQLAlchemy Core ``MetaData`` for the whole domain.

Design choices, each for a reason:

* Portable types only (String, Integer, BigInteger, Date, DateTime, Boolean, Float, Text), and no
  auto-increment integers: DuckDB has no SERIAL, so ids are natural keys or are assigned by the
  loader, and the few surrogate keys use a ``Sequence``, which DuckDB and PostgreSQL both have.
* Every fact table carries its region's ancestor codes (``province_code`` … ``village_code``).
  Aggregating at any level is then a plain GROUP BY on one column, pushed down to the engine, with
  no recursive join through the region tree. Codes are canonical dotted Kemendagri codes.
* No personal data: voter records never enter the store. Anomaly results keep the source's own
  non-personal ``record_id`` and a keyed hash, never a NIK or a name (UU 27/2022).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()


def _ancestry(deepest: str) -> list[sa.Column]:
    """Ancestor code columns down to ``deepest``; finer columns exist but may be null."""
    names = ["province", "regency", "district", "village"]
    cols = []
    for name in names:
        required = names.index(name) <= names.index(deepest)
        cols.append(sa.Column(f"{name}_code", sa.String(20), nullable=not required))
    return cols


dataset = sa.Table(
    "dataset",
    metadata,
    sa.Column("dataset_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("synthetic", sa.Boolean, nullable=False),
    sa.Column("loaded_at", sa.DateTime, nullable=False),
    sa.Column("row_count", sa.BigInteger, nullable=False),
    sa.Column("note", sa.Text),
)

ingest_audit_id = sa.Sequence("ingest_audit_id_seq")
ingest_audit = sa.Table(
    "ingest_audit",
    metadata,
    sa.Column("audit_id", sa.BigInteger, ingest_audit_id, primary_key=True,
              server_default=ingest_audit_id.next_value()),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("file_sha256", sa.String(64)),
    sa.Column("rows_read", sa.BigInteger, nullable=False, default=0),
    sa.Column("rows_accepted", sa.BigInteger, nullable=False, default=0),
    sa.Column("rows_rejected", sa.BigInteger, nullable=False, default=0),
    sa.Column("status", sa.String(16), nullable=False),  # loaded / rejected / partial
    sa.Column("message", sa.Text),
)

# Wilayah: the election's region reference. ``vintage`` names the code list (2024 = the list KPU
# used for Pemilu 2024) so that a later list can sit beside it without silently replacing it.
region = sa.Table(
    "region",
    metadata,
    sa.Column("code", sa.String(20), primary_key=True),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("parent_code", sa.String(20)),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("vintage", sa.String(8), nullable=False),
    *_ancestry("province"),
)
sa.Index("ix_region_parent", region.c.parent_code)
sa.Index("ix_region_level", region.c.level)

# TPS (*tempat pemungutan suara*) with its final voter list (DPT) count.
polling_station = sa.Table(
    "polling_station",
    metadata,
    sa.Column("code", sa.String(24), primary_key=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("special", sa.Boolean, nullable=False),  # TPS 9xx: special-location TPS
    sa.Column("voters_male", sa.Integer),
    sa.Column("voters_female", sa.Integer),
    sa.Column("voters_total", sa.Integer),
    *_ancestry("village"),
)

# Pengawas: one row per supervisory post. A TPS without a PTPS row is unstaffed.
supervisor = sa.Table(
    "supervisor",
    metadata,
    sa.Column("supervisor_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("body", sa.String(24), nullable=False),
    sa.Column("seat", sa.Integer, nullable=False, default=1),  # Panwascam have three seats
    sa.Column("region_code", sa.String(24), nullable=False),  # region or TPS supervised
    sa.Column("polling_station_code", sa.String(24)),
    *_ancestry("province"),
)

# Who owes which LHP (Form A) by when: the denominator of compliance.
report_obligation = sa.Table(
    "report_obligation",
    metadata,
    sa.Column("obligation_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("supervisor_id", sa.BigInteger, nullable=False),
    sa.Column("body", sa.String(24), nullable=False),
    sa.Column("election", sa.String(16), nullable=False),
    sa.Column("stage", sa.String(24), nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    *_ancestry("province"),
)

# Laporan hasil pengawasan (LHP / Form A) actually filed against an obligation.
supervision_report = sa.Table(
    "supervision_report",
    metadata,
    sa.Column("report_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("obligation_id", sa.BigInteger, nullable=False, unique=True),
    sa.Column("report_number", sa.String(64)),
    sa.Column("submitted_on", sa.Date, nullable=False),
    sa.Column("has_findings", sa.Boolean, nullable=False, default=False),
)

# Pelanggaran: one row per case (laporan or temuan) with its workflow state.
violation_case = sa.Table(
    "violation_case",
    metadata,
    sa.Column("case_id", sa.String(64), primary_key=True),
    sa.Column("election", sa.String(16), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),  # laporan / temuan
    sa.Column("stage", sa.String(24)),
    sa.Column("reported_party", sa.String(32)),
    sa.Column("registration", sa.String(16), nullable=False),
    sa.Column("finding", sa.String(16)),  # null until registered
    sa.Column("category", sa.String(16)),  # set when the finding is a violation
    sa.Column("subcategory", sa.String(32)),  # e.g. asn_neutrality
    sa.Column("forwarded_to", sa.String(32)),
    sa.Column("occurred_on", sa.Date),
    sa.Column("received_on", sa.Date, nullable=False),
    sa.Column("registered_on", sa.Date),
    sa.Column("decided_on", sa.Date),
    sa.Column("forwarded_on", sa.Date),
    sa.Column("region_code", sa.String(20), nullable=False),
    *_ancestry("province"),
)

violation_event = sa.Table(
    "violation_event",
    metadata,
    sa.Column("case_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("event", sa.String(24), nullable=False),
    sa.Column("event_date", sa.Date, nullable=False),
    sa.Column("detail", sa.Text),
)

# Rekap daftar pemilih: voters per region per voter-list stage. Rows may sit at any level (a
# KPU recap per kab/kota, or per desa); queries read the finest level present.
voter_list_recap = sa.Table(
    "voter_list_recap",
    metadata,
    sa.Column("election", sa.String(16), primary_key=True),
    sa.Column("stage", sa.String(8), primary_key=True),
    sa.Column("region_code", sa.String(20), primary_key=True),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("voters_male", sa.BigInteger),
    sa.Column("voters_female", sa.BigInteger),
    sa.Column("voters_total", sa.BigInteger, nullable=False),
    sa.Column("polling_stations", sa.Integer),
    *_ancestry("province"),
)

# Adult population per region, where a figure exists: voters above it are an anomaly.
region_population = sa.Table(
    "region_population",
    metadata,
    sa.Column("region_code", sa.String(20), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("adults", sa.BigInteger, nullable=False),
    sa.Column("source", sa.Text),
)

anomaly_run = sa.Table(
    "anomaly_run",
    metadata,
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("records_scanned", sa.BigInteger),
    sa.Column("source", sa.Text),
)

# Anomali: one flag per rule hit, at region or record level, with evidence and a plain-language
# explanation. A record-level flag carries the source's record id and a keyed hash, never a NIK.
anomaly_flag = sa.Table(
    "anomaly_flag",
    metadata,
    sa.Column("flag_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("run_id", sa.String(40), nullable=False),
    sa.Column("rule_id", sa.String(40), nullable=False),
    sa.Column("severity", sa.String(8), nullable=False),  # high / medium / low
    sa.Column("subject_level", sa.String(16), nullable=False),  # record or a region level
    sa.Column("region_code", sa.String(24), nullable=False),
    sa.Column("record_id", sa.String(64)),
    sa.Column("record_key", sa.String(64)),
    sa.Column("stage", sa.String(8)),
    sa.Column("evidence", sa.Text, nullable=False),  # JSON of the numbers behind the flag
    sa.Column("explanation_id", sa.Text, nullable=False),
    sa.Column("explanation_en", sa.Text, nullable=False),
    *_ancestry("province"),
)

# What the demo generator planted, so detection and dashboards can be scored against it.
demo_ground_truth = sa.Table(
    "demo_ground_truth",
    metadata,
    sa.Column("domain", sa.String(24), primary_key=True),
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("subject", sa.String(64), primary_key=True),
    sa.Column("detail", sa.Text),
)

# Rollups: derived tables refreshed in the same transaction as every load that touches their
# sources (``data_access.rollups``). They hold the per-kecamatan aggregates that national and
# provincial views read, so a national map groups ~0.3 million rows instead of joining 6 million
# obligations to their reports on every request. Village-level views read the base tables.
compliance_rollup = sa.Table(
    "compliance_rollup",
    metadata,
    sa.Column("election", sa.String(16), nullable=False),
    sa.Column("stage", sa.String(24), nullable=False),
    sa.Column("body", sa.String(24), nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    *_ancestry("province")[:3],
    sa.Column("expected", sa.BigInteger, nullable=False),
    sa.Column("filed", sa.BigInteger, nullable=False),
    sa.Column("on_time", sa.BigInteger, nullable=False),
)

staffing_rollup = sa.Table(
    "staffing_rollup",
    metadata,
    *_ancestry("district")[:3],
    sa.Column("polling_stations", sa.BigInteger, nullable=False),
    sa.Column("tps_without_ptps", sa.BigInteger, nullable=False),
    sa.Column("villages", sa.BigInteger, nullable=False),
    sa.Column("villages_without_pkd", sa.BigInteger, nullable=False),
)

FACT_TABLES = (polling_station, supervisor, report_obligation, violation_case, voter_list_recap,
               anomaly_flag)

# One row per committed load (migration 0002). On a server store the newest ``load_id`` is the
# store's version, the cache key the dashboard compares (the embedded store's file identity plays
# that part on DuckDB); it is also the history of when the store changed.
store_load = sa.Table(
    "store_load",
    metadata,
    sa.Column("load_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("finished_at", sa.DateTime, nullable=False),
    sa.Column("revision", sa.String(32), nullable=False),  # the schema revision it was loaded at
)

# PostgreSQL only (migrations 0003, 0004): a drill-down reads one kab/kota or kecamatan out of
# millions of rows, which a row store answers from an index (1.2 s -> 3 ms for one kecamatan's
# obligations; 110-176 ms -> 3 ms for a kab/kota's violations beside its voters); DuckDB's column
# scans with zone maps need none, and an index there would only slow the loads.
for _table, _column in ((report_obligation, "regency_code"), (report_obligation, "district_code"),
                        (polling_station, "district_code"), (supervisor, "district_code"),
                        (voter_list_recap, "district_code"),
                        (polling_station, "regency_code"), (region, "regency_code"),
                        (region, "district_code"), (anomaly_flag, "district_code"),
                        (voter_list_recap, "regency_code")):
    sa.Index(f"ix_{_table.name}_{_column}", _table.c[_column]).ddl_if(dialect="postgresql")
del _table, _column
