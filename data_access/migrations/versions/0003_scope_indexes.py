"""Indexes for scoped (drill-down) queries, on PostgreSQL only.

A row store reads one kab/kota or kecamatan out of 6.3 million obligations from an index (one
kecamatan's compliance by desa: 1.2 s -> 3 ms measured on the national demo store); DuckDB scans
columns with zone maps and gets no index (it would only slow its loads).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEXES = (("report_obligation", "regency_code"), ("report_obligation", "district_code"),
           ("polling_station", "district_code"), ("supervisor", "district_code"),
           ("voter_list_recap", "district_code"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in INDEXES:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
