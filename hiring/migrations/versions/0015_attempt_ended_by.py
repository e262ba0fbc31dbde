"""what closed an attempt: the candidate, the clock, or HR

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_by', sa.String(length=20), nullable=True))
    # Attempts closed before this column: what their times tell. A submit after the
    # deadline was the clock's (the page's timer and the server are not told apart).
    op.execute(
        "UPDATE attempt SET ended_by = CASE"
        " WHEN revoked_at IS NOT NULL THEN 'cancelled'"
        " WHEN deadline_at IS NOT NULL AND submitted_at > deadline_at THEN 'deadline'"
        " ELSE 'candidate' END"
        " WHERE submitted_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('ended_by')
