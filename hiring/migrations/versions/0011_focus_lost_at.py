"""when an attempt's last focus loss was counted (to refuse a burst of reports)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 20:00:00
"""
from alembic import op
import sqlalchemy as sa
import hiring.models


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('focus_lost_at', hiring.models.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('focus_lost_at')
