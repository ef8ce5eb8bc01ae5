"""More indexes for scoped queries, on PostgreSQL only: one kab/kota out of the whole country.

Every kab/kota page joins its kecamatan (``region`` by ``regency_code``) to their voters
(``polling_station`` by ``regency_code``), and a kecamatan page its desa (``region`` by
``district_code``). Without these indexes each of those read all 820,161 TPS rows: 110-176 ms per
violations table of one kab/kota on the national demo store, 3 ms with them. The anomaly and
voter-list tables are read by kab/kota and kecamatan the same way. DuckDB gets none (see 0003).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEXES = (("polling_station", "regency_code"), ("region", "regency_code"),
           ("region", "district_code"), ("anomaly_flag", "district_code"),
           ("voter_list_recap", "regency_code"))


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
