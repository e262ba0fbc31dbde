"""attempt stage index: the pipeline's counts by stage read an index, not the rows

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 03:00:00
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_assessment_stage',
                              ['assessment_id', 'state', 'expires_at', 'scored_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_assessment_stage')
