"""store_load: one row per committed load, the server store's cache version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_load",
        sa.Column("load_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("load_id"),
    )


def downgrade() -> None:
    op.drop_table("store_load")
