"""Baseline: the schema as it stood when migrations were introduced (frozen, not read from
``data_access.schema``, so that later edits there need a revision of their own).

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("ingest_audit_id_seq")))
    op.create_table('anomaly_flag',
    sa.Column('flag_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('rule_id', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('subject_level', sa.String(length=16), nullable=False),
    sa.Column('region_code', sa.String(length=24), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=True),
    sa.Column('record_key', sa.String(length=64), nullable=True),
    sa.Column('stage', sa.String(length=8), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('explanation_id', sa.Text(), nullable=False),
    sa.Column('explanation_en', sa.Text(), nullable=False),
    sa.Column('province_code', sa.String(length=20), nullable=False),
    sa.Column('regency_code', sa.String(length=20), nullable=True),
    sa.Column('district_code', sa.String(length=20), nullable=True),
    sa.Column('village_code', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('flag_id')
    )
    op.create_table('anomaly_run',
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('records_scanned', sa.BigInteger(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('run_id')
    )
    op.create_table('compliance_rollup',
    sa.Column('election', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=24), nullable=False),
    sa.Column('body', sa.String(length=24), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=20), nullable=False),
    sa.Column('regency_code', sa.String(length=20), nullable=True),
    sa.Column('district_code', sa.String(length=20), nullable=True),
    sa.Column('expected', sa.BigInteger(), nullable=False),
    sa.Column('filed', sa.BigInteger(), nullable=False),
    sa.Column('on_time', sa.BigInteger(), nullable=False)
    )
    op.create_table('dataset',
    sa.Column('dataset_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.Column('row_count', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('dataset_id')
    )
    op.create_table('demo_ground_truth',
    sa.Column('domain', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('domain', 'kind', 'subject')
    )
    op.create_table('ingest_audit',
    sa.Column('audit_id', sa.BigInteger(), nullable=False,
              server_default=sa.text("nextval('ingest_audit_id_seq')")),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('rows_read', sa.BigInteger(), nullable=False),
    sa.Column('rows_accepted', sa.BigInteger(), nullable=False),
    sa.Column('rows_rejected', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('audit_id')
    )
    op.create_table('polling_station',
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('special', sa.Boolean(), nullable=False),
    sa.Column('voters_male', sa.Integer(), nullable=True),
    sa.Column('voters_female', sa.Integer(), nullable=True),
    sa.Column('voters_total', sa.Integer(), nullable=True),
    sa.Column('province_code', sa.String(length=20), nullable=False),
    sa.Column('regency_code', sa.String(length=20), nullable=False),
    sa.Column('district_code', sa.String(length=20), nullable=False),
    sa.Column('village_code', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('region',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=20), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('vintage', sa.String(length=8), nullable=False),
    sa.Column('province_code', sa.String(length=20), nullable=False),
    sa.Column('regency_code', sa.String(length=20), nullable=True),
    sa.Column('district_code', sa.String(length=20), nullable=True),
    sa.Column('village_code', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_index('ix_region_level', 'region', ['level'], unique=False)
    op.create_index('ix_region_parent', 'region', ['parent_code'], unique=False)
    op.create_table('region_population',
    sa.Column('region_code', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('adults', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('region_code', 'year')
    )
    op.create_table('report_obligation',
    sa.Column('obligation_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('supervisor_id', sa.BigInteger(), nullable=False),
    sa.Column('body', sa.String(length=24), nullable=False),
    sa.Column('election', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=24), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=20), nullable=False),
    sa.Column('regency_code', sa.String(length=20), nullable=True),
    sa.Column('district_code', sa.String(length=20), nullable=True),
    sa.Column('village_code', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('obligation_id')
    )
    op.create_table('staffing_rollup',
    sa.Column('province_code', sa.String(length=20), nullable=False),
    sa.Column('regency_code', sa.String(length=20), nullable=False),
    sa.Column('district_code', sa.String(length=20), nullable=False),
    sa.Column('polling_stations', sa.BigInteger(), nullable=False),
    sa.Column('tps_without_ptps', sa.BigInteger(), nullable=False),
    sa.Column('villages', sa.BigInteger(), nullable=False),
    sa.Column('villages_without_pkd', sa.BigInteger(), nullable=False)
    )
    op.create_table('supervision_report',
    sa.Column('report_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('obligation_id', sa.BigInteger(), nullable=False),
    sa.Column('report_number', sa.String(length=64), nullable=True),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('has_findings', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('report_id'),
    sa.UniqueConstraint('obligation_id')
    )
    op.create_table('supervisor',
    sa.Column('supervisor_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('body', sa.String(length=24), nullable=False),
    sa.Column('seat', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=24), nullable=False),
    sa.Column('polling_station_code', sa.String(length=24), nullable=True),
    sa.Column('province_code', sa.String(length=20), nullable=False),
    sa.Column('regency_code', sa.String(length=20), nullable=True),
    sa.Column('district_code', sa.String(length=20), nullable=True),
    sa.Column('village_code', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('supervisor_id')
    )
    op.create_table('violation_case',
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('election', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=24), nullable=True),
    sa.Column('reported_party', sa.String(length=32), nullable=True),
    sa.Column('registration', sa.String(length=16), nullable=False),
    sa.Column('finding', sa.String(length=16), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=True),
    sa.Column('subcategory', sa.String(length=32), nullable=True),
    sa.Column('forwarded_to', sa.String(length=32), nullable=True),
    sa.Column('occurred_on', sa.Date(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('forwarded_on', sa.Date(), nullable=True),
    sa.Column('region_code', sa.String(length=20), nullable=False),
    sa.Column('province_code', sa.String(length=20), nullable=False),
    sa.Column('regency_code', sa.String(length=20), nullable=True),
    sa.Column('district_code', sa.String(length=20), nullable=True),
    sa.Column('village_code', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_table('violation_event',
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event', sa.String(length=24), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('case_id', 'seq')
    )
    op.create_table('voter_list_recap',
    sa.Column('election', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=8), nullable=False),
    sa.Column('region_code', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('voters_male', sa.BigInteger(), nullable=True),
    sa.Column('voters_female', sa.BigInteger(), nullable=True),
    sa.Column('voters_total', sa.BigInteger(), nullable=False),
    sa.Column('polling_stations', sa.Integer(), nullable=True),
    sa.Column('province_code', sa.String(length=20), nullable=False),
    sa.Column('regency_code', sa.String(length=20), nullable=True),
    sa.Column('district_code', sa.String(length=20), nullable=True),
    sa.Column('village_code', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('election', 'stage', 'region_code')
    )


def downgrade() -> None:
    op.drop_table('voter_list_recap')
    op.drop_table('violation_event')
    op.drop_table('violation_case')
    op.drop_table('supervisor')
    op.drop_table('supervision_report')
    op.drop_table('staffing_rollup')
    op.drop_table('report_obligation')
    op.drop_table('region_population')
    op.drop_index('ix_region_parent', table_name='region')
    op.drop_index('ix_region_level', table_name='region')
    op.drop_table('region')
    op.drop_table('polling_station')
    op.drop_table('ingest_audit')
    op.drop_table('demo_ground_truth')
    op.drop_table('dataset')
    op.drop_table('compliance_rollup')
    op.drop_table('anomaly_run')
    op.drop_table('anomaly_flag')
    op.execute(sa.schema.DropSequence(sa.Sequence("ingest_audit_id_seq")))
