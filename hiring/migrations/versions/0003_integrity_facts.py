"""integrity facts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 01:34:05.479712
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('focus_losses', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))
        batch_op.add_column(sa.Column('paste_count', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))
        batch_op.add_column(sa.Column('ip_addresses', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('user_agents', sa.JSON(), nullable=True))

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paste_count', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))
        batch_op.add_column(sa.Column('pasted_chars', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('pasted_chars')
        batch_op.drop_column('paste_count')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('user_agents')
        batch_op.drop_column('ip_addresses')
        batch_op.drop_column('paste_count')
        batch_op.drop_column('focus_losses')
