"""simulated attempts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 19:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('simulated', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Attempts made by `hiring simulate` before this column have example.com addresses
    # and no creator; mark them so they leave the norm groups.
    op.execute("UPDATE attempt SET simulated = true WHERE created_by IS NULL "
               "AND candidate_email LIKE '%@example.com'")


def downgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('simulated')
