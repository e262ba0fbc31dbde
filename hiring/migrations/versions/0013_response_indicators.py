"""writing indicators stored with responses

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Filled by a background job when an attempt closes; `hiring writing compute
    # --all-missing` fills them in for attempts closed before this column.
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('indicators', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('indicators')
