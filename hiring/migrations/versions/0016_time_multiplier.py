"""a time multiplier per invitation (an accommodation)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_multiplier', sa.Float(), nullable=False,
                                      server_default='1'))
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.alter_column('time_multiplier', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('time_multiplier')
